/**
 * An order's final, whatever brings it (its answer, its query, the private stream, the
 * gap-fill), and its fees:
 *
 * - a final that counts fills but states no fee (a Bybit row with an empty `cumFeeDetail` and
 *   no `cumExecFee`) is never booked at fee 0: it settles with the executions' fees (the
 *   ledger's), at once when they are in, else when they come; after `feeWaitMs` the venue's
 *   executions are asked of its REST; an order still without them is settled at the taker-rate
 *   estimate and flagged (`fees_missing`, an error line). Executions with execFee "0" are a
 *   real 0 (a zero-fee account).
 * - every final the order path brings is one `venue_order` journal line with its source and
 *   whether it settled the order; the stream's and the gap-fill's are private-fills.ts's.
 */
import t from 'tap';
import fc from 'fast-check';
import { ASSET_BASE, ASSET_QUOTE, ST_REJECTED, VENUE_BYBIT } from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { FEE_QUERY_MARGIN_MS, FEE_QUERY_MAX_SPAN_MS } from '../../../src/execution/live/held-finals.js';
import { ERR_LIVE_VENUE_REJECTED } from '../../../src/execution/live/live-errors.js';
import { PrivateFills } from '../../../src/execution/live/private-fills.js';
import { mapBybitOrderRow } from '../../../src/execution/live/bybit-order.js';
import { finalUpdate, type OrderUpdate } from '../../../src/execution/live/order-types.js';
import type { VenueFill } from '../../../src/execution/fill-ledger.js';
import { fillFromBybitExecution, parseBybitExecutionRow } from '../../../src/venues/bybit/private-stream.js';
import { FillReportSink as Sink } from './fill-report-sink.js';
import { LookingClient } from './looking-client.js';
import { legIntents } from './leg-intent.js';

const MS = 1e6;
const TAKER = 0.001;

/** `restFills(sinceMs, untilMs)`: the venue's executions the REST lists for that window (wall ms). */
function setup(restFills: (sinceMs: number, untilMs: number | undefined) => VenueFill[] = () => []) {
  const sink = new Sink();
  const client = new LookingClient(VENUE_BYBIT);
  const lines: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  let now = 1;
  let wall = 5_000;
  const log = (level: string, msg: string): void => { logs.push(`${level} ${msg}`); };
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [null, client], sink, runTag: 'xfee', log, journal: (e) => lines.push(e), feeWaitMs: 3000,
    filters: [undefined, { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }], limiters: [null, null], monoNs: () => now, wallMs: () => wall,
  });
  let queries = 0;
  const windows: Array<[number, number | undefined]> = [];
  const fills = new PrivateFills({ venue: VENUE_BYBIT, name: 'bybit', symbols: ['BTCUSDT'], rateInQuote: () => undefined, takerFeeRate: TAKER,
    gapFill: async (_s, since, until) => { queries++; windows.push([since, until]); return { fills: restFills(since, until) }; }, wallMs: () => wall, log,
    sleep: async () => undefined });
  fills.target = exec;
  fills.journal = (e) => lines.push(e);
  exec.feeSources[VENUE_BYBIT] = fills;
  const intent = legIntents(exec, VENUE_BYBIT);
  const advance = (ms: number): void => { now += ms * MS; wall += ms; exec.expireDue(now); };
  return { sink, client, exec, fills, intent, lines, logs, advance, queries: () => queries, windows };
}

/** A Bybit spot `execution` row (a buy: the fee in BTC). */
function exe(id: number, execId: string, qty: number, px: number, fee: string): Record<string, unknown> {
  return { category: 'spot', symbol: 'BTCUSDT', orderId: `b${id}`, orderLinkId: `xfee-${id}`, side: 'Buy', execType: 'Trade', execId,
    execQty: String(qty), execPrice: String(px), execValue: String(qty * px), execFee: fee, feeCurrency: 'BTC', execTime: '1700000000000', isMaker: false };
}

function restFill(row: Record<string, unknown>): VenueFill {
  const p = parseBybitExecutionRow(row);
  if (!p.ok) throw new Error(p.error);
  return fillFromBybitExecution(p.value, 'BTC', 'gapfill')!;
}

