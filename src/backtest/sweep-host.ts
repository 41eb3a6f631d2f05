/**
 * The child process a sweep runs in (started by runSweep in sweep.ts with SWEEP_V8_FLAGS):
 * takes one message { tasks, workers, sharedDataMaxBytes }, runs the pool here, and answers
 * with a `done` message per point, then `result` (or `error`), then exits. It also exits when
 * its parent goes away, so a killed sweep leaves no workers behind.
 */
import { runSweepInProcess, type HostMessage, type SweepOptions, type SweepTask } from './sweep.js';

interface Request {
  tasks: SweepTask[];
  workers?: number;
  sharedDataMaxBytes?: number;
}

const send = (m: HostMessage): Promise<void> => new Promise((resolve) => {
  if (process.send === undefined || !process.connected) resolve();
  else process.send(m, undefined, undefined, () => resolve());
});

const orphaned = (): never => process.exit(1);
process.on('disconnect', orphaned);
process.once('message', (req: Request) => {
  const o: SweepOptions = {
    workers: req.workers, sharedDataMaxBytes: req.sharedDataMaxBytes,
    onDone: (metrics, done, total) => void send({ type: 'done', metrics, done, total }),
  };
  runSweepInProcess(req.tasks, o).then(
    (results) => send({ type: 'result', results }),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      const x = err as Error & { missing?: string[]; problems?: unknown[] };
      return send({
        type: 'error',
        error: { name: err.name, message: err.message, stack: err.stack, missing: x.missing, problems: x.problems as never },
      });
    },
  ).finally(() => {
    process.off('disconnect', orphaned);
    process.disconnect();
  });
});
