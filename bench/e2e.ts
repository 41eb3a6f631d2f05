/**
 * `npm run bench -- e2e`: the whole bot (the real Supervisor with its feed, strategy and
 * executor worker threads, in this process) against the venue simulator, which runs in a
 * child process (bench/sim-process.ts). Dislocations are frequent (every ~200 ms, 45-90 bps)
 * so the strategy trades and order intents reach the executor.
 *
 * Per case: the hops of the run's own latency.hlog (written by the supervisor at shutdown),
 * merged over the intervals after a warm-up: tick_to_wire (feed frame received → the order
 * handed to the fill simulator, dry-run's wire: the headline, in p50_ns/p99_ns/p999_ns/max_ns),
 * tick_to_order, tick_to_intent, publish_to_strategy, decision, intent_to_sent,
 * intent_to_wire; the effective wait strategy when the case says `auto`; each worker's GC counts
 * (from its final counters); and the process's peak RSS sampled every 100 ms (main thread +
 * every worker thread; the simulator's memory is not in it, it is another process).
 *
 * Cases: auto (the default; what it resolved to is in the row), spin-then-park and busy-spin
 * at 10k and 100k book updates/s per venue, the same at
 * `park` as the in-run baseline, and a 5-symbol run with the default wait strategy for RSS and
 * GC (60 s; quick: 10 s).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, applySimProfile, type XarbConfig } from '../src/config/index.js';
import { createLogger } from '../src/core/log.js';
import { monoNs } from '../src/core/clock.js';
import { buildAccumulator } from '../src/core/hist-collector.js';
import { resolveWaitStrategy, type WaitStrategySetting } from '../src/core/wait-strategy.js';
import { Supervisor, type RunResult } from '../src/actors/supervisor.js';
import { parseHlog } from '../src/report/hlog-reader.js';
import { simSymbolFilters } from '../src/sim/index.js';
import type { VenueFilters } from '../src/strategy/config.js';
import { startSimChild } from './sim-child.js';
import type { BenchRow } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..') : path.resolve(here, '..');
const CONFIG = path.join(REPO_ROOT, 'config', 'arbitrage.toml');
const TWO = ['BTCUSDT', 'ETHUSDT'];
const FIVE = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'];
const HOPS = ['tick_to_order', 'tick_to_intent', 'publish_to_strategy', 'decision', 'intent_to_sent', 'intent_to_wire'] as const;

interface Case {
  name: string;
  wait: WaitStrategySetting;
  rate: number;
  symbols: string[];
  seconds: number;
  /** `[engine] dry_run_executor`; default: the config's (strategy-thread). */
  executor?: 'strategy-thread' | 'own-thread';
}

export class E2eBenchError extends Error {
  override readonly name = 'E2eBenchError';
}

function caseConfig(base: XarbConfig, c: Case, runsDir: string): XarbConfig {
  const cfg = structuredClone(base);
  cfg.strategy.symbols = [...c.symbols];
  cfg.engine.wait_strategy = c.wait;
  if (c.executor !== undefined) cfg.engine.dry_run_executor = c.executor;
  cfg.monitor.enabled = false;
  cfg.monitor.port = 0;
  // A kill-switch file that cannot exist, so a stray one in the checkout does not halt the bench.
  cfg.risk.kill_switch_file = path.join(runsDir, 'no-kill-switch');
  return cfg;
}

/** Percentiles of one tag over the intervals that start after `fromSec`. */
function hopStats(hlogText: string, tag: string, fromSec: number): { p50: number; p99: number; p999: number; max: number; count: number } {
  const file = parseHlog(hlogText, 'latency.hlog');
  const acc = buildAccumulator();
  for (const i of file.intervals) if (i.tag === tag && i.startSec >= fromSec) acc.add(i.histogram);
  if (acc.totalCount === 0) return { p50: NaN, p99: NaN, p999: NaN, max: NaN, count: 0 };
  return {
    p50: acc.getValueAtPercentile(50), p99: acc.getValueAtPercentile(99), p999: acc.getValueAtPercentile(99.9),
    max: acc.maxValue, count: acc.totalCount,
  };
}

/**
 * From the run's journal: per intent, decision time − tick receive time (tick → strategy
 * decision), split into the pair's two legs (decided on the quote that arrived) and
 * hedge/unwind orders (decided on a report or timer, stamped with the book's last quote,
 * so their "tick" can be long before the decision).
 */
