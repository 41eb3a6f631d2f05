/**
 * A run that flattened an orphan fill (an xarb fill in no journal) and stopped cleanly with
 * nothing open is remembered in the venue ledger at its stop (venue-ledger.ts endedRuns: its
 * client-id tags and the orphan fills it answered for). Once the operator retires it (deletes
 * its folder), the next start counts neither its flatten fill nor the orphan, wherever the
 * window stands (found by review of issue #9: the stop write pruned the orphan alone, and the
 * flatten fill still in the window was then counted alone: short 1, venue 0).
 *
 * Not covered: a taker of crashed runs' journaled orders is not remembered so (their folders
 * stay and count again once it is gone; its own fills must then stay countable to net them).
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';
import { readLedgers } from '../../src/execution/venue-ledger.js';
import { ACCOUNTS } from './ledger-harness.js';

t.test('a flattened orphan fill, its flattener stopped and retired: the flatten fill still in the window is not counted alone', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 1 * HOUR); // a lost run's unhedged buy
  const s1 = w.start('S1', 23 * HOUR, { policy: 'flatten' }); // flattens it (sell 1 at 23 h), stops cleanly
  t.same(s1.verdict!.flatten.map((f) => [f.side, f.qty]), [['sell', 1]], 'S1 flattens the long of 1');
  fs.rmSync(path.join(w.runsDir, 'S1'), { recursive: true }); // the operator retires S1
  // 25 h: the window (2 h..25 h) no longer holds the orphan buy; it still holds S1's flatten sell.
  const s2 = w.start('S2', 25 * HOUR, { policy: 'flatten' });
  t.equal(round9(w.truth(25 * HOUR)), 0, 'the venue holds nothing of it');
  t.equal(round9(believed(s2.verdict!)), 0, 'S2 counts nothing');
  t.same(s2.verdict!.flatten, [], 'nothing to flatten');
});

t.test('the same sequence without the write at the stop (main) nets the two to nothing', async (t) => {
  // Same World, but the clean stop does not rewrite the ledger: only what the start wrote.
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 1 * HOUR);
  // A start that crashes right after committing keeps the ledger as its start wrote it; then
  // the run's journal gets its run_end by hand, as a clean stop without the ledger write.
  w.start('S1', 23 * HOUR, { policy: 'flatten', endsCleanly: false });
  fs.appendFileSync(path.join(w.runsDir, 'S1', 'journal.jsonl'), JSON.stringify({ t: 23 * HOUR, type: 'run_end' }) + '\n');
  fs.rmSync(path.join(w.runsDir, 'S1'), { recursive: true });
  const s2 = w.start('S2', 25 * HOUR, { policy: 'flatten' });
  t.equal(round9(believed(s2.verdict!)), 0, 'without the stop write the start counts nothing');
});

t.test('the orphan and the flatten both still in the window when the flattener is retired: nothing counted, then or later', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 10 * HOUR);
  w.start('S1', 12 * HOUR, { policy: 'flatten' });
  const l = readLedgers(w.runsDir, ACCOUNTS);
  t.same(l.map((x) => x.endedRuns.map((e) => e.run)), [['S1'], ['S1']], 'S1 is remembered at its stop');
  fs.rmSync(path.join(w.runsDir, 'S1'), { recursive: true });
  for (const [id, at] of [['S2', 13], ['S3', 34], ['S4', 40]] as const) {
    const s = w.start(id, at * HOUR, { policy: 'flatten' });
    t.equal(round9(w.truth(at * HOUR)), 0);
    t.equal(round9(believed(s.verdict!)), 0, `${id} at ${at} h counts nothing`);
    t.equal(s.verdict!.canTrade, true);
  }
});

t.test('a clean-stopped taker of a crashed run is not remembered: retired, its flatten still nets the crashed run\'s long', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('R', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 10 * HOUR }]);
  w.start('T', 12 * HOUR, { policy: 'flatten' });
  t.same(readLedgers(w.runsDir, ACCOUNTS).map((x) => x.endedRuns), [[], []], 'T took over journaled orders: not remembered');
  fs.rmSync(path.join(w.runsDir, 'T'), { recursive: true });
  const s = w.start('S', 13 * HOUR, { policy: 'flatten' });
  t.equal(round9(believed(s.verdict!)), 0, 'R\'s long and T\'s flatten (a fill in no journal now) net to nothing');
});
