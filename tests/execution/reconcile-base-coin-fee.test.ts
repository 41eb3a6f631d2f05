/**
 * Leftover exposure is what the account holds: a crashed run's fills count net of fees charged
 * in the base coin (spot fees are in the received coin: a buy of 0.5 BTC with a 0.0005 BTC fee
 * leaves 0.4995). Selling those 0.4995 by hand closes it (a `halt` is lifted), and `flatten`
 * sends nothing for a remainder the account does not hold.
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

t.test('an unclosed leftover bought with a base-coin fee is the quantity the account holds', async (t) => {
  const s = snaps();
  s[1]!.fills = [fillView(leg)];
  const flat = reconcileAtStart(s, [run], { exposurePolicy: 'flatten', dustQty: () => step, balanceTolerance: () => 1e-6 });
  t.same(flat.flatten.map((f) => [f.venue, f.side, Math.round(f.qty * 1e9) / 1e9]), [['bybit', 'sell', 0.4995]], 'flatten sells the 0.4995 held, not the gross 0.5');
  t.same(fillView({ ...leg, fee: 30, feeAsset: 'USDT' }).baseFee, undefined, 'a fee in the quote coin does not move the base');
});

t.test('a hedged part\'s base-coin fees are inventory drift, not exposure: only the unhedged share comes off', async (t) => {
  // The crashed run's pair: the buy of 0.5 (fee 0.0005 BTC) hedged by a sell of 0.3 on Binance (fee in USDT).
  const b: JournaledOrder = { ...a, clientOrderId: 'xdeadbeef-2', venue: 'binance', side: 'sell', qty: 0.3 };
  const sell: VenueFill = { ...leg, venue: 'binance', tradeId: 's1', orderId: 'o2', clientOrderId: b.clientOrderId, side: 'sell', qty: 0.3, quoteQty: 18_000,
    fee: 18, feeAsset: 'USDT', timeMs: 1100 };
  const s = snaps();
  s[1]!.fills = [fillView(leg)];
  s[0]!.history = [{ ...hist, venue: 'binance', orderId: 'o2', clientOrderId: b.clientOrderId, side: 'sell', qty: 0.3, cumQty: 0.3 }];
  s[0]!.fills = [fillView(sell)];
  const v = reconcileAtStart(s, [{ ...run, orders: [a, b] }], { exposurePolicy: 'flatten', dustQty: () => step, balanceTolerance: () => 1e-6 });
  t.same(v.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e9) / 1e9]), [['BTCUSDT', 0.1998]], '0.2 unhedged, less 0.2/0.5 of the buy\'s fee');
  // A whole pair: nothing left, its fee is no exposure.
  const whole = reconcileAtStart([{ ...s[0]!, history: [{ ...s[0]!.history[0]!, qty: 0.5, cumQty: 0.5 }], fills: [fillView({ ...sell, qty: 0.5 })] }, s[1]!],
    [{ ...run, orders: [a, { ...b, qty: 0.5 }] }], { exposurePolicy: 'halt', dustQty: () => step, balanceTolerance: () => 1e-6 });
  t.equal(whole.canTrade, true, whole.reasons.join('; '));
  t.same(whole.exposure, []);
});
