/**
 * The venue ledger remembers every trade by hand of a counted symbol from its exposure's last
 * fill on, not only those that closed something: a buy back by hand after a remembered close
 * (the operator rebalancing) is remembered too, so once the window has moved past both the
 * start still believes what the venue holds.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

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
