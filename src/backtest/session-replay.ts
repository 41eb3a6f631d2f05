/**
 * Replaying a recorded paper session as it ran (`--compare JOURNAL`, default `--compare-as
 * session`): the backtest takes from the session's run_start what the paper bot's own
 * pipeline did, so its decisions can be held against the session's one by one
 * (docs/backtest.md, "Paper/backtest agreement"):
 *   fills      the venue-side book moves at the recorded receive time: the paper dry-run
 *              executor fills against the feed's quote board (what was received), not the
 *              venue's book at exchange time (engine option venueClock = 'receive')
 *   depth      as many levels as the session's board held ([engine] depth_levels)
 *   memory     the liquidity memory checks the book only when the next order fills, as the
 *              paper executor does (it reads the quote board only then)
 *   gates      a book is usable only once its depth book is synced, as a paper feed flags it
 *              (depthGate = 'always'); a crossed ticker is dropped as the feed drops it
 *   latency    the session's dry-run executor models ([execution] entry/response_latency_*)
 *              seeded with the session's seed exactly as the executor seeds them
 *              (dryRunExecutorLatency: entry seed, response seed + 1), not draws from its
 *              histograms
 *   timers     the strategy's timer every 1 ms (the paper strategy agent's period)
 *   feed       no extra feed latency: the strategy sees a frame at its recorded receive time
 *   start      the strategy reads nothing before the session's strategy thread started (after
 *              its warm-up; run_end.strategy_ready_ns): what arrived earlier waits, in order,
 *              in a feed ring of the session's [engine] feed_ring_slots (drop-oldest)
 * What stays different is the host: the paper strategy read each frame some time after it was
 * received (scheduler delay, measured per round by the agreement report), and its executor
 * polled when its thread ran.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readStrategyTrace, TRACE_FILE } from '../data/strategy-trace.js';
import { SIDE_BUY, SIDE_SELL, STATUS_NAMES, VENUE_COUNT, VENUE_NAMES } from '../core/records.js';
import { reportKey, SessionTraceReplay } from './session-trace-replay.js';
import { dryRunExecutorLatency, type LatencyModelConfig, type LatencyModelName } from '../execution/latency-model.js';
import type { OrderLatency } from './latency.js';

export class SessionReplayError extends Error {
  override readonly name = 'SessionReplayError';
}

/** The strategy agent's timer period (src/actors/strategy-agent.ts TIMER_PERIOD_NS). */
export const SESSION_TIMER_STEP_MS = 1;

export interface SessionSetup {
  journal: string;
  mode: string;
  entry: LatencyModelConfig;
  response: LatencyModelConfig;
  seed: number;
  /** Where the seed came from ('run_start' or the assumed default for older journals). */
  seedSource: string;
  depthLevels: number;
  /** The session's config sections as journaled (strategy, risk, execution, fees, engine). */
  config: Record<string, unknown>;
  /** Wall ms the session's strategy started reading quotes (run_end.strategy_ready_ns), null when not journaled. */
  strategyReadyWallMs: number | null;
  /** [engine] feed_ring_slots of the session. */
  feedRingSlots: number;
  /** Wall ms of the session's run_start and run_end (null when it did not end cleanly): the replay's report period. */
  startWallMs: number | null;
  endWallMs: number | null;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null ? (v as Obj) : {};
}

/** The session's run_start (the journal's first) and run_end (its last; null when the run did not end cleanly). */
export function sessionBounds(file: string): { start: Obj; end: Obj | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SessionReplayError(`cannot read the session journal ${file}: ${(e as Error).message}`);
  }
  let start: Obj | null = null;
  let end: Obj | null = null;
  for (const line of text.split('\n')) {
    const isStart = start === null && line.includes('"run_start"');
    if (!isStart && !line.includes('"run_end"')) continue;
    try {
      const e = JSON.parse(line) as Obj;
      if (isStart && e['type'] === 'run_start') start = e;
      else if (e['type'] === 'run_end') end = e;
    } catch { /* a torn line: keep looking */ }
  }
  if (start === null) throw new SessionReplayError(`${file} has no run_start line: not a paper session's journal`);
  return { start, end };
}

function latencyKeys(exec: Obj, prefix: 'entry' | 'response', file: string): LatencyModelConfig {
  const model = exec[`${prefix}_latency_model`];
  const mean = exec[`${prefix}_latency_mean_ms`];
  const std = exec[`${prefix}_latency_std_ms`];
  if (typeof model !== 'string' || typeof mean !== 'number' || typeof std !== 'number') {
    throw new SessionReplayError(`${file}: run_start.config.execution has no ${prefix}_latency_model/_mean_ms/_std_ms`);
  }
  return { model: model as LatencyModelName, mean_ms: mean, std_ms: std };
}

