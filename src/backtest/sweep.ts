/**
 * Parameter sweeps: a grid of config overrides, each point one full backtest on a piscina
 * worker (sweep-worker.ts, compiled to dist), ranked by a metric (`--rank-by`, default strategy
 * PnL; see RANK_KEYS).
 *
 *   --param min_spread_bps=5:30:5          from:to:step (inclusive)
 *   --param slippage_tolerance=0.0005,0.001 a list
 * A key is looked up in [strategy], [risk], [execution], [fees] (or give section.key).
 */
import { fork } from 'node:child_process';
import type { Piscina } from 'piscina';
import { ConfigError, loadConfig, type ConfigProblem, type XarbConfig } from '../config/index.js';
import { dateStartMs, StoreError } from '../data/store.js';
import type { BookMode } from './engine.js';
import { DEFAULT_STORE_MAX_BYTES, readEventStore, type EventStore, type PartDecoder, type StorePart, type StorePartTask } from './event-store.js';
import { dataFiles, MissingDataError } from './data-files.js';
import { sweepPool, sweepWorkers } from './sweep-pool.js';
import { epochMs, startPhase, threadTimes, type SweepPhase } from './sweep-timings.js';

export class SweepParamError extends Error {
  override readonly name = 'SweepParamError';
}

const SECTIONS = ['strategy', 'risk', 'execution', 'fees'] as const;

export interface SweepParam {
  section: string;
  key: string;
  values: number[];
}

export function parseParam(spec: string, cfg: XarbConfig): SweepParam {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new SweepParamError(`bad --param "${spec}" (expected key=from:to:step or key=a,b,c)`);
  const name = spec.slice(0, eq).trim();
  const body = spec.slice(eq + 1).trim();
  let section: string | undefined;
  let key = name;
  if (name.includes('.')) [section, key] = name.split('.', 2) as [string, string];
  const tables = cfg as unknown as Record<string, Record<string, unknown>>;
  if (section === undefined) section = SECTIONS.find((s) => typeof tables[s]?.[key] === 'number');
  if (section === undefined || typeof tables[section]?.[key] !== 'number') {
    throw new SweepParamError(`--param ${name}: no numeric key "${key}" in [${SECTIONS.join('], [')}]`);
  }
  let values: number[];
  const range = /^(-?[\d.eE+-]+):(-?[\d.eE+-]+):([\d.eE+-]+)$/.exec(body);
  if (range) {
    const [a, b, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (![a, b, step].every(Number.isFinite) || !(step > 0) || b < a) throw new SweepParamError(`--param ${name}: bad range "${body}"`);
    values = [];
    const n = Math.floor((b - a) / step + 1e-9);
    for (let i = 0; i <= n; i++) values.push(Number((a + i * step).toPrecision(12)));
  } else {
    values = body.split(',').map((v) => Number(v.trim()));
    if (values.length === 0 || !values.every(Number.isFinite)) throw new SweepParamError(`--param ${name}: bad value list "${body}"`);
  }
  return { section, key, values };
}

export type Override = [section: string, key: string, value: number];

/** Cartesian product, the first parameter varying slowest. */
export function grid(params: readonly SweepParam[]): Override[][] {
  let out: Override[][] = [[]];
  for (const p of params) {
    const next: Override[][] = [];
    for (const prefix of out) for (const v of p.values) next.push([...prefix, [p.section, p.key, v]]);
    out = next;
  }
  return out;
}

export function applyOverrides(cfg: XarbConfig, overrides: readonly Override[]): XarbConfig {
  const copy = structuredClone(cfg) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, key, value] of overrides) copy[section]![key] = value;
  return copy as unknown as XarbConfig;
}

/** What a worker runs: one backtest. */
export interface SweepTask {
  configPath: string;
  overrides: Override[];
  startDate: string;
  endDate: string;
  dataDir?: string;
  runsDir: string;
  runId: string;
  book: BookMode;
  latencyHlog?: string;
  seed?: number;
  /** The range's events, decoded once and shared by every point (set by runSweep). */
  events?: EventStore;
}

/** One point's metrics: strategy PnL and its ratios (over capital), plus the total-equity ones. */
export interface SweepMetrics {
  runId: string;
  overrides: Override[];
  strategyPnl: number;
  arbitragePnl: number;
  leggingPnl: number;
  fees: number;
  inventoryPnl: number | null;
  /** On strategy PnL over capital. */
  sharpe: number | null;
  sortino: number | null;
  totalReturn: number | null;
  maxDrawdown: number | null;
  calmar: number | null;
  /** On total equity (moves with the price of the base asset). */
  equitySharpe: number | null;
  equityReturn: number | null;
  /** Rounds with a fill, and without any. */
  rounds: number;
  unfilledRounds: number;
  winRate: number | null;
  events: number;
}

