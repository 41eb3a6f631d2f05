/**
 * Paper/backtest agreement: does a backtest over a recorded paper session (its own market data,
 * its own latency histograms) make the decisions the session made? Scored on `round_opened`:
 * a backtest round matches a session round when the symbol and the direction (buy venue, sell
 * venue) agree, the decision times are within a tolerance, and (optionally) the quantities are
 * within a relative tolerance. Each round matches at most one other.
 *
 * Time axis: both journals map `ns` to the wall clock through their own `run_start` line,
 * wall_ms(e) = run_start.t + (e.ns - run_start.ns) / 1e6. In a paper run the supervisor writes
 * run_start with the very monoNs/wall pair that anchors the recording, and the backtest maps a
 * recorded `t` to simulated ns through that anchor with run_start at ns 0 and t = 00:00 UTC of
 * the start date, so both sides land on the session's wall clock, at sub-millisecond precision
 * (the journal's `t` alone is whole ms, and a paper line's `t` is when the line was written).
 *
 * Only the session's trading window counts: from its run_start to its first `flatten` (the
 * shutdown stops new entries there; the recording goes on while open orders resolve), or its
 * run_end. Backtest rounds outside the window are reported, not scored.
 *
 * Matching: per (symbol, direction), two passes. First the same decision: a backtest round
 * decided on the very quote the session round was decided on (the `tick_recv_ns` of the
 * round's first intent, on the wall clock, within TRIGGER_TOLERANCE_MS): the replay made that
 * decision, however late the session's strategy thread got to the quote. Then, for the rest,
 * both lists in time order, each session round takes the earliest unmatched backtest round
 * within the time tolerance (with a pure time tolerance this greedy order gives the largest
 * possible number of matches).
 *
 * Host load is measured, not hidden: every session round's decision lag (decision time − its
 * quote's receive time: how long the strategy thread took to get to it) is reported, and a
 * disagreement near a lagging session decision is put down to `host_lag` (see causeOf).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Histogram } from 'hdr-histogram-js';
import { mergeTag, parseHlog } from '../report/hlog-reader.js';
import { readJournal } from '../report/journal.js';

export class AgreementError extends Error {
  override readonly name = 'AgreementError';
}

export const AGREEMENT_FILE = 'agreement.json';
/** Added to the calibrated latencies: timer ticks and scheduling slack. */
export const TOLERANCE_MARGIN_MS = 5;
/** Used when no latency log is at hand. */
export const DEFAULT_TOLERANCE_MS = 25;
/** The same trigger: receive times equal but for the journals' float rounding. */
export const TRIGGER_TOLERANCE_MS = 0.01;
/**
 * A session decision taken more than this long after its quote arrived counts as lagging: the
 * paper strategy decides within a few µs of reading a quote, so more is the thread waiting
 * for a core.
 */
export const HOST_LAG_MS = TOLERANCE_MARGIN_MS;
/**
 * How far a lagging decision's effects reach: its orders, the round's state, and the rate
 * limit's one-second window all move with it.
 */
export const HOST_LAG_REACH_MS = 1000;
const LIST_LIMIT = 20;

/** One round_opened, on the session's wall clock. */
export interface OpenedRound {
  /** Wall ms (fractional). */
  ms: number;
  pairId: number;
  symbol: string;
  buyVenue: string;
  sellVenue: string;
  qty: number;
  /** Receive time of the quote it was decided on (its first intent's tick_recv_ns), wall ms; NaN when unknown. */
  triggerMs: number;
}

export interface SessionWindow {
  startMs: number;
  endMs: number;
}

export interface JournalRounds {
  rounds: OpenedRound[];
  window: SessionWindow;
}

type Entry = Record<string, unknown>;

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

