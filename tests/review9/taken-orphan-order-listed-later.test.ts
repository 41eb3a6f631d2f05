/**
 * Review 9, finding 7 (no money lost: a spurious refusal to start, up to the 23 h look-back).
 *
 * Invariant: a fill taken over is settled for every later start (counted once, never a reason
 * to refuse).
 *
 * reconcile.ts's header gives as a cause of an xarb fill in no list "the lists and the fills were
 * read at different moments". Start B counts such a fill, adopts it and records it
 * (leftover.json `taken_fills`); B ends cleanly. Start C reads the lists again, and now the
 * venue lists the order. Its fills are skipped as taken (reconcile.ts:316), but the order
 * itself is an xarb order in no journal (reconcile.ts:305 `v.orphans.push(o)`), which refuses
 * the start; nothing the operator can do lifts it until the order leaves the look-back.
 *
 * Root cause: reconcile.ts:305 (history orders are orphans unless journaled; a taker's
 * `taken_fills` does not make their order known).
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
});
