/**
 * Review (issue 9, invariants 2 and 4; operational). An earlier run's order with a WAL `send`
 * line and no `final` line, of which the venues' 23 h look-back (live-startup.ts LOOKBACK_MS:
 * allOrders/myTrades, order history/execution list) holds no trace, is `unresolved` and makes
 * `canTrade = false` (reconcile.ts ~214 and ~271). Nothing ever resolves it: live-startup.ts
 * does not query the venues by client id (no unknown-order.ts look, despite reconcile.ts's
 * comment "unknown-order.ts decides"), and the verdict has no notion of time, so the order
 * blocks every later start for good. This holds for CLEAN runs too (the check does not look at
 * `run.ended`), and a clean run leaves such lines itself: LiveExecutor.onSettled releases the
 * slot of an order still unknown at stop without a WAL `final` (live-executor.ts ~713-716).
 * Sequence: run A (journal ends with run_end) sent xabcdef01-7 (a 5xx; never placed), stopped
 * while it was unknown; every start afterwards, even 25 h later with empty venue history, is
 * refused "order(s) sent by earlier runs have no trace at the venue yet". The only way out is
 * to edit the runs folder by hand. Marked todo; REVIEW_STRICT=1 shows it.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEarlierRuns } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { reconcileAtStart } from '../../src/execution/reconcile.js';

const TODO = process.env.REVIEW_STRICT ? false : 'review finding: a no-trace order of an earlier run blocks every later live start';

t.test('a never-placed order of a cleanly ended run, 25 h old with no trace at either venue, does not refuse the start forever', { todo: TODO }, async (t) => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-unresolved-review-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const dir = path.join(runs, 'live-A');
  const w = new OrderWal(dir);
  w.send({ clientOrderId: 'xabcdef01-7', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 60_000, qty: 0.01, timestampMs: 1_000 });
  w.close();
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), [
    JSON.stringify({ type: 'run_start', run_id: 'live-A', mode: 'live' }),
    JSON.stringify({ type: 'run_end', reason: 'duration elapsed', exit_code: 0 }),
  ].join('\n') + '\n');
  const er = readEarlierRuns(runs, 'live-B');
  t.equal(er.runs[0]?.ended, true, 'run A ended cleanly');
  const empty = (venue: 'binance' | 'bybit') => ({ venue, balances: new Map<string, number>(), openOrders: [], history: [], fills: [] });
  const v = reconcileAtStart([empty('binance'), empty('bybit')], er.runs, { exposurePolicy: 'halt', dustQty: () => 0.00001, balanceTolerance: () => 0 });
  t.ok(v.canTrade, `start allowed (reasons: ${v.reasons.join(' | ')})`);
});
