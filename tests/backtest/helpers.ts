/** Shared fixtures for the backtest tests: a small config file and synthetic data in a temp dir. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

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
