/**
 * Growing the typed-array rings of the backtest's queues (local-feed.ts, venue-inbox.ts): entries
 * of `words` doubles, `size` of them from slot `head` of a ring of `cap` slots.
 */

/** A ring twice as large holding the same entries from slot 0, in order. */
export function grownRing(buf: Float64Array, cap: number, head: number, size: number, words: number): Float64Array {
  const next = new Float64Array(cap * 2 * words);
  for (let i = 0; i < size; i++) {
    const from = ((head + i) % cap) * words;
    next.set(buf.subarray(from, from + words), i * words);
  }
  return next;
}
