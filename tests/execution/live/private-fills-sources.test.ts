/**
 * Fills of one order reaching the executor by two cumulative views that count different fill
 * sets: the order path's (the venue's cumulative from an order query, whose fills the ledger
 * does not have) and the ledger's (stream / gap-fill, in any order). Quantities stay exact
 * either way; each report's price must stay a price one of the order's fills traded at.
 */
import t from 'tap';
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF,
  INTENT_WORDS, ROLE_HEDGE, SIDE_BUY, ST_ACKED, ST_FILLED, TIF_IOC, VENUE_BYBIT, ASSET_BASE,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { PrivateFills } from '../../../src/execution/live/private-fills.js';
import { finalUpdate, newClientCounters, UPD_ACK, type LiveOrder, type OrderUpdate, type UpdateListener, type VenueOrderClient } from '../../../src/execution/live/order-types.js';

function setup() {
  const reports: Array<{ lastPx: number; lastQty: number; cumQty: number }> = [];
  let listener: UpdateListener | null = null;
  let placed: LiveOrder | null = null;
  const client: VenueOrderClient = {
    venue: VENUE_BYBIT, counters: newClientCounters(), backoffUntilMs: () => 0,
    place: (o, l) => { placed = o; listener = l; return new Promise(() => undefined); },
  };
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [null, client], runTag: 'xsrc', log: () => undefined, limiters: [null, null],
    filters: [undefined, { BTCUSDT: { tickSize: 0.01, stepSize: 0.001 } }], monoNs: () => 1, wallMs: () => 5_000,
    sink: { report: (_o: number, _p: number, _v: number, _s: number, _side: number, _st: number, _px: number, lastPx: number, lastQty: number, cumQty: number) => {
      if (lastQty > 0) reports.push({ lastPx, lastQty, cumQty });
    } },
  });
  const fills = new PrivateFills({ venue: VENUE_BYBIT, name: 'bybit', symbols: ['BTCUSDT'], rateInQuote: () => undefined, takerFeeRate: 0.001, gapFill: null,
    wallMs: () => 5_000, log: () => undefined });
  fills.target = exec;
  const rec = new Float64Array(INTENT_WORDS);
  rec[H_VENUE] = VENUE_BYBIT; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = 1; rec[I_PAIR_ID] = 0; rec[I_SIDE] = SIDE_BUY;
  rec[I_PRICE] = 120; rec[I_QTY] = 3; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_HEDGE; rec[H_RECV_NS] = 1;
  exec.onIntent(rec, 0, 1);
  const update = (cumQty: number, avgPx: number, final: boolean): void => {
    const u: OrderUpdate = final ? finalUpdate(ST_FILLED, cumQty, avgPx, 0, ASSET_BASE, 0, '', 'v1', 'Filled')
      : { kind: UPD_ACK, status: ST_ACKED, cumQty, avgPx, cumFee: 0, feeAsset: ASSET_BASE, errorCode: 0, message: '', venueOrderId: 'v1', venueStatus: 'PartiallyFilled' };
    listener!(placed!, u);
  };
  const gap = (id: number, qty: number, price: number): void => fills.fill({ venue: 'bybit', symbol: 'BTCUSDT', tradeId: `e${id}`, orderId: 'v1',
    clientOrderId: 'xsrc-1', side: 'buy', price, qty, quoteQty: price * qty, fee: 0, feeAsset: 'BTC', timeMs: id, source: 'gapfill' });
  return { reports, update, gap };
}

t.test('quantities: an order-query view, then the gap-fill newest first: the cumulative only grows and ends at the venue\'s', async (t) => {
  const { reports, update, gap } = setup();
  update(1, 110, false); // the query saw fill 1 (1 @ 110), still PartiallyFilled
  gap(2, 1.05, 100); // the gap-fill lists newest first: fill 2 before fill 1
  gap(1, 1, 110);
  update(2.05, (110 + 105) / 2.05, true);
  for (let i = 1; i < reports.length; i++) t.ok(reports[i]!.cumQty >= reports[i - 1]!.cumQty);
  t.ok(Math.abs(reports.at(-1)!.cumQty - 2.05) < 1e-12);
  const notional = reports.reduce((a, r) => a + r.lastQty * r.lastPx, 0);
  t.ok(Math.abs(notional - 215) < 1e-9, 'the total notional is the venue\'s');
});

t.test('prices: every report\'s price is within the prices the order traded at', async (t) => {
  const { reports, update, gap } = setup();
  update(1, 110, false);
  gap(2, 1.05, 100);
  gap(1, 1, 110);
  update(2.05, (110 + 105) / 2.05, true);
  const bad = reports.filter((r) => !(r.lastPx >= 100 - 1e-9 && r.lastPx <= 110 + 1e-9));
  // Was: the ledger's cumulative (fill 2 only: 1.05 @ 100) against the order query's (fill 1
  // only: 1 @ 110) gave a PARTIAL of 0.05 at (105 - 110) / 0.05 = -100.
  t.same(bad, [], 'no report at a price the order never traded at');
  const notional = reports.reduce((a, r) => a + r.lastQty * r.lastPx, 0);
  t.ok(Math.abs(notional - 215) < 1e-9, 'the total notional is still the venue\'s');
});