/** The `order` row of a filled buy; `fee`: its cumFeeDetail ('none' = the field absent). */
function orderRow(id: number, status: string, qty: number, px: number, fee: Record<string, string> | 'none'): Record<string, unknown> {
  return { category: 'spot', symbol: 'BTCUSDT', orderId: `b${id}`, orderLinkId: `xfee-${id}`, side: 'Buy', orderStatus: status,
    cumExecQty: String(qty), cumExecValue: String(qty * px), avgPrice: String(px), ...(fee === 'none' ? {} : { cumFeeDetail: fee }) };
}

const sum = (xs: readonly { fee: number }[]): number => xs.reduce((a, r) => a + r.fee, 0);
const qtyOf = (xs: readonly { lastQty: number }[]): number => xs.reduce((a, r) => a + r.lastQty, 0);
const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

t.test('mapBybitOrderRow: a final with fills and no fee word is marked feeMissing; a fee of "0" in cumFeeDetail, or a linear cumExecFee, is a fee', async (t) => {
  t.equal(mapBybitOrderRow(orderRow(1, 'Filled', 0.02, 60_000, {}) as never, 'BUY').feeMissing, true, 'empty cumFeeDetail');
  t.equal(mapBybitOrderRow(orderRow(1, 'Filled', 0.02, 60_000, 'none') as never, 'BUY').feeMissing, true, 'neither field');
  t.equal(mapBybitOrderRow({ ...orderRow(1, 'Filled', 0.02, 60_000, {}), cumExecFee: '0.5' } as never, 'BUY').feeMissing, true,
    'spot: beside a cumFeeDetail, the deprecated cumExecFee does not count');
  t.not(mapBybitOrderRow(orderRow(1, 'Filled', 0.02, 60_000, { BTC: '0' }) as never, 'BUY').feeMissing, true, 'a stated 0 is a fee');
  t.not(mapBybitOrderRow({ ...orderRow(1, 'Filled', 0.02, 60_000, 'none'), cumExecFee: '0.02' } as never, 'BUY').feeMissing, true, 'linear cumExecFee');
  t.not(mapBybitOrderRow(orderRow(1, 'Cancelled', 0, 0, {}) as never, 'BUY').feeMissing, true, 'nothing filled: nothing to wait for');
});

t.test('a feeless final from the order query waits for the execution, then settles FILLED with its fee; the client\'s look ends without an unknown', async (t) => {
  const { sink, client, exec, fills, intent, lines } = setup();
  intent(1, 0.02);
  const task = client.tasks[0]!;
  const u = mapBybitOrderRow(orderRow(1, 'Filled', 0.02, 60_000, {}) as never, 'BUY');
  u.source = 'query';
  task.listener(task.order, u);
  task.done();
  await new Promise((r) => setImmediate(r));
  t.same(sink.of(1).map((r) => r.status), [], 'nothing reported while its fee is unknown');
  t.equal(exec.counters.finals_fee_held, 1);
  t.equal(exec.counters.unresolved, 0, 'its look ended with the final known: not an unknown order');
  t.equal(exec.counters.relooks, 0);
  t.equal(task.order.settled, true, 'the look is told to stop');
  fills.onBybitExecution(exe(1, 'e1', 0.02, 60_000, '0.00002'));
  const r = sink.of(1);
  t.same(r.map((x) => x.status), ['acked', 'filled']);
  t.ok(near(qtyOf(r), 0.02));
  t.ok(near(sum(r), 0.00002), `fee ${sum(r)}: the execution's`);
  t.equal(r[1]!.feeAsset, ASSET_BASE);
  t.equal(exec.tracker.slotOf(1), -1);
  t.match(lines.filter((l) => l['type'] === 'venue_order'), [{ venue: 'bybit', client_order_id: 'xfee-1', status: 'Filled', cum_qty: 0.02, source: 'query',
    settled: true, fee_missing: true }]);
});

t.test('executions first, then the feeless final: it settles at once with their fees (no hold)', async (t) => {
  const { sink, exec, fills, intent } = setup();
  intent(2, 0.02);
  fills.onBybitExecution(exe(2, 'e1', 0.01, 60_000, '0.00001'));
  fills.onBybitExecution(exe(2, 'e2', 0.01, 60_010, '0.00001'));
  fills.onBybitOrder(orderRow(2, 'Filled', 0.02, 60_005, {}));
  t.equal(exec.counters.finals_fee_held, 0);
  const r = sink.of(2);
  t.equal(r.at(-1)!.status, 'filled');
  t.ok(near(qtyOf(r), 0.02));
  t.ok(near(sum(r), 0.00002));
});

