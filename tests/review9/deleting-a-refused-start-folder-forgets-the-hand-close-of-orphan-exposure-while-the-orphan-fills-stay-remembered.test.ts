/**
 * Review of issue #9 (wt-r9; also main): a trade by hand that closed exposure made only of xarb
 * fills in no journal is tagged in the ledger with the start that counted it and nothing else
 * (the orphans have no run folder). A refused start's folder holds no orders and answers for
 * nothing; deleting it (clearing out refused starts) drops the hand close from the ledger, while
 * the orphan fills it closed stay (kept until a taker ends). Once the window has moved past them
 * all, the next start nets the remembered buy against the open short and counts nothing
 * where the venue is short 0.2. Found by the review's property test (retire action).
 * As in the project's ledger harness, the orphan fills' orders are not in the venue's lists
 * (aged out, or read at another moment): the case the ledger's `orphan_fills` exist for.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { tmpRuns } from '../execution/ledger-start-harness.js';

t.test('orphan buy closed by hand, orphan sell open, refused start deleted, window moved', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 0.2, 1 * HOUR);
  w.byHand('binance', 'sell', 0.2, 1.5 * HOUR); // the operator closes it
  w.orphanFill('bybit', 'sell', 0.2, 3 * HOUR); // the lost run's other leg: the venue is short 0.2
  const s1 = w.start('S1', 4 * HOUR); // policy halt: refused, sees the short of 0.2
  t.equal(round9(believed(s1.verdict!)), -0.2, 'S1 counts the short of 0.2');
  t.notOk(s1.verdict!.canTrade, 'S1 is refused (halt)');
  fs.rmSync(path.join(w.runsDir, 'S1'), { recursive: true }); // a refused start: no orders, nothing answered for
  // 30 h: the window (7 h..30 h) holds none of it (in production no order of it is listed either,
  // so no "xarb order in no journal" halt masks it): only the ledger remembers.
  const s2 = w.start('S2', 30 * HOUR);
  t.equal(round9(w.truth(30 * HOUR)), -0.2, 'the venue is short 0.2');
  const got = round9(believed(s2.verdict!));
  t.equal(got, -0.2, `S2 counts the short of 0.2 (wt-r9: ${got})`);
});