/** What a replay of the session needs from its run_start. `defaultSeed` for journals written before run_start named it. */
export function sessionSetup(file: string, defaultSeed: number): SessionSetup {
  const { start: rs, end } = sessionBounds(file);
  const config = obj(rs['config']);
  const readyNs = end?.['strategy_ready_ns'];
  const t0 = rs['t'];
  const ns0 = rs['ns'];
  const ready = typeof readyNs === 'number' && typeof t0 === 'number' && typeof ns0 === 'number' ? t0 + (readyNs - ns0) / 1e6 : null;
  const slots = obj(config['engine'])['feed_ring_slots'];
  const exec = obj(config['execution']);
  const seed = rs['seed'];
  const depth = obj(config['engine'])['depth_levels'];
  return {
    journal: file,
    mode: String(rs['mode']),
    entry: latencyKeys(exec, 'entry', file),
    response: latencyKeys(exec, 'response', file),
    seed: typeof seed === 'number' ? seed : defaultSeed,
    seedSource: typeof seed === 'number' ? 'run_start' : `assumed ${defaultSeed} (run_start names no seed)`,
    depthLevels: typeof depth === 'number' && depth >= 1 ? depth : 10,
    config,
    strategyReadyWallMs: ready,
    feedRingSlots: typeof slots === 'number' && slots >= 1 ? slots : 4096,
    startWallMs: typeof t0 === 'number' ? t0 : null,
    endWallMs: typeof end?.['t'] === 'number' ? end['t'] : null,
  };
}

/**
 * Config keys (strategy, risk, execution, fees) whose values differ between the session and
 * the replay: each one can change a decision, so the agreement report lists them.
 */
export function configDifferences(session: Obj, replay: Obj): string[] {
  const out: string[] = [];
  for (const section of ['strategy', 'risk', 'execution', 'fees']) {
    const a = obj(session[section]);
    const b = obj(replay[section]);
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${section}.${k}: session ${JSON.stringify(a[k])}, replay ${JSON.stringify(b[k])}`);
    }
  }
  return out;
}

/** The session's dry-run executor latency, drawn as it drew it. */
export function sessionLatency(s: SessionSetup): OrderLatency {
  const m = dryRunExecutorLatency(s.entry, s.response, s.seed);
  const d = (c: LatencyModelConfig): string => `${c.model} ${c.mean_ms} ms` + (c.model === 'constant' ? '' : ` (std ${c.std_ms} ms)`);
  return { ...m, source: `the session's dry-run executor: entry ${d(s.entry)}, response ${d(s.response)}, seed ${s.seed} (${s.seedSource})` };
}

export interface SessionOrders {
  /** Order id, decision ns (the session's monoNs), venue id, side (SIDE_*). */
  intents: Array<{ orderId: number; ns: number; venue: number; side: number }>;
  /** Order id -> its reports as reportKey (status, qty, price). */
  reports: Map<number, string[]>;
}

/** The session journal's orders: its intents and their reports. */
export function sessionOrders(file: string): SessionOrders {
  const out: SessionOrders['intents'] = [];
  const reports = new Map<number, string[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const isReport = line.includes('"report"');
    if (!isReport && !line.includes('"intent"')) continue;
    try {
      const e = JSON.parse(line) as Obj;
      if (isReport && e['type'] === 'report' && typeof e['order_id'] === 'number') {
        const k = reportKey(STATUS_NAMES.indexOf(String(e['status'])), Number(e['last_qty'] ?? 0), Number(e['last_px'] ?? 0));
        const list = reports.get(e['order_id']);
        if (list === undefined) reports.set(e['order_id'], [k]);
        else list.push(k);
        continue;
      }
      if (e['type'] === 'intent' && typeof e['order_id'] === 'number' && typeof e['ns'] === 'number') {
        out.push({ orderId: e['order_id'], ns: e['ns'], venue: VENUE_NAMES.indexOf(String(e['venue'])), side: e['side'] === 'buy' ? SIDE_BUY : SIDE_SELL });
      }
    } catch { /* a torn line */ }
  }
  return { intents: out, reports };
}

/**
 * The session's strategy trace (`<data dir>/strategy-trace.bin`, written by --record) on the
 * replay's clock, or null when the recording has none (older recordings, `xarb record`): then
 * the replay delivers each update at its receive time (the strategy thread's delay unknown).
 */
export function sessionTrace(s: SessionSetup, dataDir: string, startMs: number, lat: OrderLatency): { replay: SessionTraceReplay; file: string } | null {
  const file = path.join(dataDir, TRACE_FILE);
  if (!existsSync(file)) return null;
  const trace = readStrategyTrace(file);
  const orders = sessionOrders(s.journal);
  return { replay: new SessionTraceReplay(trace, startMs, VENUE_COUNT, orders.intents, lat.entry, lat.response, orders.reports), file };
}
