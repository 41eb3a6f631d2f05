/**
 * LiveExecutor with scripted venue clients: the report sequences match the dry-run
 * executor's (ACKED then FILLED | PARTIAL + CANCELED | CANCELED, or REJECTED), every intent
 * gets a final report, local refusals carry their codes, and a late answer settles an expired
 * order.
 */
import t from 'tap';
import {
  ACTION_NEW, ASSET_BASE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE,
  I_SIDE, I_TIF, INTENT_WORDS, ROLE_LEG_BUY, SIDE_BUY, ST_CANCELED, ST_FILLED, ST_REJECTED, STATUS_NAMES, TIF_IOC, VENUE_BINANCE,
  VENUE_BYBIT,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { OrderRateLimiter } from '../../../src/execution/live/rate-limiter.js';
import { ERR_LIVE_BACKOFF, ERR_LIVE_NOT_CONFIGURED, ERR_LIVE_RATE_LIMITED, ERR_LIVE_UNRESOLVED } from '../../../src/execution/live/live-errors.js';
import { ERR_LOCAL_TIMEOUT } from '../../../src/execution/error-codes.js';
import { UPD_ACK, finalUpdate, newClientCounters, type LiveOrder, type OrderUpdate, type UpdateListener, type VenueOrderClient } from '../../../src/execution/live/order-types.js';
import type { ReportSink } from '../../../src/execution/report-sink.js';

interface Report { orderId: number; status: string; lastPx: number; lastQty: number; cumQty: number; fee: number; error: number }

class Sink implements ReportSink {
  readonly reports: Report[] = [];
  report(orderId: number, _p: number, _v: number, _s: number, _side: number, status: number, _price: number, lastPx: number,
    lastQty: number, cumQty: number, _qty: number, fee: number, _fa: number, errorCode: number): void {
    this.reports.push({ orderId, status: STATUS_NAMES[status]!, lastPx, lastQty, cumQty, fee, error: errorCode });
  }
  statuses(id: number): string[] {
    return this.reports.filter((r) => r.orderId === id).map((r) => r.status);
  }
}

/** A client whose answers the test scripts: each placed order waits for `answer()`. */
class ScriptedClient implements VenueOrderClient {
  readonly counters = newClientCounters();
  readonly placed: LiveOrder[] = [];
  private readonly pending = new Map<number, { listener: UpdateListener; done: () => void }>();
  backoff = 0;
  constructor(readonly venue: number) {}
  backoffUntilMs(): number { return this.backoff; }
  place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    this.placed.push(order);
    return new Promise((done) => this.pending.set(order.orderId, { listener, done }));
  }
  say(orderId: number, u: OrderUpdate): void {
    this.pending.get(orderId)!.listener(this.placed.find((o) => o.orderId === orderId)!, u);
  }
  finish(orderId: number): void {
    this.pending.get(orderId)!.done();
    this.pending.delete(orderId);
  }
}

function setup(limit = 100) {
  const sink = new Sink();
  const bn = new ScriptedClient(VENUE_BINANCE);
  let now = 1_000_000;
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [bn, null], sink, runTag: 'xtest', log: () => undefined,
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001 } }],
    limiters: [new OrderRateLimiter(limit, 10_000), null], monoNs: () => now, wallMs: () => 5_000,
  });
  const rec = new Float64Array(INTENT_WORDS);
  const intent = (id: number, venue = VENUE_BINANCE, deadline = 0): void => {
    rec.fill(0);
    rec[H_VENUE] = venue; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = id; rec[I_PAIR_ID] = 1;
    rec[I_SIDE] = SIDE_BUY; rec[I_PRICE] = 60000.10000000001; rec[I_QTY] = 0.30000000000000004; rec[I_TIF] = TIF_IOC;
    rec[I_ROLE] = ROLE_LEG_BUY; rec[I_DEADLINE_NS] = deadline; rec[H_RECV_NS] = 1;
    exec.onIntent(rec, 0, now);
  };
  return { sink, bn, exec, intent, advance: (ns: number) => { now += ns; return now; } };
}

const settle = () => new Promise((r) => setImmediate(r));

t.test('an order goes out with snapped decimal strings and a run-unique client id', async (t) => {
  const { bn, intent, exec } = setup();
  intent(1);
  t.same(bn.placed[0], { orderId: 1, clientOrderId: 'xtest-1', symbol: 'BTCUSDT', side: 'BUY', price: '60000.1', qty: '0.3', settled: false, venue: 0 });
  t.equal(exec.inFlight, 1);
});

t.test('FULL answer FILLED: ACKED then FILLED with the fill', async (t) => {
  const { sink, bn, intent, exec } = setup();
  intent(1);
  bn.say(1, finalUpdate(ST_FILLED, 0.3, 60000, 0.0003, ASSET_BASE, 0, '', '28', 'FILLED'));
  bn.finish(1);
  await settle();
  t.same(sink.statuses(1), ['acked', 'filled']);
  const f = sink.reports[1]!;
  t.equal(f.lastQty, 0.3);
  t.equal(f.lastPx, 60000);
  t.equal(f.fee, 0.0003);
  t.equal(exec.inFlight, 0);
  t.equal(exec.tracker.liveCount, 0, 'slot released');
});

t.test('IOC remainder: PARTIAL with the fill, then CANCELED', async (t) => {
  const { sink, bn, intent } = setup();
  intent(2);
  bn.say(2, finalUpdate(ST_CANCELED, 0.1, 59999, 0.0001, ASSET_BASE, 0, '', '1', 'EXPIRED'));
  t.same(sink.statuses(2), ['acked', 'partial', 'canceled']);
  t.equal(sink.reports[1]!.lastQty, 0.1);
  t.equal(sink.reports[2]!.cumQty, 0.1);
});

