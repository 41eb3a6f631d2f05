/**
 * Backtest benchmarks (`npm run bench -- backtest [--quick]`):
 *   - engine loop over pre-decoded top-of-book events (no parsing, no I/O): events/s
 *   - engine over frames already in memory (venue parsers + book sync), top / 20-level depth
 *   - end to end from .jsonl.gz files (gunzip + line decode + the above), top / depth
 *   - sweep of 4 points with 2 workers vs 1 (speed-up: the median ratio of 3 pairs run back to back, with its range; both in runSweep's child process with SWEEP_V8_FLAGS;
 *     `shared_store`: whether the day fits the shared event store, decoded by the workers, or the points stream;
 *     `--timings` prints each sweep's phases by thread, sweep-timings.ts, and adds `cpu_speedup`: the
 *     ratio of the two sweeps' CPU critical paths, criticalCpuMs)
 *   - peak RSS of a child process backtesting N synthetic days (streaming, not loaded whole)
 * Synthetic data is written to a temp dir first (xarb data synth's generator).
 *
 * Targets (issue #10), checked in the same run:
 *   - engine over in-memory frames, top of book: >= 1.45 M events/s; also as a ratio to the
 *     same run's floor, the venue parsers alone over the same frames (host speed cancels out)
 *   - end to end from .jsonl.gz, top of book: >= 0.64 M events/s; also as a ratio to the same
 *     run's floor, reading and merging the files without the engine
 *   - a 4-point sweep on 2 workers >= 1.7x faster than on 1 (needs 2 free cores)
 * Each target row carries `target`, `meets_target` and its `x_floor` ratio.
 *
 * `--base DIR` (a built checkout of another commit, e.g. `git worktree add ../base 2936ae6`
 * then `npm run build` there): the engine loop, in-memory and end-to-end cases also run that
 * tree's engine on the same data and its own default config, alternating base / this, best of
 * the repetitions for each; rows gain `base_ops_per_s` and `x_base` (this ÷ base, same run).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { BacktestEngine } from '../src/backtest/engine.js';
import { arbitrageConfig, dataFiles, runBacktest, strategyBalances } from '../src/backtest/run.js';
import { MergedRecording } from '../src/data/recording-merge.js';
import { synthesize } from '../src/backtest/synth.js';
import { runSweep, grid, parseParam, sweepV8Flags, type SweepTask } from '../src/backtest/sweep.js';
import { DEFAULT_STORE_MAX_BYTES, estimatedBytes } from '../src/backtest/event-store.js';
import { criticalCpuMs, formatPhases, type SweepPhase } from '../src/backtest/sweep-timings.js';
import { LINE_FRAME, LINE_SNAPSHOT, StoreLineDecoder } from '../src/data/store-line.js';
import type { JournalLineSink } from '../src/backtest/journal-writer.js';
import { ConstantLatency } from '../src/execution/latency-model.js';
import { simSymbolFilters } from '../src/sim/instruments.js';
import type { VenueFilters } from '../src/strategy/config.js';
import { BinanceFrameParser } from '../src/venues/binance/frame-parser.js';
import { BybitFrameParser } from '../src/venues/bybit/frame-parser.js';
import { MSG_QUOTE } from '../src/venues/parsed-frame.js';
import { SymbolTable } from '../src/core/symbols.js';
import type { BenchRow } from './types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NULL_JOURNAL: JournalLineSink = { append: () => undefined };
/** Issue #10's targets (the figures of the run before the two-book engine, docs/benchmarks.md). */
export const TARGET_IN_MEMORY_TOP = 1.45e6;
export const TARGET_E2E_TOP = 0.64e6;
export const TARGET_SWEEP_SPEEDUP = 1.7;
/** Pairs of sweeps (1 worker, then 2) whose median ratio is the speed-up. */
const SWEEP_REPS = 3;

