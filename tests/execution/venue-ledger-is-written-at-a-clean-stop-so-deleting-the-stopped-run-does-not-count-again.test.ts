/**
 * A run's clean stop writes the venue ledger again (ledger-at-stop.ts), pruned of the xarb fills
 * in no journal that the run answered for (its leftover.json `taken_fills`). Before, only the
 * next start pruned them: deleting the stopped run's folder first (how an operator retires a
 * run) took `taken_fills` with it, and once the window had moved the next start put the
 * remembered fill back and counted it again: a long of 1 the stopped run had flattened.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { ACCOUNTS, HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';
import { writeLedgerAtCleanStop } from '../../src/execution/ledger-at-stop.js';
import { emptyLedger, ledgerFile, readLedgers, writeLedgers } from '../../src/execution/venue-ledger.js';

t.test('an orphan fill flattened by a run that stopped cleanly is not counted after its folder is deleted', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 1 * HOUR); // a lost run's unhedged buy
  const s1 = w.start('S1', 2 * HOUR, { policy: 'flatten' }); // flattens it, then stops cleanly
  t.same(s1.verdict!.flatten.map((f) => [f.side, f.qty]), [['sell', 1]], 'S1 flattens the long of 1');
  t.same(readLedgers(w.runsDir, ACCOUNTS).flatMap((l) => l.orphanFills), [], 'the ledger no longer holds what S1 answered for');
  fs.rmSync(path.join(w.runsDir, 'S1'), { recursive: true }); // the operator retires S1
  const s2 = w.start('S2', 30 * HOUR); // the window no longer holds the buy or the flatten
  t.equal(round9(w.truth(30 * HOUR)), 0, 'the venue holds nothing of it');
  t.equal(round9(believed(s2.verdict!)), 0, 'S2 counts nothing');
});

t.test('no ledger, nothing written; one of other keys in the folder is an error', async (t) => {
  const dir = tmpRuns(t);
  t.equal(writeLedgerAtCleanStop(dir, ACCOUNTS, 1), false, 'a run without a ledger writes none');
  t.same(fs.readdirSync(dir), []);
  writeLedgers(dir, ACCOUNTS.map((a) => emptyLedger(a.venue, a.account)));
  t.equal(writeLedgerAtCleanStop(dir, ACCOUNTS, 5), true);
  t.equal(readLedgers(dir, ACCOUNTS)[0]!.updatedMs, 5, 'written again at the stop');
  const other = ACCOUNTS.map((a) => ({ ...a, account: 'ffffffffffffffff' }));
  fs.writeFileSync(ledgerFile(dir, other), '{}');
  t.throws(() => writeLedgerAtCleanStop(dir, ACCOUNTS, 6), /not the only one in the runs folder/);
});
