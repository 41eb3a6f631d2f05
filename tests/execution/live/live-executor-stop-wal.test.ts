/**
 * An order still unknown when the executor stops is released without the venue's word; its
 * WAL gets an `UNRESOLVED` final line with what the run had applied of it (order-wal.ts), so
 * the next start asks the venue about it by client id and counts only fills beyond that
 * (review finding F6: the line was missing, and the send line alone blocked later starts).
 */
import t, { type Test } from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF,
  INTENT_WORDS, ROLE_LEG_BUY, SIDE_BUY, TIF_IOC, VENUE_BINANCE, ST_FILLED, ASSET_BASE,
} from '../../../src/core/records.js';
import { finalUpdate } from '../../../src/execution/live/order-types.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { OrderWal, readOrderWal } from '../../../src/execution/order-wal.js';
import { LookingClient } from './looking-client.js';

/**
 * A stopping executor with one buy order out on Binance whose look has not ended, its WAL in a
 * temp dir; the statuses it reported after the send, its journal lines and log lines.
 */
function stoppingWithOneOrder(t: Test, runTag: string, orderId: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-stop-wal-'));
  const wal = new OrderWal(dir);
  t.teardown(() => { wal.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const c = new LookingClient(VENUE_BINANCE);
  const reports: number[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [c, null], sink: { report: (_o, _p, _v, _s, _side, status) => { reports.push(status); } }, runTag,
    log: (level, msg) => { logs.push(`${level} ${msg}`); }, wal, journal: (e) => lines.push(e),
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, undefined], limiters: [null, null], monoNs: () => 1, wallMs: () => 1,
  });
  const rec = new Float64Array(INTENT_WORDS);
  rec[H_VENUE] = VENUE_BINANCE; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = orderId; rec[I_PAIR_ID] = 1;
  rec[I_SIDE] = SIDE_BUY; rec[I_PRICE] = 60000; rec[I_QTY] = 0.1; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY; rec[H_RECV_NS] = 1;
  exec.onIntent(rec, 0, 1);
  exec.stop();
  reports.length = 0;
  return { dir, c, exec, wal, reports, lines, logs };
}

t.test('a stopping executor releases an unknown order with an UNRESOLVED WAL line; the reader keeps it in flight', async (t) => {
  const { dir, c, exec } = stoppingWithOneOrder(t, 'xstop', 7);
  c.tasks[0]!.done(); // the look ends with no final answer while stopping
  await new Promise((r) => setImmediate(r));
  t.equal(exec.tracker.liveCount, 0, 'released');
  const text = fs.readFileSync(path.join(dir, 'orders.wal'), 'utf8');
  t.match(text, /\{"k":"final","cid":"xstop-7","v":"binance","st":"UNRESOLVED","cum":0\}/);
  const r = readOrderWal(path.join(dir, 'orders.wal'));
  t.equal(r.orders[0]!.final, null, 'in flight for the next start');
  t.equal(r.orders[0]!.knownAtStop, 0);
});

t.test('review F2 (session 5): an order still in flight when the process closes gets its UNRESOLVED line before the WAL closes', async (t) => {
  const { dir, exec } = stoppingWithOneOrder(t, 'xclose', 9);
  // the drain timed out: the client's task never ended
  t.equal(exec.closeUnresolved(), 1, 'one order still held');
  const r = readOrderWal(path.join(dir, 'orders.wal'));
  t.equal(r.orders[0]!.final, null, 'in flight for the next start');
  t.equal(r.orders[0]!.knownAtStop, 0, 'nothing of it was reported');
});

/**
 * Close race (session 6): a venue final that arrives after closeUnresolved() (between it and
 * the WAL's close, or after that) is not applied: the WAL keeps UNRESOLVED as the order's last
 * word (no final after it), no report goes to the strategy, the final is logged, counted and
 * journaled as a venue_order line with after_close; the next start asks the venue.
 */
for (const walClosed of [false, true]) {
  t.test(`close race: a final arriving after closeUnresolved ${walClosed ? 'and the WAL close' : 'but before the WAL closes'} leaves the WAL UNRESOLVED and is journaled only`, async (t) => {
    const { dir, c, exec, wal, reports, lines, logs } = stoppingWithOneOrder(t, 'xrace', 4);
    t.equal(exec.closeUnresolved(), 1, 'the drain timed out: one order journaled unresolved');
    if (walClosed) wal.close();
    // The venue's answer lands now: filled 0.1.
    const task = c.tasks[0]!;
    task.listener(task.order, finalUpdate(ST_FILLED, 0.1, 60000, 0.0001, ASSET_BASE, 0, '', 'b4', 'FILLED'));
    // And a copy from the private stream.
    t.equal(exec.onVenueFinal(VENUE_BINANCE, 'xrace-4', finalUpdate(ST_FILLED, 0.1, 60000, 0.0001, ASSET_BASE, 0, '', 'b4', 'FILLED')), false, 'not applied');
    t.equal(exec.onVenueFills(VENUE_BINANCE, 'xrace-4', 0.1, 60000, 0.0001, ASSET_BASE), false, 'nor its fills');
    task.done();
    await new Promise((r) => setImmediate(r));
    const text = fs.readFileSync(path.join(dir, 'orders.wal'), 'utf8');
    t.same(text.trim().split('\n').filter((l) => l.includes('"final"')), ['{"k":"final","cid":"xrace-4","v":"binance","st":"UNRESOLVED","cum":0}'],
      'one final line, UNRESOLVED: never a final after it');
    const r = readOrderWal(path.join(dir, 'orders.wal'));
    t.equal(r.orders[0]!.final, null, 'in flight for the next start, which asks the venue');
    t.equal(r.orders[0]!.knownAtStop, 0);
    t.notOk(reports.includes(ST_FILLED), 'no fill reported to a strategy that may be gone');
    t.equal(exec.counters.after_close, 3);
    t.match(lines.filter((l) => l['type'] === 'venue_order'), [{ client_order_id: 'xrace-4', status: 'FILLED', settled: false, after_close: true }], 'journaled, for the record');
    t.ok(logs.some((l) => l.startsWith('warn order final after the order journal was closed')));
    t.notOk(logs.some((l) => l.includes('journal write failed')), 'no write to a closed WAL');
  });
}