/** `--rank-by` keys: the metric and whether higher is better. */
export const RANK_KEYS: Record<string, { get: (m: SweepMetrics) => number | null; higherIsBetter: boolean }> = {
  pnl: { get: (m) => m.strategyPnl, higherIsBetter: true },
  sharpe: { get: (m) => m.sharpe, higherIsBetter: true },
  sortino: { get: (m) => m.sortino, higherIsBetter: true },
  return: { get: (m) => m.totalReturn, higherIsBetter: true },
  calmar: { get: (m) => m.calmar, higherIsBetter: true },
  drawdown: { get: (m) => m.maxDrawdown, higherIsBetter: false },
  win_rate: { get: (m) => m.winRate, higherIsBetter: true },
  rounds: { get: (m) => m.rounds, higherIsBetter: true },
  equity_sharpe: { get: (m) => m.equitySharpe, higherIsBetter: true },
  equity_return: { get: (m) => m.equityReturn, higherIsBetter: true },
};
export const DEFAULT_RANK_KEY = 'pnl';

export interface SweepOptions {
  workers?: number;
  /**
   * Decode the data once into shared memory for every point (event-store.ts: the workers
   * decode its files in parallel) when it fits in this many bytes; 0 = never (each point
   * streams its files). Default 1.5 GiB.
   */
  sharedDataMaxBytes?: number;
  onDone?: (m: SweepMetrics, done: number, total: number) => void;
  /**
   * Run the pool in this process, with its V8 flags, instead of in a child process started
   * with SWEEP_V8_FLAGS (default false; see runSweep).
   */
  inProcess?: boolean;
  /**
   * Called once, after the results, with the sweep's phases by thread (sweep-timings.ts):
   * start-up, decode, merge, each point, teardown. Costs a file read per phase.
   */
  onTimings?: (phases: SweepPhase[]) => void;
}

/**
 * The points' common data, read once (null: points differ in data, range or symbols, the
 * store is off, or the data is too large to hold; then every point streams its files).
 */
async function sharedEvents(tasks: readonly SweepTask[], maxBytes: number, decode: PartDecoder): Promise<EventStore | null> {
  const t0 = tasks[0];
  if (t0 === undefined || maxBytes <= 0) return null;
  if (tasks.some((t) => t.configPath !== t0.configPath || t.startDate !== t0.startDate || t.endDate !== t0.endDate || t.dataDir !== t0.dataDir)) return null;
  // overrides are numbers in [strategy], [risk], [execution], [fees]: symbols stay the config's
  const cfg = loadConfig(t0.configPath, { mode: 'dry-run' });
  const symbols = cfg.strategy.symbols.map((s) => s.toUpperCase());
  const series = dataFiles(t0.dataDir ?? cfg.backtest.data_dir, symbols, t0.startDate, t0.endDate, t0.configPath);
  return readEventStore(series, dateStartMs(t0.startDate), maxBytes, decode);
}

/**
 * V8 flags of the process that hosts a sweep (sweep-host.ts). A point is one isolate running
 * flat out on its thread; with V8's default helper threads (concurrent marking, parallel
 * scavenges, concurrent compilation) it also kept ~0.3 of another core busy, and ~20 % more
 * process CPU in all: free on an idle core with one worker, but with as many workers as
 * cores those threads took the other workers' cores. With the flags the same work runs on
 * each worker's own thread (the flags are process-wide, hence the child process).
 */
export const SWEEP_V8_FLAGS: readonly string[] = ['--single-threaded'];

/** The flags a sweep host gets: SWEEP_V8_FLAGS, or XARB_SWEEP_V8_FLAGS when set (space-separated; "" = none), to compare. */
export function sweepV8Flags(env: NodeJS.ProcessEnv = process.env): string[] {
  const v = env['XARB_SWEEP_V8_FLAGS'];
  return v === undefined ? [...SWEEP_V8_FLAGS] : v.split(/\s+/).filter((f) => f !== '');
}

/**
 * This process's node options for the host, without the ones that name code to run instead of
 * a module (`-e`/`--eval`, `-p`/`--print` and their argument, `--input-type`): a sweep started
 * from `node -e` would otherwise run that script again in its host.
 */
export function hostExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-pe') { i++; continue; }
    if (a.startsWith('--eval=') || a.startsWith('--print=') || a.startsWith('--input-type')) continue;
    out.push(a);
  }
  return out;
}

/** What crosses from the sweep host to runSweep (child_process IPC, advanced serialization). */
export type HostMessage =
  | { type: 'done'; metrics: SweepMetrics; done: number; total: number }
  | { type: 'result'; results: SweepMetrics[]; phases?: SweepPhase[] }
  | { type: 'error'; error: { name: string; message: string; stack?: string; missing?: string[]; problems?: ConfigProblem[] } };