function target(value: number, goal: number, unit: string): Record<string, string | boolean> {
  return { target: `>= ${unit === 'x' ? goal : (goal / 1e6).toFixed(2) + ' M/s'}${unit === 'x' ? 'x' : ''}`, meets_target: value >= goal };
}

function row(name: string, opsPerS: number, extra: Record<string, string | number | boolean | null> = {}): BenchRow {
  // Throughput suites: no per-event percentiles (timing each event would cost more than the
  // event); mean_ns_per_op is 1e9 / ops_per_s.
  const ns = opsPerS > 0 ? 1e9 / opsPerS : NaN;
  return { case: name, p50_ns: NaN, p99_ns: NaN, p999_ns: NaN, max_ns: NaN, ops_per_s: Math.round(opsPerS), mean_ns_per_op: Math.round(ns), ...extra };
}

/** What the cases need of a tree: this one, or a --base checkout's dist (same API since 2936ae6). */
interface Tree {
  BacktestEngine: typeof BacktestEngine;
  runBacktest: typeof runBacktest;
  ConstantLatency: typeof ConstantLatency;
  config: ReturnType<typeof loadConfig>;
  arbitrageConfig: typeof arbitrageConfig;
  strategyBalances: typeof strategyBalances;
}

/** A tree's config/arbitrage.toml pointed at `data` (also bench/backtest-instr-drive.ts). */
export function configText(root: string, data: string): string {
  return readFileSync(path.join(root, 'config', 'arbitrage.toml'), 'utf8')
    .replace(/data_dir = "data"/, `data_dir = ${JSON.stringify(data)}`)
    .replace(/binance = "binance.toml"/, `binance = ${JSON.stringify(path.join(root, 'config', 'binance.toml'))}`)
    .replace(/bybit = "bybit.toml"/, `bybit = ${JSON.stringify(path.join(root, 'config', 'bybit.toml'))}`);
}

async function loadBase(root: string, dir: string, data: string): Promise<Tree> {
  const abs = path.resolve(root);
  const imp = (p: string): Promise<Record<string, unknown>> => import(path.join(abs, 'dist', 'src', p));
  const cfgPath = path.join(dir, 'arbitrage-base.toml');
  writeFileSync(cfgPath, configText(abs, data));
  const [cfg, eng, run, lat] = await Promise.all([imp('config/index.js'), imp('backtest/engine.js'), imp('backtest/run.js'), imp('execution/latency-model.js')]);
  return {
    BacktestEngine: eng['BacktestEngine'] as typeof BacktestEngine, runBacktest: run['runBacktest'] as typeof runBacktest,
    ConstantLatency: lat['ConstantLatency'] as typeof ConstantLatency,
    config: (cfg['loadConfig'] as typeof loadConfig)(cfgPath, { mode: 'dry-run' }),
    arbitrageConfig: run['arbitrageConfig'] as typeof arbitrageConfig, strategyBalances: run['strategyBalances'] as typeof strategyBalances,
  };
}

/** Events/s of `fn` (returns its event count) on each tree, alternating, best of `reps`. */
async function versus(trees: Tree[], reps: number, fn: (tree: Tree) => Promise<number> | number): Promise<number[]> {
  const best = trees.map(() => 0);
  for (let r = 0; r < reps; r++) {
    for (let i = trees.length - 1; i >= 0; i--) { // base first
      const t0 = performance.now();
      const n = await fn(trees[i]!);
      const rate = n / ((performance.now() - t0) / 1000);
      if (rate > best[i]!) best[i] = rate;
    }
  }
  return best;
}

function vsBase(rates: number[]): Record<string, number> {
  return rates.length < 2 ? {} : { base_ops_per_s: Math.round(rates[1]!), x_base: Number((rates[0]! / rates[1]!).toFixed(3)) };
}

export interface Loaded { venue: number; symbol: number; t: number; kind: number; frame: Buffer; text: string }

