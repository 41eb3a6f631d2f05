/**
 * An xarb order whose fills an ended run took over (leftover.json `taken_fills`: counted while
 * the venue's lists did not hold it yet) is known once the venue lists it: not an orphan that
 * refuses the start, and not counted again. A fill of it the taker did not see is still counted.
 */
import t from 'tap';
import { reconcileAtStart, type VenueFillView, type VenueOrderView } from '../../src/execution/reconcile.js';

t.test('an order whose fills an ended run took over does not refuse a later start when the venue lists it', async (t) => {
  const f: VenueFillView = { venue: 'binance', symbol: 'BTCUSDT', tradeId: '77', orderId: 'o7', clientOrderId: 'xabcdef01-7', side: 'buy', qty: 0.3, price: 60_000, timeMs: 1000 };
  const o = { exposurePolicy: 'adopt' as const, dustQty: () => 1e-9, balanceTolerance: () => 1e-6 };
  const atB = reconcileAtStart([{ venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [f] }], [], o);
  t.equal(atB.canTrade, true, 'start B: the fill is exposure, adopted');
  const taken = new Set(atB.adopt.flatMap((e) => e.orphanFills ?? []));
  const listed: VenueOrderView = { venue: 'binance', symbol: 'BTCUSDT', orderId: 'o7', clientOrderId: 'xabcdef01-7', side: 'buy', price: 60_000, qty: 0.3,
    cumQty: 0.3, status: 'FILLED', open: false, timeMs: 1000 };
  const atC = reconcileAtStart([{ venue: 'binance', balances: new Map(), openOrders: [], history: [listed], fills: [f] }], [], { ...o, takenFills: taken });
  t.equal(atC.canTrade, true, `start C: B answered for it; reasons: ${atC.reasons.join('; ')}`);
  t.same(atC.exposure, [], 'and it is not counted again');
  t.same(atC.orphans, []);
  // A later fill of the same order the taker never saw: counted as exposure, still no orphan.
  const late: VenueFillView = { ...f, tradeId: '78', qty: 0.1, timeMs: 1200 };
  const atD = reconcileAtStart([{ venue: 'binance', balances: new Map(), openOrders: [], history: [{ ...listed, qty: 0.4, cumQty: 0.4 }], fills: [f, late] }], [],
    { ...o, exposurePolicy: 'halt', takenFills: taken });
  t.same(atD.orphans, []);
  t.same(atD.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e9) / 1e9, e.orphanFills]), [['BTCUSDT', 0.1, ['binance|BTCUSDT|78']]], 'the untaken fill is exposure');
});
