/**
 * Review of issue #9 (wt-r9, d32cc6c "keeps the average price of the side its parts netted
 * to"): the exposure's average price is the average of every counted fill of the side it is
 * left on, including parts the operator already closed by hand. A crashed long of 1 bought at
 * 60,000, closed by hand, then another crashed long of 1 bought at 70,000: what is open is the
 * second long, bought at 70,000, but the exposure (adopted as a residual: its entry price drives
 * the stop loss, round-lifecycle.ts checkStopLoss, and the residual's PnL) says 65,000.
 */
import t from 'tap';
import { HOUR, World, round9 } from '../execution/ledger-harness.js';
import { tmpRuns } from '../execution/ledger-start-harness.js';

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
  t.equal(e.avgPx, 70_000, `entered at 70,000 (wt-r9: ${e.avgPx})`);
});
