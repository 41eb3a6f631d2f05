/**
 * The start-up tests' common ground: the in-process simulator with one symbol, the shipped
 * config in live mode pointed at it with the simulator's keys, the venues' BTCUSDT filters,
 * and a fresh runs folder; all removed at the test's end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { applySimProfile, loadConfig, type XarbConfig } from '../../src/config/index.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';

export const SIM_FILTERS = { binance: { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } },
  bybit: { BTCUSDT: { tickSize: 0.01, stepSize: 0.000001, minQty: 0.000001, minNotional: 5 } } } as never;

export async function liveSimStart(t: { teardown(fn: () => unknown): void }, seed: number, runsPrefix: string): Promise<{ sim: SimHandle; cfg: XarbConfig; runs: string }> {
  const sim = await startSimulator({ seed, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const env = { BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey };
  const cfg = applySimProfile(loadConfig(path.join(REPO_ROOT, 'config/arbitrage.toml'), { mode: 'live', env }), '127.0.0.1', sim.ports);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), runsPrefix));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  return { sim, cfg, runs };
}
