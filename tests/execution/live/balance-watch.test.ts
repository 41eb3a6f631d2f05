/**
 * The balance watch as a specification: the executor's own fills, as reported, move the
 * expected balances exactly as they move the venue's (no false drift), and a change the
 * executor did not make is a drift.
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, SIDE_SELL, VENUE_BINANCE } from '../../../src/core/records.js';
import { BalanceWatch } from '../../../src/execution/live/balance-watch.js';
import { executorFee } from '../../../src/execution/live/fee-units.js';
import { PrivateFills } from '../../../src/execution/live/private-fills.js';
import type { VenueFill } from '../../../src/execution/fill-ledger.js';

/** A venue account: balances by asset, moved by fills the way the venue moves them. */
function venue(start: Record<string, number>) {
  const bal = new Map(Object.entries(start));
  const add = (a: string, d: number): void => { bal.set(a, (bal.get(a) ?? 0) + d); };
  return { bal, add, read: async () => new Map(bal) };
}

function watch(read: () => Promise<Map<string, number>>) {
  return new BalanceWatch({ venue: 'binance', assets: [{ base: 'BTC', quote: 'USDT' }], tolerance: 0.002, read, busy: () => false, log: () => undefined });
}

t.test('fills with fees in the received asset: no drift however many; a manual withdrawal is one', async (t) => {
  const v = venue({ BTC: 1, USDT: 10_000 });
  const w = watch(v.read);
  t.equal((await w.check()).outcome, 'baseline');
  for (let i = 0; i < 200; i++) {
    const px = 60_000 + i;
    const qty = 0.01;
    // A buy: fee in BTC; a sell: fee in USDT (as the venue charges them).
    v.add('BTC', qty - qty * 0.001); v.add('USDT', -qty * px);
    w.onFill(0, SIDE_BUY, px, qty, qty * 0.001, ASSET_BASE);
    v.add('BTC', -qty); v.add('USDT', qty * px - qty * px * 0.001);
    w.onFill(0, SIDE_SELL, px, qty, qty * px * 0.001, ASSET_QUOTE);
  }
  t.equal((await w.check()).outcome, 'ok');
  v.add('USDT', -100);
  t.equal((await w.check()).outcome, 'drift', 'a 1 % withdrawal nobody reported is a drift');
});

t.test('fees paid in BNB (reported to the strategy converted to quote): the executor\'s own fills are not a drift', async (t) => {
  const v = venue({ BTC: 1, USDT: 10_000, BNB: 10 });
  const w = new BalanceWatch({ venue: 'binance', assets: [{ base: 'BTC', quote: 'USDT' }], tolerance: 0.002, read: v.read, busy: () => false,
    venueFees: true, log: () => undefined });
  const bnbPx = 600;
  const rate = (a: string): number | undefined => (a === 'BNB' ? bnbPx : undefined);
  // The venue's fill ledger feeds the watch every new fill's commission in the asset charged (as the worker wires it).
  const ledger = new PrivateFills({ venue: VENUE_BINANCE, name: 'binance', symbols: ['BTCUSDT'], rateInQuote: rate, takerFeeRate: 0.001, gapFill: null,
    wallMs: () => 5_000, log: () => undefined });
  ledger.onFee = (asset, fee) => w.onVenueFee(asset, fee);
  t.equal((await w.check()).outcome, 'baseline');
  let id = 0;
  const trade = (side: 'buy' | 'sell', px: number, qty: number, fee: number, feeAsset: string): void => {
    id++;
    const f: VenueFill = { venue: 'binance', symbol: 'BTCUSDT', tradeId: String(id), orderId: String(id), clientOrderId: `x-${id}`, side, price: px, qty,
      quoteQty: px * qty, fee, feeAsset, timeMs: 1, source: 'answer' };
    ledger.answer([f]);
    ledger.answer([f]); // a duplicate copy (stream, gap-fill): its fee is not paid twice
    const sign = side === 'buy' ? 1 : -1;
    // The venue: notional moves USDT, the commission comes out of the asset charged.
    v.add('BTC', sign * qty); v.add('USDT', -sign * qty * px); v.add(feeAsset, -fee);
    // The executor's report: the fee converted to quote when it is BNB (fee-units.ts), as the strategy books it.
    const ef = executorFee([{ fee, feeAsset, price: px, qty }], side === 'buy' ? 'BUY' : 'SELL', { base: 'BTC', quote: 'USDT' }, rate, 0.001);
    w.onFill(0, side === 'buy' ? SIDE_BUY : SIDE_SELL, px, qty, ef.cumFee, ef.feeAsset);
  };
  for (let i = 0; i < 50; i++) {
    const bnbFee = (0.01 * 60_000 * 0.00075) / bnbPx;
    trade('buy', 60_000, 0.01, bnbFee, 'BNB');
    trade('sell', 60_000, 0.01, bnbFee, 'BNB');
  }
  // 60 000 USDT traded: 45 USDT worth of fees paid in BNB; USDT and BTC at the venue are exactly as traded.
  const r = await w.check();
  t.equal(r.outcome, 'ok', `no drift from the executor's own fills: ${r.message}`);
  // Fees in the received asset, mixed in: each paid once (the report's copy is not used).
  for (let i = 0; i < 50; i++) {
    trade('buy', 60_000, 0.01, 0.00001, 'BTC');
    trade('sell', 60_000, 0.01, 0.6, 'USDT');
  }
  t.equal((await w.check()).outcome, 'ok');
  v.add('BTC', -0.01);
  t.equal((await w.check()).outcome, 'drift', 'a 1 % BTC withdrawal nobody reported is still a drift');
});
