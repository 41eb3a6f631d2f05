/**
 * Live start-up against the simulator with a Binance Ed25519 key: the account, permission,
 * commission and reconciliation reads are signed with Ed25519 (the simulator verifies them),
 * and the strategy's starting balances are the venues' accounts, not
 * `[execution.initial_balances]`, whose difference from the venues is logged.
 */
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { applySimProfile, loadConfig } from '../../src/config/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { toStrategyBalances } from '../../src/actors/supervisor.js';
import { configSet, edited } from '../config/config-set.js';

const ED_KEY = 'xarbTestEd25519Key0000000000000000000000000000000000000000000000';

t.test('Ed25519 on Binance: the start-up reads pass, and the balances are the venues\'', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-startup-ed-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pem = path.join(dir, 'key.pem');
  fs.writeFileSync(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const sim = await startSimulator({
    seed: 3, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0,
    orderEntry: {
      accounts: [{ venue: 'binance', apiKey: ED_KEY, secretKey: '', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), balances: { quote: 12345, base: 0.5 } }],
    },
  });
  t.teardown(() => sim.stop());
  const config = configSet(t, {
    'binance.toml': edited('binance.toml', 'secret_key = "${BINANCE_SECRET_KEY}"', `key_type = "ed25519"\nprivate_key_path = ${JSON.stringify(pem)}`),
  });
  const env = { BINANCE_API_KEY: ED_KEY, BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey };
  const cfg = applySimProfile(loadConfig(config, { mode: 'live', env }), '127.0.0.1', sim.ports);
  t.equal(cfg.venues.binance.auth.key_type, 'ed25519');
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } });
  const filters = { binance: { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } }, bybit: { BTCUSDT: { tickSize: 0.01, stepSize: 0.000001, minQty: 0.000001, minNotional: 5 } } };
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: filters as never, runDir: path.join(dir, 'runs', 'now'), runId: 'now', log,
    freshVenues: true, configuredBalances: toStrategyBalances(cfg) });
  t.equal(r.reason, '');
  t.equal(r.ok, true, 'permissions, commission and reconciliation read with the Ed25519 key');
  t.notOk(lines.some((l) => /skipped/.test(String(l['msg']))), 'no check skipped for the Ed25519 key');
  t.same(r.balances!['binance'], { quote: 12345, base: { BTCUSDT: 0.5 } }, 'Binance: the account\'s balances');
  t.same(r.balances!['bybit'], { quote: 1_000_000, base: { BTCUSDT: 100 } }, 'Bybit: the account\'s balances (the simulator\'s default funding)');
  const diff = lines.find((l) => /initial_balances/.test(String(l['msg'])));
  t.ok(diff, 'the difference from [execution.initial_balances] is logged');
  t.equal(diff!['level'], 40, 'as a warning');
  t.ok((diff!['differences'] as Array<{ venue: string; asset: string }>).some((d) => d.venue === 'binance' && d.asset === 'USDT'));
  t.notOk(JSON.stringify(lines).includes('PRIVATE KEY'), 'no key material logged');
});

t.test('a host clock 5 s off the venues: the start-up reads are stamped with the measured venue clock, not refused', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-startup-skew-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sim = await startSimulator({ seed: 4, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  // The simulator's clock (both venues) runs 5 s ahead of this host's: a read stamped with the
  // local clock is outside any recvWindow (-1021 / 10002).
  const skew = await fetch(`${sim.binanceUrl.rest}/__sim/fault`, { method: 'POST', body: JSON.stringify({ kind: 'clock_skew', venue: 'binance', amount: 5000 }) });
  t.equal(skew.status, 200);
  const env = { BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey, BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey };
  const cfg = applySimProfile(loadConfig(configSet(t, {}), { mode: 'live', env }), '127.0.0.1', sim.ports);
  t.ok(cfg.venues.binance.connection.recv_window_ms < 5000, 'the recvWindow is smaller than the skew');
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } });
  const filters = { binance: { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } }, bybit: { BTCUSDT: { tickSize: 0.01, stepSize: 0.000001, minQty: 0.000001, minNotional: 5 } } };
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: filters as never, runDir: path.join(dir, 'runs', 'now'), runId: 'now', log, freshVenues: true });
  t.equal(r.reason, '');
  t.equal(r.ok, true, 'permissions, commission and reconciliation read on the venues\' clock');
  const measured = lines.filter((l) => l['msg'] === 'live start-up: venue clock offset measured');
  t.same(measured.map((l) => l['venue']), ['binance', 'bybit']);
  for (const l of measured) t.ok(Math.abs((l['offset_ms'] as number) - 5000) < 1000, `${String(l['venue'])} offset ~5000 ms (${String(l['offset_ms'])})`);
});
