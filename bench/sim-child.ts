/**
 * Parent side of sim-process.ts: forks the simulator into its own process, waits for its
 * ports, and offers stats / pause / stop over IPC. Every child it starts, `stop()` ends
 * (SIGTERM, then SIGKILL after a grace period).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { SimOptions, SimStats } from '../src/sim/index.js';

export class SimChildError extends Error {
  override readonly name = 'SimChildError';
}

/** SimStats plus the child process's CPU time so far (ms, user + system). */
export type ChildSimStats = SimStats & { cpuMs: number };

export interface SimChild {
  ports: { binance: number; bybit: number };
  pid: number;
  stats(): Promise<ChildSimStats>;
  /** Stalls every stream of both venues; resolves with the stats taken right after. */
  pause(): Promise<ChildSimStats>;
  stop(): Promise<void>;
}

const SCRIPT = new URL('./sim-process.js', import.meta.url);

function request<T>(child: ChildProcess, msg: { type: string }, reply: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.off('message', on); reject(new SimChildError(`simulator did not answer "${msg.type}" in ${timeoutMs} ms`)); }, timeoutMs);
    const on = (m: { type: string; stats: T }): void => {
      if (m.type !== reply) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m.stats);
    };
    child.on('message', on);
    child.send(msg);
  });
}

export async function startSimChild(opts: SimOptions & { maxLifetimeMs?: number }): Promise<SimChild> {
  const child = fork(SCRIPT, [JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ ports: { binance: number; bybit: number }; pid: number }>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new SimChildError('simulator child did not report its ports within 10 s')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try { resolve(JSON.parse(buf.slice(0, nl))); } catch (e) { reject(new SimChildError(`bad ready line from simulator: ${buf.slice(0, nl)}`)); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new SimChildError(`simulator child exited early (code ${code})`)); });
  }).catch(async (e: unknown) => { child.kill('SIGKILL'); await exited; throw e; });
  let stopped = false;
  return {
    ports: ready.ports,
    pid: ready.pid,
    stats: () => request<ChildSimStats>(child, { type: 'stats' }, 'stats'),
    pause: () => request<ChildSimStats>(child, { type: 'pause' }, 'paused'),
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const grace = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(grace);
      }
    },
  };
}
