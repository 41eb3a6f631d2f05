import t from 'tap';
import {
  ACTION_CANCEL, ACTION_NEW, ASSET_BASE, ASSET_QUOTE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS,
  I_DECISION_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS, ROLE_LEG_BUY, ROLE_LEG_SELL,
  SIDE_BUY, SIDE_SELL, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_PARTIAL, ST_REJECTED, STATUS_NAMES, TIF_IOC,
  VENUE_BINANCE, VENUE_BYBIT,
} from '../../src/core/records.js';
import { DryRunExecutor, type DryRunExecutorOptions } from '../../src/execution/dry-run-executor.js';
import { ERR_DRY_INJECTED, ERR_DRY_NO_BOOK, ERR_LOCAL_INVALID, ERR_LOCAL_TIMEOUT } from '../../src/execution/error-codes.js';
import { ConstantLatency, NormalLatency } from '../../src/execution/latency-model.js';
import { Prng } from '../../src/core/prng.js';
import type { ReportSink } from '../../src/execution/report-sink.js';
import { ArrayBook } from './array-book.js';

interface Report {
  orderId: number; pairId: number; venue: number; symbol: number; side: number; status: string; price: number;
  lastPx: number; lastQty: number; cumQty: number; qty: number; fee: number; feeAsset: number; errorCode: number;
  role: number; sentNs: number; ackNs: number; tickRecvNs: number;
}

class Collect implements ReportSink {
  reports: Report[] = [];
  report(orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number, price: number,
    lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number, errorCode: number,
    role: number, sentNs: number, ackNs: number, tickRecvNs: number): void {
    this.reports.push({
      orderId, pairId, venue, symbol, side, status: STATUS_NAMES[status]!, price, lastPx, lastQty, cumQty, qty, fee,
      feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs,
    });
  }

  statuses(): string[] {
    return this.reports.map((r) => `${r.orderId}:${r.status}`);
  }
}

const MS = 1_000_000;
const ENTRY = 1 * MS;
const RESPONSE = 2 * MS;
const RATE = 0.001;

function executor(over: Partial<DryRunExecutorOptions> = {}): DryRunExecutor {
  return new DryRunExecutor({
    venues: 2,
    symbols: 1,
    entryLatency: new ConstantLatency(ENTRY),
    responseLatency: new ConstantLatency(RESPONSE),
    takerFeeRate: [RATE, RATE],
    balances: [{ base: 10, quote: 10_000 }, { base: 10, quote: 10_000 }],
    ...over,
  });
}

function standardBook(): ArrayBook {
  const book = new ArrayBook();
  book.set(VENUE_BINANCE, 0, [[99, 1], [98, 1]], [[101, 1], [102, 1]]);
  book.set(VENUE_BYBIT, 0, [[100, 2]], [[103, 2]]);
  return book;
}

/** Polls at every due time until idle (bounded). */
function runAll(ex: DryRunExecutor, book: ArrayBook, sink: Collect): void {
  for (let i = 0; i < 10_000 && ex.nextDueNs() < Infinity; i++) ex.poll(ex.nextDueNs(), book, sink);
}

t.test('IOC full fill: ACKED then FILLED, exactly at arrival + response latency', async (t) => {
  const ex = executor();
  const book = standardBook();
  const sink = new Collect();
  const t0 = 5_000;
  t.ok(ex.submit(1, 77, VENUE_BINANCE, 0, SIDE_BUY, 101, 0.5, TIF_IOC, ROLE_LEG_BUY, 4_000, 0, 3_000, t0));
  t.equal(ex.nextDueNs(), t0 + ENTRY, 'next event: the arrival');
  t.equal(ex.poll(t0 + ENTRY - 1, book, sink), 0, 'nothing before the arrival');
  t.equal(book.reads, 0, 'book not read before the arrival');
  ex.poll(t0 + ENTRY, book, sink);
  t.equal(book.reads, 1, 'book read once, at the arrival');
  t.equal(sink.reports.length, 0, 'answers are still on the wire');
  t.equal(ex.nextDueNs(), t0 + ENTRY + RESPONSE);
  ex.poll(t0 + ENTRY + RESPONSE - 1, book, sink);
  t.equal(sink.reports.length, 0);
  ex.poll(t0 + ENTRY + RESPONSE, book, sink);
  t.same(sink.statuses(), ['1:acked', '1:filled']);
  const [ack, fill] = sink.reports;
  t.match(ack, { orderId: 1, pairId: 77, venue: VENUE_BINANCE, side: SIDE_BUY, lastQty: 0, cumQty: 0, errorCode: 0 });
  t.match(fill, {
    orderId: 1, pairId: 77, price: 101, lastPx: 101, lastQty: 0.5, cumQty: 0.5, qty: 0.5, feeAsset: ASSET_BASE,
    role: ROLE_LEG_BUY, sentNs: t0, ackNs: t0 + ENTRY + RESPONSE, tickRecvNs: 3_000,
  });
  t.ok(Math.abs(fill!.fee - 0.5 * RATE) < 1e-15, 'spot buy fee in base');
  t.equal(ex.nextDueNs(), Infinity, 'idle');
  t.equal(ex.tracker.liveCount, 0, 'slot released after the final report');
  t.ok(Math.abs(ex.balances.baseOf(VENUE_BINANCE, 0) - (10 + 0.5 - 0.0005)) < 1e-12, 'base received minus fee');
  t.ok(Math.abs(ex.balances.quoteOf(VENUE_BINANCE) - (10_000 - 50.5)) < 1e-9, 'quote paid');
  t.equal(ex.filled, 1);
});

