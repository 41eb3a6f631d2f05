/**
 * A close by hand counts against the run whose part was open when it was made: the runs' parts
 * of a symbol are added in the order of their last fills, and the trades that are not xarb's
 * close what was open between one run's last fill and the next's. So a leftover closed by hand
 * (wholly or partly) stays closed when the start that saw the close traded the symbol and then
 * crashed: the next start counts only what the venue holds.
 */
import t from 'tap';
import { reconcileAtStart, type EarlierRun, type JournaledOrder, type VenueFillView, type VenueOrderView, type VenueSnapshot } from '../../src/execution/reconcile.js';

const fill = (cid: string, side: 'buy' | 'sell', qty: number, timeMs: number, tradeId: string): VenueFillView => ({
  venue: 'binance', symbol: 'BTCUSDT', tradeId, orderId: `o-${cid}`, clientOrderId: cid, side, qty, price: 60_000, timeMs,
});
const jo = (cid: string, side: 'buy' | 'sell', qty: number, sentMs: number): JournaledOrder => ({
  clientOrderId: cid, venue: 'binance', symbol: 'BTCUSDT', side, price: 60_000, qty, sentMs, final: null,
});
const hist = (o: JournaledOrder): VenueOrderView => ({
  venue: o.venue, symbol: o.symbol, orderId: `o-${o.clientOrderId}`, clientOrderId: o.clientOrderId, side: o.side, price: o.price, qty: o.qty,
  cumQty: o.qty, status: 'FILLED', open: false, timeMs: o.sentMs,
});
const snap = (over: Partial<VenueSnapshot>): VenueSnapshot => ({ venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [], ...over });

t.test('a leftover closed by hand stays closed when the run that saw it closed crashes after trading the same symbol', async (t) => {
  // Run A crashed long 1 BTC (t=1000). The operator sold 1 BTC by hand (t=2000).
  const a = jo('xaaaaaaaa-1', 'buy', 1, 1000);
  const aFill = fill(a.clientOrderId, 'buy', 1, 1000, 'ta');
  const manual = fill('web_close', 'sell', 1, 2000, 'tm');
  const runA: EarlierRun = { runId: 'A', ended: false, orders: [a] };
  const atB = reconcileAtStart([snap({ history: [hist(a)], fills: [aFill, manual] })], [runA], { exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 1e-6 });
  t.same(atB.exposure, [], 'start B: A\'s leftover closed by hand, nothing to trade');
  // Run B trades, and crashes with a round open: long 0.5 (t=3000). The venue now holds 0.5 BTC of xarb's.
  const b = jo('xbbbbbbbb-1', 'buy', 0.5, 3000);
  const bFill = fill(b.clientOrderId, 'buy', 0.5, 3000, 'tb');
  const runB: EarlierRun = { runId: 'B', ended: false, orders: [b] };
  // B crashed, so its leftover.json (A closed by hand) is not read: A is crashed again for C.
  const atC = reconcileAtStart([snap({ history: [hist(a), hist(b)], fills: [aFill, manual, bFill] })], [runA, runB],
    { exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 1e-6 });
  const net = atC.exposure.reduce((s, e) => s + e.netQty, 0);
  t.equal(Math.round(net * 1e9) / 1e9, 0.5, `start C: exposure is B's 0.5 only (venue truth: +1 -1 +0.5); got ${net}`);
  t.same(atC.flatten.map((f) => [f.side, Math.round(f.qty * 1e9) / 1e9]), [['sell', 0.5]], 'flatten sells 0.5, not 1.5');
});

t.test('a partial close by hand, the rest flattened by the next start, and that start crashes: the close still counts', async (t) => {
  // Run A crashed long 1 BTC (t=1000); the operator sold 0.4 by hand (t=2000).
  const a = jo('xaaaaaaaa-1', 'buy', 1, 1000);
  const aFill = fill(a.clientOrderId, 'buy', 1, 1000, 'ta');
  const manual = fill('web_close', 'sell', 0.4, 2000, 'tm');
  const runA: EarlierRun = { runId: 'A', ended: false, orders: [a] };
  const o = { exposurePolicy: 'flatten' as const, dustQty: () => 1e-9, balanceTolerance: () => 1e-6 };
  const atB = reconcileAtStart([snap({ history: [hist(a)], fills: [aFill, manual] })], [runA], o);
  t.same(atB.flatten.map((f) => [f.side, Math.round(f.qty * 1e9) / 1e9]), [['sell', 0.6]], 'start B flattens the 0.6 still open');
  // B's flatten sell of 0.6 fills (t=3000, journaled in B's WAL); the venue now holds none of it. B crashes later.
  const b = jo('xbbbbbbbb-1', 'sell', 0.6, 3000);
  const runB: EarlierRun = { runId: 'B', ended: false, orders: [b] };
  const atC = reconcileAtStart([snap({ history: [hist(a), hist(b)], fills: [aFill, manual, fill(b.clientOrderId, 'sell', 0.6, 3000, 'tb')] })], [runA, runB], o);
  const net = atC.exposure.reduce((s, e) => s + e.netQty, 0);
  t.equal(Math.round(net * 1e9) / 1e9, 0, `venue truth: +1 -0.4 (by hand) -0.6 (B's flatten) = 0; start C counts ${net}`);
  t.same(atC.flatten, [], 'start C sells nothing more');
});

t.test('crashed parts that net to nothing with a close by hand between them: the venue holds the later part', async (t) => {
  // Run A crashed long 1 (t=1000); the operator sold 1 by hand (t=2000); run B crashed short 1 (t=3000).
  const a = jo('xaaaaaaaa-1', 'buy', 1, 1000);
  const b = jo('xbbbbbbbb-1', 'sell', 1, 3000);
  const fills = [fill(a.clientOrderId, 'buy', 1, 1000, 'ta'), fill('web_close', 'sell', 1, 2000, 'tm'), fill(b.clientOrderId, 'sell', 1, 3000, 'tb')];
  const v = reconcileAtStart([snap({ history: [hist(a), hist(b)], fills })], [{ runId: 'A', ended: false, orders: [a] }, { runId: 'B', ended: false, orders: [b] }],
    { exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 1e-6 });
  t.same(v.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e9) / 1e9, e.avgPx]), [['BTCUSDT', -1, 60_000]], 'venue truth: +1 -1 (by hand) -1 = short 1');
  t.same(v.flatten.map((f) => [f.side, f.qty]), [['buy', 1]]);
});