/** The error a host reported, as the class the callers catch (sweep-cmd.ts). */
function revive(e: Extract<HostMessage, { type: 'error' }>['error']): Error {
  let out: Error;
  if (e.name === 'MissingDataError') out = new MissingDataError(e.missing ?? [], e.message);
  else if (e.name === 'ConfigError') out = new ConfigError(e.problems ?? []);
  else if (e.name === 'SweepParamError') out = new SweepParamError(e.message);
  else if (e.name === 'StoreError') out = new StoreError(e.message);
  else {
    out = new Error(e.message);
    out.name = e.name;
  }
  if (e.stack !== undefined) out.stack = e.stack;
  return out;
}

/**
 * Runs every task (one backtest each) on `workers` threads (default one per core); results
 * in task order. By default in a child process with SWEEP_V8_FLAGS (sweep-host.ts), whatever
 * the number of workers, so 1 and N workers run the same work with the same flags.
 */
export function runSweep(tasks: readonly SweepTask[], o: SweepOptions = {}): Promise<SweepMetrics[]> {
  if (o.inProcess === true) return runSweepInProcess(tasks, o);
  return new Promise((resolve, reject) => {
    const forkedAt = epochMs();
    // the host starts its pool from the worker count before it has the tasks (sweep-host.ts)
    const child = fork(new URL('./sweep-host.js', import.meta.url), [String(sweepWorkers(tasks.length, o.workers))], {
      execArgv: [...hostExecArgv(process.execArgv), ...sweepV8Flags()], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    // with onTimings: the results wait for the host's exit, its teardown being a phase
    let done: { results: SweepMetrics[]; phases: SweepPhase[]; at: number } | null = null;
    const settle = (err: Error | null, results?: SweepMetrics[]): void => {
      if (settled) return;
      settled = true;
      if (err !== null) reject(err);
      else resolve(results!);
    };
    child.on('message', (msg: HostMessage) => {
      if (msg.type === 'done') o.onDone?.(msg.metrics, msg.done, msg.total);
      else if (msg.type === 'result' && o.onTimings !== undefined) done = { results: msg.results, phases: msg.phases ?? [], at: epochMs() };
      else if (msg.type === 'result') settle(null, msg.results);
      else if (msg.type === 'error') settle(revive(msg.error));
    });
    child.on('error', (err) => settle(err));
    child.on('exit', (code, signal) => {
      if (done !== null && !settled) {
        o.onTimings!([{ phase: 'fork', thread: 'parent', startMs: forkedAt, endMs: forkedAt, cpuMs: NaN, sysMs: NaN, waitMs: NaN }, ...done.phases,
          { phase: 'host exit', thread: 'parent', startMs: done.at, endMs: epochMs(), cpuMs: NaN, sysMs: NaN, waitMs: NaN }]);
        settle(null, done.results);
      }
      settle(new Error(`sweep host process ended (${signal ?? `exit code ${code}`}) before its results`));
    });
    child.send({ tasks, workers: o.workers, sharedDataMaxBytes: o.sharedDataMaxBytes, timings: o.onTimings !== undefined });
  });
}

/**
 * runSweep on a piscina pool of this process: `pool` when given (sweepPool(sweepWorkers(tasks.length,
 * o.workers)), started early by the host; destroyed here), else a new one.
 */
export async function runSweepInProcess(tasks: readonly SweepTask[], o: SweepOptions = {}, pool?: Piscina): Promise<SweepMetrics[]> {
  const phases: SweepPhase[] | null = o.onTimings !== undefined ? [] : null;
  let end = phases !== null ? startPhase('pool create', 'host') : null;
  // The workers decode the data first, a file each at a time (sweep-decode.ts), then run the points.
  pool ??= sweepPool(sweepWorkers(tasks.length, o.workers));
  const point = { filename: new URL('./sweep-worker.js', import.meta.url).href, name: phases !== null ? 'timedPoint' : 'default' };
  let decodedAt: { at: number; cpuMs: number; sysMs: number; waitMs: number } | null = null;
  const decode: PartDecoder = phases === null ? (t: StorePartTask) => pool.run(t) as Promise<StorePart>
    : async (t: StorePartTask) => {
      const r = (await pool.run(t, { name: 'timedDecode' })) as { part: StorePart; phases: SweepPhase[] };
      phases.push(...r.phases);
      decodedAt = { at: epochMs(), ...threadTimes() };
      return r.part;
    };
  let done = 0;
  try {
    if (end !== null) phases!.push(end());
    end = phases !== null ? startPhase('shared events', 'host') : null;
    const events = await sharedEvents(tasks, o.sharedDataMaxBytes ?? DEFAULT_STORE_MAX_BYTES, decode);
    if (end !== null) {
      phases!.push(end());
      const d = decodedAt as { at: number; cpuMs: number; sysMs: number; waitMs: number } | null;
      if (d !== null) {
        const now = threadTimes();
        phases!.push({ phase: 'merge', thread: 'host', startMs: d.at, endMs: epochMs(), cpuMs: now.cpuMs - d.cpuMs, sysMs: now.sysMs - d.sysMs, waitMs: now.waitMs - d.waitMs });
      }
      end = startPhase('points', 'host');
    }
    if (events !== null) tasks = tasks.map((t) => ({ ...t, events }));
    const results = await Promise.all(tasks.map(async (t) => {
      let m: SweepMetrics;
      if (phases !== null) {
        const r = (await pool.run(t, point)) as { metrics: SweepMetrics; phases: SweepPhase[] };
        phases.push(...r.phases);
        m = r.metrics;
      } else {
        m = (await pool.run(t, point)) as SweepMetrics;
      }
      done++;
      o.onDone?.(m, done, tasks.length);
      return m;
    }));
    if (end !== null) phases!.push(end());
    return results;
  } finally {
    end = phases !== null ? startPhase('pool destroy', 'host') : null;
    await pool.destroy();
    if (end !== null) {
      phases!.push(end());
      o.onTimings!(phases!);
    }
  }
}

/** Best first by RANK_KEYS[key]; n/a last; ties keep grid order. */
export function rankBy(rows: readonly SweepMetrics[], key: string = DEFAULT_RANK_KEY): SweepMetrics[] {
  const k = RANK_KEYS[key];
  if (k === undefined) throw new SweepParamError(`--rank-by takes one of ${Object.keys(RANK_KEYS).join(', ')}; got "${key}"`);
  const score = (m: SweepMetrics): number => {
    const v = k.get(m);
    return v === null || !Number.isFinite(v) ? -Infinity : k.higherIsBetter ? v : -v;
  };
  const idx = rows.map((r, i) => ({ r, i, s: score(r) }));
  idx.sort((a, b) => (b.s !== a.s ? (b.s > a.s ? 1 : -1) : a.i - b.i));
  return idx.map((x) => x.r);
}

/** Best strategy Sharpe first (rankBy(rows, 'sharpe')). */
export function rankBySharpe(rows: readonly SweepMetrics[]): SweepMetrics[] {
  return rankBy(rows, 'sharpe');
}

const num = (x: number | null, d = 4): string => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

export function sweepCsv(rows: readonly SweepMetrics[]): string {
  const keys = rows[0]?.overrides.map(([s, k]) => `${s}.${k}`) ?? [];
  const head = ['rank', ...keys, 'strategy_pnl', 'arbitrage_pnl', 'legging_pnl', 'fees', 'inventory_pnl', 'sharpe', 'sortino', 'return',
    'max_drawdown', 'calmar', 'equity_sharpe', 'equity_return', 'rounds', 'unfilled_rounds', 'win_rate', 'events', 'run_id'];
  const lines = [head.join(',')];
  rows.forEach((r, i) => {
    lines.push([String(i + 1), ...r.overrides.map((o) => String(o[2])), num(r.strategyPnl, 6), num(r.arbitragePnl, 6), num(r.leggingPnl, 6),
      num(r.fees, 6), num(r.inventoryPnl, 6), num(r.sharpe, 6), num(r.sortino, 6), num(r.totalReturn, 8), num(r.maxDrawdown, 8), num(r.calmar, 6),
      num(r.equitySharpe, 6), num(r.equityReturn, 8), String(r.rounds), String(r.unfilledRounds), num(r.winRate, 6), String(r.events), r.runId].join(','));
  });
  return lines.join('\n') + '\n';
}

/** The ranked table for people: strategy PnL and its ratios first, total equity's apart. */
export function sweepTable(rows: readonly SweepMetrics[]): string {
  const keys = rows[0]?.overrides.map(([, k]) => k) ?? [];
  const head = ['#', ...keys, 'strategy pnl', 'sharpe', 'return %', 'max dd %', 'rounds', 'win %', 'inventory pnl', 'equity sharpe'];
  const money = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'n/a'
    : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  const cells = rows.map((r, i) => [String(i + 1), ...r.overrides.map((o) => String(o[2])), money(r.strategyPnl), num(r.sharpe, 3),
    r.totalReturn === null ? 'n/a' : (r.totalReturn * 100).toFixed(4), r.maxDrawdown === null ? 'n/a' : (r.maxDrawdown * 100).toFixed(3),
    String(r.rounds), r.winRate === null ? 'n/a' : (r.winRate * 100).toFixed(1), money(r.inventoryPnl), num(r.equitySharpe, 3)]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padStart(w[i]!)).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...cells.map(line)].join('\n');
}