t.test('IOC partial fill: ACKED, PARTIAL, then the remainder CANCELED', async (t) => {
  const ex = executor();
  const book = standardBook();
  const sink = new Collect();
  ex.submit(2, 1, VENUE_BYBIT, 0, SIDE_SELL, 99, 3, TIF_IOC, ROLE_LEG_SELL, 0, 0, 0, 0);
  runAll(ex, book, sink);
  t.same(sink.statuses(), ['2:acked', '2:partial', '2:canceled']);
  t.match(sink.reports[1], { lastPx: 100, lastQty: 2, cumQty: 2, feeAsset: ASSET_QUOTE });
  t.ok(Math.abs(sink.reports[1]!.fee - 200 * RATE) < 1e-12, 'spot sell fee in quote');
  t.match(sink.reports[2], { lastQty: 0, cumQty: 2, fee: 0 });
  t.ok(sink.reports.every((r) => r.ackNs === ENTRY + RESPONSE), 'all three answers arrive together');
  t.ok(Math.abs(ex.balances.baseOf(VENUE_BYBIT, 0) - 8) < 1e-12);
});

t.test('nothing within the limit: ACKED then CANCELED with nothing filled', async (t) => {
  const ex = executor();
  const sink = new Collect();
  ex.submit(3, 1, VENUE_BINANCE, 0, SIDE_BUY, 100, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0);
  runAll(ex, standardBook(), sink);
  t.same(sink.statuses(), ['3:acked', '3:canceled']);
  t.equal(sink.reports[1]!.cumQty, 0);
});

t.test('the order meets the book as it stands when it arrives, not when it was sent', async (t) => {
  const ex = executor();
  const book = standardBook();
  const sink = new Collect();
  ex.submit(4, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0);
  ex.poll(ENTRY / 2, book, sink);
  book.set(VENUE_BINANCE, 0, [[99, 1]], [[101.5, 5]]); // the ask moved away while the order was in flight
  runAll(ex, book, sink);
  t.same(sink.statuses(), ['4:acked', '4:canceled']);
});

t.test('rejections: no book, unusable book, stale book, insufficient balance (venue codes)', async (t) => {
  const book = standardBook();
  book.remove(VENUE_BYBIT, 0);
  const ex = executor({ maxBookAgeNs: 10 * MS });
  const sink = new Collect();
  ex.submit(10, 1, VENUE_BYBIT, 0, SIDE_BUY, 103, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0);
  runAll(ex, book, sink);
  t.same(sink.statuses(), ['10:rejected'], 'absent book: rejected, never acked');
  t.equal(sink.reports[0]!.errorCode, ERR_DRY_NO_BOOK);
  t.equal(sink.reports[0]!.ackNs, ENTRY + RESPONSE);

  book.set(VENUE_BYBIT, 0, [[100, 2]], [[103, 2]], false);
  ex.submit(11, 1, VENUE_BYBIT, 0, SIDE_BUY, 103, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 100);
  book.set(VENUE_BINANCE, 0, [[99, 1]], [[101, 1]], true, 0);
  ex.submit(12, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 20 * MS);
  sink.reports.length = 0;
  runAll(ex, book, sink);
  t.same(sink.reports.map((r) => [r.orderId, r.status, r.errorCode]), [
    [11, 'rejected', ERR_DRY_NO_BOOK], [12, 'rejected', ERR_DRY_NO_BOOK],
  ], 'unusable, then stale (older than maxBookAgeNs at arrival)');

  const poor = executor({ balances: [{ base: 0, quote: 50 }, { base: 0.5, quote: 0 }] });
  const good = standardBook();
  sink.reports.length = 0;
  poor.submit(20, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0); // needs 101 quote
  poor.submit(21, 1, VENUE_BYBIT, 0, SIDE_SELL, 100, 1, TIF_IOC, ROLE_LEG_SELL, 0, 0, 0, 0); // needs 1 base
  poor.submit(22, 1, VENUE_BYBIT, 0, SIDE_SELL, 100, 0.5, TIF_IOC, ROLE_LEG_SELL, 0, 0, 0, 0); // has 0.5
  runAll(poor, good, sink);
  t.same(sink.reports.map((r) => [r.orderId, r.status, r.errorCode]), [
    [20, 'rejected', -2010], [21, 'rejected', 170131], [22, 'acked', 0], [22, 'filled', 0],
  ], 'Binance -2010, Bybit 170131; an affordable order still fills');
  t.equal(poor.balances.baseOf(VENUE_BYBIT, 0), 0);
  t.equal(poor.rejected, 2);
});

