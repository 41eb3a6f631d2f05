/**
 * A runs folder belongs to one pair of venue accounts: readEarlierRuns reads every run in it,
 * whatever accounts it traded. A start on accounts X in a folder holding the ledger of accounts
 * Y is refused (it would count Y's crashed run as its own leftover, and under `flatten` trade it
 * on X's accounts, though X's venues hold nothing of it).
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { LedgerError, ledgerAccount } from '../../src/execution/venue-ledger.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

const pair = (n: string) => [{ venue: 'binance' as const, account: ledgerAccount(`binance-${n}`) }, { venue: 'bybit' as const, account: ledgerAccount(`bybit-${n}`) }];

t.test('a start on one account pair is refused in a runs folder holding another pair\'s ledger', async (t) => {
  const dir = tmpRuns(t);
  const x = new World(dir); // the venues as accounts X see them
  const y = new World(dir); // the venues as accounts Y see them
  y.crashedRun('RY', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]); // Y's run crashed long 1 on Y's Binance account
  const vy = startAs(y, 'SY', 1 * HOUR, { accounts: pair('Y'), refuse: true });
  t.equal(round9(believed(vy)), 1, 'Y: its long 1');
  let err: unknown = null;
  try {
    startAs(x, 'SX', 2 * HOUR, { accounts: pair('X'), policy: 'flatten', refuse: true });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof LedgerError && err.kind === 'other_accounts', 'X is refused: it flattens nothing on its accounts');
  const vy2 = startAs(y, 'SY2', 3 * HOUR, { accounts: pair('Y'), refuse: true });
  t.equal(round9(believed(vy2)), 1, 'Y still starts in its own folder');
});
