/**
 * Live start-up and the venue ledger (venue-ledger.ts), against the simulator: every start that
 * read the venues writes the ledger, refused or not, with no key in it; a ledger that cannot
 * be read refuses the start, named in the reason.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { liveSimStart, SIM_FILTERS } from './live-sim-start.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { ledgerAccount, ledgerFile } from '../../src/execution/venue-ledger.js';

t.test('a start writes the venue ledger; an unreadable one refuses the next start', async (t) => {
  const { cfg, runs } = await liveSimStart(t, 7, 'xarb-startup-ledger-');
  const log = pino({ level: 'silent' });
  const file = ledgerFile(runs, [{ venue: 'binance', account: ledgerAccount(SIM_KEYS.binance.apiKey) }, { venue: 'bybit', account: ledgerAccount(SIM_KEYS.bybit.apiKey) }]);

  const a = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: SIM_FILTERS, runDir: path.join(runs, 'A'), runId: 'A', log, freshVenues: false });
  t.equal(a.ok, true, a.reason);
  const text = fs.readFileSync(file, 'utf8');
  t.match(JSON.parse(text), { version: 1, venues: [{ venue: 'binance' }, { venue: 'bybit' }] }, 'written by the start');
  for (const secret of [SIM_KEYS.binance.apiKey, SIM_KEYS.binance.secretKey, SIM_KEYS.bybit.apiKey, SIM_KEYS.bybit.secretKey]) {
    t.notOk(text.includes(secret), 'no key or secret in it');
  }

  fs.writeFileSync(file, text.slice(0, text.length >> 1));
  const b = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: SIM_FILTERS, runDir: path.join(runs, 'B'), runId: 'B', log, freshVenues: false });
  t.equal(b.ok, false);
  t.match(b.reason, /venue ledger .*ledger-binance-[0-9a-f]{16}-bybit-[0-9a-f]{16}\.json unreadable/);
  t.equal(fs.readFileSync(file, 'utf8'), text.slice(0, text.length >> 1), 'left as it was for the operator to look at');
});
