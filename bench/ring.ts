/**
 * `npm run bench -- ring`: one-way latency and throughput between two real worker threads
 * through the SAB ring, per wait strategy, against MessagePort.postMessage in the same run,
 * with and without a third CPU-hungry thread, plus the idle CPU cost of each wait strategy.
 */
import { Worker, MessageChannel } from 'node:worker_threads';
import { POLICY_BLOCK, createRing } from '../src/core/ring.js';
import { Doorbell } from '../src/core/doorbell.js';
import { AgentControl } from '../src/core/agent.js';
import type { WaitStrategyConfig } from '../src/core/wait-strategy.js';
import { summarize, type BenchRow } from './types.js';

const WORKER = new URL('./ring-worker.js', import.meta.url);
const BUSY: WaitStrategyConfig = { name: 'busy-spin', spinPolls: 0, parkTimeoutMs: 10 };
const SPIN_PARK: WaitStrategyConfig = { name: 'spin-then-park', spinPolls: 2000, parkTimeoutMs: 10 };
const PARK: WaitStrategyConfig = { name: 'park', spinPolls: 0, parkTimeoutMs: 10 };

interface Case {
  name: string;
  transport: 'ring' | 'postMessage';
  wait: WaitStrategyConfig;
  count: number;
  intervalNs: number;
  hog: boolean;
}

interface ConsumerResult { lat: Float64Array; n: number; elapsedNs: number; parks: number; calErr: number }

function once<T>(w: Worker): Promise<T> {
  return new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
}

async function runCase(c: Case): Promise<BenchRow> {
  const ring = createRing(4096, 8, POLICY_BLOCK);
  const bell = new Doorbell();
  const control = new AgentControl();
  const sync = new SharedArrayBuffer(16);
  const s = new Int32Array(sync);
  const base = { ring, bell: bell.sab, control: control.sab, sync, count: c.count, intervalNs: c.intervalNs, wait: c.wait };
  const workers: Worker[] = [];
  let consumer: Worker;
  let producer: Worker;
  if (c.transport === 'ring') {
    consumer = new Worker(WORKER, { workerData: { ...base, role: 'consumer' } });
    producer = new Worker(WORKER, { workerData: { ...base, role: 'producer' } });
  } else {
    const { port1, port2 } = new MessageChannel();
    consumer = new Worker(WORKER, { workerData: { ...base, role: 'pm-consumer', port: port2 }, transferList: [port2] });
    producer = new Worker(WORKER, { workerData: { ...base, role: 'pm-producer', port: port1 }, transferList: [port1] });
  }
  workers.push(consumer, producer);
  const expectReady = c.hog ? 3 : 2;
  if (c.hog) workers.push(new Worker(WORKER, { workerData: { ...base, role: 'hog' } }));
  const result = once<ConsumerResult>(consumer);
  while (Atomics.load(s, 1) < expectReady) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(s, 0, 1);
  Atomics.notify(s, 0);
  const r = await result;
  Atomics.store(s, 2, 1);
  control.requestStop();
  bell.wake();
  await Promise.all(workers.map((w) => w.terminate()));
  const rate = c.intervalNs > 0 ? 1e9 / c.intervalNs : 0;
  if (c.intervalNs < 0) {
    return { case: c.name, p50_ns: NaN, p90_ns: NaN, p99_ns: NaN, p999_ns: NaN, max_ns: NaN,
      ops_per_s: Math.round(((r.n - 1) / r.elapsedNs) * 1e9), transport: c.transport, wait: c.wait.name, offered_per_s: 'flood', third_thread: c.hog };
  }
  return summarize(c.name, r.lat.subarray(0, r.n), r.n > 1 ? ((r.n - 1) / r.elapsedNs) * 1e9 : 0, {
    transport: c.transport,
    wait: c.transport === 'ring' ? c.wait.name : 'event-loop',
    offered_per_s: rate || 'flood',
    third_thread: c.hog,
    parks: r.parks,
    clock_cal_err_ns: Math.round(r.calErr),
  });
}