t.test('no execution comes: after feeWaitMs they are asked of the REST, which settles the order with their exact fee', async (t) => {
  const rows = [exe(3, 'e1', 0.02, 60_000, '0.000015')];
  const { sink, exec, fills, intent, advance, queries } = setup(() => rows.map(restFill));
  intent(3, 0.02);
  fills.onBybitOrder(orderRow(3, 'Filled', 0.02, 60_000, {}));
  advance(2999);
  t.equal(queries(), 0, 'not before the wait');
  advance(2);
  await fills.whenGapFilled();
  await new Promise((r) => setImmediate(r));
  t.equal(queries(), 1);
  t.equal(exec.counters.fee_queries, 1);
  const r = sink.of(3);
  t.equal(r.at(-1)!.status, 'filled');
  t.ok(near(sum(r), 0.000015), `fee ${sum(r)}`);
  t.equal(exec.counters.fees_missing, 0);
});

t.test('review F3: the executions query covers the order\'s life from its send (less a clock margin), however late its final and long its hold; bounded', async (t) => {
  // The venue stamps the trade 50 ms after the send, by its clock (running 2 s behind ours).
  const tradeWall = 5_000 + 50 - 2_000;
  const rows = [exe(30, 'e30', 0.02, 60_000, '0.000015')];
  const { sink, exec, fills, intent, advance, windows } = setup((since, until) => (since <= tradeWall && (until === undefined || tradeWall <= until) ? rows.map(restFill) : []));
  intent(30, 0.02); // sent at wall 5,000
  advance(120_000); // the order's final comes two minutes later (a slow look), without its fee
  fills.onBybitOrder(orderRow(30, 'Filled', 0.02, 60_000, {}));
  advance(3001); // the hold runs out: the query
  await fills.whenGapFilled();
  await new Promise((r) => setImmediate(r));
  t.equal(windows.length, 1);
  const [since, until] = windows[0]!;
  t.equal(since, 5_000 - FEE_QUERY_MARGIN_MS, 'anchored at the send, less the margin');
  t.equal(until, 5_000 + 120_000 + 3001 + FEE_QUERY_MARGIN_MS, 'up to the query\'s time plus the margin: a window, not everything since');
  t.equal(sink.of(30).at(-1)!.status, 'filled');
  t.ok(near(sum(sink.of(30)), 0.000015), `the trade's exact fee, found: ${sum(sink.of(30))}`);
  t.equal(exec.counters.fees_missing, 0);
});

t.test('review F3: an order that lived longer than a day is queried over one bounded window from its send', async (t) => {
  const { intent, fills, advance, windows } = setup();
  intent(31, 0.02);
  advance(30 * 3600_000);
  fills.onBybitOrder(orderRow(31, 'Filled', 0.02, 60_000, {}));
  advance(3001);
  await fills.whenGapFilled();
  await new Promise((r) => setImmediate(r));
  const [since, until] = windows[0]!;
  t.equal(since, 5_000 - FEE_QUERY_MARGIN_MS);
  t.equal(until, since + FEE_QUERY_MAX_SPAN_MS, 'at most the span one query may cover');
});

t.test('no execution anywhere, not even the REST: settled at the taker-rate estimate, flagged, never a silent 0', async (t) => {
  const { sink, exec, intent, fills, advance, logs, lines, queries } = setup();
  intent(4, 0.02);
  fills.onBybitOrder(orderRow(4, 'Filled', 0.02, 60_000, {}));
  advance(3001);
  await new Promise((r) => setImmediate(r));
  t.equal(queries(), 1);
  t.same(sink.of(4).map((x) => x.status), [], 'still held until the query answered');
  advance(1);
  const r = sink.of(4);
  t.equal(r.at(-1)!.status, 'filled');
  t.ok(near(sum(r), 0.02 * TAKER), `fee ${sum(r)}: the estimate`);
  t.equal(exec.counters.fees_missing, 1);
  t.ok(logs.some((l) => l.startsWith('error order fee unknown')), 'an error line');
  t.match(lines.filter((l) => l['type'] === 'warning'), [{ topic: 'fee_missing', client_order_id: 'xfee-4', estimated: true }], 'a journal warning the report lists');
  t.equal(exec.tracker.slotOf(4), -1);
});

