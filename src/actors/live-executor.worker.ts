/**
 * Executor actor thread (live): signed orders to the venues. Same wiring as the dry-run
 * executor.worker.ts (intent ring in, report ring out, journal lines and stats through
 * WorkerRuntime), but event-loop driven: answers arrive on sockets, so the thread never blocks.
 * Between intents it spins or parks on its doorbell with Atomics.waitAsync
 * (live-executor-loop.ts); no timer stands between an intent and its order. The actor itself
 * is built by live-executor-setup.ts (the strategy thread can host the same actor instead:
 * `[engine] live_executor`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../core/doorbell.js';
import { CONTROL_STOP } from '../core/agent.js';
import { createLiveExecutorActor } from './live-executor-setup.js';
import { LiveExecutorLoop } from './live-executor-loop.js';
import { WorkerRuntime } from './worker-runtime.js';
import type { ExecutorWorkerData } from './wiring.js';

const d = workerData as ExecutorWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const control = new Int32Array(d.control);
const actor = await createLiveExecutorActor(d, rt);
const counters = (): Record<string, number> => actor.counters(() => ({ parks: loop.parks, wake_ups: loop.wakeUps }));

let stopping = false;

async function close(): Promise<void> {
  await actor.drain();
  rt.close(counters());
  await actor.closeIo();
  parentPort!.close();
}

const intents = actor.agent.intents;
const loop = new LiveExecutorLoop(actor.agent, new Doorbell(d.bell), d.wait, () => {
  rt.tick(counters);
  actor.tick();
  if (Atomics.load(control, CONTROL_STOP) !== 0) {
    if (!stopping) {
      stopping = true;
      void close();
    }
    return false;
  }
  return true;
}, () => intents.available() > 0 || Atomics.load(control, CONTROL_STOP) !== 0);
// Holds the worker's event loop while the executor is parked in Atomics.waitAsync (which does
// not, on Node 20), and wakes it for a stop.
parentPort!.on('message', (m: { type?: string; reason?: string }) => {
  if (m?.type === 'stop') loop.poke();
  else actor.onMessage(m);
});
rt.post({ type: 'ready', actor: d.actor });
loop.start();
