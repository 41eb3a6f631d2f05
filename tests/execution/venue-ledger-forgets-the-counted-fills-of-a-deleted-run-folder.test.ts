/**
 * counted_fills are kept while their run has its folder, so deleting an old run's folder is
 * how the operator retires them. applyLedgers puts back only the counted (and hand) fills of
 * which at least one run still has a folder: once the folder of a crashed run (taken over and
 * flattened by a taker that ended) is deleted, its remembered fills do not come back with a
 * client id no journal knows, as xarb fills in no journal (found by review9b: they were put
 * back before nextLedgers pruned them, phantom leftover exposure that then stayed in
 * orphan_fills for ever). As without the ledger, deleting that folder once the window has
 * moved past it is harmless.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';

t.test('deleting the folder of a run a taker answered for does not bring its fills back as exposure', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  w.crashedRun('R', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]); // its hedge never sent
  const s1 = w.start('S1', 1 * HOUR, { policy: 'flatten' }); // counts R long 1, flattens it, stops cleanly
  t.equal(s1.error, null);
  t.equal(round9(believed(s1.verdict!)), 1, 'S1 counts R\'s long 1');
  t.equal(s1.verdict!.flatten.length, 1, 'S1 flattens it');
  const s2 = w.start('S2', 30 * HOUR); // R is answered for
  t.equal(round9(believed(s2.verdict!)), 0, 'S2: nothing left');
  // The operator tidies up the runs folder: R was taken over and flattened long ago.
  fs.rmSync(path.join(dir, 'R'), { recursive: true });
  const s3 = w.start('S3', 60 * HOUR);
  t.comment(s3.verdict!.reasons.join(' | '));
  t.equal(round9(w.truth(60 * HOUR)), 0, 'the venue holds +1 -1 = 0 of xarb\'s');
  t.equal(round9(believed(s3.verdict!)), 0, 'S3 counts nothing left');
  t.equal(s3.verdict!.canTrade, true, 'S3 may trade');
});