t.test('a shutdown does not wait out the fee wait: the held final is in flight, asked for at once, settled, and the executor goes idle', async (t) => {
  const { sink, client, exec, intent, fills, advance, queries } = setup();
  intent(12, 0.02);
  fills.onBybitOrder(orderRow(12, 'Filled', 0.02, 60_000, {}));
  // Its look stops (told the order is settled) and ends.
  client.tasks[0]!.done();
  await new Promise((r) => setImmediate(r));
  t.equal(exec.inFlight, 1, 'held: in flight');
  let idle = false;
  void exec.whenIdle().then(() => { idle = true; });
  exec.stop();
  advance(1);
  await new Promise((r) => setImmediate(r));
  t.equal(queries(), 1, 'asked at once');
  advance(1);
  await new Promise((r) => setImmediate(r));
  t.equal(sink.of(12).at(-1)!.status, 'filled', 'settled (at the flagged estimate: nothing came)');
  t.equal(exec.counters.fees_missing, 1);
  t.equal(exec.inFlight, 0);
  t.equal(idle, true);
});

t.test('a zero-fee account: executions with execFee "0" are the venue\'s real 0', async (t) => {
  const { sink, exec, fills, intent, advance } = setup();
  intent(5, 0.02);
  fills.onBybitOrder(orderRow(5, 'Filled', 0.02, 60_000, {}));
  fills.onBybitExecution(exe(5, 'e1', 0.02, 60_000, '0'));
  advance(10_000);
  const r = sink.of(5);
  t.equal(r.at(-1)!.status, 'filled');
  t.equal(sum(r), 0);
  t.equal(exec.counters.fees_missing, 0);
  t.equal(exec.counters.fee_queries, 0);
});

t.test('a held feeless final is superseded by a final that states the fee (the query\'s row)', async (t) => {
  const { sink, client, exec, fills, intent } = setup();
  intent(6, 0.02);
  fills.onBybitOrder(orderRow(6, 'Filled', 0.02, 60_000, {}));
  const task = client.tasks[0]!;
  const u = mapBybitOrderRow(orderRow(6, 'Filled', 0.02, 60_000, { BTC: '0.00002' }) as never, 'BUY');
  task.listener(task.order, u);
  const r = sink.of(6);
  t.same(r.map((x) => x.status), ['acked', 'filled']);
  t.ok(near(sum(r), 0.00002));
  fills.onBybitExecution(exe(6, 'e1', 0.02, 60_000, '0.00002'));
  t.equal(sink.of(6).length, 2, 'the execution after it changes nothing');
  t.equal(exec.tracker.slotOf(6), -1);
});

t.test('a Rejected row with filled quantity and no fee word: the fill waits for its fee, then the rest is canceled with the code', async (t) => {
  const { sink, exec, fills, intent } = setup();
  intent(7, 0.02);
  fills.onBybitOrder({ ...orderRow(7, 'Rejected', 0.01, 60_000, {}), rejectReason: 'EC_Others' });
  t.same(sink.of(7), []);
  fills.onBybitExecution(exe(7, 'e1', 0.01, 60_000, '0.00001'));
  const r = sink.of(7);
  t.same(r.map((x) => x.status), ['acked', 'partial', 'canceled']);
  t.ok(near(qtyOf(r), 0.01));
  t.ok(near(sum(r), 0.00001));
  t.equal(exec.counters.rejected_with_fill, 1);
});