/** CPU used by the process while a consumer sits idle for `ms`, as a share of one core. */
async function idleCpu(wait: WaitStrategyConfig, ms: number): Promise<BenchRow> {
  const ring = createRing(64, 8, POLICY_BLOCK);
  const bell = new Doorbell();
  const control = new AgentControl();
  const sync = new SharedArrayBuffer(16);
  const s = new Int32Array(sync);
  const w = new Worker(WORKER, { workerData: { ring, bell: bell.sab, control: control.sab, sync, count: 1, intervalNs: 0, wait, role: 'idle-consumer' } });
  const done = once<ConsumerResult>(w);
  while (Atomics.load(s, 1) < 1) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(s, 0, 1);
  Atomics.notify(s, 0);
  await new Promise((r) => setTimeout(r, 100)); // let it settle into its idle state
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const cpu = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  control.requestStop();
  bell.wake();
  await done.catch(() => undefined);
  await w.terminate();
  const share = (cpu.user + cpu.system) / 1000 / wall;
  return { case: `idle cpu, ${wait.name}`, p50_ns: NaN, p99_ns: NaN, p999_ns: NaN, max_ns: NaN, ops_per_s: 0, idle_cpu_core_share: Math.round(share * 1000) / 1000 };
}

export async function runRingBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const k = opts.quick ? 0.2 : 1;
  const n = (x: number) => Math.max(1000, Math.round(x * k));
  const cases: Case[] = [
    { name: 'ring busy-spin, 10k/s', transport: 'ring', wait: BUSY, count: n(50_000), intervalNs: 100_000, hog: false },
    { name: 'postMessage, 10k/s (baseline)', transport: 'postMessage', wait: BUSY, count: n(50_000), intervalNs: 100_000, hog: false },
    { name: 'ring busy-spin, 100k/s', transport: 'ring', wait: BUSY, count: n(200_000), intervalNs: 10_000, hog: false },
    { name: 'ring spin-then-park, 100k/s (inside spin window)', transport: 'ring', wait: SPIN_PARK, count: n(200_000), intervalNs: 10_000, hog: false },
    { name: 'ring spin-then-park, 1k/s (parks between records)', transport: 'ring', wait: SPIN_PARK, count: n(3_000), intervalNs: 1_000_000, hog: false },
    { name: 'ring park, 10k/s', transport: 'ring', wait: PARK, count: n(20_000), intervalNs: 100_000, hog: false },
    { name: 'postMessage, 100k/s (baseline)', transport: 'postMessage', wait: BUSY, count: n(200_000), intervalNs: 10_000, hog: false },
    { name: 'ring busy-spin, flood (throughput)', transport: 'ring', wait: BUSY, count: n(10_000_000), intervalNs: 0, hog: false },
    { name: 'ring spin-then-park, flood (throughput)', transport: 'ring', wait: SPIN_PARK, count: n(10_000_000), intervalNs: 0, hog: false },
    { name: 'ring busy-spin, flood, no clock reads (raw throughput)', transport: 'ring', wait: BUSY, count: n(20_000_000), intervalNs: -1, hog: false },
    { name: 'postMessage, flood (throughput baseline)', transport: 'postMessage', wait: BUSY, count: n(500_000), intervalNs: 0, hog: false },
    { name: 'ring busy-spin, 100k/s + 3rd spinning thread', transport: 'ring', wait: BUSY, count: n(100_000), intervalNs: 10_000, hog: true },
    { name: 'ring spin-then-park, 100k/s + 3rd spinning thread', transport: 'ring', wait: SPIN_PARK, count: n(100_000), intervalNs: 10_000, hog: true },
    { name: 'ring park, 10k/s + 3rd spinning thread', transport: 'ring', wait: PARK, count: n(10_000), intervalNs: 100_000, hog: true },
    { name: 'postMessage, 100k/s + 3rd spinning thread', transport: 'postMessage', wait: BUSY, count: n(100_000), intervalNs: 10_000, hog: true },
  ];
  const rows: BenchRow[] = [];
  for (const c of cases) rows.push(await runCase(c));
  for (const w of [BUSY, SPIN_PARK, PARK]) rows.push(await idleCpu(w, opts.quick ? 300 : 1000));
  // Each ring row against the postMessage baseline at the same offered rate, same run.
  for (const r of rows) {
    if (r.transport !== 'ring' || !(r.p99_ns > 0)) continue;
    const pm = rows.find((b) => b.transport === 'postMessage' && b.offered_per_s === r.offered_per_s && b.third_thread === r.third_thread);
    if (pm) {
      r.p50_vs_postMessage = Math.round((pm.p50_ns / r.p50_ns) * 10) / 10;
      r.p99_vs_postMessage = Math.round((pm.p99_ns / r.p99_ns) * 10) / 10;
    }
  }
  return rows;
}
