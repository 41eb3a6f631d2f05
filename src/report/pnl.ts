/**
 * Strategy PnL apart from inventory PnL, from the journal's fills alone (every mode writes
 * the same `report` entries), and the ratios computed on an equity series. Formulas in
 * docs/report.md ("Strategy PnL" and "Ratios").
 *
 * Per round (the fills sharing a pair_id):
 *   matched m    = min(Σ leg_buy qty, Σ leg_sell qty)
 *   arbitrage    = m × (VWAP of leg_sell − VWAP of leg_buy)
 *   legging      = cash of all the round's fills (sells − buys, hedges and unwinds included)
 *                  + net base left × the round's last fill price − arbitrage
 *                  (the residual is marked at the last fill: what it does afterwards is inventory)
 * (a report without a role takes its intent's; without either, buys and sells count as legs)
 *   fees         = every fill's fee converted to quote: quote as is, base × the fill price,
 *                  a third asset (e.g. BNB) × its price (the entry's fee_quote, else
 *                  run_start.fee_prices[asset]); unconverted fees are listed in a warning
 *   round PnL    = arbitrage + legging − fees, booked at the round's round_closed (else last fill)
 * Strategy PnL = Σ round PnL. Total PnL = end equity − start equity; inventory PnL = total −
 * strategy; PnL vs hold = end equity − the starting balances valued at the last marks.
 */
import type { JournalEntry } from './performance.js';

export interface FeeByAsset {
  asset: string;
  amount: number;
  /** Quote equivalent; null when no price was known for a third asset. */
  quote: number | null;
}

export interface RoundPnl {
  pairId: string;
  ns: number;
  fills: number;
  arbitrage: number;
  legging: number;
  feesQuote: number;
  pnl: number;
}

export interface StrategyPnl {
  arbitragePnl: number;
  leggingPnl: number;
  /** Σ fees in quote (converted; unconverted third-asset fees excluded, see warnings). */
  feesQuote: number;
  feesByAsset: FeeByAsset[];
  /** arbitrage + legging − fees. */
  strategyPnl: number;
  rounds: RoundPnl[];
  /** Rounds opened (round_opened) or seen in intents, with no fill at all. */
  unfilledRounds: number;
  warnings: string[];
}

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'USD', 'EUR', 'BTC', 'ETH', 'BNB'];

/** BTCUSDT → { base: 'BTC', quote: 'USDT' } (known quote suffixes); '' when unknown. */
export function splitSymbolAssets(symbol: string): { base: string; quote: string } {
  const s = symbol.toUpperCase();
  for (const q of QUOTES) if (s.length > q.length && s.endsWith(q)) return { base: s.slice(0, -q.length), quote: q };
  return { base: '', quote: '' };
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : NaN;
}

interface RoundAcc {
  buyQty: number; buyNotional: number; sellQty: number; sellNotional: number;
  cash: number; netBase: number; lastPx: number; fees: number; fills: number; lastNs: number; closeNs: number;
}

