/**
 * `npm run bench -- wake`: how fast a worker thread wakes on another thread's signal, the hop
 * between the strategy's intent and the live executor reading it (intent_to_sent).
 *
 * The producer (this thread) stamps monoNs() into shared memory and signals; the consumer
 * worker (bench/wake-worker.ts) records its wake time minus the stamp. Signals are ~1 ms
 * apart (the consumer is parked, as between real intents). Cases, interleaved round by round
 * so a shared machine's drift hits all of them alike:
 *
 * - Atomics.wait: a thread blocked on the futex word (the strategy's park; no event loop);
 * - Atomics.waitAsync, idle / busy loop: the live executor's park (the loop stays free for its
 *   sockets); busy = the loop also runs back-to-back ~20 µs callbacks;
 * - MessagePort, idle / busy loop: postMessage as the baseline;
 * - Atomics.wait 1 ms + turn: blocking waits bounded to 1 ms with an event-loop turn between.
 *
 * Ratios against Atomics.wait in the same run (`vs_wait`).
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { monoNs } from '../src/core/clock.js';
import { summarize, type BenchRow } from './types.js';

/** The worker's shared words (Int32 indices); the producer's stamp is the Float64 at STAMP_F64. */
export interface WakeWorkerData { mode: WakeMode; busy: boolean; sab: SharedArrayBuffer; lat: SharedArrayBuffer; port: MessagePort; count: number }
export const W_EPOCH = 0;
export const W_DONE = 16;
export const W_STOP = 32;
export const STAMP_F64 = 32;
export const WAKE_SAB_BYTES = 512;
export type WakeMode = 'wait' | 'waitAsync' | 'port' | 'wait-turns';

const WORKER = new URL('./wake-worker.js', import.meta.url);

interface Case { name: string; mode: WakeMode; busy: boolean }
const CASES: Case[] = [
  { name: 'Atomics.wait (blocked thread)', mode: 'wait', busy: false },
  { name: 'Atomics.waitAsync, idle loop', mode: 'waitAsync', busy: false },
  { name: 'Atomics.waitAsync, busy loop', mode: 'waitAsync', busy: true },
  { name: 'MessagePort, idle loop', mode: 'port', busy: false },
  { name: 'MessagePort, busy loop', mode: 'port', busy: true },
  { name: 'Atomics.wait 1 ms + loop turn', mode: 'wait-turns', busy: false },
];
const WARMUP = 20;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runOnce(c: Case, count: number): Promise<number[]> {
  const sab = new SharedArrayBuffer(WAKE_SAB_BYTES);
  const words = new Int32Array(sab);
  const f64 = new Float64Array(sab);
  const total = count + WARMUP;
  const latSab = new SharedArrayBuffer(8 * total);
  const lat = new Float64Array(latSab);
  lat.fill(NaN);
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(WORKER, { workerData: { mode: c.mode, busy: c.busy, sab, lat: latSab, port: port2, count: total }, transferList: [port2] });
  const msgs: string[] = [];
  let notify: (() => void) | null = null;
  w.on('message', (m: string) => { msgs.push(m); notify?.(); });
  const until = async (what: string): Promise<void> => {
    const end = Date.now() + 10_000;
    while (!msgs.includes(what)) {
      if (Date.now() > end) throw new Error(`wake bench: worker never said ${what}`);
      await new Promise<void>((r) => { notify = r; setTimeout(r, 50); });
    }
  };
  try {
    await until('ready');
    await sleep(20);
    for (let i = 0; i < total; i++) {
      await sleep(1);
      f64[STAMP_F64] = monoNs();
      if (c.mode === 'port') port1.postMessage(i);
      else {
        Atomics.add(words, W_EPOCH, 1);
        Atomics.notify(words, W_EPOCH);
      }
      const end = Date.now() + 1000;
      while (Atomics.load(words, W_DONE) <= i && Date.now() < end) await sleep(0);
    }
    Atomics.store(words, W_STOP, 1);
    Atomics.add(words, W_EPOCH, 1);
    Atomics.notify(words, W_EPOCH);
    port1.postMessage(-1);
    await until('stopped');
  } finally {
    port1.close();
    await w.terminate();
  }
  return Array.from(lat.subarray(WARMUP)).filter((v) => Number.isFinite(v));
}

export async function runWakeBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const rounds = opts.quick ? 2 : 4;
  const count = opts.quick ? 200 : 500;
  const all = CASES.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < CASES.length; i++) all[i]!.push(...(await runOnce(CASES[i]!, count)));
  }
  const rows = CASES.map((c, i) => summarize(c.name, Float64Array.from(all[i]!), NaN, { samples: all[i]!.length, lost: rounds * count - all[i]!.length }));
  const base = rows[0]!.p50_ns;
  for (const r of rows) r['vs_wait'] = Math.round((r.p50_ns / base) * 100) / 100;
  return rows;
}
