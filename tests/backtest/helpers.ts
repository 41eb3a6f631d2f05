/** Shared fixtures for the backtest tests: a small config file and synthetic data in a temp dir. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

/** SHA-256 of a file's bytes (hex): journals compared byte for byte. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function tempDir(prefix = 'xarb-bt-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** config/arbitrage.toml with a data dir and a few keys changed, written into `dir`. */
export function writeConfig(dir: string, dataDir: string, minSpreadBps = 2): string {
  let text = readFileSync(path.join(REPO_ROOT, 'config', 'arbitrage.toml'), 'utf8');
  text = text.replace(/min_spread_bps = \d+/, `min_spread_bps = ${minSpreadBps}`)
    .replace(/data_dir = "data"/, `data_dir = ${JSON.stringify(dataDir)}`)
    .replace(/binance = "binance.toml"/, `binance = ${JSON.stringify(path.join(REPO_ROOT, 'config', 'binance.toml'))}`)
    .replace(/bybit = "bybit.toml"/, `bybit = ${JSON.stringify(path.join(REPO_ROOT, 'config', 'bybit.toml'))}`);
  const file = path.join(dir, 'arbitrage.toml');
  writeFileSync(file, text);
  return file;
}

/** Small synthetic market: 0.5 book updates per second per venue. */
export const SMALL_RATE = 0.5;

/**
 * A temp dir with one synthetic day of config/arbitrage.toml's symbols written by the CLI
 * (`xarb data synth`) into <dir>/data, removed when the test ends; plus a runner of the CLI
 * from the repo root.
 */
export function cliDay(t: { teardown(fn: () => void): void }, date: string, prefix: string): {
  dir: string; data: string; xarb: (...args: string[]) => SpawnSyncReturns<string>;
} {
  const dir = tempDir(prefix);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const data = path.join(dir, 'data');
  // As on a terminal: the human text on stdout (tests/cli/stdout-contract.test.ts checks the piped JSON).
  const xarb = (...args: string[]) => spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, XARB_STDOUT_TTY: '1' } });
  const r = xarb('data', 'synth', '--config', 'config/arbitrage.toml', '--start-date', date, '--end-date', date, '--rate', String(SMALL_RATE), '--out', data);
  if (r.status !== 0) throw new Error(`xarb data synth failed: ${r.stderr}`);
  return { dir, data, xarb };
}
