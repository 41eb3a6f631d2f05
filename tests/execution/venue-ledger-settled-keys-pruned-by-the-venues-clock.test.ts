/**
 * Settled keys (xarb fills in no journal that netted to nothing) are pruned 7 days after their
 * fill by the venues' clock (the newest fill the snapshots show), never by the host's: a host
 * clock days fast would drop keys whose fills the window still holds, and one leg would count
 * alone again.
 */
import t from 'tap';
import { nextLedgers, emptyLedger, SETTLED_KEEP_MS } from '../../src/execution/venue-ledger.js';
import { reconcileAtStart, type VenueFillView, type VenueSnapshot } from '../../src/execution/reconcile.js';

const fill = (tradeId: string, timeMs: number): VenueFillView =>
  ({ venue: 'binance', symbol: 'BTCUSDT', tradeId, orderId: 'o' + tradeId, clientOrderId: 'web_' + tradeId, side: 'buy', qty: 1, price: 60_000, timeMs });
const snaps = (fills: VenueFillView[]): VenueSnapshot[] => [{ venue: 'binance', balances: new Map(), openOrders: [], history: [], fills }];

t.test('settled keys are pruned by the newest fill the venues show, not the host clock', async (t) => {
  const ledger = { ...emptyLedger('binance', 'a'), settledFills: [{ key: 'binance|BTCUSDT|t1', timeMs: 1000 }] };
  const o = { dustQty: () => 1e-9, runId: 'S', runFolders: new Set<string>() };
  const next = (fills: VenueFillView[], nowMs: number) => {
    const s = snaps(fills);
    return nextLedgers([ledger], s, reconcileAtStart(s, [], { exposurePolicy: 'halt', dustQty: () => 1e-9, balanceTolerance: () => 0 }), { ...o, nowMs })[0]!.settledFills;
  };
  t.same(next([fill('h1', 2000)], 2000 + 8 * 24 * 3600_000).map((s) => s.key), ['binance|BTCUSDT|t1'], 'a host clock 8 days fast keeps it');
  t.same(next([fill('h2', 1000 + SETTLED_KEEP_MS + 1)], 1000 + SETTLED_KEEP_MS + 1), [], 'a fill 7 days newer at the venue: dropped');
});
