/**
 * An order's fees in the executor's units: the received asset as charged; any other asset
 * (BNB, or a base/quote mix) turns them to quote, BNB at the configured price, or, with no
 * price, at the taker rate on the notional: never 0.
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE } from '../../../src/core/records.js';
import { executorFee, ratesFrom } from '../../../src/execution/live/fee-units.js';
import { mapBybitOrderRow } from '../../../src/execution/live/bybit-order.js';

const BTCUSDT = { base: 'BTC', quote: 'USDT' };
const none = (): number | undefined => undefined;

t.test('received asset: summed as charged (base on a buy, quote on a sell)', async (t) => {
  const buy = executorFee([{ fee: 0.00001, feeAsset: 'BTC', price: 60_000, qty: 0.01 }, { fee: 0.00002, feeAsset: 'BTC', price: 60_001, qty: 0.02 }],
    'BUY', BTCUSDT, none, 0.001);
  t.same({ ...buy, cumFee: Number(buy.cumFee.toFixed(12)) }, { cumFee: 0.00003, feeAsset: ASSET_BASE, converted: false, estimated: false });
  const sell = executorFee([{ fee: 0.6, feeAsset: 'USDT', price: 60_000, qty: 0.01 }], 'SELL', BTCUSDT, none, 0.001);
  t.same(sell, { cumFee: 0.6, feeAsset: ASSET_QUOTE, converted: false, estimated: false });
  t.equal(executorFee([], 'BUY', BTCUSDT, none, 0.001).cumFee, 0, 'no fills, no fee');
});

t.test('BNB: the whole order in quote, BNB at its price, base fees at the fill price', async (t) => {
  const rate = ratesFrom({ bnb: 600, XYZ: 0 });
  t.equal(rate('BNB'), 600, 'asset names upper-cased');
  t.equal(rate('XYZ'), undefined, 'a zero price is no price');
  const f = executorFee([{ fee: 0.00001, feeAsset: 'BTC', price: 60_000, qty: 0.01 }, { fee: 0.00075, feeAsset: 'BNB', price: 60_010, qty: 0.01 }],
    'BUY', BTCUSDT, rate, 0.001);
  t.equal(f.feeAsset, ASSET_QUOTE);
  t.ok(f.converted && !f.estimated);
  t.ok(Math.abs(f.cumFee - (0.00001 * 60_000 + 0.00075 * 600)) < 1e-12);
});

t.test('no price for the third asset: estimated at the taker rate on the fill notional, flagged', async (t) => {
  const f = executorFee([{ fee: 0.00075, feeAsset: 'BNB', price: 60_000, qty: 0.01 }], 'SELL', BTCUSDT, none, 0.001);
  t.ok(f.estimated);
  t.ok(Math.abs(f.cumFee - 60_000 * 0.01 * 0.001) < 1e-12);
  t.ok(f.cumFee > 0, 'never booked as 0');
});

t.test('a quote fee on a buy (not the received asset) is converted, not dropped', async (t) => {
  const f = executorFee([{ fee: 0.6, feeAsset: 'USDT', price: 60_000, qty: 0.01 }], 'BUY', BTCUSDT, none, 0.001);
  t.same(f, { cumFee: 0.6, feeAsset: ASSET_QUOTE, converted: true, estimated: false });
});

t.test('a Bybit order row whose cumFeeDetail names a coin with no configured price: the fee is not booked as 0', async (t) => {
  const row = { symbol: 'BTCUSDT', orderId: 'o1', orderStatus: 'Filled', cumExecQty: '0.01', cumExecValue: '600', avgPrice: '60000',
    cumFeeDetail: { MNT: '0.5' } };
  // Was booked as 0 (the row's coins went to fee-units.ts with qty 0 and a taker rate of 0).
  const u = mapBybitOrderRow(row, 'BUY', none, 0.001);
  t.equal(u.feeAsset, ASSET_QUOTE, 'a third coin turns the order\'s fees to quote');
  t.ok(Math.abs(u.cumFee - 600 * 0.001) < 1e-12, `estimated at the taker rate on the notional: ${u.cumFee}`);
  t.ok(mapBybitOrderRow(row, 'BUY').cumFee > 0, 'without the account\'s rate: the venue\'s base-tier rate, never 0');
  const priced = mapBybitOrderRow(row, 'BUY', ratesFrom({ MNT: 0.8 }), 0.001);
  t.ok(Math.abs(priced.cumFee - 0.4) < 1e-12, 'a configured price converts it exactly');
  const mixed = mapBybitOrderRow({ ...row, cumFeeDetail: { BTC: '0.000005', MNT: '0.5' } }, 'BUY', none, 0.001);
  t.ok(Math.abs(mixed.cumFee - (0.000005 * 60_000 + 0.6)) < 1e-9, 'the received coin at the average price, the third one estimated');
});
