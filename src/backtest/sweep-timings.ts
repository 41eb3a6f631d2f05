/**
 * Per-phase timings of a sweep (runSweep's `onTimings`, `npm run bench -- backtest --timings`):
 * where a sweep's wall time goes, by thread, to find its serial parts. Each phase carries its
 * wall interval (epoch ms, comparable across threads and processes) and the CPU its thread
 * spent in it, and the time the thread was runnable but waiting for a core (from Linux's
 * /proc/thread-self/schedstat; NaN elsewhere): on a shared host the wait shows what the other
 * jobs took.
 */
import { readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

export interface SweepPhase {
  /** e.g. 'host start', 'decode', 'merge', 'point', 'pool destroy'. */
  phase: string;
  /** 'parent', 'host', `worker <threadId>`, or 'process' (the host process's total: every thread, libuv's pool included). */
  thread: string;
  /** Point index or file, when the phase has one. */
  item?: string;
  startMs: number;
  endMs: number;
  cpuMs: number;
  /** The part of cpuMs in the kernel (page faults, mmap, I/O; 10 ms ticks). */
  sysMs: number;
  waitMs: number;
}

/** Now, epoch ms with sub-ms precision. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** This thread's CPU (all, and in the kernel) and run-queue wait so far, ms (NaN when /proc/thread-self is not there). */
export function threadTimes(): { cpuMs: number; sysMs: number; waitMs: number } {
  try {
    const [cpu, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // fields after the command's ")": state is field 3, stime field 15
    const stime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]);
    return { cpuMs: Number(cpu) / 1e6, sysMs: (stime * 1000) / USER_HZ, waitMs: Number(wait) / 1e6 };
  } catch {
    return { cpuMs: NaN, sysMs: NaN, waitMs: NaN };
  }
}

/** Starts a phase on this thread; the returned function ends it and returns its record. */
export function startPhase(phase: string, thread: string, item?: string): () => SweepPhase {
  const t0 = epochMs();
  const c0 = threadTimes();
  return () => {
    const c1 = threadTimes();
    return { phase, thread, ...(item !== undefined ? { item } : {}), startMs: t0, endMs: epochMs(), cpuMs: c1.cpuMs - c0.cpuMs, sysMs: c1.sysMs - c0.sysMs, waitMs: c1.waitMs - c0.waitMs };
  };
}

/** This thread's name in the phases: 'host' on a process's main thread, else `worker <id>`. */
export const threadName = (): string => (threadId === 0 ? 'host' : `worker ${threadId}`);

/** The phases as a table, times relative to the first phase's start (ms). */
export function formatPhases(phases: readonly SweepPhase[]): string {
  const t0 = Math.min(...phases.map((p) => p.startMs));
  const rows = [...phases].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs)
    .map((p) => [p.thread, p.phase + (p.item !== undefined ? ` ${p.item}` : ''), (p.startMs - t0).toFixed(0), (p.endMs - t0).toFixed(0),
      (p.endMs - p.startMs).toFixed(0), Number.isNaN(p.cpuMs) ? 'n/a' : p.cpuMs.toFixed(0), Number.isNaN(p.sysMs) ? 'n/a' : p.sysMs.toFixed(0), Number.isNaN(p.waitMs) ? 'n/a' : p.waitMs.toFixed(0)]);
  const head = ['thread', 'phase', 'from ms', 'to ms', 'wall ms', 'cpu ms', 'sys ms', 'wait ms'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]): string => c.map((v, i) => (i < 2 ? v.padEnd(w[i]!) : v.padStart(w[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** Host phases on the sweep's critical path (the rest of the host's time waits for the workers). */
const HOST_SERIAL = ['host start', 'merge', 'pool destroy'];

/**
 * The sweep's CPU critical path, ms: the host's serial phases plus the busiest worker's tasks
 * (decode, points; its start-up overlaps the host's). What the sweep would take on a host
 * where each thread got a core to itself: compare two sweeps by it when the host is shared.
 */
export function criticalCpuMs(phases: readonly SweepPhase[]): number {
  let host = 0;
  const workers = new Map<string, number>();
  for (const p of phases) {
    if (p.thread === 'host' && HOST_SERIAL.includes(p.phase)) host += p.cpuMs;
    else if (p.thread.startsWith('worker') && p.phase !== 'worker start') workers.set(p.thread, (workers.get(p.thread) ?? 0) + p.cpuMs);
  }
  return host + Math.max(0, ...workers.values());
}