/** The round_opened entries of a journal, timed on its wall clock, and its trading window. */
export function openedRounds(entries: readonly Entry[], label = 'journal'): JournalRounds {
  const start = entries.find((e) => e['type'] === 'run_start');
  if (start === undefined) throw new AgreementError(`${label} has no run_start line: cannot place its rounds in time`);
  const t0 = num(start['t']);
  const ns0 = num(start['ns']);
  if (!Number.isFinite(t0) || !Number.isFinite(ns0)) throw new AgreementError(`${label}: run_start has no numeric t and ns`);
  const wall = (ns: number): number => t0 + (ns - ns0) / 1e6;
  const rounds: OpenedRound[] = [];
  // pair_id -> the first intent's tick_recv_ns (intents come before their round_opened)
  const trigger = new Map<number, number>();
  let endMs = Infinity;
  let lastMs = t0;
  for (const e of entries) {
    const ns = num(e['ns']);
    if (!Number.isFinite(ns)) continue;
    const ms = wall(ns);
    if (ms > lastMs) lastMs = ms;
    if (e['type'] === 'flatten' && endMs === Infinity) endMs = ms;
    else if (e['type'] === 'run_end' && endMs === Infinity) endMs = ms;
    else if (e['type'] === 'intent') {
      const pid = num(e['pair_id']);
      const tick = num(e['tick_recv_ns']);
      if (!trigger.has(pid) && tick > 0) trigger.set(pid, tick);
    } else if (e['type'] === 'round_opened') {
      const pid = num(e['pair_id']);
      const tick = trigger.get(pid);
      rounds.push({
        ms, pairId: pid, symbol: String(e['symbol']), buyVenue: String(e['buy_venue']),
        sellVenue: String(e['sell_venue']), qty: num(e['qty']), triggerMs: tick === undefined ? NaN : wall(tick),
      });
    }
  }
  rounds.sort((a, b) => a.ms - b.ms);
  return { rounds, window: { startMs: t0, endMs: endMs === Infinity ? lastMs : endMs } };
}

export interface MatchOptions {
  /** Largest |backtest - session| decision time, ms. */
  toleranceMs: number;
  /** Largest |qty difference| / larger qty; undefined = quantities are not compared. */
  qtyTolerance?: number;
  /** Where the tolerance came from (reported). */
  toleranceSource?: string;
}

export interface RoundMatch {
  session: OpenedRound;
  backtest: OpenedRound;
  /** backtest.ms - session.ms. */
  offsetMs: number;
}