t.test('async ack (Bybit) then the final: one ACKED, fills reported as deltas', async (t) => {
  const { sink, bn, intent } = setup();
  intent(3);
  bn.say(3, { kind: UPD_ACK, status: 2, cumQty: 0, avgPx: 0, cumFee: 0, feeAsset: ASSET_BASE, errorCode: 0, message: '', venueOrderId: 'a', venueStatus: 'New' });
  bn.say(3, { kind: UPD_ACK, status: 2, cumQty: 0.1, avgPx: 100, cumFee: 0.0001, feeAsset: ASSET_BASE, errorCode: 0, message: '', venueOrderId: 'a', venueStatus: 'PartiallyFilled' });
  bn.say(3, finalUpdate(ST_FILLED, 0.3, 102, 0.0003, ASSET_BASE, 0, '', 'a', 'Filled'));
  t.same(sink.statuses(3), ['acked', 'partial', 'filled']);
  const last = sink.reports[2]!;
  t.ok(Math.abs(last.lastQty - 0.2) < 1e-12, 'second fill is the difference');
  t.ok(Math.abs(last.lastPx - 103) < 1e-9, 'its price from the cumulative notional');
  t.ok(Math.abs(last.fee - 0.0002) < 1e-12);
});

t.test('venue reject: REJECTED with the venue code', async (t) => {
  const { sink, bn, intent } = setup();
  intent(4);
  bn.say(4, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_BASE, -2010, 'Account has insufficient balance for requested action.', '', ''));
  t.same(sink.statuses(4), ['rejected']);
  t.equal(sink.reports[0]!.error, -2010);
});

t.test('local refusals: not configured, rate limit, venue back-off', async (t) => {
  const { sink, bn, intent } = setup(1);
  intent(5, VENUE_BYBIT);
  t.same(sink.statuses(5), ['rejected']);
  t.equal(sink.reports.at(-1)!.error, ERR_LIVE_NOT_CONFIGURED);
  intent(6);
  intent(7);
  t.same(sink.statuses(7), ['rejected'], 'second order in the window refused');
  t.equal(sink.reports.at(-1)!.error, ERR_LIVE_RATE_LIMITED);
  t.equal(bn.placed.length, 1, 'only one order reached the client');
  bn.backoff = 10_000;
  intent(8);
  t.equal(sink.reports.at(-1)!.error, ERR_LIVE_BACKOFF);
});

t.test('deadline passes first: EXPIRED, then the late answer settles it', async (t) => {
  const { sink, bn, intent, exec, advance } = setup();
  intent(9, VENUE_BINANCE, 1_000_000 + 5_000_000);
  t.equal(exec.expireDue(advance(6_000_000)), 1);
  t.same(sink.statuses(9), ['expired']);
  t.equal(sink.reports[0]!.error, ERR_LOCAL_TIMEOUT);
  bn.say(9, finalUpdate(ST_FILLED, 0.3, 60000, 0, ASSET_BASE, 0, '', '1', 'FILLED'));
  t.same(sink.statuses(9), ['expired', 'filled']);
  t.equal(exec.tracker.liveCount, 0);
});

t.test('client gives up without a final: EXPIRED with ERR_LIVE_UNRESOLVED, slot released', async (t) => {
  const { sink, bn, intent, exec } = setup();
  intent(10);
  bn.finish(10);
  await settle();
  t.same(sink.statuses(10), ['expired']);
  t.equal(sink.reports[0]!.error, ERR_LIVE_UNRESOLVED);
  t.equal(exec.counters.unresolved, 1);
  t.equal(exec.tracker.liveCount, 0);
  await exec.whenIdle();
});

t.test('rate limiter: a sliding window', async (t) => {
  const l = new OrderRateLimiter(2, 1000);
  t.ok(l.tryAcquire(0));
  t.ok(l.tryAcquire(10));
  t.notOk(l.tryAcquire(999));
  t.ok(l.tryAcquire(1000));
  t.notOk(l.tryAcquire(1009));
  t.ok(l.tryAcquire(1010));
  t.equal(l.refused, 2);
});

t.test('the wire: onIntent returns the time after the client wrote the request; sent_to_ack starts there', async (t) => {
  const sink = new Sink();
  const sentNs: number[] = [];
  const stamps = [1_000, 1_250];
  let reads = 0;
  const bn = new ScriptedClient(VENUE_BINANCE);
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [bn, null], log: () => undefined, runTag: 'xwire',
    sink: { report: (...a: number[]) => { sentNs.push(a[15]!); sink.report(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!); } } as unknown as ReportSink,
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, undefined], limiters: [null, null],
    monoNs: () => stamps[Math.min(reads++, stamps.length - 1)]!, wallMs: () => 5_000,
  });
  const rec = new Float64Array(INTENT_WORDS);
  rec[H_VENUE] = VENUE_BINANCE; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = 7; rec[I_PAIR_ID] = 1; rec[I_SIDE] = SIDE_BUY;
  rec[I_PRICE] = 60000; rec[I_QTY] = 0.1; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY; rec[H_RECV_NS] = 1;
  const wire = exec.onIntent(rec, 0, 900);
  t.equal(wire, 1_000, 'the wire stamp is read after the client returned');
  t.equal(bn.placed.length, 1);
  bn.say(7, finalUpdate(ST_FILLED, 0.1, 60000, 0.0001, ASSET_BASE, 0, '', '1', 'FILLED'));
  t.same(sentNs, [1_000, 1_000], 'every report of the order carries the wire time as its sent time');
  rec[H_VENUE] = VENUE_BYBIT;
  rec[I_ORDER_ID] = 8;
  t.equal(exec.onIntent(rec, 0, 1_300), 0, 'an order refused before sending has no wire time');
});
