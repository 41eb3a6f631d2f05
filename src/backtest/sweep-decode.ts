/**
 * Piscina task of a sweep's first phase (runSweepInProcess in sweep.ts): decode one file of the
 * shared event store (event-store.ts). The pool's default module, small so a worker starts
 * decoding as soon as it is up; the first call also starts loading the backtest the worker's
 * points run (sweep-worker.js), which compiles in the decode's waits for gunzip instead of
 * after it.
 */
import { decodeStorePart, type StorePart, type StorePartTask } from './event-store.js';
import { workerData } from 'node:worker_threads';
import { epochMs, startPhase, threadName, threadTimes, type SweepPhase } from './sweep-timings.js';

let points: Promise<unknown> | null = null;

export default function decodePart(t: StorePartTask): Promise<StorePart> {
  // a failure to load shows in the first point, which imports the module again
  points ??= import('./sweep-worker.js').catch(() => undefined);
  return decodeStorePart(t);
}

// when this module was ready, and the thread's CPU then: the worker's start-up (sweep-timings.ts)
const loaded = { at: epochMs(), ...threadTimes() };
let startReported = false;

/** This worker's start-up phase, from the pool's creation (its workerData.createdAt), once: the first timed task of the worker reports it. */
export function workerStart(): SweepPhase[] {
  if (startReported) return [];
  startReported = true;
  const created = (workerData as { createdAt?: number } | null)?.createdAt ?? NaN;
  return [{ phase: 'worker start', thread: threadName(), startMs: created, endMs: loaded.at, cpuMs: loaded.cpuMs, sysMs: loaded.sysMs, waitMs: loaded.waitMs }];
}

/** decodePart with its phases (runSweep's onTimings). */
export async function timedDecode(t: StorePartTask): Promise<{ part: StorePart; phases: SweepPhase[] }> {
  const end = startPhase('decode', threadName(), t.file.split('/').slice(-4).join('/'));
  const part = await decodePart(t);
  return { part, phases: [...workerStart(), end()] };
}
