/**
 * The headless status line: per symbol the spread both ways (from the quote board), rounds,
 * PnL, tick-to-wire p50/p99 (the headline latency: feed frame in → order bytes out) and feed states, in one compact line every few seconds.
 */
import { QuoteBoard, B_ASK_PX, B_BID_PX, B_FLAGS } from '../core/quote-board.js';
import { FLAG_USABLE, VENUE_BINANCE, VENUE_BYBIT } from '../core/records.js';

export interface StatusInputs {
  symbols: readonly string[];
  board: QuoteBoard;
  strategy: Record<string, number> | undefined;
  feeds: Record<string, Record<string, number> | undefined>;
  /** tick_to_wire totals since start (null before the first order). */
  tickToWire: { p50: number; p99: number; count: number } | null;
  uptimeMs: number;
}

function bps(sell: number, buy: number): number {
  return buy > 0 && sell > 0 ? ((sell - buy) / buy) * 1e4 : NaN;
}

function fmtBps(v: number): string {
  return Number.isFinite(v) ? v.toFixed(1) : '-';
}

function fmtUs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(1)}ms` : `${(ns / 1e3).toFixed(1)}µs`;
}

/** Raw touch-to-touch spread in bps both ways (before fees) per symbol, read under the seqlock. */
export function boardSpreads(board: QuoteBoard, nSymbols: number): Array<{ bnToBy: number; byToBn: number; usable: boolean }> {
  const a = new Float64Array(board.entryWords);
  const b = new Float64Array(board.entryWords);
  const out = [];
  for (let s = 0; s < nSymbols; s++) {
    const okA = board.read(VENUE_BINANCE, s, a);
    const okB = board.read(VENUE_BYBIT, s, b);
    out.push({
      // buy on Binance at its ask, sell on Bybit at its bid, and the reverse
      bnToBy: okA && okB ? bps(b[B_BID_PX]!, a[B_ASK_PX]!) : NaN,
      byToBn: okA && okB ? bps(a[B_BID_PX]!, b[B_ASK_PX]!) : NaN,
      usable: okA && okB && (a[B_FLAGS]! & FLAG_USABLE) !== 0 && (b[B_FLAGS]! & FLAG_USABLE) !== 0,
    });
  }
  return out;
}

export function formatStatusLine(x: StatusInputs): string {
  const parts: string[] = [];
  const spreads = boardSpreads(x.board, x.symbols.length);
  x.symbols.forEach((sym, i) => {
    const s = spreads[i]!;
    parts.push(`${sym} bn>by ${fmtBps(s.bnToBy)} by>bn ${fmtBps(s.byToBn)}bps${s.usable ? '' : ' (unusable)'}`);
  });
  const st = x.strategy ?? {};
  parts.push(`rounds ${st.roundsClosed ?? 0} (${st.leggedRounds ?? 0} legged)`);
  parts.push(`pnl ${(st.realized_pnl ?? 0).toFixed(2)}`);
  if (st.halted) parts.push('HALTED');
  if (x.tickToWire && x.tickToWire.count > 0) {
    parts.push(`tick>wire p50 ${fmtUs(x.tickToWire.p50)} p99 ${fmtUs(x.tickToWire.p99)}`);
  }
  const feeds = Object.entries(x.feeds).map(([name, c]) => {
    if (!c) return `${name}:starting`;
    const state = c.connected ? (c.usable_books === c.books ? 'ok' : `${c.usable_books}/${c.books} books`) : 'down';
    return `${name}:${state}`;
  });
  parts.push(`feeds ${feeds.join(' ')}`);
  return parts.join(' | ');
}
