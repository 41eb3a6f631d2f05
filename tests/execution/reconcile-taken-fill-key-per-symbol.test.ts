/**
 * A fill taken over by an ended run (leftover.json `taken_fills`) is keyed by venue, symbol and
 * trade id: Binance numbers trades per symbol, so a taken BTCUSDT fill does not hide an ETHUSDT
 * orphan fill with the same trade id (that exposure is still counted).
 */
import t from 'tap';
import { reconcileAtStart, type VenueFillView, type VenueSnapshot } from '../../src/execution/reconcile.js';

t.test('a taken Binance fill does not hide another symbol\'s fill with the same trade id', async (t) => {
  const btc: VenueFillView = { venue: 'binance', symbol: 'BTCUSDT', tradeId: '4242', orderId: '1', clientOrderId: 'xabcdef01-7', side: 'buy', qty: 0.3, price: 60_000, timeMs: 1000 };
  const first = reconcileAtStart([{ venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [btc] }], [],
    { exposurePolicy: 'adopt', dustQty: () => 1e-9, balanceTolerance: () => 1e-6 });
  const taken = new Set(first.adopt.flatMap((e) => e.orphanFills ?? []));
  t.same([...taken], ['binance|BTCUSDT|4242'], 'the taker records the BTCUSDT fill, with its symbol');
  // Later: an ETHUSDT orphan fill whose trade id is the same number (its own symbol's sequence).
  const eth: VenueFillView = { venue: 'binance', symbol: 'ETHUSDT', tradeId: '4242', orderId: '9', clientOrderId: 'xabcdef01-9', side: 'buy', qty: 2, price: 3_000, timeMs: 5000 };
  const snap: VenueSnapshot = { venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [btc, eth] };
  const next = reconcileAtStart([snap], [], { exposurePolicy: 'halt', dustQty: () => 1e-9, balanceTolerance: () => 1e-6, takenFills: taken });
  t.same(next.exposure.map((e) => [e.symbol, e.netQty]), [['ETHUSDT', 2]], 'the ETHUSDT orphan is exposure nobody took');
  t.equal(next.canTrade, false, 'halt: it is not counted as taken');
});
