/**
 * An orphan buy of 1 that paid 0.001 BTC, flattened (sell 0.999) by T, which stops cleanly; T is
 * resumed and its resumed segment crashes, so its taken orphan (leftover.json `taken_orphans`)
 * counts again as T's own order. The taken orphan records its base fee (TakenOrphan.baseFee), so
 * once the window has moved past the buy the start still counts 1 - 0.001 - 0.999 = 0, what the
 * venue holds (found by review of issue #9: it counted long 0.001).
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

t.test('orphan buy with a base fee, flattened by T, T resumed and crashed, window moved', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 1 * HOUR, 0.001);
  const s1 = w.start('T', 2 * HOUR, { policy: 'flatten' }); // flattens 0.999, stops cleanly
  t.same(s1.verdict!.flatten.map((f) => [f.side, f.qty]), [['sell', 0.999]], 'T flattens the 0.999 the account holds');
  startAs(w, 'T', 3 * HOUR, { resumed: { ended: true }, after: 'crash' }); // --resume T, then a crash
  const s2 = w.start('S2', 30 * HOUR);
  t.equal(round9(w.truth(30 * HOUR)), 0, 'the venue holds nothing of it');
  const got = round9(believed(s2.verdict!));
  t.equal(got, 0, 'S2 counts nothing');
});
