/**
 * Performance of one run, rebuilt from its journal alone (plus `latency.hlog` for latency).
 * The journal contract (entry types and fields) is written down in docs/report.md.
 *
 * Everything here is pure: entries in, numbers out. Time comes from the entries' `ns`
 * (monotonic, or simulated in a backtest), never from a clock. Reading files is the caller's
 * job (src/cli/report-cmd.ts).
 */
import { HOP_NAMES } from '../core/histogram.js';
import { hlogTags, mergeTag, parseHlog, warmupInterval } from './hlog-reader.js';
import { NS_PER_UNIT } from './percentile-table.js';
import { holdValue, ratiosOf, strategyPnlOf, strategySeries, type FeeByAsset, type RatioSet } from './pnl.js';

/** One journal line. Every entry has wall ms `t`, monotonic/simulated `ns` and a `type`. */
export interface JournalEntry {
  t: number;
  ns: number;
  type: string;
  [field: string]: unknown;
}

export interface JournalProblem {
  /** 1-based line number in the journal file. */
  line: number;
  message: string;
  /** The last line, cut short (the writer died mid-line): expected after a crash. */
  torn: boolean;
}

export interface ParsedJournal {
  entries: JournalEntry[];
  problems: JournalProblem[];
}

/**
 * Tolerant JSON-lines reader: a line that is not a JSON object with a string `type` is
 * reported and skipped, never thrown. A bad last line is marked `torn`.
 */
export function parseJournalText(text: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  const problems: JournalProblem[] = [];
  const lines = text.split('\n');
  // A trailing newline leaves one empty string at the end; the last real line is before it.
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === '') last--;
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const torn = i === last;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, torn, message: torn ? 'torn last line (cut short), skipped' : 'not valid JSON, skipped' });
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
      problems.push({ line: i + 1, torn: false, message: 'not a journal entry (needs a JSON object with a "type"), skipped' });
      continue;
    }
    const e = value as JournalEntry;
    const t = Number(e.t);
    let ns = Number(e.ns);
    if (!Number.isFinite(ns)) ns = Number.isFinite(t) ? t * 1e6 : NaN;
    e.t = t;
    e.ns = ns;
    entries.push(e);
  }
  return { entries, problems };
}

/** Execution-report line types of the Journal class (src/report/journal.ts): all read as `report`. */
const REPORT_TYPE_ALIASES = new Set(['order', 'ack', 'fill', 'cancel', 'reject', 'expire']);
/** ROLE_* of src/core/records.ts, by value. */
const ROLE_NAMES = ['', 'leg_buy', 'leg_sell', 'hedge', 'unwind'];
/** Contract name (docs/report.md) ← camelCase name the Journal class writes. */
const FIELD_ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['order_id', 'orderId'], ['pair_id', 'pairId'], ['last_px', 'lastPx'], ['last_qty', 'lastQty'], ['cum_qty', 'cumQty'],
  ['fee_asset', 'feeAsset'], ['run_id', 'runId'], ['start_equity', 'startEquity'], ['end_equity', 'endEquity'],
  ['open_ns', 'openNs'], ['close_ns', 'closeNs'], ['legging_pnl', 'leggingPnl'], ['buy_venue', 'buyVenue'],
  ['sell_venue', 'sellVenue'], ['edge_bps', 'edgeBps'], ['ab_bps', 'abBps'], ['ba_bps', 'baBps'], ['threshold_bps', 'thresholdBps'],
];

/**
 * Reads both dialects: the contract of docs/report.md, and what the Journal class's helpers
 * write (line types order/ack/fill/cancel/reject/expire, camelCase fields, numeric roles,
 * `event` for a risk rule). Returns the entry itself when it is already in contract form.
 */
