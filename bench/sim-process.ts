/**
 * The venue simulator in a process of its own, for the feed and e2e benches: on a 2-core host
 * the simulator's generator and uWebSockets.js sends must not share a thread (or, better, a
 * process's scheduling) with the threads being measured.
 *
 * Started by sim-child.ts with `fork()`: argv[2] is a JSON SimOptions. Once listening it prints
 * one JSON line `{"ports":{"binance":N,"bybit":N}}` on stdout and answers IPC messages:
 *   {type:'stats'}  → {type:'stats', stats: SimStats}
 *   {type:'pause'}  → stalls every symbol on both venues (no more frames), then {type:'paused', stats}
 * It stops on SIGTERM, on IPC disconnect (the parent died) and after `maxLifetimeMs` at the
 * latest, so a crashed bench never leaves it running.
 */
import { startSimulator, type SimOptions, type SimStats } from '../src/sim/index.js';

interface ChildOptions extends SimOptions {
  /** Hard upper bound on this process's life. */
  maxLifetimeMs?: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const sim = await startSimulator(opts);
let stopping = false;

/** The simulator's stats plus this process's CPU time so far (ms, user + system). */
function withCpu(): SimStats & { cpuMs: number } {
  const c = process.cpuUsage();
  return { ...sim.stats(), cpuMs: (c.user + c.system) / 1000 };
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearTimeout(lifetime);
  await sim.stop();
  // uWebSockets.js keeps no handle after its listen sockets close; exit explicitly anyway.
  setTimeout(() => process.exit(code), 50).unref();
}

const lifetime = setTimeout(() => void stop(3), opts.maxLifetimeMs ?? 15 * 60_000);
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('disconnect', () => void stop(0));
process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    process.send?.({ type: 'stats', stats: withCpu() });
  } else if (m.type === 'pause') {
    for (const venue of ['binance', 'bybit'] as const) sim.faults.inject({ kind: 'stall', venue, durationMs: 24 * 3600_000 });
    process.send?.({ type: 'paused', stats: withCpu() });
  }
});
process.stdout.write(JSON.stringify({ ports: sim.ports, pid: process.pid }) + '\n');
