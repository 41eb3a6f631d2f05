/**
 * The exposure's average price is that of what is still open (reconcile.ts closedByHand, at
 * average cost): a crashed long of 1 bought at 60,000, closed by hand, then another crashed
 * long of 1 bought at 70,000: the open long entered at 70,000 (adopted as a residual, its entry
 * price drives the stop loss and the residual's PnL). Found by review of issue #9: it said 65,000.
 */
import t from 'tap';
import { HOUR, World, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';

t.test('long 1 @ 60,000 closed by hand, then long 1 @ 70,000: the open long entered at 70,000', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR }]);
  w.byHand('binance', 'sell', 1, 2 * HOUR); // the operator closes R1's long
  w.crashedRun('R2', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 3 * HOUR }]);
  w.fills.at(-1)!.price = 70_000;
  const v = w.start('S', 4 * HOUR).verdict!;
  t.equal(v.exposure.length, 1, 'one exposure');
  const e = v.exposure[0]!;
  t.equal(round9(e.netQty), 1, 'long 1 open');
  t.equal(e.closedByHand, 1, 'R1\'s long closed by hand');
  t.equal(e.avgPx, 70_000, 'entered at 70,000');
});

t.test('long 1 @ 60,000, half closed by hand, then long 1 @ 70,000: the open 1.5 at their average cost', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR }]);
  w.byHand('binance', 'sell', 0.5, 2 * HOUR);
  w.crashedRun('R2', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 3 * HOUR }]);
  w.fills.at(-1)!.price = 70_000;
  const e = w.start('S', 4 * HOUR).verdict!.exposure[0]!;
  t.equal(round9(e.netQty), 1.5);
  t.equal(round9(e.avgPx), round9((0.5 * 60_000 + 70_000) / 1.5));
});
