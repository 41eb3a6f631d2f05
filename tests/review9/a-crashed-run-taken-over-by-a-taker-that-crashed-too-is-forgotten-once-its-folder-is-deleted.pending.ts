/**
 * Review of issue #9 (wt-r9; also main): "a fill of a run whose folder is deleted but whose
 * exposure is still open". R1 crashed long 1; T took it over (leftover.json `taken_over: [R1]`,
 * its `exposures` record net_qty 1) and crashed before flattening it. The operator, reading T's
 * leftover.json, deletes R1's folder as taken over. T has not ended, so R1 was not answered for:
 * its counted fill is dropped from the ledger with its folder, T's leftover.json records the
 * run id but not its orders, and once the window has moved the next start counts nothing where
 * the venue is long 1. (The docs allow deleting a run "answered for" only; nothing refuses or
 * warns at the deletion's next start, and T's taken-over exposure is in its leftover.json.)
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { startAs, tmpRuns } from '../execution/ledger-start-harness.js';

t.test('R1 taken over by T, T crashed, R1 deleted, window moved', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR }]);
  startAs(w, 'T', 2 * HOUR, { policy: 'adopt', after: 'crash' });
  t.match(JSON.parse(fs.readFileSync(path.join(w.runsDir, 'T', 'leftover.json'), 'utf8')), { taken_over: ['R1'] }, 'T took R1 over');
  fs.rmSync(path.join(w.runsDir, 'R1'), { recursive: true });
  const s2 = w.start('S2', 30 * HOUR);
  t.equal(round9(w.truth(30 * HOUR)), 1, 'the venue is long 1');
  const got = round9(believed(s2.verdict!));
  t.equal(got, 1, `S2 counts the long of 1 (wt-r9: ${got})`);
});
