/**
 * "Bad input: clear message + counter": the clean stop's ledger write (ledger-at-stop.ts) that
 * fails moves a counter (an earlier run's leftover.json unreadable: `leftover_unreadable`, as a
 * start's refusal does; the ledger unreadable: `ledger_unreadable`), and stopWriteCounter (the
 * supervisor's log `counter` field) names the one that moved (found by review of issue #9: none
 * moved for the leftover, and the log always said `ledger_unwritable`).
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { ACCOUNTS } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';
import { stopWriteCounter, writeLedgerAtCleanStop } from '../../src/execution/ledger-at-stop.js';
import { emptyLedger, ledgerCounterValues, ledgerFile, writeLedgers } from '../../src/execution/venue-ledger.js';

function failure(t: { not: (a: unknown, b: unknown, m: string) => unknown }, write: () => unknown): { err: unknown; moved: Record<string, number> } {
  const before = ledgerCounterValues();
  let err: unknown = null;
  try {
    write();
  } catch (e) {
    err = e;
  }
  t.not(err, null, 'the write fails');
  const after = ledgerCounterValues();
  return { err, moved: Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - before[k]!]).filter(([, d]) => d !== 0)) };
}

t.test('an unreadable leftover.json at the stop: leftover_unreadable moves, and the log names it', async (t) => {
  const dir = tmpRuns(t);
  writeLedgers(dir, ACCOUNTS.map((a) => emptyLedger(a.venue, a.account)));
  fs.mkdirSync(path.join(dir, 'R1'));
  fs.writeFileSync(path.join(dir, 'R1', 'journal.jsonl'), '{"type":"run_start"}\n');
  fs.writeFileSync(path.join(dir, 'R1', 'leftover.json'), '{"taken_over": [');
  const { err, moved } = failure(t, () => writeLedgerAtCleanStop(dir, ACCOUNTS, 1));
  t.match(String(err), /leftover/);
  t.same(moved, { leftover_unreadable: 1 });
  t.equal(stopWriteCounter(err), 'leftover_unreadable');
});

t.test('an unreadable ledger at the stop: ledger_unreadable moves, and the log names it', async (t) => {
  const dir = tmpRuns(t);
  fs.writeFileSync(ledgerFile(dir, ACCOUNTS), '{ torn');
  const { err, moved } = failure(t, () => writeLedgerAtCleanStop(dir, ACCOUNTS, 1));
  t.same(moved, { ledger_unreadable: 1 });
  t.equal(stopWriteCounter(err), 'ledger_unreadable');
});
