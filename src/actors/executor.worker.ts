/** Executor actor thread (dry-run): thin wiring around DryRunExecutorAgent. */
import { parentPort, workerData } from 'node:worker_threads';
import { AgentRunner } from '../core/agent.js';
import { Doorbell } from '../core/doorbell.js';
import { WorkerRuntime } from './worker-runtime.js';
import { createDryRunExecutorActor } from './dry-run-executor-setup.js';
import type { ExecutorWorkerData } from './wiring.js';

const d = workerData as ExecutorWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const actor = createDryRunExecutorActor(d, rt);
actor.agent.onIdle = () => rt.flushJournal();
const runner = new AgentRunner(actor.agent, d.wait, new Doorbell(d.bell), d.control);

function counters(): Record<string, number> {
  return { ...actor.counters(), parks: runner.parks };
}

function loop(): void {
  const running = runner.runSlice(20);
  rt.tick(counters);
  if (running) setImmediate(loop);
  else {
    rt.close(counters());
    parentPort!.close();
  }
}
rt.post({ type: 'ready', actor: d.actor });
loop();
