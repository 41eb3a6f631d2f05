/**
 * Deleting the folder of a run that a taker took over before the taker answered for it (the
 * taker crashed: no run_end) is operator error (docs/live.md: delete only runs answered for):
 * its orders no longer count while the venue may still hold its exposure. readEarlierRuns names
 * such runs (`missingTakenOver`), and live start-up warns with `counter: "taken_over_run_missing"`
 * (ledgerCounters.takenOverRunMissing). Once the taker has ended, the deletion is harmless: no
 * warning. (Counting the exposure from the taker's leftover.json instead is not done:
 * tests/review9/a-crashed-run-taken-over-by-a-taker-that-crashed-too-is-forgotten-once-its-folder-is-deleted.pending.ts.)
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { readEarlierRuns } from '../../src/execution/earlier-runs.js';
import { HOUR, World } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

t.test('R1 taken over by T, T crashed, R1 deleted: named; T ended: not', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR }]);
  startAs(w, 'T', 2 * HOUR, { policy: 'adopt', after: 'crash' });
  t.same(readEarlierRuns(w.runsDir).missingTakenOver, [], 'R1 still there');
  fs.rmSync(path.join(w.runsDir, 'R1'), { recursive: true });
  t.same(readEarlierRuns(w.runsDir).missingTakenOver, ['T: R1'], 'R1 gone while T has not ended');
  fs.appendFileSync(path.join(w.runsDir, 'T', 'journal.jsonl'), JSON.stringify({ t: 3 * HOUR, type: 'run_end' }) + '\n');
  t.same(readEarlierRuns(w.runsDir).missingTakenOver, [], 'T ended: it answered for R1');
});