export interface OffsetStats {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface DirectionCount {
  symbol: string;
  buy_venue: string;
  sell_venue: string;
  session: number;
  backtest: number;
  matched: number;
}

export interface RoundBrief {
  t_ms: number;
  pair_id: number;
  symbol: string;
  buy_venue: string;
  sell_venue: string;
  qty: number;
}

export interface AgreementReport {
  session_rounds: number;
  backtest_rounds: number;
  matched: number;
  /** matched / session_rounds; null when the session opened no round. */
  share_matched: number | null;
  /** Of `matched`: decided on the very quote the session round was decided on. */
  matched_same_trigger: number;
  /** Backtest rounds (in the window) that match no session round. */
  extra_backtest_rounds: number;
  /** Session rounds the backtest did not reproduce. */
  missed_session_rounds: number;
  /** Backtest rounds outside the session's trading window (not scored). */
  backtest_rounds_outside_window: number;
  window: { start_ms: number; end_ms: number };
  tolerance_ms: number;
  tolerance_source: string;
  qty_tolerance: number | null;
  /** backtest - session decision time of the matched rounds, ms. */
  offset_ms: OffsetStats | null;
  /**
   * Host load, measured: per session round, decision time − its quote's receive time (how
   * long the paper strategy thread took to get to the quote), ms; and how many lagged more
   * than HOST_LAG_MS.
   */
  session_decision_lag_ms: OffsetStats | null;
  session_rounds_lagging: number;
  /** 'session' (replayed as the session ran: session-replay.ts) or 'backtest' (the backtest's own model). */
  replay: string;
  /** What counted as reproduced (docs/backtest.md, "What counts as reproduced"). */
  criterion: string;
  /** Config keys that differ between the session and the replay (each can change a decision). */
  config_differences: string[];
  /**
   * The session's strategy trace as the replay used it (session-trace-replay.ts: reads matched,
   * orders timed by the session), null when replayed without one; set by runAgreement.
   */
  replay_trace?: Record<string, unknown> | null;
  by_direction: DirectionCount[];
  /** The first few of each kind of disagreement, for a look at why. */
  missed: RoundBrief[];
  extra: RoundBrief[];
  /** Every disagreement counted by its likely cause (see DisagreementCause). */
  causes: { missed: Record<string, number>; extra: Record<string, number> };
}

/**
 * Why a round of one side has no partner on the other, judged from the nearest rounds there:
 *   quantity     a round of the same direction within the time tolerance, but its qty disagrees
 *   host_lag     the paper strategy thread was behind: the session round itself, or a session
 *                round within HOST_LAG_REACH_MS before it (a missed round) or around it (an
 *                extra one), was decided more than HOST_LAG_MS after its quote arrived, so
 *                the session's state (open rounds, orders, rate-limit window) ran late
 *   timing       the nearest round of the same direction is within 10× the tolerance: the same
 *                opportunity, decided earlier or later (latency model, timer, book timing)
 *   direction    a round of the other direction within the tolerance (the spread sign differs)
 *   not_seen     none of those: one side traded an edge the other never saw (data, fill or
 *                inventory state, risk rules)
 * Replayed with the session's strategy trace (MatchMeta.divergences given), the session's
 * decision lag is replayed and no longer an excuse: host_lag is then a `board` divergence (the
 * session's executor met a board its feed thread had not yet written, measured per order) at
 * most HOST_LAG_REACH_MS before the round, and
 *   fill         a `fill` divergence there: the same board gave another fill (the fill model)
 */
export type DisagreementCause = 'quantity' | 'host_lag' | 'fill' | 'timing' | 'direction' | 'not_seen';

/** Where a replay with the session's trace first parted from it (session-trace-replay.ts), on the wall clock. */
export interface ReplayDivergence {
  ms: number;
  kind: 'board' | 'fill';
}

export interface MatchMeta {
  replay?: string;
  configDifferences?: string[];
  /**
   * Given when the replay ran with the session's strategy trace: matching is strict (the same
   * quote at the same decision time, the same qty) and causes come from these divergences.
   */
  divergences?: ReplayDivergence[];
}

/** Quantities must agree this closely (relative) in a strict match unless --compare-qty-tolerance says otherwise. */
export const STRICT_QTY_TOLERANCE = 1e-9;

function lagOf(r: OpenedRound): number {
  return r.ms - r.triggerMs;
}

/** A lagging session decision in [from, to] (wall ms of decision). */
function lagIn(session: readonly OpenedRound[], from: number, to: number): boolean {
  for (const s of session) if (s.ms >= from && s.ms <= to && lagOf(s) > HOST_LAG_MS) return true;
  return false;
}

/** The latest divergence at or before `ms` within HOST_LAG_REACH_MS, or null. */
function divergenceBefore(ms: number, divergences: readonly ReplayDivergence[]): ReplayDivergence | null {
  let best: ReplayDivergence | null = null;
  for (const d of divergences) if (d.ms <= ms && d.ms >= ms - HOST_LAG_REACH_MS && (best === null || d.ms > best.ms)) best = d;
  return best;
}

function causeOf(r: OpenedRound, other: readonly OpenedRound[], tol: number, qtyTol: number | undefined,
  session: readonly OpenedRound[], isSession: boolean, divergences?: readonly ReplayDivergence[]): DisagreementCause {
  let sameNear = Infinity;
  let qtyOff = false;
  let otherDir = false;
  for (const o of other) {
    const d = Math.abs(o.ms - r.ms);
    if (o.symbol !== r.symbol) continue;
    if (o.buyVenue === r.buyVenue && o.sellVenue === r.sellVenue) {
      if (d < sameNear) sameNear = d;
      if (d <= tol && !qtyAgrees(r.qty, o.qty, qtyTol)) qtyOff = true;
    } else if (d <= tol) otherDir = true;
  }
  if (qtyOff) return 'quantity';
  if (divergences !== undefined) {
    // Replayed with the session's trace: its decision lag is replayed, not an excuse; only a
    // measured divergence before the round explains it (board: host, fill: the fill model).
    const d = divergenceBefore(r.ms, divergences);
    if (d !== null) return d.kind === 'board' ? 'host_lag' : 'fill';
  } else if (isSession ? lagOf(r) > HOST_LAG_MS || lagIn(session, r.ms - HOST_LAG_REACH_MS, r.ms) : lagIn(session, r.ms - HOST_LAG_REACH_MS, r.ms + HOST_LAG_REACH_MS)) return 'host_lag';
  if (sameNear <= 10 * Math.max(tol, 1)) return 'timing';
  if (otherDir) return 'direction';
  return 'not_seen';
}

function countCauses(list: readonly OpenedRound[], other: readonly OpenedRound[], tol: number, qtyTol: number | undefined,
  session: readonly OpenedRound[], isSession: boolean, divergences?: readonly ReplayDivergence[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of list) {
    const c = causeOf(r, other, tol, qtyTol, session, isSession, divergences);
    out[c] = (out[c] ?? 0) + 1;
  }
  return out;
}

function keyOf(r: OpenedRound): string {
  return r.symbol + '|' + r.buyVenue + '|' + r.sellVenue;
}

function group(rounds: readonly OpenedRound[]): Map<string, OpenedRound[]> {
  const m = new Map<string, OpenedRound[]>();
  for (const r of rounds) {
    const k = keyOf(r);
    let list = m.get(k);
    if (list === undefined) m.set(k, (list = []));
    list.push(r);
  }
  for (const list of m.values()) list.sort((a, b) => a.ms - b.ms);
  return m;
}

function qtyAgrees(a: number, b: number, tol: number | undefined): boolean {
  if (tol === undefined) return true;
  const big = Math.max(Math.abs(a), Math.abs(b));
  return big === 0 || Math.abs(a - b) <= tol * big;
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function offsetStats(offsets: readonly number[]): OffsetStats | null {
  if (offsets.length === 0) return null;
  const s = [...offsets].sort((a, b) => a - b);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    count: s.length, mean: r3(s.reduce((a, b) => a + b, 0) / s.length), min: r3(s[0]!), p50: r3(pct(s, 50)),
    p90: r3(pct(s, 90)), p99: r3(pct(s, 99)), max: r3(s[s.length - 1]!),
  };
}

function brief(r: OpenedRound): RoundBrief {
  return { t_ms: Math.round(r.ms * 1000) / 1000, pair_id: r.pairId, symbol: r.symbol, buy_venue: r.buyVenue, sell_venue: r.sellVenue, qty: r.qty };
}

/**
 * Scores backtest rounds against session rounds (both on the session's wall clock). Backtest
 * rounds outside `window` (when given) are set aside first.
 */
export function matchRounds(session: readonly OpenedRound[], backtest: readonly OpenedRound[], opts: MatchOptions,
  window?: SessionWindow, meta: MatchMeta = {}): { report: AgreementReport; matches: RoundMatch[] } {
  const strict = meta.divergences !== undefined;
  const qtyTol = opts.qtyTolerance ?? (strict ? STRICT_QTY_TOLERANCE : undefined);
  opts = { ...opts, qtyTolerance: qtyTol };
  const tol = opts.toleranceMs;
  if (!(tol >= 0)) throw new AgreementError(`tolerance must be a number of ms >= 0, got ${tol}`);
  const inWindow = window === undefined ? backtest : backtest.filter((r) => r.ms >= window.startMs && r.ms <= window.endMs);
  const sGroups = group(session);
  const bGroups = group(inWindow);
  const matches: RoundMatch[] = [];
  const missed: OpenedRound[] = [];
  const extra: OpenedRound[] = [];
  const byDirection: DirectionCount[] = [];
  let sameTrigger = 0;
  const keys = [...new Set([...sGroups.keys(), ...bGroups.keys()])].sort();
  for (const k of keys) {
    const ss = sGroups.get(k) ?? [];
    const bs = bGroups.get(k) ?? [];
    const used = new Uint8Array(bs.length);
    const done = new Uint8Array(ss.length);
    let lo = 0;
    let matched = 0;
    // Pass 1: the same decision (the same quote triggered it on both sides).
    for (let i = 0; i < ss.length; i++) {
      const s = ss[i]!;
      if (Number.isNaN(s.triggerMs)) continue;
      for (let j = 0; j < bs.length; j++) {
        const b = bs[j]!;
        if (used[j] === 0 && Math.abs(b.triggerMs - s.triggerMs) <= TRIGGER_TOLERANCE_MS && qtyAgrees(s.qty, b.qty, opts.qtyTolerance)
          && (!strict || Math.abs(b.ms - s.ms) <= TRIGGER_TOLERANCE_MS)) {
          used[j] = 1;
          done[i] = 1;
          matched++;
          sameTrigger++;
          matches.push({ session: s, backtest: b, offsetMs: b.ms - s.ms });
          break;
        }
      }
    }
    // Pass 2: the rest by decision time.
    for (let i = 0; i < ss.length; i++) {
      const s = ss[i]!;
      if (done[i] === 1) continue;
      if (strict) {
        missed.push(s); // replayed with the session's trace: the same quote at the same time, or not reproduced
        continue;
      }
      // Session rounds ascend, so a backtest round too early for this one is too early for all later ones.
      while (lo < bs.length && bs[lo]!.ms < s.ms - tol) lo++;
      let hit = -1;
      for (let j = lo; j < bs.length && bs[j]!.ms <= s.ms + tol; j++) {
        if (used[j] === 0 && qtyAgrees(s.qty, bs[j]!.qty, opts.qtyTolerance)) {
          hit = j;
          break;
        }
      }
      if (hit < 0) {
        missed.push(s);
        continue;
      }
      used[hit] = 1;
      matched++;
      matches.push({ session: s, backtest: bs[hit]!, offsetMs: bs[hit]!.ms - s.ms });
    }
    for (let j = 0; j < bs.length; j++) if (used[j] === 0) extra.push(bs[j]!);
    const [symbol, buy, sell] = k.split('|') as [string, string, string];
    byDirection.push({ symbol, buy_venue: buy, sell_venue: sell, session: ss.length, backtest: bs.length, matched });
  }
  missed.sort((a, b) => a.ms - b.ms);
  extra.sort((a, b) => a.ms - b.ms);
  matches.sort((a, b) => a.session.ms - b.session.ms);
  const report: AgreementReport = {
    session_rounds: session.length,
    backtest_rounds: inWindow.length,
    matched: matches.length,
    matched_same_trigger: sameTrigger,
    share_matched: session.length === 0 ? null : matches.length / session.length,
    extra_backtest_rounds: extra.length,
    missed_session_rounds: missed.length,
    backtest_rounds_outside_window: backtest.length - inWindow.length,
    window: { start_ms: window?.startMs ?? NaN, end_ms: window?.endMs ?? NaN },
    tolerance_ms: tol,
    tolerance_source: opts.toleranceSource ?? 'given',
    qty_tolerance: opts.qtyTolerance ?? null,
    offset_ms: offsetStats(matches.map((m) => m.offsetMs)),
    session_decision_lag_ms: offsetStats(session.filter((r) => !Number.isNaN(r.triggerMs)).map(lagOf)),
    session_rounds_lagging: session.filter((r) => lagOf(r) > HOST_LAG_MS).length,
    replay: meta.replay ?? 'backtest',
    criterion: strict
      ? `strict (replayed with the session's strategy trace): same symbol and direction, decided on the same quote (receive time within ${TRIGGER_TOLERANCE_MS} ms) at the same time (within ${TRIGGER_TOLERANCE_MS} ms), qty within ${Number((qtyTol! * 100).toPrecision(3))} %`
      : `same symbol and direction: decided on the same quote, else decision times within ${tol} ms` + (qtyTol !== undefined ? `, qty within ${qtyTol * 100} %` : ''),
    config_differences: meta.configDifferences ?? [],
    by_direction: byDirection,
    missed: missed.slice(0, LIST_LIMIT).map(brief),
    extra: extra.slice(0, LIST_LIMIT).map(brief),
    causes: {
      missed: countCauses(missed, inWindow, tol, opts.qtyTolerance, session, true, meta.divergences),
      extra: countCauses(extra, session, tol, opts.qtyTolerance, session, false, meta.divergences),
    },
  };
  return { report, matches };
}

function p99Ms(h: Histogram | null): number {
  return h === null || h.totalCount === 0 ? 0 : h.getValueAtPercentile(99) / 1e6;
}

/**
 * The match tolerance from the session's own latency log: the paper bot decided
 * `tick_to_intent` after the frame arrived where the backtest decides on arrival, and order
 * round trips (`sent_to_ack`) move later decisions; p99 of each, plus a margin.
 */
export function toleranceFromHlog(text: string, name = 'latency.hlog'): { toleranceMs: number; source: string } {
  const log = parseHlog(text, name);
  const tick = p99Ms(mergeTag(log, 'tick_to_intent'));
  const ack = p99Ms(mergeTag(log, 'sent_to_ack'));
  const tolerance = Math.round((tick + ack + TOLERANCE_MARGIN_MS) * 1000) / 1000;
  return {
    toleranceMs: tolerance,
    source: `${name}: p99 tick_to_intent ${tick.toFixed(3)} ms + p99 sent_to_ack ${ack.toFixed(3)} ms + ${TOLERANCE_MARGIN_MS} ms`,
  };
}

/** Reads both journals and scores them. */
export function compareJournals(sessionJournal: string, backtestJournal: string, opts: MatchOptions,
  meta: MatchMeta = {}): AgreementReport {
  const s = readJournal(sessionJournal);
  const b = readJournal(backtestJournal);
  const session = openedRounds(s.entries as Entry[], sessionJournal);
  const backtest = openedRounds(b.entries as Entry[], backtestJournal);
  return matchRounds(session.rounds, backtest.rounds, opts, session.window, meta).report;
}

export interface AgreementRunOptions {
  /** The paper session's journal.jsonl. */
  sessionJournal: string;
  /** The backtest's run directory (its journal.jsonl is read, agreement.json written there). */
  backtestRunDir: string;
  /** The latency log the backtest was calibrated from; default: latency.hlog next to the session journal. */
  latencyHlog?: string;
  /** Overrides the tolerance from the latency log. */
  toleranceMs?: number;
  qtyTolerance?: number;
  /** How the backtest replayed the session ('session' or 'backtest'), reported. */
  replay?: string;
  configDifferences?: string[];
  /** The session's strategy trace as the replay used it (null: replayed without one). */
  replayTrace?: Record<string, unknown> | null;
}

/** Checked before a backtest starts, so a wrong --compare path fails fast. */
export function checkSessionJournal(file: string): void {
  if (!existsSync(file)) throw new AgreementError(`--compare: no journal at ${file} (give a paper run's runs/<id>/journal.jsonl)`);
}

/** Scores a finished backtest against the session and writes agreement.json into its run directory. */
export function runAgreement(o: AgreementRunOptions): { report: AgreementReport; file: string } {
  checkSessionJournal(o.sessionJournal);
  let toleranceMs = o.toleranceMs;
  let source = 'given';
  if (toleranceMs === undefined) {
    const hlog = o.latencyHlog ?? path.join(path.dirname(o.sessionJournal), 'latency.hlog');
    if (existsSync(hlog)) {
      const t = toleranceFromHlog(readFileSync(hlog, 'utf8'), hlog);
      toleranceMs = t.toleranceMs;
      source = t.source;
    } else {
      toleranceMs = DEFAULT_TOLERANCE_MS;
      source = `default (no ${hlog})`;
    }
  }
  const trace = o.replayTrace ?? null;
  const all = trace !== null && Array.isArray(trace['divergences']) ? (trace['divergences'] as Array<{ t_ms: number; kind: 'board' | 'fill' }>) : null;
  const report = compareJournals(o.sessionJournal, path.join(o.backtestRunDir, 'journal.jsonl'),
    { toleranceMs, qtyTolerance: o.qtyTolerance, toleranceSource: source },
    { replay: o.replay, configDifferences: o.configDifferences, divergences: all?.map((d) => ({ ms: d.t_ms, kind: d.kind })) });
  const file = path.join(o.backtestRunDir, AGREEMENT_FILE);
  report.replay_trace = trace === null ? null : {
    ...trace, divergence_count: all?.length ?? 0, divergences: all?.slice(0, LIST_LIMIT) ?? [],
  };
  writeFileSync(file, JSON.stringify({ session_journal: path.resolve(o.sessionJournal), ...report }, null, 2) + '\n');
  return { report, file };
}

/** The report as a few lines of text (printed after the backtest's report). */
export function formatAgreement(r: AgreementReport): string {
  const pctText = r.share_matched === null ? 'n/a (the session opened no round)' : `${(r.share_matched * 100).toFixed(1)} %`;
  const lines = [
    'paper/backtest agreement (round_opened: symbol, direction, time' + (r.qty_tolerance !== null ? ', qty' : '') + ')',
    `  session rounds       ${r.session_rounds}`,
    `  backtest rounds      ${r.backtest_rounds}` + (r.backtest_rounds_outside_window > 0 ? ` (+${r.backtest_rounds_outside_window} outside the session's trading window)` : ''),
    `  replayed as          ${r.replay === 'session' ? 'the session ran (its executor latency and seed, fills on the received book)' : 'a backtest (its own fill and latency model)'}`,
    `  matched              ${r.matched}  share of session rounds: ${pctText}  (${r.matched_same_trigger} decided on the same quote)`,
    `  missed by backtest   ${r.missed_session_rounds}`,
    `  extra in backtest    ${r.extra_backtest_rounds}`,
    `  reproduced means     ${r.criterion}`,
  ];
  const tr = r.replay_trace;
  if (tr !== null && tr !== undefined) {
    const divs = (tr['divergences'] as Array<{ kind: string; t_ms: number; order_id: number }> | undefined) ?? [];
    const byKind: Record<string, number> = {};
    for (const d of divs) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
    lines.push(`  session trace        ${tr['readsMatched']} of ${tr['reads']} strategy reads replayed at their read time, ` +
      `${tr['updates_never_read']} updates never read; orders timed by the session ${tr['ordersTimed']}, on the latency model ${tr['ordersModelled']}`);
    lines.push(`  divergences          ${tr['divergence_count']}` + (divs.length > 0
      ? ` (${Object.entries(byKind).map(([k, v]) => `${k} ${v}`).join(', ')} in the first ${divs.length}; first: ${divs[0]!.kind} at order ${divs[0]!.order_id}, ${divs[0]!.t_ms} ms)` : ''));
  } else {
    lines.push(`  tolerance            ${r.tolerance_ms} ms (${r.tolerance_source})` + (r.qty_tolerance !== null ? `, qty ±${r.qty_tolerance * 100} %` : ''));
  }
  const causes = (c: Record<string, number>): string => Object.entries(c).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  lines.push(`  missed, by cause     ${causes(r.causes.missed)}`);
  lines.push(`  extra, by cause      ${causes(r.causes.extra)}`);
  const o = r.offset_ms;
  if (o !== null) {
    lines.push(`  offset backtest-session, ms: mean ${o.mean}  min ${o.min}  p50 ${o.p50}  p90 ${o.p90}  p99 ${o.p99}  max ${o.max}`);
  }
  const g = r.session_decision_lag_ms;
  if (g !== null) {
    lines.push(`  host: session decided after its quote arrived, ms: p50 ${g.p50}  p90 ${g.p90}  max ${g.max}; ` +
      `${r.session_rounds_lagging} of ${r.session_rounds} rounds later than ${HOST_LAG_MS} ms`);
  }
  for (const d of r.config_differences.slice(0, 10)) lines.push(`  config differs       ${d}`);
  return lines.join('\n') + '\n';
}
