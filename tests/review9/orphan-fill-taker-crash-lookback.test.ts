/**
 * Review 9, finding 2 (money: the orphan fill's whole size traded the wrong way).
 *
 * Invariant: exposure is counted exactly once (not zero times); never trade on a wrong leftover.
 *
 * Start B counts an xarb fill in no journal (orphan, buy 0.3) as leftover, adopts it, and its
 * strategy hedges it (a journaled sell 0.3 in B's WAL). B's leftover.json `taken_fills` only
 * counts once B has ended (earlier-runs.ts:89-95). B crashes more than the 23 h look-back
 * (live-startup.ts:77 LOOKBACK_MS) after the orphan fill. Start C: B's hedge sell is a crashed
 * run's order and is counted (looked up by client id, not bound by the look-back), while the
 * orphan fill it hedged is outside the fills window and is known nowhere else (orphans are never
 * written to a WAL; B's record of them is ignored because B crashed). C sees short 0.3 where the
 * venue holds nothing, and buys 0.3.
 *
 * A crashed run A's journaled orders do not have this problem (their WAL send lines are re-read
 * and looked up by id); an orphan's only durable trace is the taker's leftover.json, which a
 * crash voids.
 *
 * Root cause: earlier-runs.ts:89 (`if (!run.ended) continue` drops a crashed taker's
 * taken_fills/exposures entirely, instead of re-counting their exposure) with reconcile.ts:268-294
 * (orphan exposure known only from the snapshot's fills window).
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEarlierRuns, writeLeftover } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { reconcileAtStart, type JournaledOrder, type VenueFillView, type VenueOrderView, type VenueSnapshot } from '../../src/execution/reconcile.js';

const snap = (over: Partial<VenueSnapshot>): VenueSnapshot => ({ venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [], ...over });

t.test('an orphan fill adopted by a run that later crashes is still counted once after it leaves the look-back', async (t) => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-review9-orphan-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const orphan: VenueFillView = { venue: 'binance', symbol: 'BTCUSDT', tradeId: 'to', orderId: 'o-orphan', clientOrderId: 'xabcdef01-7', side: 'buy', qty: 0.3, price: 60_000, timeMs: 1000 };
  // Start B: the orphan is counted and adopted; B records it.
  const atB = reconcileAtStart([snap({ fills: [orphan] })], [], { exposurePolicy: 'adopt', dustQty: () => 1e-9, balanceTolerance: () => 1e-6 });
  t.equal(atB.adopt.length, 1, 'start B adopts the orphan\'s 0.3');
  const bDir = path.join(runs, 'B');
  const wal = new OrderWal(bDir);
  writeLeftover(bDir, atB.adopt, 'adopt', {});
  // B's strategy hedges the adopted long: a journaled IOC sell 0.3, filled. Then B crashes (no run_end).
  wal.send({ clientOrderId: 'xbbbbbbbb-1', venue: 'binance', symbol: 'BTCUSDT', side: 'sell', price: 60_000, qty: 0.3, timestampMs: 2000 });
  wal.close();
  fs.writeFileSync(path.join(bDir, 'journal.jsonl'), JSON.stringify({ type: 'run_start' }) + '\n');
  const er = readEarlierRuns(runs);
  const b = er.runs.find((r) => r.runId === 'B')!;
  t.equal(b.orders.length, 1, 'B\'s hedge is in its WAL');
  const h: JournaledOrder = b.orders[0]!;
  const hedgeView: VenueOrderView = { venue: 'binance', symbol: 'BTCUSDT', orderId: 'o-h', clientOrderId: h.clientOrderId, side: 'sell', price: 60_000, qty: 0.3,
    cumQty: 0.3, status: 'FILLED', open: false, timeMs: 2000 };
  // Start C, a day later: the orphan fill is older than the fills look-back; the hedge is found by its client id.
  const atC = reconcileAtStart([snap({ fills: [] })], er.runs,
    { exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 1e-6, takenFills: er.takenFills,
      lookups: new Map([['binance|' + h.clientOrderId, hedgeView]]) });
  const net = atC.exposure.reduce((s, e) => s + e.netQty, 0);
  t.equal(Math.round(net * 1e9) / 1e9, 0, `venue truth: +0.3 (orphan) -0.3 (hedge) = 0; start C counts ${net}`);
  t.same(atC.flatten, [], 'nothing to flatten');
});