export function normalizeEntry(e: JournalEntry): JournalEntry {
  const isReport = REPORT_TYPE_ALIASES.has(e.type);
  let needs = isReport || typeof e.role === 'number' || (e.type === 'risk' && e.rule === undefined && e.event !== undefined);
  for (const [snake, camel] of FIELD_ALIASES) if (!needs && e[snake] === undefined && e[camel] !== undefined) needs = true;
  if (!needs) return e;
  const out: JournalEntry = { ...e };
  if (isReport) {
    out.journal_type = e.type;
    out.type = 'report';
    if (out.error === undefined && typeof e.errorCode === 'number') out.error = e.errorCode === 0 ? null : e.errorCode;
  }
  for (const [snake, camel] of FIELD_ALIASES) if (out[snake] === undefined && out[camel] !== undefined) out[snake] = out[camel];
  if (typeof out.role === 'number') out.role = ROLE_NAMES[out.role] || String(out.role);
  if (out.type === 'risk' && out.rule === undefined && out.event !== undefined) out.rule = out.event;
  return out;
}

export function normalizeEntries(entries: readonly JournalEntry[]): JournalEntry[] {
  return entries.map(normalizeEntry);
}

export const ORDER_STATUSES = ['acked', 'partial', 'filled', 'canceled', 'rejected', 'expired'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface LatencyStats {
  hop: string;
  count: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
}

export interface RiskEventCount {
  rule: string;
  action: string;
  count: number;
}

export interface Performance {
  runId: string | null;
  mode: string | null;
  symbols: string[];
  venues: string[];
  /** Wall clock (ms since the epoch) of run_start and of the last entry. */
  startWallMs: number | null;
  endWallMs: number | null;
  /** From run_start to run_end (or the last entry when there is no run_end), in `ns` time. */
  durationNs: number;
  durationSource: string;
  /** The measured span on the journal's ns timeline (durationNs = toNs − fromNs); `wall*` its wall clock, when run_start maps it. */
  period: { fromNs: number; toNs: number; fromWallMs: number | null; toWallMs: number | null };
  /** run_end's reason; null when the journal has no run_end (crash, or still running). */
  endReason: string | null;

  startEquity: number | null;
  endEquity: number | null;
  endEquitySource: 'run_end' | 'last equity entry' | 'none';
  /** Strategy PnL apart from inventory PnL (src/report/pnl.ts, docs/report.md), in quote. */
  pnl: {
    arbitrage: number;
    legging: number;
    fees: number;
    feesByAsset: FeeByAsset[];
    /** arbitrage + legging − fees. */
    strategy: number;
    /** end equity − start equity (holdings marked to market). */
    total: number | null;
    /** total − strategy. */
    inventory: number | null;
    /** The starting balances valued at the last marks. */
    holdEquity: number | null;
    /** end equity − holdEquity. */
    vsHold: number | null;
  };
  /** Return, Sharpe, Sortino, drawdown, Calmar of strategy PnL over the capital committed (start equity). */
  strategyRatios: RatioSet;
  /** The same on total equity (quote + base at mid): moves with the price of the base asset. */
  equityRatios: RatioSet;
  /** Total equity: the fields below repeat equityRatios (kept for older readers). */
  totalReturn: number | null;
  annualizedReturn: number | null;
  /** Why annualizedReturn is n/a or to be read with care (run shorter than a day). */
  annualizedNote: string | null;

  sharpe: number | null;
  /** Resampling interval of the equity series for the Sharpe ratio: 60 (runs ≥ 1 h) or 1. */
  sharpeIntervalSec: number;
  sharpeReturns: number;
  sharpeNote: string | null;

  /** Largest (running peak − equity) / start equity over the equity series (the risk rule's definition), and in quote. */
  maxDrawdown: number | null;
  maxDrawdownQuote: number;

  rounds: {
    opened: number; closed: number; matched: number; legged: number; failed: number; openAtEnd: number;
    /** Rounds with at least one fill; of those, with round PnL > 0 (wins) and ≤ 0 (losses). */
    withFill: number; wins: number; losses: number;
    /** Rounds without any fill (counted apart from wins and losses). */
    unfilled: number;
  };
  /** wins / rounds with at least one fill (round PnL = arbitrage + legging − fees, from the fills). */
  winRate: number | null;
  avgHoldingNs: number | null;
  /** Σ round_closed.fees (quote equivalent). */
  feesQuote: number;
  /** Σ round_closed.pnl: matched quantity, after fees, without legging. */
  roundPnl: number;
  /** Σ round_closed.legging_pnl. */
  leggingPnl: number;
  /** roundPnl + leggingPnl. */
  realizedPnl: number;

  orders: {
    /** Orders sent (intent entries), by role. */
    sent: number;
    byRole: Record<string, number>;
    /** Each order counted once, by the status of its last report; `unreported` = no report at all. */
    byStatus: Record<OrderStatus | 'unreported', number>;
    fills: number;
    withFill: number;
    intendedQty: number;
    filledQty: number;
    /** filledQty / intendedQty over orders that have an intent. */
    fillRatio: number | null;
    /** Σ fill fees: quote fees as is, base fees × fill price. A cross-check of feesQuote. */
    feesFromFillsQuote: number;
  };

  riskEvents: RiskEventCount[];
  latency: LatencyStats[];
  latencyNote: string | null;
  entries: number;
  /** Inconsistencies found in the journal (missing run_start, …): the numbers may be partial. */
  warnings: string[];
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : NaN;
}
function numOr0(v: unknown): number {
  const n = num(v);
  return Number.isNaN(n) ? 0 : n;
}
function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}
function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export interface EquityPoint {
  ns: number;
  equity: number;
}

