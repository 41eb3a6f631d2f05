/**
 * Defect: the venue ledger is one file per pair of accounts "in the runs folder" (docs/live.md
 * "Venue ledger": the folder holds one ledger per pair), so two account pairs may share a runs
 * folder; but readEarlierRuns reads every run of the folder whatever accounts it traded, and
 * reconcile.ts counts a crashed run's order from its WAL `final` when the venue shows no fill
 * of it. A start on accounts X then counts a crashed run of accounts Y as its own leftover
 * (and under `flatten` trades it on X), though X's venues hold nothing of it.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { ledgerAccount } from '../../src/execution/venue-ledger.js';
import { startAs, tmpRuns } from '../execution/ledger-start-harness.js';

const pair = (n: string) => [{ venue: 'binance' as const, account: ledgerAccount(`binance-${n}`) }, { venue: 'bybit' as const, account: ledgerAccount(`bybit-${n}`) }];

t.test('a start on one account pair does not count the crashed runs of another pair in the same runs folder', async (t) => {
  const dir = tmpRuns(t);
  const x = new World(dir); // the venues as accounts X see them
  const y = new World(dir); // the venues as accounts Y see them
  y.crashedRun('RY', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]); // Y's run crashed long 1 on Y's Binance account
  const vy = startAs(y, 'SY', 1 * HOUR, { accounts: pair('Y'), refuse: true });
  t.equal(round9(believed(vy)), 1, 'Y: its long 1');
  let vx;
  try {
    vx = startAs(x, 'SX', 2 * HOUR, { accounts: pair('X'), policy: 'flatten', refuse: true });
  } catch (e) {
    t.pass(`refused: ${(e as Error).message}`); // refusing a runs folder shared with other accounts would hold too
    return;
  }
  t.equal(round9(believed(vx)), round9(x.truth(2 * HOUR)), 'X: its venues hold nothing of xarb\'s');
  t.same(vx.flatten, [], 'X flattens nothing on its accounts');
});
