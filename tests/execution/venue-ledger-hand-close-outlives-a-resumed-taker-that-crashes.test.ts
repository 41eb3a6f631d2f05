/**
 * A trade by hand that closed a crashed run's leftover stays in the venue ledger while the runs
 * it closed or that counted it keep their folders, not merely while its symbol has counted
 * exposure: a taker that ended can be resumed (`run_resumed` after its `run_end`) and crash,
 * and then the crashed run's orders count again, and so must the close.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

t.test('a close by hand is still remembered when the taker that answered for it is resumed and crashes', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  w.crashedRun('A', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]); // A crashed long 1
  w.byHand('binance', 'sell', 1, 1 * HOUR); // the operator sells it by hand
  const b = startAs(w, 'B', 2 * HOUR); // B sees it closed, commits (takes A over as closed), stops cleanly
  t.same(b.closed.map((e) => e.symbol), ['BTCUSDT']);
  const c = startAs(w, 'C', 3 * HOUR); // B ended: A is B's business; the ledger drops the close
  t.equal(round9(believed(c)), 0);
  // 30 h: the operator resumes B (`--resume B`); that segment is killed.
  const bResumed = startAs(w, 'B', 30 * HOUR, { resumed: { ended: true }, after: 'crash' });
  t.equal(round9(believed(bResumed)), 0);
  // B's journal now ends with a segment without run_end: A's orders count again, the close must too.
  const d = startAs(w, 'D', 31 * HOUR);
  t.equal(round9(believed(d)), round9(w.truth(31 * HOUR)), 'D believes what the venue holds of xarb\'s (+1 -1 = 0)');
  t.equal(d.canTrade, true, 'so D may trade');
});
