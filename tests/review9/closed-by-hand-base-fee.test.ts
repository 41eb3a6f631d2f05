/**
 * Review 9, finding 3 (the documented way out of `halt` fails for the common case; under
 * `flatten`/`adopt` the bot trades a quantity the account does not hold).
 *
 * Invariant: never trade on a wrong leftover; exposure is what the account holds (money exact).
 *
 * Spot fees are charged in the received coin (VENUES.md: Bybit spot; Binance without BNB): a
 * crashed run's buy of 0.5 BTC with a 0.1 % taker fee leaves 0.4995 BTC. The operator does what
 * docs/live.md "Restarts" says: closes the leftover by hand, selling the 0.4995 BTC the account
 * holds, and restarts. reconcile.ts counts the leftover gross (fillView, reconcile.ts:199-201,
 * drops the fill's fee and feeAsset), so 0.0005 BTC "stays open" (50 steps of 0.00001): the halt
 * is not lifted, and the operator cannot sell BTC that is not there. Under `flatten` the start
 * sends a sell of 0.0005 BTC the account does not hold (or sells someone else's BTC).
 *
 * Root cause: reconcile.ts:199-201 (fillView drops fee/feeAsset) and reconcile.ts:361-372
 * (exposure summed from gross fill quantities), used by closedByHand (reconcile.ts:449-461).
 */
import t from 'tap';
import type { VenueFill } from '../../src/execution/fill-ledger.js';
import { fillView, reconcileAtStart, type EarlierRun, type JournaledOrder, type VenueOrderView, type VenueSnapshot } from '../../src/execution/reconcile.js';

const a: JournaledOrder = { clientOrderId: 'xdeadbeef-1', venue: 'bybit', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.5, sentMs: 1000, final: null };
const hist: VenueOrderView = { venue: 'bybit', symbol: 'BTCUSDT', orderId: 'o1', clientOrderId: a.clientOrderId, side: 'buy', price: 60_000, qty: 0.5,
  cumQty: 0.5, status: 'Filled', open: false, timeMs: 1000 };
const leg: VenueFill = { venue: 'bybit', symbol: 'BTCUSDT', tradeId: 'e1', orderId: 'o1', clientOrderId: a.clientOrderId, side: 'buy', price: 60_000, qty: 0.5,
  quoteQty: 30_000, fee: 0.0005, feeAsset: 'BTC', timeMs: 1000, source: 'reconcile' };
// The operator sells what the account holds of it: 0.5 - 0.0005 fee = 0.4995 BTC.
const manual: VenueFill = { ...leg, tradeId: 'm1', orderId: 'om', clientOrderId: '', side: 'sell', qty: 0.4995, quoteQty: 29_970, fee: 29.97, feeAsset: 'USDT', timeMs: 90_000 };
const snaps = (): VenueSnapshot[] => [
  { venue: 'binance', balances: new Map(), openOrders: [], history: [], fills: [] },
  { venue: 'bybit', balances: new Map([['BTC', 0]]), openOrders: [], history: [hist], fills: [fillView(leg), fillView(manual)] },
];
const run: EarlierRun = { runId: 'r1', ended: false, orders: [a] };
const step = 0.00001;

t.test('a long leftover bought with a base-coin fee and sold by hand in full is closed', async (t) => {
  const halt = reconcileAtStart(snaps(), [run], { exposurePolicy: 'halt', dustQty: () => step, balanceTolerance: () => 1e-6 });
  t.equal(halt.canTrade, true, `the operator sold all the account held of it; reasons: ${halt.reasons.join('; ')}`);
  const flat = reconcileAtStart(snaps(), [run], { exposurePolicy: 'flatten', dustQty: () => step, balanceTolerance: () => 1e-6 });
  t.same(flat.flatten, [], 'flatten sells nothing: the account holds none of it');
});
