/**
 * Defect: the ledger records only the trades by hand of windows that closed exposure at that
 * start (reconcile.ts closedByHand `used`). A later trade by hand the other way in the same
 * window (the operator rebalancing inventory: buys back what he sold) makes the window net to
 * nothing, so that start counts the leftover again (consistent with the venue's net), and
 * records neither trade; the earlier close stays remembered. Once the window has moved past
 * both, the close is put back alone and the leftover vanishes, though the venue still holds it.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { startAs, tmpRuns } from '../execution/ledger-start-harness.js';

t.test('a trade by hand that undoes a remembered close is remembered too', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('A', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]); // A crashed long 1
  w.byHand('binance', 'sell', 1, 1 * HOUR); // the operator sells it
  const b = startAs(w, 'B', 2 * HOUR, { refuse: true }); // B sees it closed (refused for a reason of its own)
  t.equal(round9(believed(b)), 0);
  w.byHand('binance', 'buy', 1, 3 * HOUR); // and buys 1 BTC back by hand
  const c = startAs(w, 'C', 4 * HOUR);
  t.equal(round9(believed(c)), round9(w.truth(4 * HOUR)), 'C: the window nets +1 -1 +1: long 1');
  const d = startAs(w, 'D', 27 * HOUR); // both trades by hand out of the window [4 h, 27 h]
  t.equal(round9(believed(d)), round9(believed(c)), 'D believes what C did: nothing happened since');
});
