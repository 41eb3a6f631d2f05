/**
 * Review of issue #9 (wt-r9, 62a3d3e): "bad input: clear message + counter". The clean stop's
 * ledger write (ledger-at-stop.ts) throws when an earlier run's leftover.json is unreadable,
 * but no counter moves (the start's refusal for the same file counts `leftover_unreadable`),
 * and the supervisor logs every failure there as `counter: "ledger_unwritable"` while the
 * counter exported as xarb_runs_folder_errors_total{counter="ledger_unwritable"} does not move
 * (an unreadable ledger moves `ledger_unreadable` instead, of other keys `ledger_other_accounts`).
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { ACCOUNTS } from '../execution/ledger-harness.js';
import { tmpRuns } from '../execution/ledger-start-harness.js';
import { writeLedgerAtCleanStop } from '../../src/execution/ledger-at-stop.js';
import { emptyLedger, ledgerCounterValues, ledgerFile, writeLedgers } from '../../src/execution/venue-ledger.js';

t.test('an unreadable leftover.json at the stop: the write fails, and some counter says so', async (t) => {
  const dir = tmpRuns(t);
  writeLedgers(dir, ACCOUNTS.map((a) => emptyLedger(a.venue, a.account)));
  fs.mkdirSync(path.join(dir, 'R1'));
  fs.writeFileSync(path.join(dir, 'R1', 'journal.jsonl'), '{"type":"run_start"}\n');
  fs.writeFileSync(path.join(dir, 'R1', 'leftover.json'), '{"taken_over": [');
  const before = ledgerCounterValues();
  t.throws(() => writeLedgerAtCleanStop(dir, ACCOUNTS, 1), /leftover/);
  const after = ledgerCounterValues();
  t.ok(Object.keys(after).some((k) => after[k]! > before[k]!), `a counter moved (wt-r9: ${JSON.stringify(before)} -> ${JSON.stringify(after)})`);
});

t.test('an unreadable ledger at the stop: the counter the supervisor logs (ledger_unwritable) is the one that moves', async (t) => {
  const dir = tmpRuns(t);
  fs.writeFileSync(ledgerFile(dir, ACCOUNTS), '{ torn');
  const before = ledgerCounterValues();
  t.throws(() => writeLedgerAtCleanStop(dir, ACCOUNTS, 1));
  const after = ledgerCounterValues();
  // supervisor.ts stop: log.error({ counter: 'ledger_unwritable' }, 'venue ledger not written at the clean stop …') for any error
  t.equal(after.ledger_unwritable! - before.ledger_unwritable!, 1, `the logged counter moved (wt-r9: ledger_unwritable +${after.ledger_unwritable! - before.ledger_unwritable!}, ledger_unreadable +${after.ledger_unreadable! - before.ledger_unreadable!})`);
});
