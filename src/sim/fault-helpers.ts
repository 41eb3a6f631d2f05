/**
 * The FaultTarget steps that both venue personalities carry out the same way, whatever their
 * socket and symbol state types: drop every connection, freeze a symbol's market data.
 */

/** Closes every socket of the set; returns how many there were. */
export function closeEvery(sockets: Set<{ close(): void }>): number {
  const n = sockets.size;
  // a copy: each close handler removes its socket from the set
  for (const ws of Array.from(sockets)) ws.close();
  return n;
}

/** Stops market data of one symbol (index) or of all (symbol < 0) until `untilMs` (simulated). */
export function stallSymbols(symbols: readonly { stalledUntil: number }[], symbol: number, untilMs: number): void {
  for (let s = 0; s < symbols.length; s++) if (symbol < 0 || s === symbol) symbols[s]!.stalledUntil = untilMs;
}