/** Every line of the day files, decoded, merged by time (in memory: the benches only). */
export function loadFrames(data: string, date: string): Loaded[] {
  const out: Loaded[] = [];
  const dec = new StoreLineDecoder();
  ['binance', 'bybit'].forEach((venue, v) => {
    const buf = gunzipSync(readFileSync(path.join(data, venue, 'spot', 'BTCUSDT', `${date}.jsonl.gz`)));
    let pos = 0;
    let t0s = 0;
    let t0n = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      dec.decodeTime(buf, pos);
      const kind = dec.decodeBody(buf, pos, nl);
      if (out.length === 0 && kind !== LINE_FRAME && kind !== LINE_SNAPSHOT) { t0s = dec.tSec; t0n = dec.tNsec; }
      if (kind === LINE_FRAME || kind === LINE_SNAPSHOT) {
        if (t0s === 0) { t0s = dec.tSec; t0n = dec.tNsec; }
        const t = (dec.tSec - t0s) * 1e9 + (dec.tNsec - t0n);
        out.push({ venue: v, symbol: 0, t, kind, frame: kind === LINE_FRAME ? Buffer.from(dec.out.subarray(0, dec.frameLen)) : Buffer.alloc(0),
          text: kind === LINE_SNAPSHOT ? String(dec.obj!['snapshot']) : '' });
      }
      pos = nl + 1;
    }
  });
  out.sort((a, b) => a.t - b.t || a.venue - b.venue);
  return out;
}

/**
 * The sweep speed-up rows (`backtest`, and alone as `npm run bench -- sweep`): 4 points on 1 and 2
 * workers over the day in `data`, SWEEP_REPS pairs back to back, and the base tree's own sweep
 * in between when given.
 */
