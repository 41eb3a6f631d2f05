/**
 * The journal's `equity` and `spread` entries, from the strategy's own state, so the backtest
 * engine and the paper/live strategy worker write the same lines (docs/report.md) and the report
 * has every chart in every mode. Not on the hot path: called on a timer (every
 * equity interval) and after each closed round.
 *
 *   equity  { equity, exposure{symbol}, drawdown, balances{venue:{quote, base{symbol}}}, marks{venue:{symbol: mid}} }
 *           drawdown = (running peak equity − equity) / start equity (over equity marked at mid; the
 *           risk rule's max_drawdown uses the same formula over realized + open-round PnL: PnlDrawdown)
 *   spread  { symbol, ab_bps, ba_bps, threshold_bps } per symbol priced on both venues, both
 *           directions (ab: buy binance / sell bybit), net of fees and slippage as the strategy sees them
 */
import { VENUE_BINANCE, VENUE_BYBIT, VENUE_COUNT, VENUE_NAMES } from '../core/records.js';
import type { ArbitrageStrategy } from '../strategy/arbitrage.js';
import { edgeBps } from '../strategy/spread.js';
import type { JournalEntry } from './journal-entries.js';

/** The `equity` entry now, or null while the equity cannot be valued (a held symbol without a price). */
export function equityEntry(s: ArbitrageStrategy, symbols: readonly string[], ns: number): JournalEntry | null {
  const equity = s.equity();
  if (Number.isNaN(equity)) return null;
  const dd = s.drawdown;
  const exposure: Record<string, number> = {};
  for (let k = 0; k < symbols.length; k++) exposure[symbols[k]!] = s.positions.netExposure(k);
  const balances: Record<string, { quote: number; base: Record<string, number> }> = {};
  const marks: Record<string, Record<string, number>> = {};
  for (let v = 0; v < VENUE_COUNT; v++) {
    const base: Record<string, number> = {};
    const mark: Record<string, number> = {};
    for (let k = 0; k < symbols.length; k++) {
      base[symbols[k]!] = s.positions.base(v, k);
      const m = s.books.mid(v, k);
      if (m > 0) mark[symbols[k]!] = m;
    }
    balances[VENUE_NAMES[v]!] = { quote: s.positions.quote(v), base };
    marks[VENUE_NAMES[v]!] = mark;
  }
  const peak = dd.peakEquity > equity ? dd.peakEquity : equity;
  const drawdown = dd.startEquity > 0 ? (peak - equity) / dd.startEquity : 0;
  return { type: 'equity', ns, equity, exposure, drawdown, balances, marks };
}

/** One `spread` entry per symbol with both venues priced, from the strategy's (local) view. */
export function spreadEntries(s: ArbitrageStrategy, symbols: readonly string[], ns: number): JournalEntry[] {
  const out: JournalEntry[] = [];
  const c = s.config;
  const b = s.books;
  const fa = c.takerFee[VENUE_BINANCE]!;
  const fb = c.takerFee[VENUE_BYBIT]!;
  for (let k = 0; k < symbols.length; k++) {
    const aa = b.askPx(VENUE_BINANCE, k);
    const ab = b.bidPx(VENUE_BINANCE, k);
    const ya = b.askPx(VENUE_BYBIT, k);
    const yb = b.bidPx(VENUE_BYBIT, k);
    if (!(aa > 0 && ab > 0 && ya > 0 && yb > 0)) continue;
    out.push({
      type: 'spread', ns, symbol: symbols[k],
      ab_bps: edgeBps(aa, yb, fa, fb, c.slippage),
      ba_bps: edgeBps(ya, ab, fb, fa, c.slippage),
      threshold_bps: c.minSpreadBps,
    });
  }
  return out;
}

/**
 * For the paper/live strategy worker: writes equity + spreads every `everyNs` of its clock
 * (time comes in; no clock read here).
 */
export class EquitySampler {
  private nextNs = 0;

  constructor(private readonly s: ArbitrageStrategy, private readonly symbols: readonly string[],
    private readonly everyNs: number, private readonly write: (e: JournalEntry) => void) {}

  /** Call often (e.g. once per duty-cycle slice); writes when an interval has passed. */
  poll(nowNs: number): void {
    if (nowNs < this.nextNs) return;
    const e = equityEntry(this.s, this.symbols, nowNs);
    if (e === null) return; // not priced yet: try again next poll
    this.nextNs = nowNs + this.everyNs;
    this.write(e);
    for (const sp of spreadEntries(this.s, this.symbols, nowNs)) this.write(sp);
  }

  /**
   * Before any other line of the strategy's: the first equity entry, if the books are priced
   * and none was written yet, so the journal's run_start gets its start_equity from it
   * (src/report/run-start-line.ts) before the first intent or risk entry.
   */
  first(nowNs: number): void {
    if (this.nextNs === 0) this.poll(nowNs);
  }

  /** After a closed round: one equity entry at once (the backtest does the same). */
  now(nowNs: number): void {
    const e = equityEntry(this.s, this.symbols, nowNs);
    if (e !== null) this.write(e);
  }
}