/** `entries` already normalized (normalizeEntries). */
export function strategyPnlOf(entries: readonly JournalEntry[]): StrategyPnl {
  const start = entries.find((e) => e.type === 'run_start');
  const feePrices = (start?.fee_prices ?? {}) as Record<string, unknown>;
  const rounds = new Map<string, RoundAcc>();
  const seen = new Set<string>();
  const fees = new Map<string, FeeByAsset>();
  const unconverted = new Map<string, number>();
  const acc = (id: string): RoundAcc => {
    let r = rounds.get(id);
    if (r === undefined) {
      r = { buyQty: 0, buyNotional: 0, sellQty: 0, sellNotional: 0, cash: 0, netBase: 0, lastPx: 0, fees: 0, fills: 0, lastNs: 0, closeNs: NaN };
      rounds.set(id, r);
    }
    return r;
  };
  const roleOf = new Map<string, string>();
  for (const e of entries) if (e.type === 'intent' && e.order_id !== undefined && e.role !== undefined) roleOf.set(String(e.order_id), String(e.role));
  for (const e of entries) {
    if (e.type === 'round_opened' || e.type === 'intent') {
      if (e.pair_id !== undefined) seen.add(String(e.pair_id));
      continue;
    }
    if (e.type === 'round_closed') {
      if (e.pair_id !== undefined && rounds.has(String(e.pair_id))) acc(String(e.pair_id)).closeNs = e.ns;
      if (e.pair_id !== undefined) seen.add(String(e.pair_id));
      continue;
    }
    if (e.type !== 'report') continue;
    const q = num(e.last_qty);
    const px = num(e.last_px);
    if (!(q > 0) || !(px > 0)) continue;
    const id = e.pair_id === undefined || e.pair_id === null ? '(none)' : String(e.pair_id);
    const r = acc(id);
    const buy = e.side === 'buy';
    const role = String(e.role ?? roleOf.get(String(e.order_id)) ?? '');
    if (role === 'leg_buy' || (role === '' && buy)) { r.buyQty += q; r.buyNotional += q * px; }
    else if (role === 'leg_sell' || (role === '' && !buy)) { r.sellQty += q; r.sellNotional += q * px; }
    r.cash += buy ? -q * px : q * px;
    r.netBase += buy ? q : -q;
    r.lastPx = px;
    r.fills++;
    r.lastNs = e.ns;
    const fee = num(e.fee);
    if (fee > 0) {
      const { base, quote } = splitSymbolAssets(String(e.symbol ?? ''));
      const raw = String(e.fee_asset ?? 'quote');
      const asset = raw === 'quote' ? (quote || 'quote') : raw === 'base' ? (base || 'base') : raw.toUpperCase();
      let inQuote: number | null;
      if (raw === 'quote' || asset === quote) inQuote = fee;
      else if (raw === 'base' || asset === base) inQuote = fee * px;
      else {
        const fq = num(e.fee_quote);
        const p = num(feePrices[asset]);
        inQuote = !Number.isNaN(fq) ? fq : !Number.isNaN(p) ? fee * p : null;
      }
      let f = fees.get(asset);
      if (f === undefined) { f = { asset, amount: 0, quote: 0 }; fees.set(asset, f); }
      f.amount += fee;
      if (inQuote === null) {
        f.quote = null;
        unconverted.set(asset, (unconverted.get(asset) ?? 0) + fee);
      } else {
        if (f.quote !== null) f.quote += inQuote;
        r.fees += inQuote;
      }
    }
  }
  const out: RoundPnl[] = [];
  let arb = 0;
  let leg = 0;
  let feesQuote = 0;
  for (const [pairId, r] of rounds) {
    const m = Math.min(r.buyQty, r.sellQty);
    const a = m > 0 ? m * (r.sellNotional / r.sellQty - r.buyNotional / r.buyQty) : 0;
    const l = r.cash + r.netBase * r.lastPx - a;
    arb += a;
    leg += l;
    feesQuote += r.fees;
    out.push({ pairId, ns: Number.isNaN(r.closeNs) ? r.lastNs : Math.max(r.closeNs, r.lastNs), fills: r.fills, arbitrage: a, legging: l, feesQuote: r.fees, pnl: a + l - r.fees });
  }
  out.sort((x, y) => x.ns - y.ns);
  let unfilled = 0;
  for (const id of seen) if (!rounds.has(id)) unfilled++;
  const warnings: string[] = [];
  for (const [asset, amount] of unconverted) {
    warnings.push(`fees of ${amount} ${asset} not converted to quote (no fee_quote on the fills, no run_start.fee_prices.${asset}): left out of strategy PnL`);
  }
  return {
    arbitragePnl: arb, leggingPnl: leg, feesQuote, feesByAsset: [...fees.values()], strategyPnl: arb + leg - feesQuote,
    rounds: out, unfilledRounds: unfilled, warnings,
  };
}

