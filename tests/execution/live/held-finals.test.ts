/**
 * HeldFinals (held-finals.ts): a final that counts fills but states no fee is held, in flight,
 * until the executor releases it with the executions' fees; after `feeWaitMs` (at once when
 * stopping) the executions are asked of the venue's REST once, over the order's life (its send
 * less a clock margin, to the query's time plus the margin, at most one query's span); one
 * still held after that answer settles at the ledger's fees plus the taker-rate estimate for
 * the rest, flagged, never a silent 0. (The executor around it: venue-finals-fees.test.ts.)
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, ROLE_LEG_BUY, SIDE_BUY, SIDE_SELL, ST_FILLED, TIF_IOC, VENUE_BYBIT } from '../../../src/core/records.js';
import { OrderTracker } from '../../../src/execution/order-tracker.js';
import { FEE_QUERY_MARGIN_MS, FEE_QUERY_MAX_SPAN_MS, HeldFinals, type VenueFeeSource } from '../../../src/execution/live/held-finals.js';
import { finalUpdate, type LiveOrder, type OrderUpdate } from '../../../src/execution/live/order-types.js';

const MS = 1e6;

function setup(opts: { source?: boolean; side?: number } = {}) {
  const tracker = new OrderTracker(8);
  const slot = tracker.open(5, 5, VENUE_BYBIT, 0, opts.side ?? SIDE_BUY, 60_000, 0.02, TIF_IOC, ROLE_LEG_BUY, 0, 1e18, 0);
  const ledger = { qty: new Float64Array(8), fee: new Float64Array(8), feeAsset: new Uint8Array(8) };
  const counters = { finals_fee_held: 0, fee_queries: 0, fees_missing: 0, in_flight: 0 };
  const queries: Array<[string, number, number]> = [];
  let answer: () => void = () => undefined;
  const source: VenueFeeSource = {
    queryFills: (symbol, since, until) => { queries.push([symbol, since, until]); return new Promise<void>((r) => { answer = r; }); },
    takerFee: (side, qty, px) => (side === 'BUY' ? { fee: qty * 0.001, feeAsset: ASSET_BASE } : { fee: qty * px * 0.001, feeAsset: ASSET_QUOTE }),
  };
  const settled: Array<{ order: LiveOrder; u: OrderUpdate }> = [];
  const logs: string[] = [];
  const journal: Array<Record<string, unknown>> = [];
  let wall = 10_000;
  let drops = 0;
  const held = new HeldFinals({
    tracker, symbols: ['BTCUSDT'], feeSources: [null, opts.source === false ? null : source], ledger, counters, feeWaitMs: 3000, wallMs: () => wall,
    log: (level, msg) => { logs.push(`${level} ${msg}`); }, journal: (e) => journal.push(e), clientOrderId: (id) => `xh-${id}`,
    settle: (order, u) => { settled.push({ order, u }); }, onDrop: () => { drops++; },
  });
  const order: LiveOrder = { orderId: 5, clientOrderId: 'xh-5', symbol: 'BTCUSDT', side: 'BUY', price: '60000', qty: '0.02', settled: false, venue: VENUE_BYBIT };
  const u = { ...finalUpdate(ST_FILLED, 0.02, 60_000, 0, ASSET_BASE, 0, '', 'b5', 'Filled'), feeMissing: true };
  return { held, slot, ledger, counters, queries, answer: () => answer(), settled, logs, journal, order, u, setWall: (w: number) => { wall = w; }, drops: () => drops };
}

t.test('held in flight; a second copy is late; released with the fees it is settled as if they had come with it', async (t) => {
  const { held, slot, counters, settled, order, u, drops } = setup();
  t.equal(held.hold(slot, order, u, 1 * MS, 9_000), true);
  t.equal(held.hold(slot, order, u, 2 * MS, 9_000), false, 'a second copy');
  t.same([held.count, counters.finals_fee_held, counters.in_flight], [1, 1, 1]);
  t.equal(held.order(slot), order);
  held.release(slot, 0.00002, ASSET_BASE);
  t.same([held.count, counters.in_flight, drops()], [0, 0, 1]);
  t.equal(settled.length, 1);
  t.same([settled[0]!.u.cumFee, settled[0]!.u.feeAsset, settled[0]!.u.feeMissing, settled[0]!.u.cumQty], [0.00002, ASSET_BASE, false, 0.02]);
  t.equal(held.has(slot), false);
});

t.test('after the wait: one executions query over the order\'s life, then the estimate, flagged', async (t) => {
  const { held, slot, queries, answer, settled, counters, journal, logs, order, u, setWall } = setup();
  held.hold(slot, order, u, 1 * MS, 9_000); // sent at wall 9,000
  held.check(3000 * MS, false);
  t.same(queries, [], 'not before feeWaitMs');
  setWall(200_000); // held a long time
  held.check(3001 * MS, false);
  t.same(queries, [['BTCUSDT', 9_000 - FEE_QUERY_MARGIN_MS, 200_000 + FEE_QUERY_MARGIN_MS]], 'anchored at the send, bounded by the query time');
  held.check(3002 * MS, false);
  t.equal(queries.length, 1, 'asked once');
  t.same(settled, [], 'still held while the query runs');
  answer();
  await new Promise((r) => setImmediate(r));
  held.check(3003 * MS, false);
  t.equal(settled.length, 1);
  t.ok(Math.abs(settled[0]!.u.cumFee - 0.02 * 0.001) < 1e-15, 'the taker-rate estimate, in base for a buy');
  t.equal(counters.fees_missing, 1);
  t.match(journal, [{ type: 'warning', topic: 'fee_missing', client_order_id: 'xh-5', estimated: true }]);
  t.ok(logs.some((l) => l.startsWith('error order fee unknown')));
});

t.test('stopping: asked at once; an order that lived beyond one query\'s span is asked over the span from its send', async (t) => {
  const { held, slot, queries, order, u, setWall } = setup();
  held.hold(slot, order, u, 1 * MS, 9_000);
  setWall(9_000 + 2 * FEE_QUERY_MAX_SPAN_MS);
  held.check(2 * MS, true);
  t.same(queries, [['BTCUSDT', 9_000 - FEE_QUERY_MARGIN_MS, 9_000 - FEE_QUERY_MARGIN_MS + FEE_QUERY_MAX_SPAN_MS]]);
});

t.test('nowhere to ask: settled after the wait with what the ledger has and nothing estimated', async (t) => {
  const { held, slot, ledger, settled, journal, order, u } = setup({ source: false });
  ledger.qty[slot] = 0.01; ledger.fee[slot] = 0.3; ledger.feeAsset[slot] = ASSET_QUOTE;
  held.hold(slot, order, u, 1 * MS, 9_000);
  held.check(3001 * MS, false);
  t.same([settled[0]!.u.cumFee, settled[0]!.u.feeAsset], [0.3, ASSET_QUOTE], 'the ledger\'s fees only');
  t.match(journal, [{ topic: 'fee_missing', estimated: false, ledger_qty: 0.01 }]);
});

t.test('ledger fees in quote (a third asset) and the rest estimated in base: the estimate joins them in quote at the average price', async (t) => {
  const { held, slot, ledger, answer, settled, order, u } = setup();
  ledger.qty[slot] = 0.01; ledger.fee[slot] = 0.45; ledger.feeAsset[slot] = ASSET_QUOTE;
  held.hold(slot, order, u, 1 * MS, 9_000);
  held.check(3001 * MS, false);
  answer();
  await new Promise((r) => setImmediate(r));
  held.check(3002 * MS, false);
  t.equal(settled[0]!.u.feeAsset, ASSET_QUOTE);
  t.ok(Math.abs(settled[0]!.u.cumFee - (0.45 + 0.01 * 0.001 * 60_000)) < 1e-9, `0.45 + 0.6: ${settled[0]!.u.cumFee}`);
});

t.test('a sell: the estimate is in quote', async (t) => {
  const { held, slot, answer, settled, order, u } = setup({ side: SIDE_SELL });
  held.hold(slot, { ...order, side: 'SELL' }, u, 1 * MS, 9_000);
  held.check(3001 * MS, false);
  answer();
  await new Promise((r) => setImmediate(r));
  held.check(3002 * MS, false);
  t.same([settled[0]!.u.feeAsset], [ASSET_QUOTE]);
  t.ok(Math.abs(settled[0]!.u.cumFee - 0.02 * 60_000 * 0.001) < 1e-9);
});
