/**
 * The live executor's write-ahead order journal: an order's client id is in a durably reserved
 * block before the order reaches the venue client (the WS and REST paths both start in
 * `place`), its send line follows in the same step, right after the request is written (every
 * send synced: before it), the final answer appends the order's end, and an order whose id the
 * journal cannot reserve is refused and never sent.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS,
  ROLE_LEG_BUY, SIDE_BUY, STATUS_NAMES, ST_FILLED, TIF_IOC, VENUE_BINANCE, ASSET_BASE,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { finalUpdate, newClientCounters, type LiveOrder, type UpdateListener, type VenueOrderClient } from '../../../src/execution/live/order-types.js';
import { OrderWal, readOrderWal } from '../../../src/execution/order-wal.js';
import type { ReportSink } from '../../../src/execution/report-sink.js';

class Sink implements ReportSink {
  readonly statuses: string[] = [];
  report(_o: number, _p: number, _v: number, _s: number, _side: number, status: number): void {
    this.statuses.push(STATUS_NAMES[status]!);
  }
}

/** Records, at the moment each order is placed, what the WAL file already holds. */
class PeekingClient implements VenueOrderClient {
  readonly counters = newClientCounters();
  readonly walAtPlace: string[] = [];
  readonly placed: Array<{ order: LiveOrder; listener: UpdateListener; done: () => void }> = [];
  constructor(readonly venue: number, private readonly walPath: string) {}
  backoffUntilMs(): number { return 0; }
  place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    this.walAtPlace.push(fs.existsSync(this.walPath) ? fs.readFileSync(this.walPath, 'utf8') : '');
    return new Promise((done) => this.placed.push({ order, listener, done }));
  }
}

function setup(wal: OrderWal | null, walPath: string) {
  const sink = new Sink();
  const bn = new PeekingClient(VENUE_BINANCE, walPath);
  const walAfter: string[] = [];
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [bn, null], sink, runTag: 'xwal', log: () => undefined, wal,
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, undefined], limiters: [null, null],
    monoNs: () => 1, wallMs: () => 1_764_630_000_123,
  });
  const rec = new Float64Array(INTENT_WORDS);
  const intent = (id: number): void => {
    rec.fill(0);
    rec[H_VENUE] = VENUE_BINANCE; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = id; rec[I_PAIR_ID] = 1;
    rec[I_SIDE] = SIDE_BUY; rec[I_PRICE] = 60000.1; rec[I_QTY] = 0.3; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY; rec[H_RECV_NS] = 1;
    exec.onIntent(rec, 0, 1);
    walAfter.push(fs.existsSync(walPath) ? fs.readFileSync(walPath, 'utf8') : '');
  };
  return { sink, bn, exec, intent, walAfter };
}

t.test('the id is reserved before the order reaches the client, its send line follows in the same step; the final answer closes it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-wal-exec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const wal = new OrderWal(dir);
  const { bn, intent, sink, walAfter } = setup(wal, wal.path);
  intent(1);
  intent(2);
  t.match(bn.walAtPlace[0]!, /"k":"reserve","tag":"xwal","from":1,"to":1024/, 'the id block is reserved before the first send');
  t.notMatch(bn.walAtPlace[0]!, /"k":"send"/, 'the send line is not on the path to the wire');
  t.match(walAfter[0]!, /"k":"send","cid":"xwal-1","v":"binance","s":"BTCUSDT","side":"buy","p":60000.1,"q":0.3,"ts":1764630000123/,
    'written before the step returns');
  t.match(walAfter[1]!, /"cid":"xwal-2"/, 'each order journaled in its own step');
  t.equal((bn.walAtPlace[1]!.match(/"k":"reserve"/g) ?? []).length, 1, 'one reserve line per block');
  const p = bn.placed[0]!;
  p.listener(p.order, finalUpdate(ST_FILLED, 0.3, 60000, 0.0003, ASSET_BASE, 0, '', '28', 'FILLED'));
  p.done();
  await new Promise((r) => setImmediate(r));
  wal.close();
  const read = readOrderWal(wal.path);
  t.same(read.orders.map((o) => [o.clientOrderId, o.final]), [['xwal-1', { status: 'FILLED', cumQty: 0.3 }], ['xwal-2', null]],
    'the filled order has its end; the other is still in flight');
  t.same(sink.statuses, ['acked', 'filled']);
});

t.test('an order whose id lies past the reserved block reserves the next block', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-wal-exec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const wal = new OrderWal(dir);
  const { intent } = setup(wal, wal.path);
  intent(1024);
  intent(1025);
  wal.close();
  t.same(readOrderWal(wal.path).reserved, [{ tag: 'xwal', from: 1, to: 1024 }, { tag: 'xwal', from: 1025, to: 2048 }]);
});

t.test('every send synced: the send line is on disk before the order reaches the client', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-wal-exec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const wal = new OrderWal(dir, true);
  const { bn, intent } = setup(wal, wal.path);
  intent(1);
  wal.close();
  t.match(bn.walAtPlace[0]!, /"k":"send","cid":"xwal-1"/);
});

t.test('an order whose id the journal cannot reserve is refused, never sent', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-wal-exec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const wal = new OrderWal(dir);
  wal.close(); // its descriptor is gone: every write fails
  const { bn, intent, exec, sink } = setup(wal, wal.path);
  intent(1);
  t.equal(bn.walAtPlace.length, 0, 'nothing reached the venue client');
  t.equal(exec.counters.refused_wal, 1);
  t.same(sink.statuses, ['rejected']);
});

t.test('ids are reserved ahead: at start and when a quarter block is left, so no order pays the synced write', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-wal-exec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const wal = new OrderWal(dir);
  const { exec, intent, bn } = setup(wal, wal.path);
  exec.reserveAhead();
  t.same(readOrderWal(wal.path).reserved, [{ tag: 'xwal', from: 1, to: 1024 }], 'the first block, before any order');
  intent(1);
  t.notMatch(bn.walAtPlace[0]!.split('\n').slice(1).join('\n'), /"k":"reserve"/, 'the first order found its block reserved');
  exec.reserveAhead();
  t.equal(readOrderWal(wal.path).reserved.length, 1, 'plenty left: nothing reserved');
  intent(800);
  exec.reserveAhead();
  exec.reserveAhead();
  t.same(readOrderWal(wal.path).reserved, [{ tag: 'xwal', from: 1, to: 1024 }, { tag: 'xwal', from: 1025, to: 2048 }],
    'fewer than a quarter block left: the next block, once');
  intent(1025);
  t.equal((bn.walAtPlace[2]!.match(/"k":"reserve"/g) ?? []).length, 2, 'the order past the first block reserved nothing itself');
  wal.close();
});