t.test('cancel before arrival withdraws the order; after arrival it is too late', async (t) => {
  const ex = executor();
  const book = standardBook();
  const sink = new Collect();
  ex.submit(30, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0);
  t.ok(ex.cancel(30, ENTRY / 2), 'in flight: will be canceled');
  runAll(ex, book, sink);
  t.same(sink.statuses(), ['30:canceled']);
  t.equal(sink.reports[0]!.ackNs, ENTRY + RESPONSE, 'the venue answers when the order would have arrived');
  t.equal(book.reads, 0, 'never touched the book');
  t.equal(ex.balances.quoteOf(VENUE_BINANCE), 10_000);
  t.equal(ex.withdrawn, 1);

  ex.submit(31, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 100 * MS);
  ex.poll(100 * MS + ENTRY, book, sink);
  t.notOk(ex.cancel(31, 100 * MS + ENTRY), 'arrived: the IOC is already settled');
  t.equal(ex.lateCancels, 1);
  t.notOk(ex.cancel(999, 0), 'unknown order');
  t.equal(ex.unknownCancels, 1);
  runAll(ex, book, sink);
  t.same(sink.statuses().slice(1), ['31:acked', '31:filled']);
});

t.test('a local deadline expires the order; the late answer still arrives and settles it', async (t) => {
  const ex = executor({ responseLatency: new ConstantLatency(5 * MS) });
  const sink = new Collect();
  ex.submit(40, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 3 * MS, 0, 0);
  runAll(ex, standardBook(), sink);
  t.same(sink.statuses(), ['40:expired', '40:acked', '40:filled']);
  t.match(sink.reports[0], { ackNs: 3 * MS, errorCode: ERR_LOCAL_TIMEOUT });
  t.equal(sink.reports[2]!.ackNs, ENTRY + 5 * MS);
  t.equal(ex.tracker.illegalTransitions, 0, 'expired -> (acked absorbed) -> filled is legal');
  t.equal(ex.tracker.liveCount, 0);

  const fast = executor();
  const s2 = new Collect();
  fast.submit(41, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 50 * MS, 0, 0);
  runAll(fast, standardBook(), s2);
  t.same(s2.statuses(), ['41:acked', '41:filled'], 'an answered order does not expire');
});

t.test('reports from several orders come out in time order', async (t) => {
  const ex = executor();
  const sink = new Collect();
  const book = standardBook();
  ex.submit(50, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 0.1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 2 * MS);
  ex.submit(51, 1, VENUE_BYBIT, 0, SIDE_SELL, 100, 0.1, TIF_IOC, ROLE_LEG_SELL, 0, 0, 0, 1 * MS);
  ex.poll(100 * MS, book, sink); // one late poll handles everything in order
  t.same(sink.statuses(), ['51:acked', '51:filled', '50:acked', '50:filled']);
});

t.test('two orders against one snapshot share its displayed size', async (t) => {
  const ex = executor();
  const sink = new Collect();
  const book = standardBook();
  ex.submit(60, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 0.75, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0);
  ex.submit(61, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 0.75, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0);
  runAll(ex, book, sink);
  t.same(sink.statuses(), ['60:acked', '60:filled', '61:acked', '61:partial', '61:canceled']);
  t.equal(sink.reports[3]!.lastQty, 0.25);
});

t.test('fault options: injected rejects and extra latency', async (t) => {
  const ex = executor({ faults: { rejectProbability: 1, extraEntryLatencyNs: 7, extraResponseLatencyNs: 11 } });
  const sink = new Collect();
  ex.submit(70, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0);
  runAll(ex, standardBook(), sink);
  t.same(sink.reports.map((r) => [r.status, r.errorCode, r.ackNs]), [['rejected', ERR_DRY_INJECTED, ENTRY + 7 + RESPONSE + 11]]);

  const some = executor({ faults: { rejectProbability: 0.3, seed: 1 } });
  const s2 = new Collect();
  for (let i = 0; i < 1000; i++) some.submit(100 + i, 1, VENUE_BINANCE, 0, SIDE_BUY, 1, 0.001, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, i);
  runAll(some, standardBook(), s2);
  const rejected = s2.reports.filter((r) => r.status === 'rejected').length;
  t.ok(rejected > 250 && rejected < 350, `about 30% rejected (${rejected})`);
});

