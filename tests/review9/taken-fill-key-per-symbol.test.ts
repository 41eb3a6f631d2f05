/**
 * Review 9, finding 5 (money: an orphan fill's whole size left unhedged, counted zero times).
 *
 * Invariant: exposure is counted exactly once (not zero times).
 *
 * leftover.json `taken_fills` and the reconciliation key a fill as `venue|tradeId`
 * (reconcile.ts:216 fillOnlyOrders, :316 fillsByCid; reconcile.ts:284 orphanFillKeys). Binance
 * trade ids are numbered per symbol (myTrades `id`), so the same number exists on BTCUSDT and
 * ETHUSDT. A taken BTCUSDT orphan fill with trade id 4242 makes a later start skip an ETHUSDT
 * orphan fill with trade id 4242: that exposure is counted by nobody.
 *
 * Root cause: reconcile.ts:216 and :316 (`s.venue + "|" + f.tradeId`, no symbol)
 * (the key written to leftover.json, reconcile.ts:284).
 */
import t from 'tap';
import { reconcileAtStart, type VenueFillView, type VenueSnapshot } from '../../src/execution/reconcile.js';

t.test('a taken Binance fill does not hide another symbol\'s fill with the same trade id', async (t) => {
  const btc: VenueFillView = { venue: 'binance', symbol: 'BTCUSDT', tradeId: '4242', orderId: '1', clientOrderId: 'xabcdef01-7', side: 'buy', qty: 0.3, price: 60_000, timeMs: 1000 };
  const first = reconcileAtStart([{ venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [btc] }], [],
    { exposurePolicy: 'adopt', dustQty: () => 1e-9, balanceTolerance: () => 1e-6 });
  const taken = new Set(first.adopt.flatMap((e) => e.orphanFills ?? []));
  t.same([...taken], ['binance|4242'], 'the taker records the BTCUSDT fill');
  // Later: an ETHUSDT orphan fill whose trade id is the same number (its own symbol's sequence).
  const eth: VenueFillView = { venue: 'binance', symbol: 'ETHUSDT', tradeId: '4242', orderId: '9', clientOrderId: 'xabcdef01-9', side: 'buy', qty: 2, price: 3_000, timeMs: 5000 };
  const snap: VenueSnapshot = { venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [btc, eth] };
  const next = reconcileAtStart([snap], [], { exposurePolicy: 'halt', dustQty: () => 1e-9, balanceTolerance: () => 1e-6, takenFills: taken });
  t.same(next.exposure.map((e) => [e.symbol, e.netQty]), [['ETHUSDT', 2]], 'the ETHUSDT orphan is exposure nobody took');
  t.equal(next.canTrade, false, 'halt: it is not counted as taken');
});
