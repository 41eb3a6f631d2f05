/**
 * A taker records the xarb orders known only by their fills that it took over (leftover.json
 * `taken_orphans`); while it has not ended (crashed) they count as its own final orders. So an
 * orphan fill adopted and hedged by a run that then crashed is still counted once when the fill
 * has left the venues' 23 h look-back: with the hedge it nets to zero, nothing is flattened.
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
  t.same(b.orders.map((o) => [o.clientOrderId, o.final?.cumQty ?? null]), [['xabcdef01-7', 0.3], ['xbbbbbbbb-1', null]],
    'B answers for the orphan it took over (first), then its hedge from its WAL');
  const h: JournaledOrder = b.orders[1]!;
  const hedgeView: VenueOrderView = { venue: 'binance', symbol: 'BTCUSDT', orderId: 'o-h', clientOrderId: h.clientOrderId, side: 'sell', price: 60_000, qty: 0.3,
    cumQty: 0.3, status: 'FILLED', open: false, timeMs: 2000 };
  // Start C, a day later: the orphan fill is older than the fills look-back; the hedge is found by its client id.
  const atC = reconcileAtStart([snap({ fills: [] })], er.runs,
    { exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 1e-6, takenFills: er.takenFills,
      lookups: new Map([['binance|' + h.clientOrderId, hedgeView]]) });
  const net = atC.exposure.reduce((s, e) => s + e.netQty, 0);
  t.equal(Math.round(net * 1e9) / 1e9, 0, `venue truth: +0.3 (orphan) -0.3 (hedge) = 0; start C counts ${net}`);
  t.same(atC.flatten, [], 'nothing to flatten');
  // While the orphan's fill is still in the look-back it counts once (the order is B's now).
  const inWindow = reconcileAtStart([snap({ fills: [orphan] })], er.runs,
    { exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 1e-6, takenFills: er.takenFills,
      lookups: new Map([['binance|' + h.clientOrderId, hedgeView]]) });
  t.same(inWindow.exposure, [], 'the fill and B\'s record of it are one order');
  t.same(inWindow.orphanFills, []);
});
