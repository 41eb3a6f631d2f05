/**
 * Review of issue #9 (wt-r9): an orphan buy of 1 that paid 0.001 BTC, flattened (sell 0.999) by
 * T, which stops cleanly: the stop's ledger write drops the orphan fill (T answered for it).
 * T is resumed (`--resume T`) and its resumed segment crashes: T answers for nothing now, and its
 * taken orphan (leftover.json `taken_orphans`: qty 1, no fee) counts again as T's own order.
 * Once the window has moved past the buy, nothing holds its fee: the start counts 1 - 0.999 =
 * long 0.001 where the venue holds nothing.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { startAs, tmpRuns } from '../execution/ledger-start-harness.js';

t.test('orphan buy with a base fee, flattened by T, T resumed and crashed, window moved', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 1 * HOUR, 0.001);
  const s1 = w.start('T', 2 * HOUR, { policy: 'flatten' }); // flattens 0.999, stops cleanly
  t.same(s1.verdict!.flatten.map((f) => [f.side, f.qty]), [['sell', 0.999]], 'T flattens the 0.999 the account holds');
  startAs(w, 'T', 3 * HOUR, { resumed: { ended: true }, after: 'crash' }); // --resume T, then a crash
  const s2 = w.start('S2', 30 * HOUR);
  t.equal(round9(w.truth(30 * HOUR)), 0, 'the venue holds nothing of it');
  const got = round9(believed(s2.verdict!));
  t.equal(got, 0, `S2 counts nothing (wt-r9: ${got})`);
});
