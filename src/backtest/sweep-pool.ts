/**
 * A sweep's piscina pool (runSweepInProcess in sweep.ts), in a module of its own that loads
 * only piscina: the sweep host (sweep-host.ts) starts the pool from its command line first,
 * so the workers boot while the host still loads the sweep's modules and waits for its tasks.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { epochMs } from './sweep-timings.js';

/** Workers of a sweep of `points` points: `workers` (default one per core), at least 1, at most one per point. */
export function sweepWorkers(points: number, workers?: number): number {
  return Math.max(1, Math.min(workers ?? os.availableParallelism(), points));
}

/** The pool: `workers` threads, started now; its default task decodes a store part (sweep-decode.ts). */
export function sweepPool(workers: number): Piscina {
  return new Piscina({
    filename: new URL('./sweep-decode.js', import.meta.url).href, minThreads: workers, maxThreads: workers, idleTimeout: 1000,
    // for the phases' worker start (sweep-timings.ts)
    workerData: { createdAt: epochMs() },
  });
}
