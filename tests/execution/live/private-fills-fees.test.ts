/**
 * Fees across paths and assets, as a property: an order's fills with commissions in any mix
 * of base, quote and BNB, in amounts not proportional to the fill (venue rounding, tiered
 * rates), brought by the stream, the gap-fill and the final order answer in any order and
 * duplicated: the fees the strategy is told, valued in quote, add up to what the venue
 * charged, each once (fills at one price, so a base fee is worth the same whichever report
 * carried it).
 */
import t from 'tap';
import fc from 'fast-check';
import {
  ACTION_NEW, ASSET_BASE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF,
  INTENT_WORDS, ROLE_HEDGE, SIDE_BUY, SIDE_SELL, ST_FILLED, TIF_IOC, VENUE_BINANCE,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { PrivateFills } from '../../../src/execution/live/private-fills.js';
import { executorFee } from '../../../src/execution/live/fee-units.js';
import { finalUpdate, newClientCounters, type LiveOrder, type UpdateListener, type VenueOrderClient } from '../../../src/execution/live/order-types.js';
import type { FillSource, VenueFill } from '../../../src/execution/fill-ledger.js';

const BNB = 600;
const rate = (a: string): number | undefined => (a === 'BNB' ? BNB : undefined);

t.test('property: fees in mixed assets and amounts, any order of arrival: booked once, worth what the venue charged', async (t) => {
  const tradeArb = fc.record({ qty: fc.integer({ min: 1, max: 50 }), px: fc.constant(0), asset: fc.constantFrom('B', 'Q', 'BNB'), feeMul: fc.integer({ min: 1, max: 30 }) });
  fc.assert(fc.property(
    fc.array(tradeArb, { minLength: 1, maxLength: 5 }), fc.boolean(),
    fc.array(fc.record({ which: fc.nat(), source: fc.constantFrom<FillSource>('stream', 'gapfill') }), { maxLength: 12 }), fc.nat({ max: 12 }),
    (spec, buy, deliveries, answerAt) => {
      let listener: UpdateListener | null = null;
      let placed: LiveOrder | null = null;
      const client: VenueOrderClient = { venue: VENUE_BINANCE, counters: newClientCounters(), backoffUntilMs: () => 0,
        place: (o, l) => { placed = o; listener = l; return new Promise(() => undefined); } };
      const reports: Array<{ lastPx: number; lastQty: number; fee: number; feeAsset: number }> = [];
      const exec = new LiveExecutor({ symbols: ['BTCUSDT'], clients: [client, null], runTag: 'xfee', log: () => undefined, limiters: [null, null],
        filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, undefined], monoNs: () => 1, wallMs: () => 1,
        sink: { report: (_o: number, _p: number, _v: number, _s: number, _sd: number, _st: number, _px: number, lastPx: number, lastQty: number, _c: number, _q: number, fee: number, feeAsset: number) => {
          if (lastQty > 0 || fee > 0) reports.push({ lastPx, lastQty, fee, feeAsset });
        } } });
      const fills = new PrivateFills({ venue: VENUE_BINANCE, name: 'binance', symbols: ['BTCUSDT'], rateInQuote: rate, takerFeeRate: 0.001, gapFill: null, wallMs: () => 1, log: () => undefined });
      fills.target = exec;
      const trades = spec.map((s, i) => {
        const price = 60_000 + s.px;
        const qty = s.qty / 1000;
        const quoteFee = price * qty * 0.0001 * s.feeMul; // not proportional across fills: feeMul varies
        const feeAsset = s.asset === 'B' ? 'BTC' : s.asset === 'Q' ? 'USDT' : 'BNB';
        const fee = feeAsset === 'BTC' ? quoteFee / price : feeAsset === 'USDT' ? quoteFee : quoteFee / BNB;
        return { id: i + 1, price, qty, fee, feeAsset, quoteFee };
      });
      const total = trades.reduce((a, x) => a + x.qty, 0);
      const rec = new Float64Array(INTENT_WORDS);
      rec[H_VENUE] = VENUE_BINANCE; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = 1; rec[I_SIDE] = buy ? SIDE_BUY : SIDE_SELL;
      rec[I_PRICE] = 61_000; rec[I_QTY] = total; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_HEDGE; rec[I_PAIR_ID] = 0; rec[H_RECV_NS] = 1;
      exec.onIntent(rec, 0, 1);
      const vf = (x: (typeof trades)[number], source: FillSource): VenueFill => ({ venue: 'binance', symbol: 'BTCUSDT', tradeId: String(x.id), orderId: '77',
        clientOrderId: 'xfee-1', side: buy ? 'buy' : 'sell', price: x.price, qty: x.qty, quoteQty: x.price * x.qty, fee: x.fee, feeAsset: x.feeAsset, timeMs: 1, source });
      const at = Math.min(answerAt, deliveries.length);
      for (let i = 0; i <= deliveries.length; i++) {
        if (i === at) {
          fills.answer(trades.map((x) => vf(x, 'answer')));
          const quote = trades.reduce((a, x) => a + x.price * x.qty, 0);
          const fee = executorFee(trades, buy ? 'BUY' : 'SELL', { base: 'BTC', quote: 'USDT' }, rate, 0.001);
          listener!(placed!, finalUpdate(ST_FILLED, total, quote / total, fee.cumFee, fee.feeAsset, 0, '', '77', 'FILLED'));
        }
        if (i < deliveries.length) fills.fill(vf(trades[deliveries[i]!.which % trades.length]!, deliveries[i]!.source));
      }
      const qty = reports.reduce((a, r) => a + r.lastQty, 0);
      if (Math.abs(qty - total) > 1e-12) return false;
      const booked = reports.reduce((a, r) => a + (r.feeAsset === ASSET_BASE ? r.fee * r.lastPx : r.fee), 0);
      const charged = trades.reduce((a, x) => a + x.quoteFee, 0);
      // One price for all fills: base fees valued at any report's price are worth the same.
      // (Fills at different prices: base fees booked before a BNB fill turned the order to quote
      // are restated at the average price, the venue charged them at each fill's: off by the
      // price spread times the fees' departure from proportionality, a few 1e-6 of the fee.)
      return Math.abs(booked - charged) <= 1e-9 * charged;
    }), { numRuns: 300 });
  t.pass('held for 300 runs');
});
