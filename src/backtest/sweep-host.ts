/**
 * The child process a sweep runs in (started by runSweep in sweep.ts with SWEEP_V8_FLAGS and
 * the number of workers as its argument): starts the pool at once (sweep-pool.ts), takes one
 * message { tasks, workers, sharedDataMaxBytes, timings }, runs the sweep on the pool, and answers
 * with a `done` message per point, then `result` (or `error`), then exits. It also exits when
 * its parent goes away, so a killed sweep leaves no workers behind.
 */
import type { HostMessage, SweepOptions, SweepTask } from './sweep.js';
import { sweepPool } from './sweep-pool.js';
import { epochMs, threadTimes, type SweepPhase } from './sweep-timings.js';

interface Request {
  tasks: SweepTask[];
  workers?: number;
  sharedDataMaxBytes?: number;
  /** Collect the phases (SweepOptions.onTimings) and send them with the results. */
  timings?: boolean;
}

const send = (m: HostMessage): Promise<void> => new Promise((resolve) => {
  if (process.send === undefined || !process.connected) resolve();
  else process.send(m, undefined, undefined, () => resolve());
});

const orphaned = (): never => process.exit(1);
process.on('disconnect', orphaned);
// the request, kept if it comes while the sweep's modules load
const request = new Promise<Request>((resolve) => process.once('message', resolve));
// The workers (argv[2]: their number, sweepWorkers) boot while this thread loads the rest.
const pool = sweepPool(Number(process.argv[2] ?? 1));
const { runSweepInProcess } = await import('./sweep.js');
void request.then((req) => {
  // the process's start-up, to the request and the sweep's modules (sweep-timings.ts)
  const phases: SweepPhase[] = [{ phase: 'host start', thread: 'host', startMs: performance.timeOrigin, endMs: epochMs(), ...threadTimes() }];
  const o: SweepOptions = {
    workers: req.workers, sharedDataMaxBytes: req.sharedDataMaxBytes,
    onDone: (metrics, done, total) => void send({ type: 'done', metrics, done, total }),
    ...(req.timings === true ? { onTimings: (p: SweepPhase[]) => void phases.push(...p) } : {}),
  };
  runSweepInProcess(req.tasks, o, pool).then(
    (results) => {
      if (req.timings === true) {
        // every thread of the process, libuv's pool (gunzip, file reads) included, which no phase holds
        const u = process.cpuUsage();
        phases.push({ phase: 'process, all threads', thread: 'process', startMs: performance.timeOrigin, endMs: epochMs(),
          cpuMs: (u.user + u.system) / 1000, sysMs: u.system / 1000, waitMs: NaN });
      }
      return send({ type: 'result', results, ...(req.timings === true ? { phases } : {}) });
    },
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
