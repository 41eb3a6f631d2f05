/**
 * Live start-up, against the simulator: a runs folder holding the venue ledger of other API
 * keys (another account pair, or these accounts before a key change) refuses the start, with the
 * other file named in the reason and an error log line naming the counter
 * `ledger_other_accounts` (ledgerCounters.otherAccounts); this start writes no ledger of its own.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { REPO_ROOT } from '../helpers/paths.js';
import { applySimProfile, loadConfig } from '../../src/config/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { ledgerAccount, ledgerCounters, ledgerFile } from '../../src/execution/venue-ledger.js';

const filters = { binance: { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } },
  bybit: { BTCUSDT: { tickSize: 0.01, stepSize: 0.000001, minQty: 0.000001, minNotional: 5 } } } as never;

t.test('a ledger of other keys in the runs folder refuses the start with a counter', async (t) => {
  const sim = await startSimulator({ seed: 7, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const env = { BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey };
  const cfg = applySimProfile(loadConfig(path.join(REPO_ROOT, 'config/arbitrage.toml'), { mode: 'live', env }), '127.0.0.1', sim.ports);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-startup-other-ledger-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const other = ledgerFile(runs, [{ venue: 'binance', account: ledgerAccount('an-old-binance-key') }, { venue: 'bybit', account: ledgerAccount(SIM_KEYS.bybit.apiKey) }]);
  fs.writeFileSync(other, '{}');
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  const before = ledgerCounters.otherAccounts;
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'B'), runId: 'B', log: pino({ level: 'info' }, sink), freshVenues: false });
  t.equal(r.ok, false);
  t.match(r.reason, new RegExp(`not the only one in the runs folder.*${path.basename(other)}`));
  t.ok(lines.some((l) => l['level'] === 50 && l['counter'] === 'ledger_other_accounts'), 'an error line naming the counter');
  t.equal(ledgerCounters.otherAccounts, before + 1);
  t.same(fs.readdirSync(runs).filter((n) => n.startsWith('ledger-')), [path.basename(other)], 'no ledger of its own written');
});