t.test('gap-fill: a listed Rejected order that counts fills settles with the fill first, then the rest canceled with the code', async (t) => {
  const sink = new Sink();
  const client = new LookingClient(VENUE_BYBIT);
  const exec = new LiveExecutor({ symbols: ['BTCUSDT'], clients: [null, client], runTag: 'xfee', log: () => undefined, sink,
    filters: [undefined, { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }], limiters: [null, null], monoNs: () => 1, wallMs: () => 5_000 });
  const row = exe(13, 'e1', 0.01, 60_000, '0.00001');
  const fills = new PrivateFills({ venue: VENUE_BYBIT, name: 'bybit', symbols: ['BTCUSDT'], rateInQuote: () => undefined, takerFeeRate: TAKER,
    gapFill: async () => ({ fills: [restFill(row)], orders: [{ venue: 'bybit', symbol: 'BTCUSDT', orderId: 'b13', clientOrderId: 'xfee-13', side: 'buy',
      price: 60_000, qty: 0.02, cumQty: 0.01, status: 'Rejected', open: false, timeMs: 1 }] }), wallMs: () => 5_000, log: () => undefined });
  fills.target = exec;
  legIntents(exec, VENUE_BYBIT)(13, 0.02);
  await fills.gapFill(0);
  const r = sink.of(13);
  t.same(r.map((x) => x.status), ['acked', 'partial', 'canceled']);
  t.ok(near(qtyOf(r), 0.01));
  t.ok(near(sum(r), 0.00001));
  t.equal(r.at(-1)!.error, ERR_LIVE_VENUE_REJECTED, 'the cancellation keeps the rejection\'s code');
  t.equal(exec.tracker.slotOf(13), -1);
});

t.test('journal: each final of the order path is one venue_order line with its source; a late one says it settled nothing', async (t) => {
  const { client, fills, intent, lines } = setup();
  intent(8, 0.01);
  intent(9, 0.01);
  intent(10, 0.01);
  const [a, b, c] = client.tasks;
  // 8: its answer (a rejection) settles it.
  a!.listener(a!.order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, 170131, 'Insufficient balance', '', ''));
  // 9: the stream settles it, its query's final comes late.
  fills.onBybitOrder(orderRow(9, 'Filled', 0.01, 60_000, { BTC: '0.00001' }));
  const q = mapBybitOrderRow(orderRow(9, 'Filled', 0.01, 60_000, { BTC: '0.00001' }) as never, 'BUY');
  q.source = 'query';
  b!.listener(b!.order, q);
  // 10: the trade WS's copy of the stream row, after the stream settled it: not a second line.
  fills.onBybitOrder(orderRow(10, 'Cancelled', 0, 0, {}));
  const copy: OrderUpdate = { ...mapBybitOrderRow(orderRow(10, 'Cancelled', 0, 0, {}) as never, 'BUY'), source: 'stream' };
  c!.listener(c!.order, copy);
  t.same(lines.filter((l) => l['type'] === 'venue_order').map((l) => [l['client_order_id'], l['status'], l['source'], l['settled'], l['code']]), [
    ['xfee-8', 'REJECTED', 'answer', true, 170131],
    ['xfee-9', 'Filled', 'stream', true, undefined],
    ['xfee-9', 'Filled', 'query', false, undefined],
    ['xfee-10', 'Cancelled', 'stream', true, undefined],
  ]);
  t.equal(lines.filter((l) => l['type'] === 'venue_order' && l['settled'] === true).length, 3, 'one settling line per order');
});

/**
 * Property: a model Bybit venue fills one buy with 1-4 executions (fees positive or 0), and
 * tells it in any order: the `order` row's final (its fee detail full, empty, or absent) and
 * the query's copy of it at any point, each execution on the stream lost, duplicated or
 * reordered, time passing between events (the executor's housekeeping running), and the REST
 * executions query answering with all of them or none. After quiescence: exactly one final
 * report; the venue's quantity; fees exactly the executions' when any source had them all,
 * else the ledger's plus the taker-rate estimate for the rest, flagged once; never a slot left.
 */
