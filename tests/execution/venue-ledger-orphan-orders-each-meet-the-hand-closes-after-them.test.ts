/**
 * Each xarb order in no journal is a part of its own, timed by its own last fill (reconcile.ts
 * runSteps), so a close by hand of an earlier orphan fill, made before a later orphan fill of
 * the same symbol, still nets the earlier one; and orphan fills that net to nothing with a
 * trade by hand between them are not settled away by the venue ledger: the venue holds the
 * leg the hand trade did not close, before and after the window moved.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

t.test('a close by hand between two orphan fills of a symbol is counted', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 0); // a lost run's unhedged buy
  const b = startAs(w, 'B', 1 * HOUR); // halt: long 1, refused
  t.equal(round9(believed(b)), 1);
  w.byHand('binance', 'sell', 1, 2 * HOUR); // the operator sells it
  w.orphanFill('bybit', 'sell', 0.5, 3 * HOUR); // another lost run's unhedged sell
  const c = startAs(w, 'C', 4 * HOUR);
  t.equal(round9(believed(c)), round9(w.truth(4 * HOUR)), 'C: the venue holds +1 -1 -0.5 = short 0.5');
  const d = startAs(w, 'D', 40 * HOUR); // everything out of the window: from the ledger
  t.equal(round9(believed(d)), round9(w.truth(40 * HOUR)), 'D: still short 0.5');
});

t.test('orphan fills netting to nothing with a close by hand between them are not settled away', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 0.5, 0); // a lost pair's first leg
  w.byHand('binance', 'sell', 0.5, 1 * HOUR); // the operator closes what he sees
  w.orphanFill('bybit', 'sell', 0.5, 2 * HOUR); // the pair's other leg fills later
  const c = startAs(w, 'C', 3 * HOUR, { refuse: true });
  t.equal(round9(believed(c)), round9(w.truth(3 * HOUR)), 'C: the venue holds short 0.5');
  const d = startAs(w, 'D', 40 * HOUR);
  t.equal(round9(believed(d)), round9(w.truth(40 * HOUR)), 'D: still short 0.5, not settled away');
});