async function sweepRows(o: { dir: string; data: string; date: string; config: ReturnType<typeof loadConfig>; cfgPath: string; base?: string | undefined; timings?: boolean | undefined }): Promise<BenchRow[]> {
  const { dir, data, date, config, cfgPath } = o;
  const opts = { base: o.base, timings: o.timings };
  const rows: BenchRow[] = [];
  // 4. sweep speed-up (and the base's, when given: its own sweep module and worker)
  const points = grid([parseParam('min_spread_bps=2,4', config), parseParam('slippage_tolerance=0.0005,0.001', config)]);
  const sweeps: { runSweep: typeof runSweep; cfgPath: string; tag: string }[] = [{ runSweep, cfgPath, tag: '' }];
  if (opts.base !== undefined) {
    const m = await import(path.join(path.resolve(opts.base), 'dist', 'src', 'backtest', 'sweep.js')) as { runSweep: typeof runSweep };
    const baseCfg = path.join(dir, 'arbitrage-base.toml');
    writeFileSync(baseCfg, configText(path.resolve(opts.base), data));
    sweeps.push({ runSweep: m.runSweep, cfgPath: baseCfg, tag: 'base' });
  }
  // --timings: each sweep's CPU critical path (criticalCpuMs), by worker count
  const critical: Record<number, number> = {};
  const time = async (workers: number, sw: (typeof sweeps)[number]): Promise<number> => {
    const tasks: SweepTask[] = points.map((overrides, i) => ({
      configPath: sw.cfgPath, overrides, startDate: date, endDate: date, runsDir: path.join(dir, `sweep${sw.tag}${workers}`), runId: `p${i}`, book: 'depth',
    }));
    // --timings: this tree's phases (a base tree before sweep-timings.ts has no onTimings)
    const onTimings = opts.timings === true && sw.tag === '' ? (p: SweepPhase[]) => {
      critical[workers] = criticalCpuMs(p);
      process.stdout.write(`\n-- sweep phases, ${workers} worker${workers > 1 ? 's' : ''} (ms from the fork; load ${os.loadavg()[0]!.toFixed(1)})\n${formatPhases(p)}\n`);
    } : undefined;
    const t0 = performance.now();
    await sw.runSweep(tasks, { workers, onTimings });
    return (performance.now() - t0) / 1000;
  };
  // Repeated, 1 and 2 workers back to back each time (and the base's in between): one pair of
  // sweeps on this VM gave anything from 1.46x to 2.07x; the median of SWEEP_REPS pairs' ratios
  // is the figure, with the range beside it.
  const secs: number[][][] = sweeps.map(() => []);
  for (let rep = 0; rep < SWEEP_REPS; rep++) {
    for (let i = sweeps.length - 1; i >= 0; i--) {
      const s1 = await time(1, sweeps[i]!);
      secs[i]!.push([s1, await time(2, sweeps[i]!)]);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const ratios = (i: number): number[] => secs[i]!.map(([a, b]) => a! / b!);
  const s1 = median(secs[0]!.map((p) => p[0]!));
  const s2 = median(secs[0]!.map((p) => p[1]!));
  const speedup = median(ratios(0));
  const base: Record<string, number> = secs.length > 1 ? { base_seconds_1: Number(median(secs[1]!.map((p) => p[0]!)).toFixed(2)),
    base_seconds_2: Number(median(secs[1]!.map((p) => p[1]!)).toFixed(2)), base_speedup: Number(median(ratios(1)).toFixed(2)) } : {};
  rows.push(row('sweep 4 points, 1 worker', points.length / s1, { seconds: Number(s1.toFixed(2)) }));
  rows.push(row('sweep 4 points, 2 workers', points.length / s2, { seconds: Number(s2.toFixed(2)), speedup: Number(speedup.toFixed(2)),
    speedup_min: Number(Math.min(...ratios(0)).toFixed(2)), speedup_max: Number(Math.max(...ratios(0)).toFixed(2)), sweep_pairs: SWEEP_REPS,
    cores: os.availableParallelism(), v8_flags: sweepV8Flags().join(' ') || '(none)',
    shared_store: estimatedBytes(dataFiles(data, ['BTCUSDT'], date, date)) <= DEFAULT_STORE_MAX_BYTES, load_avg_1m: Number(os.loadavg()[0]!.toFixed(1)), ...target(speedup, TARGET_SWEEP_SPEEDUP, 'x'), ...base,
    // --timings: the speed-up the threads' CPU gives (host serial + busiest worker), less moved by other jobs than the wall clock
    ...(critical[1] !== undefined && critical[2] !== undefined ? { cpu_speedup: Number((critical[1] / critical[2]).toFixed(2)) } : {}) }));
  return rows;
}

/**
 * `npm run bench -- sweep`: the backtest suite's sweep rows alone, on the same day (the full
 * size unless --quick), for when the other rows are not needed: a full-size sweep pair takes
 * minutes, and its points are long enough that a worker's JIT warm-up weighs little.
 */
export async function runSweepBench(opts: { quick?: boolean; base?: string; timings?: boolean }): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-bench-sweep-'));
  try {
    const data = path.join(dir, 'data');
    const date = '2024-01-01';
    await synthesize({ dataDir: data, symbols: ['BTCUSDT'], startDate: date, endDate: date, rate: opts.quick === true ? 2 : 20, seed: 1 });
    const cfgPath = path.join(dir, 'arbitrage.toml');
    writeFileSync(cfgPath, configText(ROOT, data));
    return await sweepRows({ dir, data, date, config: loadConfig(cfgPath, { mode: 'dry-run' }), cfgPath, base: opts.base, timings: opts.timings });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The top-of-book frames among `frames`, decoded: 6 numbers each (venue, t, bid px, bid size, ask px, ask size). */
export function topOfBookQuotes(frames: Loaded[]): Float64Array {
  const syms = new SymbolTable(['BTCUSDT']);
  const bp = new BinanceFrameParser(syms);
  const yp = new BybitFrameParser(syms);
  const quotes: number[] = [];
  for (const f of frames) {
    if (f.kind !== LINE_FRAME) continue;
    const p = f.venue === 0 ? bp : yp;
    if (p.parse(f.frame, f.frame.length) !== MSG_QUOTE) continue;
    const fr = p.frame;
    quotes.push(f.venue, f.t, fr.bidPx, fr.bidSz, fr.askPx, fr.askSz);
  }
  return Float64Array.from(quotes);
}

export async function runBacktestBench(opts: { quick?: boolean; base?: string; timings?: boolean }): Promise<BenchRow[]> {
  const quick = opts.quick === true;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-bench-bt-'));
  const rows: BenchRow[] = [];
  try {
    const data = path.join(dir, 'data');
    const rate = quick ? 2 : 20;
    const date = '2024-01-01';
    await synthesize({ dataDir: data, symbols: ['BTCUSDT'], startDate: date, endDate: date, rate, seed: 1 });
    const cfgText = configText(ROOT, data);
    const cfgPath = path.join(dir, 'arbitrage.toml');
    writeFileSync(cfgPath, cfgText);
    const config = loadConfig(cfgPath, { mode: 'dry-run' });
    const filters = simSymbolFilters(['BTCUSDT']) as unknown as VenueFilters;
    const trees: Tree[] = [{ BacktestEngine, runBacktest, ConstantLatency, config, arbitrageConfig, strategyBalances }];
    if (opts.base !== undefined) trees.push(await loadBase(opts.base, dir, data));
    const newEngine = (book: 'top' | 'depth', tr: Tree = trees[0]!) => new tr.BacktestEngine({
      config: tr.arbitrageConfig(tr.config), filters, balances: tr.strategyBalances(tr.config), journal: NULL_JOURNAL, wallStartMs: Date.UTC(2024, 0, 1),
      entryLatency: new tr.ConstantLatency(1e6), responseLatency: new tr.ConstantLatency(1e6), book,
    });
    const reps = quick ? 2 : 3;

    // 1. pre-decoded top of book
    const frames = loadFrames(data, date);
    const syms = new SymbolTable(['BTCUSDT']);
    const q = topOfBookQuotes(frames);
    const nq = q.length / 6;
    {
      let rounds = 0;
      const rates = await versus(trees, reps, (tr) => {
        const e = newEngine('top', tr);
        for (let i = 0; i < q.length; i += 6) e.onTopOfBook(q[i]!, 0, q[i + 1]!, 0, q[i + 2]!, q[i + 3]!, q[i + 4]!, q[i + 5]!);
        if (tr === trees[0]) rounds = e.roundsOpened;
        return nq;
      });
      rows.push(row('engine loop, pre-decoded top-of-book events', rates[0]!, { events: nq, rounds, ...vsBase(rates) }));
    }

    // 2. frames in memory: parse + book sync + strategy + fills; floor: the parsers alone
    let parseOnly = 0;
    {
      const bp2 = new BinanceFrameParser(syms);
      const yp2 = new BybitFrameParser(syms);
      let sink = 0;
      const t0 = performance.now();
      for (const f of frames) if (f.kind === LINE_FRAME) sink += (f.venue === 0 ? bp2 : yp2).parse(f.frame, f.frame.length);
      const secs = (performance.now() - t0) / 1000;
      parseOnly = frames.length / secs;
      rows.push(row('floor: venue parsers alone over the in-memory frames', parseOnly, { events: frames.length, checksum: sink }));
    }
    for (const book of ['top', 'depth'] as const) {
      let rounds = 0;
      const rates = await versus(trees, reps, (tr) => {
        const e = newEngine(book, tr);
        for (const f of frames) {
          if (f.kind === LINE_FRAME) e.onFrame(f.venue, f.t, f.frame, f.frame.length);
          else e.onSnapshot(f.venue, 0, f.t, f.text);
        }
        if (tr === trees[0]) rounds = e.roundsOpened;
        return frames.length;
      });
      const rate = rates[0]!;
      rows.push(row(`engine over in-memory frames (${book === 'top' ? 'top of book fills' : '20-level depth fills'})`, rate,
        { events: frames.length, rounds, x_floor: Number((rate / parseOnly).toFixed(3)), ...(book === 'top' ? target(rate, TARGET_IN_MEMORY_TOP, 'M/s') : {}), ...vsBase(rates) }));
    }

    // 3. end to end from .jsonl.gz; floor: gunzip, line decode and merge without the engine
    let readOnly = 0;
    {
      const t0 = performance.now();
      const merged = await MergedRecording.openSeries(dataFiles(data, ['BTCUSDT'], date, date), { originMs: Date.UTC(2024, 0, 1) });
      let n = 0;
      for (;;) {
        let st = merged.nextSync();
        if (st === 0) st = await merged.next();
        if (st < 0) break;
        n++;
      }
      merged.close();
      const secs = (performance.now() - t0) / 1000;
      readOnly = n / secs;
      rows.push(row('floor: read + merge the .jsonl.gz files alone', readOnly, { events: n }));
    }
    for (const book of ['top', 'depth'] as const) {
      let events = 0;
      const rates = await versus(trees, quick ? 1 : 2, async (tr) => {
        const r = await tr.runBacktest({ config: tr.config, startDate: date, endDate: date, runsDir: path.join(dir, 'runs'), runId: `e2e-${book}-${tr === trees[0] ? 'this' : 'base'}`, book, artifacts: false });
        if (tr === trees[0]) events = r.events;
        return r.events;
      });
      const rate = rates[0]!;
      rows.push(row(`end to end from .jsonl.gz (${book})`, rate, { events, seconds: Number((events / rate).toFixed(2)),
        x_floor: Number((rate / readOnly).toFixed(3)), ...(book === 'top' ? target(rate, TARGET_E2E_TOP, 'M/s') : {}), ...vsBase(rates) }));
    }

    rows.push(...await sweepRows({ dir, data, date, config, cfgPath, base: opts.base, timings: opts.timings }));

    // 5. peak RSS over N days, in a child process
    const days = quick ? 2 : 7;
    const data7 = path.join(dir, 'data7');
    const rate7 = quick ? 1 : 5;
    await synthesize({ dataDir: data7, symbols: ['BTCUSDT'], startDate: '2024-01-01', endDate: `2024-01-0${days}`, rate: rate7, seed: 2, fairStepMs: 50 });
    const script = `
      const { loadConfig } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/config/index.js'))});
      const { runBacktest } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/backtest/run.js'))});
      const config = loadConfig(${JSON.stringify(cfgPath)}, { mode: 'dry-run' });
      // Sampled, not getrusage's maxRSS: Linux carries ru_maxrss across fork+exec, so a child
      // of this (large) bench process would report the parent's peak.
      let peak = 0;
      const sample = setInterval(() => { const r = process.memoryUsage().rss; if (r > peak) peak = r; }, 50);
      const t0 = performance.now();
      const r = await runBacktest({ config, startDate: '2024-01-01', endDate: '2024-01-0${days}', dataDir: ${JSON.stringify(data7)}, runsDir: ${JSON.stringify(path.join(dir, 'runs7'))}, artifacts: false });
      clearInterval(sample);
      peak = Math.max(peak, process.memoryUsage().rss);
      console.log(JSON.stringify({ events: r.events, secs: (performance.now() - t0) / 1000, maxRssKb: peak / 1024 }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const res = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { events: number; secs: number; maxRssKb: number };
    rows.push(row(`${days} synthetic days (${rate7} updates/s/venue), child process`, res.events / res.secs,
      { events: res.events, seconds: Number(res.secs.toFixed(1)), peak_rss_mb: Math.round(res.maxRssKb / 1024) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