t.test('property: rows and executions in any order, lost or duplicated, fee fields missing: one final, the venue\'s quantity, exact fees or a flagged estimate', async (t) => {
  const execArb = fc.record({ qty: fc.integer({ min: 1, max: 40 }), px: fc.integer({ min: 0, max: 50 }), fee: fc.constantFrom(0, 1, 2, 3) });
  const eventArb = fc.oneof(
    fc.record({ kind: fc.constant<'exec'>('exec'), which: fc.nat() }),
    fc.record({ kind: fc.constant<'wait'>('wait'), ms: fc.integer({ min: 1, max: 2500 }) }),
  );
  fc.assert(fc.asyncProperty(
    fc.array(execArb, { minLength: 1, maxLength: 4 }),
    fc.array(eventArb, { maxLength: 14 }),
    fc.constantFrom<'full' | 'empty' | 'absent'>('full', 'empty', 'absent'),
    fc.nat({ max: 14 }),
    fc.option(fc.nat({ max: 14 }), { nil: null }),
    fc.boolean(),
    async (spec, events, feeWord, rowAt, queryAt, restHasThem) => {
      const trades = spec.map((x, i) => ({ id: `e${i}`, qty: x.qty / 1000, px: 60_000 + x.px, fee: (x.qty / 1000) * x.fee * 0.0005 }));
      const rows = trades.map((x) => exe(11, x.id, x.qty, x.px, String(x.fee)));
      const { sink, client, exec, fills, intent, advance } = setup(() => (restHasThem ? rows.map(restFill) : []));
      const total = trades.reduce((a, x) => a + x.qty, 0);
      const notional = trades.reduce((a, x) => a + x.qty * x.px, 0);
      const allFees = trades.reduce((a, x) => a + x.fee, 0);
      intent(11, total);
      const task = client.tasks[0]!;
      const detail: Record<string, string> | 'none' = feeWord === 'full' ? { BTC: String(allFees) } : feeWord === 'empty' ? {} : 'none';
      const row = orderRow(11, 'Filled', total, notional / total, detail);
      const seen = new Set<string>();
      // The executions in when the order settled (a late one, after a flagged estimate, is untracked).
      let atSettle: Set<string> | null = null;
      const watch = (): void => { if (atSettle === null && exec.tracker.slotOf(11) < 0) atSettle = new Set(seen); };
      for (let i = 0; i <= events.length; i++) {
        if (i === Math.min(rowAt, events.length)) fills.onBybitOrder(row);
        if (queryAt !== null && i === Math.min(queryAt, events.length)) {
          const u = mapBybitOrderRow(row as never, 'BUY');
          u.source = 'query';
          task.listener(task.order, u);
        }
        if (i === events.length) break;
        const ev = events[i]!;
        if (ev.kind === 'exec') {
          const k = ev.which % trades.length;
          seen.add(trades[k]!.id);
          fills.onBybitExecution(rows[k]!);
        } else advance(ev.ms);
        await new Promise((r) => setImmediate(r));
        watch();
      }
      // Quiescence: the housekeeping runs on (the wait, the query, its answer, the verdict).
      for (let k = 0; k < 4; k++) {
        advance(3000);
        await fills.whenGapFilled();
        await new Promise((r) => setImmediate(r));
        watch();
      }
      const r = sink.of(11);
      const finals = r.filter((x) => x.status === 'filled' || x.status === 'canceled' || x.status === 'rejected');
      if (finals.length !== 1 || finals[0]!.status !== 'filled') return false;
      if (!near(qtyOf(r), total)) return false;
      if (Math.abs(r.reduce((a, x) => a + x.lastQty * x.lastPx, 0) - notional) > 1e-6) return false;
      const booked = sum(r);
      const had: Set<string> = atSettle ?? seen;
      // The row's own fee settles it when stated; the executions' otherwise, when the stream or
      // the REST query brought them all before the verdict.
      if (feeWord === 'full' || exec.counters.fees_missing === 0) {
        if (!(Math.abs(booked - allFees) <= 1e-12)) return false;
      } else {
        // Flagged once, only when neither source had them all: the executions it had, and the
        // estimate for the rest at the taker rate.
        if (exec.counters.fees_missing !== 1 || restHasThem || had.size === trades.length) return false;
        const have = trades.filter((x) => had.has(x.id));
        const haveQty = have.reduce((a, x) => a + x.qty, 0);
        const want = have.reduce((a, x) => a + x.fee, 0) + (total - haveQty) * TAKER;
        if (!(Math.abs(booked - want) <= 1e-12)) return false;
      }
      return exec.tracker.slotOf(11) === -1;
    }), {
    numRuns: 300,
    // Shrunk counterexample kept (of the model, not the executor): the verdict came at 3001 ms,
    // the execution after it; the estimate stands and the late execution is untracked.
    examples: [[[{ qty: 1, px: 0, fee: 0 }], [{ kind: 'wait', ms: 507 }, { kind: 'wait', ms: 2493 }, { kind: 'wait', ms: 1 }, { kind: 'exec', which: 0 }], 'absent', 0, null, false]],
  });
  t.pass('held for 300 runs');
});

