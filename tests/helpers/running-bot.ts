/**
 * Test (and screenshot script) helper: the bot against the in-process simulator in a child
 * process, as a user runs it, with the URLs it logs (monitor, simulator) handed back once
 * they appear. `stop()` sends SIGTERM and waits for the exit; a watchdog kills it after
 * `timeoutMs` so no test can leave it running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from './paths.js';

export interface RunningBot {
  child: ChildProcess;
  /** Monitor base URL, e.g. http://127.0.0.1:40123. */
  monitorUrl: string;
  /** The simulator's Binance HTTP base (faults: POST {simUrl}/__sim/fault). */
  simUrl: string;
  runDir: string;
  lines: string[];
  stderr: () => string;
  /** Resolves with the exit code (SIGTERM first; SIGKILL after killAfterMs). */
  stop(killAfterMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface BotOptions {
  args?: string[];
  config?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  mode?: 'dry-run' | 'live';
}

export async function startRunningBot(o: BotOptions = {}): Promise<RunningBot> {
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-mon-'));
  const child = spawn(process.execPath, [XARB_BIN, '--mode', o.mode ?? 'dry-run', '--config', o.config ?? 'config/arbitrage.toml', '--venues', 'sim',
    '--runs-dir', runs, '--run-id', 'mon', '--monitor-port', '0', '--no-status', ...(o.args ?? [])],
  { cwd: REPO_ROOT, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let buf = '';
  let monitorUrl = '';
  let simUrl = '';
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((r) => { ready = r; });
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      if (!line.startsWith('{')) continue;
      const m = JSON.parse(line) as { msg?: string; url?: string; binance?: string };
      if (m.msg?.startsWith('venue simulator started')) simUrl = m.binance!.replace('ws://', 'http://').replace(/\/ws.*$/, '');
      if (m.msg?.startsWith('monitor listening')) monitorUrl = m.url!.replace(/\/$/, '');
      if (monitorUrl !== '' && simUrl !== '') ready();
    }
  });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const watchdog = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 300_000);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { clearTimeout(watchdog); ready(); resolve(code); }));
  await readyP;
  if (monitorUrl === '') throw new Error(`bot exited before its monitor listened: ${err.slice(-800)} ${lines.slice(-5).join('\n')}`);
  return {
    child, monitorUrl, simUrl, runDir: path.join(runs, 'mon'), lines, stderr: () => err, exited,
    stop: async (killAfterMs = 30_000) => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const k = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const code = await exited;
      clearTimeout(k);
      return code;
    },
  };
}

/** Polls `check` every 200 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
