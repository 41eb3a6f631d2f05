/**
 * Review (issue 9, invariant 4: a crashed run's exposure is never silently ignored).
 * `xarb run --resume <crashed live run>` continues the crashed run in its own directory with
 * its own run id (src/cli/run-dir.ts resumeRun). Live start-up then reads the earlier runs
 * with `readEarlierRuns(path.dirname(runDir), runId)` (src/actors/live-startup.ts ~121), which
 * skips `exceptRunId` = the run starting now = the crashed run itself
 * (src/execution/earlier-runs.ts readEarlierRuns, `if (name === exceptRunId) continue`). The
 * crashed segment's orders.wal is therefore never matched: its filled, unhedged leg is no
 * exposure at all. If the crash is older than the 23 h look-back (LOOKBACK_MS), nothing at the
 * venue points at it either and the resumed run trades on as if flat (silently ignored);
 * inside the look-back its orders and fills come back as "orphans ... another instance on
 * these keys" and the start is refused with a misleading reason (operational). Sequence: run A
 * sends a buy 0.5 BTCUSDT, WAL final FILLED 0.5, no run_end (kill -9); `--resume A` 24 h later.
 * Marked todo; REVIEW_STRICT=1 shows the failure.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEarlierRuns } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { reconcileAtStart } from '../../src/execution/reconcile.js';

const TODO = process.env.REVIEW_STRICT ? false : 'review finding: --resume of a crashed live run excludes that run\'s own WAL from reconciliation';

function crashedRun(t: { teardown(fn: () => void): void }): string {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-resume-review-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const dir = path.join(runs, 'live-A');
  const w = new OrderWal(dir);
  w.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.5, timestampMs: 1000 });
  w.final('binance', 'xabcdef01-1', 'FILLED', 0.5);
  w.close();
  // The journal of a run killed with a round open: run_start, no run_end.
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), JSON.stringify({ type: 'run_start', run_id: 'live-A', mode: 'live' }) + '\n');
  return runs;
}

// The venues 24 h later: nothing of run A in the look-back window (empty snapshots).
const opts = { exposurePolicy: 'adopt' as const, dustQty: () => 0.00001, balanceTolerance: () => 0 };

t.test('control: a NEW run after the crash sees run A\'s 0.5 long and adopts it', async (t) => {
  const runs = crashedRun(t);
  const v = reconcileAtStart([], readEarlierRuns(runs, 'live-B').runs, opts);
  t.equal(v.exposure.length, 1);
  t.equal(v.exposure[0]?.netQty, 0.5);
});

t.test('--resume of the crashed run itself still reports (adopts or refuses on) run A\'s 0.5 long', { todo: TODO }, async (t) => {
  const runs = crashedRun(t);
  // What live-startup.ts does for `--resume live-A`: runId = 'live-A', runDir = runs/live-A.
  const v = reconcileAtStart([], readEarlierRuns(runs, 'live-A').runs, opts);
  t.ok(v.exposure.length === 1 || !v.canTrade, `the crashed segment's exposure is seen (exposure ${JSON.stringify(v.exposure)}, canTrade ${v.canTrade})`);
});
