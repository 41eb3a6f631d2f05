/**
 * An earlier run's leftover.json that cannot be read refuses the start like an unreadable
 * venue ledger: a clear reason, an error log line naming the counter `leftover_unreadable`, and
 * `ledgerCounters.leftoverUnreadable` counts it.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { liveSimStart, SIM_FILTERS } from './live-sim-start.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { ledgerCounters } from '../../src/execution/venue-ledger.js';

t.test('an unreadable leftover.json refuses the start with a counter', async (t) => {
  const { cfg, runs } = await liveSimStart(t, 7, 'xarb-leftover-unreadable-');
  fs.mkdirSync(path.join(runs, 'A'));
  fs.writeFileSync(path.join(runs, 'A', 'journal.jsonl'), JSON.stringify({ t: 0, type: 'run_start', run_id: 'A' }) + '\n' + JSON.stringify({ t: 1, type: 'run_end' }) + '\n');
  fs.writeFileSync(path.join(runs, 'A', 'leftover.json'), '{"taken_over":["Z"],"taken_ov'); // torn by hand
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  const log = pino({ level: 'info' }, sink);
  const before = ledgerCounters.leftoverUnreadable;
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: SIM_FILTERS, runDir: path.join(runs, 'B'), runId: 'B', log, freshVenues: false });
  t.equal(r.ok, false);
  t.match(r.reason, /leftover\.json/);
  const err = lines.filter((l) => l['level'] === 50);
  t.ok(err.length > 0, 'an error line');
  t.ok(err.some((l) => l['counter'] === 'leftover_unreadable'), 'the error line names the counter, as the ledger\'s does');
  t.equal(ledgerCounters.leftoverUnreadable, before + 1, 'and the counter counts it');
});
