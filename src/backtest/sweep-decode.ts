/**
 * Piscina task of a sweep's first phase (runSweepInProcess in sweep.ts): decode one file of the
 * shared event store (event-store.ts). The pool's default module, small so a worker starts
 * decoding as soon as it is up; the first call also starts loading the backtest the worker's
 * points run (sweep-worker.js), which compiles in the decode's waits for gunzip instead of
 * after it.
 */
import { decodeStorePart, type StorePart, type StorePartTask } from './event-store.js';

let points: Promise<unknown> | null = null;

export default function decodePart(t: StorePartTask): Promise<StorePart> {
  // a failure to load shows in the first point, which imports the module again
  points ??= import('./sweep-worker.js').catch(() => undefined);
  return decodeStorePart(t);
}
