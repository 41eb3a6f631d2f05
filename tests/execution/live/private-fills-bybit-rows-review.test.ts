/**
 * Review (issue 9, adversarial): Bybit `order` topic rows are trusted as the venue's final
 * word even when they lack the numbers that make them one. `mapBybitOrderRow`
 * (src/execution/live/bybit-order.ts:123-126) reads a missing `cumExecQty` as 0 and a missing
 * `avgPrice`/`cumExecValue` as price 0, and only rejects NaN (line 146), so: (a) a `Filled`
 * row without `cumExecQty` settles a live order as FILLED with quantity 0, frees its slot, and
 * the order's real `execution` rows that follow are then "untracked": the strategy never sees
 * the fill (invariants 1, 3, 5); (b) a `Filled` row with a quantity but no price/value reports
 * the fill at price 0 (live-executor.ts applyFill falls back to the venue's average, 0), so
 * PnL and the hedge see a fill at 0 (invariants 5, 6); (c) a `Rejected` row that carries
 * `cumExecQty > 0` on an order still SENT (or EXPIRED = unknown) takes the REJECTED branch of
 * LiveExecutor.onUpdate (live-executor.ts ~647-657), which emits REJECTED with no fill and
 * frees the slot: the quantity the venue counts is lost for the strategy (invariant 1).
 * Cases 1 and 2 are fixed (bybit-order.ts: such rows are bad rows, counted, settling nothing);
 * case 3 too (live-executor.ts: a final applies the venue's cumulative fill first, whatever its
 * status), and (d) (a final without a fee word waits for the executions' fees).
 */
import t from 'tap';
import { VENUE_BYBIT } from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { PrivateFills } from '../../../src/execution/live/private-fills.js';
import { FillReportSink as Sink } from './fill-report-sink.js';
import { LookingClient } from './looking-client.js';
import { legIntents } from './leg-intent.js';

function setup() {
  const sink = new Sink();
  const client = new LookingClient(VENUE_BYBIT);
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [null, client], sink, runTag: 'xrev', log: () => undefined,
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }], limiters: [null, null],
    monoNs: () => 1, wallMs: () => 5_000,
  });
  const fills = new PrivateFills({ venue: VENUE_BYBIT, name: 'bybit', symbols: ['BTCUSDT'], rateInQuote: () => undefined, takerFeeRate: 0.001,
    gapFill: null, wallMs: () => 5_000, log: () => undefined });
  fills.target = exec;
  const intent = legIntents(exec, VENUE_BYBIT);
  const exe = (id: number, execId: string, qty: string, px: string): Record<string, unknown> => ({ category: 'spot', symbol: 'BTCUSDT',
    orderId: `b${id}`, orderLinkId: `xrev-${id}`, side: 'Buy', execType: 'Trade', execId, execQty: qty, execPrice: px,
    execValue: String(Number(qty) * Number(px)), execFee: '0.00001', feeCurrency: 'BTC', execTime: '1700000000000', isMaker: false });
  return { sink, exec, fills, intent, exe };
}

const filledQty = (sink: Sink, id: number): number => sink.of(id).reduce((a, r) => a + r.lastQty, 0);

t.test('a Filled row with no cumExecQty is not a final: counted as bad, the order stays live, its executions still reach the strategy', async (t) => {
  const { sink, exec, fills, intent, exe } = setup();
  intent(1, 0.02);
  // Order row first (the venue does not order its topics), without its quantities.
  fills.onBybitOrder({ category: 'spot', symbol: 'BTCUSDT', orderId: 'b1', orderLinkId: 'xrev-1', side: 'Buy', orderStatus: 'Filled' });
  fills.onBybitExecution(exe(1, 'e1', '0.02', '60000'));
  t.equal(fills.counters.stream_bad, 1, 'the row without quantities is counted as bad');
  t.ok(Math.abs(filledQty(sink, 1) - 0.02) < 1e-12, `the strategy sees the 0.02 filled (saw ${filledQty(sink, 1)}; reports ${JSON.stringify(sink.of(1).map((r) => r.status))})`);
  t.equal(fills.counters.fills_untracked, 0, 'the execution is not untracked');
  void exec;
});

t.test('a Filled row with a quantity but no price or value never reports a fill at price 0', async (t) => {
  const { sink, fills, intent } = setup();
  intent(2, 0.02);
  fills.onBybitOrder({ category: 'spot', symbol: 'BTCUSDT', orderId: 'b2', orderLinkId: 'xrev-2', side: 'Buy', orderStatus: 'Filled',
    cumExecQty: '0.02', avgPrice: '', cumExecValue: '', cumFeeDetail: { BTC: '0.00002' } });
  for (const r of sink.of(2)) if (r.lastQty > 0) t.ok(r.lastPx > 0, `fill of ${r.lastQty} reported at price ${r.lastPx}`);
  t.equal(fills.counters.stream_bad, 1, 'a priceless final is counted as bad (the execution rows or the order query give the price)');
});

t.test('a Rejected row that counts filled quantity never drops that quantity', async (t) => {
  const { sink, fills, intent, exe } = setup();
  intent(3, 0.02);
  fills.onBybitOrder({ category: 'spot', symbol: 'BTCUSDT', orderId: 'b3', orderLinkId: 'xrev-3', side: 'Buy', orderStatus: 'Rejected',
    cumExecQty: '0.01', cumExecValue: '600', avgPrice: '60000', cumFeeDetail: { BTC: '0.00001' }, rejectReason: 'EC_Others' });
  fills.onBybitExecution(exe(3, 'e3', '0.01', '60000'));
  t.ok(Math.abs(filledQty(sink, 3) - 0.01) < 1e-12, `the strategy sees the venue's 0.01 (saw ${filledQty(sink, 3)}; ${JSON.stringify(sink.of(3).map((r) => r.status))})`);
});

// (d) invariant 6: a Filled row with neither cumFeeDetail nor cumExecFee (or an empty
// cumFeeDetail {}) settles with fee 0, uncounted; the execution rows that carry the real
// execFee then come "untracked", so the order's fee is booked as 0 (bybit-order.ts:127-144).
t.test('a Filled row without fee fields never books the order\'s fee as 0', async (t) => {
  const { sink, fills, intent, exe } = setup();
  intent(4, 0.02);
  fills.onBybitOrder({ category: 'spot', symbol: 'BTCUSDT', orderId: 'b4', orderLinkId: 'xrev-4', side: 'Buy', orderStatus: 'Filled',
    cumExecQty: '0.02', cumExecValue: '1200', avgPrice: '60000', cumFeeDetail: {} });
  fills.onBybitExecution(exe(4, 'e4', '0.02', '60000'));
  const fee = sink.of(4).reduce((a, r) => a + r.fee, 0);
  t.ok(fee > 0, `fee booked ${fee} (the venue charged 0.00001 BTC on the execution)`);
});
