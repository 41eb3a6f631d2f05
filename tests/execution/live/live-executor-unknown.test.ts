/**
 * An order whose client look ends without a final answer stays unknown: the strategy gets a
 * non-final EXPIRED (ERR_LIVE_UNRESOLVED), the order keeps its slot, the executor looks again
 * (`resolve`, never a resend), and the venue's final word reaches the strategy through the
 * same report path (the final report frees the slot). A client that cannot look again, or a
 * stopping executor, releases it as before.
 */
import t from 'tap';
import {
  ACTION_NEW, ASSET_BASE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF,
  INTENT_WORDS, ROLE_LEG_BUY, SIDE_BUY, STATUS_NAMES, ST_FILLED, TIF_IOC, VENUE_BINANCE,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { ERR_LIVE_UNRESOLVED } from '../../../src/execution/live/live-errors.js';
import { finalUpdate, type VenueOrderClient } from '../../../src/execution/live/order-types.js';
import { LookingClient } from './looking-client.js';
import type { ReportSink } from '../../../src/execution/report-sink.js';

class Sink implements ReportSink {
  readonly got: Array<[string, number]> = [];
  report(_o: number, _p: number, _v: number, _s: number, _side: number, status: number, _price: number, _lastPx: number,
    _lastQty: number, _cum: number, _qty: number, _fee: number, _fa: number, errorCode: number): void {
    this.got.push([STATUS_NAMES[status]!, errorCode]);
  }
}

function setup(client: VenueOrderClient) {
  const sink = new Sink();
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [client, null], sink, runTag: 'xunk', log: () => undefined,
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, undefined], limiters: [null, null], monoNs: () => 1, wallMs: () => 1,
  });
  const rec = new Float64Array(INTENT_WORDS);
  rec[H_VENUE] = VENUE_BINANCE; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = 7; rec[I_PAIR_ID] = 1;
  rec[I_SIDE] = SIDE_BUY; rec[I_PRICE] = 60000; rec[I_QTY] = 0.1; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY; rec[H_RECV_NS] = 1;
  exec.onIntent(rec, 0, 1);
  return { sink, exec };
}
const settle = () => new Promise((r) => setImmediate(r));

t.test('unresolved after the client\'s look: non-final EXPIRED, slot kept, looked at again, the final frees it', async (t) => {
  const c = new LookingClient(VENUE_BINANCE);
  const { sink, exec } = setup(c);
  c.tasks[0]!.done(); // the look ended with no final answer
  await settle();
  t.same(sink.got, [['expired', ERR_LIVE_UNRESOLVED]], 'the strategy hears "unknown" (EXPIRED is not final there)');
  t.equal(exec.tracker.liveCount, 1, 'the order keeps its slot');
  t.equal(c.tasks.length, 2);
  t.equal(c.tasks[1]!.kind, 'resolve', 'looked at again, not resent');
  t.equal(exec.inFlight, 1);
  // A second look that ends empty: looked at again once more, no second EXPIRED.
  c.tasks[1]!.done();
  await settle();
  t.equal(c.tasks.length, 3);
  t.equal(sink.got.length, 1);
  const last = c.tasks[2]!;
  last.listener(last.order, finalUpdate(ST_FILLED, 0.1, 60000, 0.0001, ASSET_BASE, 0, '', '9', 'FILLED'));
  last.done();
  await settle();
  t.same(sink.got.map(([s]) => s), ['expired', 'filled'], 'the venue\'s word reaches the strategy through the report path');
  t.equal(exec.tracker.liveCount, 0, 'slot freed');
  t.equal(exec.inFlight, 0);
  t.equal(exec.counters.relooks, 2);
});

t.test('a stopping executor does not look again: the order is released unresolved', async (t) => {
  const c = new LookingClient(VENUE_BINANCE);
  const { sink, exec } = setup(c);
  exec.stop();
  c.tasks[0]!.done();
  await settle();
  t.same(sink.got, [['expired', ERR_LIVE_UNRESOLVED]]);
  t.equal(c.tasks.length, 1);
  t.equal(exec.tracker.liveCount, 0);
});
