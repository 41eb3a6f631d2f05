/**
 * A start whose counted parts of a symbol net to nothing, with nothing closed by hand, still
 * hands the trades by hand it saw from the first part's last fill on to the venue ledger: an
 * earlier start may have remembered a close among them, and the trade undoing it (seen only
 * now) must be remembered too, or once the window has moved past both the remembered close
 * alone nets a part again (found by the venue-ledger property test at 1000 runs).
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

t.test('a buy back by hand seen only by a start whose parts net to nothing is remembered', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('A', [{ venue: 'binance', side: 'buy', qty: 0.2, timeMs: 0 }, { venue: 'bybit', side: 'sell', qty: 0.1, timeMs: 1 }]); // A crashed long 0.1
  w.byHand('binance', 'sell', 0.05, 1 * HOUR); // the operator closes half of it
  const b = startAs(w, 'B', 2 * HOUR, { refuse: true }); // B sees the close (and the ledger remembers it)
  t.equal(round9(believed(b)), 0.05, 'B: long 0.05 still open');
  w.byHand('binance', 'buy', 0.05, 22 * HOUR); // he buys it back
  w.crashedRun('C', [{ venue: 'binance', side: 'sell', qty: 0.2, timeMs: 23 * HOUR }, { venue: 'bybit', side: 'buy', qty: 0.1, timeMs: 23 * HOUR + 1 }]); // C crashed short 0.1
  const d = startAs(w, 'D', 24 * HOUR); // A's and C's parts net to nothing, and so do the trades by hand
  t.equal(round9(believed(d)), 0, 'D: nothing left');
  const e = startAs(w, 'E', 50 * HOUR); // every fill out of the window [27 h, 50 h]
  t.equal(round9(w.truth(50 * HOUR)), 0, 'the venue holds +0.1 -0.05 +0.05 -0.1 = 0');
  t.equal(round9(believed(e)), 0, 'E believes what D did: nothing happened since');
});