/**
 * The equity series: run_start's start_equity, every `equity` entry, run_end's end_equity,
 * in `ns` order (stable for equal times).
 */
export function equitySeries(entries: readonly JournalEntry[]): EquityPoint[] {
  const pts: EquityPoint[] = [];
  for (const raw of entries) {
    const e = normalizeEntry(raw);
    let v = NaN;
    if (e.type === 'run_start') v = num(e.start_equity);
    else if (e.type === 'equity') v = num(e.equity);
    else if (e.type === 'run_end') v = num(e.end_equity);
    if (!Number.isNaN(v) && Number.isFinite(e.ns)) pts.push({ ns: e.ns, equity: v });
  }
  return pts.map((p, i) => ({ p, i })).sort((a, b) => a.p.ns - b.p.ns || a.i - b.i).map((x) => x.p);
}

/** How a run_end.period was chosen (its `basis`), as the report states it. */
const PERIOD_BASIS: Record<string, string> = {
  data: 'replayed data: first event → last event (run_end.period)',
  session: 'the replayed session: its run_start → run_end (run_end.period)',
};

/** run_end.period ({ from_ns, to_ns, basis }, written by the backtest), or null. */
function periodOf(end: JournalEntry | null): { fromNs: number; toNs: number; basis: string } | null {
  const p = end?.period as { from_ns?: unknown; to_ns?: unknown; basis?: unknown } | undefined;
  if (p === null || typeof p !== 'object') return null;
  const fromNs = num(p.from_ns);
  const toNs = num(p.to_ns);
  if (Number.isNaN(fromNs) || Number.isNaN(toNs) || toNs < fromNs) return null;
  return { fromNs, toNs, basis: typeof p.basis === 'string' ? p.basis : 'unknown' };
}

/**
 * The series seen over [fromNs, toNs]: one point at fromNs worth the last value at or before it
 * (the first value when the series starts later), the points inside, and the later ones moved
 * to toNs (orders settling after the last event still count, at its time).
 */
export function clipSeries(series: readonly EquityPoint[], fromNs: number, toNs: number): EquityPoint[] {
  if (series.length === 0) return [];
  const out: EquityPoint[] = [{ ns: fromNs, equity: equityAt(series, fromNs) }];
  for (const p of series) if (p.ns > fromNs) out.push({ ns: Math.min(p.ns, toNs), equity: p.equity });
  return out;
}

/** Equity at the last point at or before `ns` (the first point before the series starts). */
export function equityAt(series: readonly EquityPoint[], ns: number): number {
  let lo = 0;
  let hi = series.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (series[mid]!.ns <= ns) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return series.length === 0 ? NaN : series[found]!.equity;
}

/**
 * p50 p90 p99 p99.9 max and count per tag of an .hlog; hops in HOP_NAMES order first. By default
 * the warm-up interval (the log's first, see warmupInterval) is left out; a tag seen only
 * there keeps it.
 */
