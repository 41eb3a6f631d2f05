/**
 * An earlier run's leftover.json that cannot be read refuses the start like an unreadable
 * venue ledger: a clear reason, an error log line naming the counter `leftover_unreadable`, and
 * `ledgerCounters.leftoverUnreadable` counts it.
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
import { ledgerCounters } from '../../src/execution/venue-ledger.js';

const filters = { binance: { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } },
  bybit: { BTCUSDT: { tickSize: 0.01, stepSize: 0.000001, minQty: 0.000001, minNotional: 5 } } } as never;

t.test('an unreadable leftover.json refuses the start with a counter', async (t) => {
  const sim = await startSimulator({ seed: 7, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const env = { BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey };
  const cfg = applySimProfile(loadConfig(path.join(REPO_ROOT, 'config/arbitrage.toml'), { mode: 'live', env }), '127.0.0.1', sim.ports);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-leftover-unreadable-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  fs.mkdirSync(path.join(runs, 'A'));
  fs.writeFileSync(path.join(runs, 'A', 'journal.jsonl'), JSON.stringify({ t: 0, type: 'run_start', run_id: 'A' }) + '\n' + JSON.stringify({ t: 1, type: 'run_end' }) + '\n');
  fs.writeFileSync(path.join(runs, 'A', 'leftover.json'), '{"taken_over":["Z"],"taken_ov'); // torn by hand
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  const log = pino({ level: 'info' }, sink);
  const before = ledgerCounters.leftoverUnreadable;
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'B'), runId: 'B', log, freshVenues: false });
  t.equal(r.ok, false);
  t.match(r.reason, /leftover\.json/);
  const err = lines.filter((l) => l['level'] === 50);
  t.ok(err.length > 0, 'an error line');
  t.ok(err.some((l) => l['counter'] === 'leftover_unreadable'), 'the error line names the counter, as the ledger\'s does');
  t.equal(ledgerCounters.leftoverUnreadable, before + 1, 'and the counter counts it');
});