export interface SeriesPoint {
  ns: number;
  equity: number;
}

/** The ratios of one equity series over a capital (docs/report.md, "Ratios"). */
export interface RatioSet {
  /** What the series is, e.g. "strategy PnL over capital committed". */
  label: string;
  capital: number | null;
  pnl: number | null;
  totalReturn: number | null;
  annualizedReturn: number | null;
  annualizedNote: string | null;
  sharpe: number | null;
  sortino: number | null;
  /** Period of the returns the ratios use, s, and how many there were. */
  periodSec: number;
  returns: number;
  ratioNote: string | null;
  /** Largest (running peak − equity) / capital, and in quote. */
  maxDrawdown: number | null;
  maxDrawdownQuote: number;
  /** annualized return / max drawdown. */
  calmar: number | null;
}

const DAY_NS = 86_400e9;
/** Shortest run whose return is annualized: a day of data, give or take its first and last minutes. */
const MIN_ANNUALIZE_NS = 23 * 3_600e9;
const YEAR_DAYS = 365.25;
const YEAR_SEC = YEAR_DAYS * 86_400;
/**
 * Fewer non-zero returns than this: Sharpe and Sortino are n/a (a handful of points says
 * nothing). Periods in which the series did not move do not count: a step series of capital +
 * round PnL with one round has one non-zero return among N, and mean / sd × √(periods per year)
 * is then √(periods per year / N) whatever the round made.
 */
export const MIN_RETURNS = 30;
/** A series shorter than this has no Sharpe or Sortino (per-second returns of a short run, annualized, are noise). */
export const MIN_RATIO_SPAN_NS = 3_600e9;

/** Period of the returns: 1 h for runs of 2 days or more, 1 min for 1 h or more, else 1 s. */
export function ratioPeriodSec(spanNs: number): number {
  return spanNs >= 2 * DAY_NS ? 3600 : spanNs >= 3_600e9 ? 60 : 1;
}

/** Simple returns of `series` resampled (last value carried forward) every `periodSec` from its first point. */
export function periodReturns(series: readonly SeriesPoint[], periodSec: number): number[] {
  if (series.length < 2) return [];
  const stepNs = periodSec * 1e9;
  const t0 = series[0]!.ns;
  const k = Math.floor((series[series.length - 1]!.ns - t0) / stepNs);
  const out: number[] = [];
  let j = 0;
  let prev = series[0]!.equity;
  for (let i = 1; i <= k; i++) {
    const at = t0 + i * stepNs;
    while (j + 1 < series.length && series[j + 1]!.ns <= at) j++;
    const v = series[j]!.equity;
    out.push(prev !== 0 ? v / prev - 1 : 0);
    prev = v;
  }
  return out;
}

/** Largest (running peak − value) over the series, as a fraction of `capital` and in quote. */
export function drawdownOf(series: readonly SeriesPoint[], capital: number | null): { fraction: number | null; quote: number } {
  if (series.length === 0) return { fraction: null, quote: 0 };
  let peak = -Infinity;
  let quote = 0;
  for (const p of series) {
    if (p.equity > peak) peak = p.equity;
    if (peak - p.equity > quote) quote = peak - p.equity;
  }
  return { fraction: capital !== null && capital > 0 ? quote / capital : null, quote };
}

/** Returns that are not 0: periods in which the series moved. */
function nonZero(r: readonly number[]): number {
  let n = 0;
  for (const x of r) if (x !== 0) n++;
  return n;
}