t.test('invalid orders are answered REJECTED locally; a full pool refuses', async (t) => {
  const ex = executor({ maxOrders: 2 });
  const sink = new Collect();
  t.ok(ex.submit(80, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 0, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 10));
  t.ok(ex.submit(81, 1, 9, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 10));
  t.notOk(ex.submit(82, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 10), 'pool full');
  t.equal(ex.refused, 1);
  ex.poll(10, standardBook(), sink);
  t.same(sink.reports.map((r) => [r.orderId, r.status, r.errorCode, r.ackNs]), [
    [80, 'rejected', ERR_LOCAL_INVALID, 10], [81, 'rejected', ERR_LOCAL_INVALID, 10],
  ]);
  t.equal(ex.tracker.illegalTransitions, 0, 'NEW -> REJECTED');
  t.ok(ex.submit(82, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 10), 'slots are free again');
});

t.test('intent records drive submit and cancel', async (t) => {
  const ex = executor();
  const sink = new Collect();
  const rec = new Float64Array(INTENT_WORDS);
  rec[H_VENUE] = VENUE_BYBIT;
  rec[H_SYMBOL] = 0;
  rec[H_RECV_NS] = 123;
  rec[I_ORDER_ID] = 90;
  rec[I_PAIR_ID] = 9;
  rec[I_ACTION] = ACTION_NEW;
  rec[I_SIDE] = SIDE_SELL;
  rec[I_PRICE] = 100;
  rec[I_QTY] = 1;
  rec[I_TIF] = TIF_IOC;
  rec[I_ROLE] = ROLE_LEG_SELL;
  rec[I_DECISION_NS] = 456;
  rec[I_DEADLINE_NS] = 0;
  t.ok(ex.onIntent(rec, 0, 1000));
  rec[I_ACTION] = ACTION_CANCEL;
  t.ok(ex.onIntent(rec, 0, 2000));
  runAll(ex, standardBook(), sink);
  t.same(sink.reports.map((r) => [r.orderId, r.pairId, r.status, r.tickRecvNs, r.sentNs]), [[90, 9, 'canceled', 123, 1000]]);
  t.equal(ex.tracker.intentNs[0], 456);
});

t.test('seeded latency models make a run reproducible; another seed changes it', async (t) => {
  function run(seed: number): Report[] {
    const ex = executor({
      entryLatency: new NormalLatency(1 * MS, 0.3 * MS, 0, new Prng(seed)),
      responseLatency: new NormalLatency(2 * MS, 0.5 * MS, 0, new Prng(seed + 1000)),
      faults: { rejectProbability: 0.1, seed },
    });
    const book = standardBook();
    const sink = new Collect();
    const r = new Prng(99); // the same order flow every run
    let now = 0;
    for (let i = 0; i < 300; i++) {
      now += Math.floor(r.next() * 2 * MS);
      ex.poll(now, book, sink);
      if (i % 10 === 0) book.set(VENUE_BINANCE, 0, [[99, 1 + r.next()]], [[101, 1 + r.next()]]);
      const venue = r.next() < 0.5 ? VENUE_BINANCE : VENUE_BYBIT;
      const side = r.next() < 0.5 ? SIDE_BUY : SIDE_SELL;
      ex.submit(i + 1, i, venue, 0, side, side === SIDE_BUY ? 103 : 99, 0.01 + r.next(), TIF_IOC, ROLE_LEG_BUY, now, now + 2.5 * MS, now, now);
    }
    runAll(ex, book, sink);
    return sink.reports;
  }
  const a = run(1);
  const b = run(1);
  const c = run(2);
  t.ok(a.length > 600, `many reports (${a.length})`);
  // JSON keeps every double exactly (shortest round-trip form), and compares faster than t.same
  t.equal(JSON.stringify(a), JSON.stringify(b), 'same seed: identical reports, bit for bit');
  t.not(JSON.stringify(a), JSON.stringify(c), 'another seed: another run');
  const kinds = new Set(a.map((r) => r.status));
  for (const k of ['acked', 'filled', 'partial', 'canceled', 'rejected', 'expired']) t.ok(kinds.has(k), `run includes ${k}`);
});

t.test('status ids used in reports are the records.ts ones', async (t) => {
  t.same([STATUS_NAMES[ST_ACKED], STATUS_NAMES[ST_PARTIAL], STATUS_NAMES[ST_FILLED], STATUS_NAMES[ST_CANCELED],
    STATUS_NAMES[ST_REJECTED], STATUS_NAMES[ST_EXPIRED]], ['acked', 'partial', 'filled', 'canceled', 'rejected', 'expired']);
});
