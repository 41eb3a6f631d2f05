/** Strategy actor thread: thin wiring around the strategy thread's parts (strategy-thread.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { SupervisorMessage } from './messages.js';
import type { StrategyWorkerData } from './wiring.js';
import { WorkerRuntime } from './worker-runtime.js';
import { buildStrategyThread } from './strategy-thread.js';
import { monoNs } from '../core/clock.js';

const d = workerData as StrategyWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const th = buildStrategyThread(d, rt);

parentPort!.on('message', (m: SupervisorMessage) => th.onMessage(m));

function loop(): void {
  if (th.slice(20)) setImmediate(loop);
  else {
    th.sink.ringIfPending();
    rt.close(th.snapshotCounters());
    parentPort!.close();
  }
}
rt.post({ type: 'ready', actor: d.actor, ns: monoNs() });
loop();