function journalBreakdown(journalText: string, fromNs: number): Record<string, number> {
  const legs: number[] = [];
  let other = 0;
  for (const line of journalText.split('\n')) {
    if (!line.includes('"type":"intent"')) continue;
    const e = JSON.parse(line) as { ns: number; tick_recv_ns: number; role: string };
    if (e.ns < fromNs) continue;
    if (e.role === 'leg_buy' || e.role === 'leg_sell' || e.role === 'buy' || e.role === 'sell') legs.push(e.ns - e.tick_recv_ns);
    else other++;
  }
  legs.sort((a, b) => a - b);
  const at = (p: number): number => (legs.length ? Math.round(legs[Math.min(legs.length - 1, Math.ceil((p / 100) * legs.length) - 1)]!) : NaN);
  return { leg_intents: legs.length, hedge_unwind_intents: other, leg_tick_to_decision_p50_ns: at(50), leg_tick_to_decision_p99_ns: at(99) };
}

async function runCase(base: XarbConfig, c: Case, warmupS: number): Promise<BenchRow> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-bench-e2e-'));
  const sim = await startSimChild({
    seed: 11, symbols: c.symbols, ratePerVenue: c.rate, host: '127.0.0.1', depthLevels: 50, dislocationEveryMs: 200,
    generator: { dislocationBps: [45, 90], dislocationMs: [300, 1200] }, maxLifetimeMs: (c.seconds + 120) * 1000,
  });
  let peakRss = 0;
  let sampler: NodeJS.Timeout | null = null;
  try {
    const cfg = applySimProfile(caseConfig(base, c, dir), '127.0.0.1', sim.ports);
    const runDir = path.join(dir, 'run');
    const log = createLogger({ level: 'warn', pretty: false, name: 'xarb-bench', destination: process.stderr });
    const rss0 = process.memoryUsage().rss;
    sampler = setInterval(() => { const r = process.memoryUsage().rss; if (r > peakRss) peakRss = r; }, 100);
    const sup = new Supervisor({
      config: cfg, runId: 'bench', runDir, filters: simSymbolFilters(c.symbols) as unknown as VenueFilters, log,
      durationMs: c.seconds * 1000, statusLine: false, seed: 5,
    });
    const startSec = Date.now() / 1000;
    const startNs = monoNs();
    const s0 = await sim.stats();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // GC counts at the end of the warm-up: start-up (module loading, WASM compile, first heap
    // growth, the JIT warm-ups and the full GC after them) costs every worker major GCs, which
    // say nothing about the hot path. The warm-up counts from the strategy's first stats post
    // (it posts once its own warm-up is done and the feeds start), not from the start: on a
    // loaded host the strategy's start-up alone can take longer than warmupS.
    const gcAtWarmup: Record<string, Record<string, number>> = {};
    const status = () => (sup.statusObject() as { actors: Record<string, { stats?: Record<string, number> }> }).actors;
    let readySec = NaN;
    let readyNs = NaN;
    let warm: NodeJS.Timeout | null = null;
    const waitReady = setInterval(() => {
      if (status().strategy?.stats === undefined) return;
      clearInterval(waitReady);
      readySec = Date.now() / 1000;
      readyNs = monoNs();
      warm = setTimeout(() => {
        for (const [name, a] of Object.entries(status())) gcAtWarmup[name] = { ...(a.stats ?? {}) };
      }, warmupS * 1000);
    }, 50);
    const result: RunResult = await sup.run();
    clearInterval(waitReady);
    if (warm !== null) clearTimeout(warm);
    const s1 = await sim.stats();
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    sampler = null;
    const hlog = readFileSync(path.join(runDir, 'latency.hlog'), 'utf8');
    const from = (Number.isFinite(readySec) ? readySec : startSec) + warmupS;
    const tto = hopStats(hlog, 'tick_to_wire', from);
    const gc = (actor: string, k: string): number => result.actors[actor]?.[k] ?? NaN;
    const row: BenchRow = {
      case: c.name,
      p50_ns: tto.p50, p99_ns: tto.p99, p999_ns: tto.p999, max_ns: tto.max,
      ops_per_s: Math.round(((s1.messages.binance + s1.messages.bybit) - (s0.messages.binance + s0.messages.bybit)) / wall),
      hop: 'tick_to_wire',
      wait: c.wait === 'auto' ? `auto → ${resolveWaitStrategy('auto', cfg.engine.dry_run_executor === 'own-thread' ? 2 : 1).name}` : c.wait,
      offered_updates_per_s_per_venue: c.rate,
      executor_thread: cfg.engine.dry_run_executor,
      symbols: c.symbols.length,
      seconds: c.seconds,
      orders: tto.count,
    };
    for (const h of HOPS) {
      const s = hopStats(hlog, h, from);
      row[`${h}_p50_ns`] = s.p50;
      row[`${h}_p99_ns`] = s.p99;
      row[`${h}_p999_ns`] = s.p999;
    }
    Object.assign(row, journalBreakdown(readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8'), (Number.isFinite(readyNs) ? readyNs : startNs) + warmupS * 1e9));
    row.strategy_ready_after_s = Math.round((readySec - startSec) * 10) / 10;
    for (const a of ['feed:binance', 'feed:bybit', 'strategy', 'executor']) {
      const short = a.replace('feed:', '');
      row[`gc_major_${short}`] = gc(a, 'gc_major');
      row[`gc_minor_${short}`] = gc(a, 'gc_minor');
      const w = gcAtWarmup[a];
      row[`gc_major_after_warmup_${short}`] = w?.gc_major !== undefined ? gc(a, 'gc_major') - w.gc_major : NaN;
    }
    row.feed_ring_dropped = (result.rings['feed:binance']?.dropped ?? 0) + (result.rings['feed:bybit']?.dropped ?? 0);
    row.sim_backlog_dropped_ms = Math.round(s1.droppedBacklogMs);
    row.rss_start_mb = Math.round(rss0 / 2 ** 20);
    row.peak_rss_mb = Math.round(peakRss / 2 ** 20);
    row.stop_reason = result.reason;
    // CPU use in cores (2 available): the bot (this process, all threads) and the simulator.
    row.bot_cpu_cores = Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100) / 100;
    row.sim_cpu_cores = Math.round(((s1.cpuMs - s0.cpuMs) / 1000 / wall) * 100) / 100;
    row.simulator = 'child process';
    return row;
  } finally {
    if (sampler) clearInterval(sampler);
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one case in a fresh Node process (this file with --one-case) and returns its row. */
async function runCaseInChild(c: Case, warmupS: number): Promise<BenchRow> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--one-case', JSON.stringify({ c, warmupS })],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString('utf8'); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new E2eBenchError(`case "${c.name}" in a child process failed (exit ${code}): ${out.slice(-500)}`);
  const row = JSON.parse(line) as BenchRow;
  row.process = 'fresh child';
  return row;
}

export async function runE2eBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const quick = opts.quick === true;
  const secs = quick ? 5 : 20;
  const base = loadConfig(CONFIG, { mode: 'dry-run' });
  const def = base.engine.wait_strategy;
  const cases: Case[] = [
    { name: `auto (the default${def === 'auto' ? '' : `; config says ${def}`}) @10k/s`, wait: 'auto', rate: 10_000, symbols: TWO, seconds: secs },
    { name: 'spin-then-park @10k/s', wait: 'spin-then-park', rate: 10_000, symbols: TWO, seconds: secs },
    { name: 'busy-spin @10k/s', wait: 'busy-spin', rate: 10_000, symbols: TWO, seconds: secs },
    { name: 'park @10k/s (baseline)', wait: 'park', rate: 10_000, symbols: TWO, seconds: secs },
    { name: 'spin-then-park @10k/s, executor on its own thread', wait: 'spin-then-park', rate: 10_000, symbols: TWO, seconds: secs, executor: 'own-thread' },
    { name: 'busy-spin @10k/s, executor on its own thread', wait: 'busy-spin', rate: 10_000, symbols: TWO, seconds: secs, executor: 'own-thread' },
    { name: 'spin-then-park @100k/s', wait: 'spin-then-park', rate: 100_000, symbols: TWO, seconds: secs },
    { name: 'busy-spin @100k/s', wait: 'busy-spin', rate: 100_000, symbols: TWO, seconds: secs },
    { name: 'park @100k/s (baseline)', wait: 'park', rate: 100_000, symbols: TWO, seconds: secs },
    { name: `RSS/GC: 2 venues x 5 symbols, ${def} @10k/s`, wait: def, rate: 10_000, symbols: FIVE, seconds: quick ? 10 : 60 },
  ];
  process.stderr.write(`e2e bench: supervisor in-process, simulator in a child process; ${os.availableParallelism()} cores\n`);
  const rows: BenchRow[] = [];
  for (const c of cases) {
    // The RSS/GC case runs in a fresh process: RSS does not shrink back after earlier cases.
    const row = c.name.startsWith('RSS') ? await runCaseInChild(c, quick ? 1 : 3) : await runCase(base, c, quick ? 1 : 3);
    process.stderr.write(`  ${c.name}: tick_to_wire p50 ${row.p50_ns} ns p99 ${row.p99_ns} ns (${row.orders} orders), peak rss ${row.peak_rss_mb} MB\n`);
    rows.push(row);
  }
  return rows;
}

// `node dist/bench/e2e.js --one-case '{"c":{...},"warmupS":3}'`: one case, its row as JSON on stdout.
if (process.argv[2] === '--one-case' && process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const { c, warmupS } = JSON.parse(process.argv[3] ?? '{}') as { c: Case; warmupS: number };
  const row = await runCase(loadConfig(CONFIG, { mode: 'dry-run' }), c, warmupS);
  process.stdout.write(JSON.stringify(row) + '\n');
  process.exit(0);
}