export function latencyFromHlog(text: string, name = 'latency.hlog', includeWarmup = false): LatencyStats[] {
  const file = parseHlog(text, name);
  const warm = includeWarmup ? null : warmupInterval(file);
  const nsPerUnit = NS_PER_UNIT[file.valueUnit ?? 'ns'] ?? 1;
  const tags = hlogTags(file);
  const ordered = [
    ...HOP_NAMES.filter((h) => tags.includes(h)),
    ...tags.filter((t) => t === null || !(HOP_NAMES as readonly string[]).includes(t)),
  ];
  const out: LatencyStats[] = [];
  for (const tag of ordered) {
    let h = warm === null ? null : mergeTag(file, tag, warm.endSec);
    if (h === null || h.totalCount === 0) h = mergeTag(file, tag);
    if (h === null) continue;
    const empty = h.totalCount === 0;
    const at = (p: number): number => (empty ? 0 : h.getValueAtPercentile(p) * nsPerUnit);
    out.push({
      hop: tag ?? '(untagged)',
      count: h.totalCount,
      p50Ns: at(50),
      p90Ns: at(90),
      p99Ns: at(99),
      p999Ns: at(99.9),
      // The percentiles are highest-equivalent values; so is this max, which keeps the row monotonic.
      maxNs: at(100),
    });
  }
  return out;
}

interface OrderAcc {
  intendedQty: number;
  hasIntent: boolean;
  lastStatus: OrderStatus | null;
  filledQty: number;
}

/**
 * All metrics of a run. `hlogText` is the run's latency.hlog; without it (or when it cannot
 * be read) `latency` is empty and `latencyNote` says why.
 */
