/**
 * Live start-up, against the simulator: a runs folder holding the venue ledger of other API
 * keys (another account pair, or these accounts before a key change) refuses the start, with the
 * other file named in the reason and an error log line naming the counter
 * `ledger_other_accounts` (ledgerCounters.otherAccounts); this start writes no ledger of its own.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { liveSimStart, SIM_FILTERS } from './live-sim-start.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { ledgerAccount, ledgerCounters, ledgerFile } from '../../src/execution/venue-ledger.js';

t.test('a ledger of other keys in the runs folder refuses the start with a counter', async (t) => {
  const { cfg, runs } = await liveSimStart(t, 7, 'xarb-startup-other-ledger-');
  const other = ledgerFile(runs, [{ venue: 'binance', account: ledgerAccount('an-old-binance-key') }, { venue: 'bybit', account: ledgerAccount(SIM_KEYS.bybit.apiKey) }]);
  fs.writeFileSync(other, '{}');
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  const before = ledgerCounters.otherAccounts;
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: SIM_FILTERS, runDir: path.join(runs, 'B'), runId: 'B', log: pino({ level: 'info' }, sink), freshVenues: false });
  t.equal(r.ok, false);
  t.match(r.reason, new RegExp(`not the only one in the runs folder.*${path.basename(other)}`));
  t.ok(lines.some((l) => l['level'] === 50 && l['counter'] === 'ledger_other_accounts'), 'an error line naming the counter');
  t.equal(ledgerCounters.otherAccounts, before + 1);
  t.same(fs.readdirSync(runs).filter((n) => n.startsWith('ledger-')), [path.basename(other)], 'no ledger of its own written');
});
