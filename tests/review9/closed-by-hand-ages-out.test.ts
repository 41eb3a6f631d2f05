/**
 * Review 9, finding 9 (money: the whole leftover traded again the wrong way).
 *
 * Invariant: never trade on a wrong leftover.
 *
 * A close by hand is seen only as the venue's fills in the 23 h look-back (live-startup.ts:77,
 * reconcile.ts closedByHand :449-461), and recorded only by a start that goes on
 * (supervisor.ts:284-285: leftover.json, after `st.ok`). The crashed run's own order is found
 * whatever its age (the start asks the venue by client id: lookups). So an operator who, after
 * a `halt`, closes the leftover by hand and starts the bot more than 23 h later (a weekend; or
 * a start that stayed refused meanwhile for another symbol's leftover) gets the full leftover
 * back as exposure; with `flatten` (which docs/live.md offers as the way on after a halt) the
 * start sells 1 BTC the account no longer holds.
 *
 * Root cause: reconcile.ts:449-461 (a close by hand is only its fills in the look-back) with
 * supervisor.ts:284-285 (nothing records a close by hand seen by a start that was refused).
 */
import t from 'tap';
import { reconcileAtStart, type EarlierRun, type JournaledOrder, type VenueOrderView } from '../../src/execution/reconcile.js';

t.test('a leftover closed by hand more than the look-back ago is not flattened again', async (t) => {
  const day = 24 * 3600_000;
  const a: JournaledOrder = { clientOrderId: 'xaaaaaaaa-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 1, sentMs: 1000, final: null };
  const run: EarlierRun = { runId: 'A', ended: false, orders: [a] };
  const found: VenueOrderView = { venue: 'binance', symbol: 'BTCUSDT', orderId: 'o1', clientOrderId: a.clientOrderId, side: 'buy', price: 60_000, qty: 1,
    cumQty: 1, status: 'FILLED', open: false, timeMs: 1000 };
  const o = { exposurePolicy: 'halt' as const, dustQty: () => 1e-9, balanceTolerance: () => 1e-6 };
  // Within the look-back, with the manual sell (t = 1 h): closed, nothing to do.
  const manual = { venue: 'binance' as const, symbol: 'BTCUSDT', tradeId: 'm1', orderId: 'om', clientOrderId: 'web_1', side: 'sell' as const, qty: 1, price: 61_000, timeMs: 3600_000 };
  const soon = reconcileAtStart([{ venue: 'binance', balances: new Map(), openOrders: [], history: [found], fills: [{ ...manual, clientOrderId: a.clientOrderId, tradeId: 'ta', side: 'buy', timeMs: 1000 }, manual] }],
    [run], o);
  t.equal(soon.canTrade, true, 'a start within 23 h: closed by hand');
  // Two days later: the fills are outside the window; the order is found by client id.
  const later = reconcileAtStart([{ venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [] }], [run],
    { ...o, exposurePolicy: 'flatten', nowMs: 2 * day, lookups: new Map([['binance|' + a.clientOrderId, found]]) });
  t.same(later.flatten, [], `the account holds none of it; the start sends ${JSON.stringify(later.flatten)}`);
});