export function ratiosOf(label: string, series: readonly SeriesPoint[], capital: number | null, endValue: number | null, durationNs: number): RatioSet {
  const pnl = capital !== null && endValue !== null ? endValue - capital : null;
  const totalReturn = capital !== null && capital > 0 && pnl !== null ? pnl / capital : null;
  let annualizedReturn: number | null = null;
  let annualizedNote: string | null = null;
  if (totalReturn === null) annualizedNote = 'no return';
  else if (durationNs < MIN_ANNUALIZE_NS) annualizedNote = 'run shorter than 23 h: not extrapolated to a year';
  else if (1 + totalReturn <= 0) annualizedNote = 'equity went to zero or below';
  else {
    const v = (1 + totalReturn) ** ((YEAR_DAYS * DAY_NS) / durationNs) - 1;
    if (Number.isFinite(v)) annualizedReturn = v;
    else annualizedNote = 'overflows';
  }
  const span = series.length > 1 ? series[series.length - 1]!.ns - series[0]!.ns : 0;
  const periodSec = ratioPeriodSec(span);
  const r = periodReturns(series, periodSec);
  let sharpe: number | null = null;
  let sortino: number | null = null;
  let ratioNote: string | null = null;
  if (span < MIN_RATIO_SPAN_NS) ratioNote = 'series shorter than 1 h: Sharpe and Sortino not computed (seconds annualized say nothing)';
  else if (nonZero(r) < MIN_RETURNS) ratioNote = `fewer than ${MIN_RETURNS} non-zero returns of ${periodSec} s (${nonZero(r)})`;
  else {
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / (r.length - 1));
    const down = Math.sqrt(r.reduce((a, x) => a + (x < 0 ? x * x : 0), 0) / r.length);
    const ann = Math.sqrt(YEAR_SEC / periodSec);
    if (sd > 0 && Number.isFinite(sd)) sharpe = (mean / sd) * ann;
    else ratioNote = 'zero variance of returns';
    if (down > 0) sortino = (mean / down) * ann;
    else ratioNote = ratioNote ?? 'no losing period: Sortino n/a';
  }
  const dd = drawdownOf(series, capital);
  const calmar = annualizedReturn !== null && dd.fraction !== null && dd.fraction > 0 ? annualizedReturn / dd.fraction : null;
  return {
    label, capital, pnl, totalReturn, annualizedReturn, annualizedNote, sharpe, sortino, periodSec, returns: r.length, ratioNote,
    maxDrawdown: dd.fraction, maxDrawdownQuote: dd.quote, calmar,
  };
}

/** capital + cumulative round PnL, a point at the start, at each booked round and at the end. */
export function strategySeries(capital: number, rounds: readonly RoundPnl[], fromNs: number, toNs: number): SeriesPoint[] {
  const out: SeriesPoint[] = [{ ns: fromNs, equity: capital }];
  let v = capital;
  for (const r of rounds) {
    v += r.pnl;
    out.push({ ns: Math.max(fromNs, r.ns), equity: v });
  }
  out.push({ ns: Math.max(toNs, out[out.length - 1]!.ns), equity: v });
  return out;
}

/**
 * Starting balances (run_start.balances: per venue quote and base per symbol) valued at the last
 * `marks` of an equity entry (per venue and symbol, or per symbol): what holding would be worth.
 */
export function holdValue(balances: unknown, marks: unknown): number | null {
  if (balances === null || typeof balances !== 'object' || marks === null || typeof marks !== 'object') return null;
  let total = 0;
  for (const [venue, b] of Object.entries(balances as Record<string, { quote?: unknown; base?: Record<string, unknown> }>)) {
    const q = num(b?.quote);
    if (Number.isNaN(q)) return null;
    total += q;
    for (const [sym, qty] of Object.entries(b?.base ?? {})) {
      const n = num(qty);
      if (!(n !== 0) || Number.isNaN(n)) continue;
      const m = marks as Record<string, unknown>;
      const perVenue = m[venue];
      let px = perVenue !== null && typeof perVenue === 'object' ? num((perVenue as Record<string, unknown>)[sym]) : NaN;
      if (Number.isNaN(px)) px = num(m[sym]);
      if (!(px > 0)) return null;
      total += n * px;
    }
  }
  return total;
}