export function computePerformance(journal: readonly JournalEntry[], hlogText?: string): Performance {
  const entries = normalizeEntries(journal);
  const warnings: string[] = [];
  const start = entries.find((e) => e.type === 'run_start') ?? null;
  const end = [...entries].reverse().find((e) => e.type === 'run_end') ?? null;
  if (start === null) warnings.push('no run_start entry: start equity and run metadata unknown');
  if (end === null) warnings.push('no run_end entry: the run did not finish cleanly (numbers up to the last entry)');

  let firstNs = Infinity;
  let lastNs = -Infinity;
  let lastWall: number | null = null;
  for (const e of entries) {
    if (Number.isFinite(e.ns)) { firstNs = Math.min(firstNs, e.ns); lastNs = Math.max(lastNs, e.ns); }
    if (Number.isFinite(e.t)) lastWall = lastWall === null ? e.t : Math.max(lastWall, e.t);
  }
  const period = periodOf(end);
  const fromNs = period !== null ? period.fromNs : start !== null && Number.isFinite(start.ns) ? start.ns : firstNs;
  const toNs = period !== null ? period.toNs : end !== null && Number.isFinite(end.ns) ? end.ns : lastNs;
  const durationNs = Number.isFinite(fromNs) && Number.isFinite(toNs) ? Math.max(0, toNs - fromNs) : 0;
  const wallOfNs = (ns: number): number | null => (start !== null && Number.isFinite(start.t) && Number.isFinite(start.ns) && Number.isFinite(ns)
    ? start.t + (ns - start.ns) / 1e6 : null);
  const durationSource = period !== null ? PERIOD_BASIS[period.basis] ?? `run_end.period (${period.basis})`
    : `${start !== null ? 'run_start' : 'first entry'} → ${end !== null ? 'run_end' : 'last entry'} (journal ns)`;

  // Equity and returns (over the period when the run states one).
  const series = period !== null ? clipSeries(equitySeries(entries), fromNs, toNs) : equitySeries(entries);
  // The live bot only knows its equity once both venues have priced every symbol, so its
  // run_start may lack start_equity: the first equity mark stands in for it.
  let startEquity = start !== null ? num(start.start_equity) : NaN;
  if (Number.isNaN(startEquity)) {
    const firstEq = entries.find((e) => e.type === 'equity' && !Number.isNaN(num(e.equity)));
    if (firstEq !== undefined) startEquity = num(firstEq.equity);
  }
  let endEquity = end !== null ? num(end.end_equity) : NaN;
  let endEquitySource: Performance['endEquitySource'] = 'run_end';
  if (Number.isNaN(endEquity)) {
    const lastEq = [...entries].reverse().find((e) => e.type === 'equity' && !Number.isNaN(num(e.equity)));
    endEquity = lastEq !== undefined ? num(lastEq.equity) : NaN;
    endEquitySource = lastEq !== undefined ? 'last equity entry' : 'none';
  }
  const totalReturn = startEquity > 0 && !Number.isNaN(endEquity) ? endEquity / startEquity - 1 : null;
  if (totalReturn === null && start !== null) warnings.push('total return n/a: start equity missing or not positive, or no end equity');
  const eqRatios = ratiosOf('total equity (quote + base at mid)', series, Number.isNaN(startEquity) ? null : startEquity,
    Number.isNaN(endEquity) ? null : endEquity, durationNs);

  // Rounds.
  const rounds = { opened: 0, closed: 0, matched: 0, legged: 0, failed: 0, openAtEnd: 0, withFill: 0, wins: 0, losses: 0, unfilled: 0 };
  const openPairs = new Set<string>();
  let holdSum = 0;
  let holdN = 0;
  let fees = 0;
  let roundPnl = 0;
  let leggingPnl = 0;
  // Orders.
  const orders = new Map<string, OrderAcc>();
  const byRole: Record<string, number> = {};
  let fills = 0;
  let feesFromFills = 0;
  const risk = new Map<string, RiskEventCount>();
  const order = (id: string): OrderAcc => {
    let o = orders.get(id);
    if (o === undefined) { o = { intendedQty: 0, hasIntent: false, lastStatus: null, filledQty: 0 }; orders.set(id, o); }
    return o;
  };

  for (const e of entries) {
    switch (e.type) {
      case 'round_opened':
        rounds.opened++;
        openPairs.add(String(e.pair_id));
        break;
      case 'round_closed': {
        rounds.closed++;
        openPairs.delete(String(e.pair_id));
        if (e.outcome === 'matched') rounds.matched++;
        else if (e.outcome === 'legged') rounds.legged++;
        else if (e.outcome === 'failed') rounds.failed++;
        const pnl = numOr0(e.pnl);
        const lp = numOr0(e.legging_pnl);
        roundPnl += pnl;
        leggingPnl += lp;
        fees += numOr0(e.fees);
        const hold = num(e.close_ns) - num(e.open_ns);
        if (!Number.isNaN(hold)) { holdSum += hold; holdN++; }
        break;
      }
      case 'intent': {
        const o = order(String(e.order_id));
        o.hasIntent = true;
        o.intendedQty += numOr0(e.qty);
        const role = str(e.role) ?? 'unknown';
        byRole[role] = (byRole[role] ?? 0) + 1;
        break;
      }
      case 'report': {
        const o = order(String(e.order_id));
        const status = e.status as OrderStatus;
        if ((ORDER_STATUSES as readonly string[]).includes(status)) o.lastStatus = status;
        const lastQty = numOr0(e.last_qty);
        if (lastQty > 0) {
          fills++;
          const fee = numOr0(e.fee);
          feesFromFills += e.fee_asset === 'base' ? fee * numOr0(e.last_px) : fee;
        }
        const cum = num(e.cum_qty);
        o.filledQty = Number.isNaN(cum) ? o.filledQty + lastQty : Math.max(o.filledQty, cum);
        break;
      }
      case 'warning':
        // written by the run itself (e.g. the backtest's feed model): shown with the report's warnings
        warnings.push(str(e.message) ?? `warning entry: ${JSON.stringify(e)}`);
        break;
      case 'risk': {
        const rule = str(e.rule) ?? 'unknown';
        const action = str(e.action) ?? 'unknown';
        const key = `${rule}\u0000${action}`;
        const r = risk.get(key);
        if (r === undefined) risk.set(key, { rule, action, count: 1 });
        else r.count++;
        break;
      }
      default:
        break;
    }
  }
  rounds.openAtEnd = openPairs.size;
  const sp = strategyPnlOf(entries);
  for (const w of sp.warnings) warnings.push(w);
  for (const r of sp.rounds) {
    if (r.pairId === '(none)') continue;
    rounds.withFill++;
    if (r.pnl > 0) rounds.wins++;
    else rounds.losses++;
  }
  rounds.unfilled = sp.unfilledRounds;
  const capital = Number.isNaN(startEquity) || !(startEquity > 0) ? null : startEquity;
  const stratSeries = capital === null ? [] : strategySeries(capital, sp.rounds, fromNs, toNs);
  const stratRatios = ratiosOf('strategy PnL over capital committed (start equity)',
    period !== null ? clipSeries(stratSeries, fromNs, toNs) : stratSeries, capital,
    capital === null ? null : capital + sp.strategyPnl, durationNs);
  const total = Number.isNaN(startEquity) || Number.isNaN(endEquity) ? null : endEquity - startEquity;
  const lastMarks = [...entries].reverse().find((e) => e.type === 'equity' && e.marks !== undefined);
  const hold = start !== null && lastMarks !== undefined ? holdValue(start.balances, lastMarks.marks) : null;

  const byStatus = { acked: 0, partial: 0, filled: 0, canceled: 0, rejected: 0, expired: 0, unreported: 0 };
  let intendedQty = 0;
  let filledQty = 0;
  let withFill = 0;
  let sent = 0;
  for (const o of orders.values()) {
    byStatus[o.lastStatus ?? 'unreported']++;
    if (o.filledQty > 0) withFill++;
    if (o.hasIntent) { sent++; intendedQty += o.intendedQty; filledQty += o.filledQty; }
  }

  let latency: LatencyStats[] = [];
  let latencyNote: string | null = null;
  if (hlogText === undefined) latencyNote = 'no latency.hlog';
  else {
    try {
      latency = latencyFromHlog(hlogText);
      const warm = warmupInterval(parseHlog(hlogText, 'latency.hlog'));
      if (warm !== null) latencyNote = `warm-up excluded: the first interval (${Number((warm.endSec - warm.startSec).toFixed(3))} s from the start of the log)`;
    } catch (err) {
      latencyNote = `latency.hlog unreadable: ${(err as Error).message}`;
    }
  }

  return {
    runId: start !== null ? str(start.run_id) : null,
    mode: start !== null ? str(start.mode) : null,
    symbols: start !== null ? strList(start.symbols) : [],
    venues: start !== null ? strList(start.venues) : [],
    startWallMs: start !== null && Number.isFinite(start.t) ? start.t : null,
    endWallMs: end !== null && Number.isFinite(end.t) ? end.t : lastWall,
    durationNs,
    durationSource,
    period: { fromNs, toNs, fromWallMs: wallOfNs(fromNs), toWallMs: wallOfNs(toNs) },
    endReason: end !== null ? str(end.reason) : null,
    startEquity: Number.isNaN(startEquity) ? null : startEquity,
    endEquity: Number.isNaN(endEquity) ? null : endEquity,
    endEquitySource,
    pnl: {
      arbitrage: sp.arbitragePnl,
      legging: sp.leggingPnl,
      fees: sp.feesQuote,
      feesByAsset: sp.feesByAsset,
      strategy: sp.strategyPnl,
      total,
      inventory: total === null ? null : total - sp.strategyPnl,
      holdEquity: hold,
      vsHold: hold === null || Number.isNaN(endEquity) ? null : endEquity - hold,
    },
    strategyRatios: stratRatios,
    equityRatios: eqRatios,
    totalReturn,
    annualizedReturn: eqRatios.annualizedReturn,
    annualizedNote: eqRatios.annualizedNote,
    sharpe: eqRatios.sharpe,
    sharpeIntervalSec: eqRatios.periodSec,
    sharpeReturns: eqRatios.returns,
    sharpeNote: eqRatios.ratioNote,
    maxDrawdown: eqRatios.maxDrawdown,
    maxDrawdownQuote: eqRatios.maxDrawdownQuote,
    rounds,
    winRate: rounds.withFill > 0 ? rounds.wins / rounds.withFill : null,
    avgHoldingNs: holdN > 0 ? holdSum / holdN : null,
    feesQuote: fees,
    roundPnl,
    leggingPnl,
    realizedPnl: roundPnl + leggingPnl,
    orders: {
      sent,
      byRole,
      byStatus,
      fills,
      withFill,
      intendedQty,
      filledQty,
      fillRatio: intendedQty > 0 ? filledQty / intendedQty : null,
      feesFromFillsQuote: feesFromFills,
    },
    riskEvents: [...risk.values()],
    latency,
    latencyNote,
    entries: entries.length,
    warnings,
  };
}
