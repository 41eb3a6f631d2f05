/**
 * A trade by hand that closed exposure made only of xarb fills in no journal is tagged in the
 * ledger with the start that counted it and with the orphan fills' part (UNJOURNALED_FILLS),
 * which lives as long as the ledger keeps such fills (venue-ledger.ts withOrphanPart). Deleting
 * that start's folder (a refused start: no orders, nothing answered for) keeps the close, so
 * once the window has moved past them all the next start still counts the short of 0.2 the
 * venue holds (found by review of issue #9: it dropped the close and counted nothing).
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';

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
  t.equal(got, -0.2, 'S2 counts the short of 0.2');
});
