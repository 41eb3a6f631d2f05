/**
 * Too many orders of unknown status halt new entries in the live executor itself
 * (`max_unresolved_orders`): pair legs are refused with ERR_LIVE_ENTRIES_HALTED, hedges and
 * unwinds still go, the run-time checks report the halt once when it starts and once when it
 * ends, and the halt lifts itself when the venue's word resolves the orders.
 */
import t from 'tap';
import {
  ACTION_NEW, ASSET_BASE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF,
  INTENT_WORDS, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, STATUS_NAMES, ST_FILLED, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { ERR_LIVE_ENTRIES_HALTED } from '../../../src/execution/live/live-errors.js';
import { finalUpdate } from '../../../src/execution/live/order-types.js';
import { LookingClient } from './looking-client.js';
import { RunChecks } from '../../../src/execution/live/run-checks.js';
import type { ReportSink } from '../../../src/execution/report-sink.js';
import type { HttpTransport } from '../../../src/execution/live/http-transport.js';

class Sink implements ReportSink {
  readonly got: Array<[number, string, number]> = [];
  report(orderId: number, _p: number, _v: number, _s: number, _side: number, status: number, _price: number, _lastPx: number,
    _lastQty: number, _cum: number, _qty: number, _fee: number, _fa: number, errorCode: number): void {
    this.got.push([orderId, STATUS_NAMES[status]!, errorCode]);
  }
  last(id: number): [string, number] | undefined {
    const r = [...this.got].reverse().find((x) => x[0] === id);
    return r === undefined ? undefined : [r[1], r[2]];
  }
}

const settle = () => new Promise((r) => setImmediate(r));

t.test('max_unresolved_orders unknown orders halt new entries (both legs), hedges still go, the halt lifts when resolved', async (t) => {
  const bn = new LookingClient(VENUE_BINANCE);
  const bb = new LookingClient(VENUE_BYBIT);
  const sink = new Sink();
  const logs: string[] = [];
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [bn, bb], sink, runTag: 'xhalt', log: (l, m) => logs.push(`${l} ${m}`), maxUnresolved: 2,
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001 } }], limiters: [null, null],
    monoNs: () => 1, wallMs: () => 1,
  });
  const halts: Array<[string, boolean]> = [];
  const checks = new RunChecks({
    exec, rules: [null, null], watches: [null, null], cancelAll: [null, null], symbols: ['BTCUSDT'], transport: {} as HttpTransport, restUrls: ['', ''],
    requestTimeoutMs: 1000, balanceEveryMs: 0, wallMs: (() => { let now = 0; return () => (now += 1000); })(), log: (l, m) => logs.push(`${l} ${m}`),
    onHalt: (rule, _reason, active) => halts.push([rule, active]),
  });
  const rec = new Float64Array(INTENT_WORDS);
  let id = 0;
  const intent = (venue: number, side: number, role: number, pairId: number): number => {
    rec.fill(0);
    rec[H_VENUE] = venue; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = ++id; rec[I_PAIR_ID] = pairId;
    rec[I_SIDE] = side; rec[I_PRICE] = 60000; rec[I_QTY] = 0.1; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = role; rec[H_RECV_NS] = 1;
    exec.onIntent(rec, 0, 1);
    return id;
  };
  // One pair goes out; both looks end without a final answer: two unknown orders.
  const a = intent(VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY, 1);
  const b = intent(VENUE_BYBIT, SIDE_SELL, ROLE_LEG_SELL, 1);
  bn.tasks[0]!.done();
  bb.tasks[0]!.done();
  await settle();
  t.equal(exec.counters.unresolved_now, 2);
  t.match(exec.entriesHaltReason(), /2 orders of unknown status \(max_unresolved_orders 2\)/);
  checks.tick();
  t.same(halts, [['unresolved_orders', true]], 'the halt is reported once');
  t.ok(logs.some((l) => /^error new entries halted: 2 orders of unknown status/.test(l)));
  const c = intent(VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY, 2);
  const d = intent(VENUE_BYBIT, SIDE_SELL, ROLE_LEG_SELL, 2);
  t.same([sink.last(c), sink.last(d)], [['rejected', ERR_LIVE_ENTRIES_HALTED], ['rejected', ERR_LIVE_ENTRIES_HALTED]], 'a new pair is refused whole');
  const h = intent(VENUE_BYBIT, SIDE_SELL, ROLE_HEDGE, 1);
  t.equal(bb.tasks.filter((x) => x.kind === 'place').length, 2, 'the hedge was sent');
  t.equal(sink.last(h), undefined, 'no report for the hedge: in flight, not refused');
  // The venue's word on one of them lifts the halt (below the bound again).
  const look = bn.tasks.find((x) => x.kind === 'resolve')!;
  look.listener(look.order, finalUpdate(ST_FILLED, 0.1, 60000, 0.0001, ASSET_BASE, 0, '', '9', 'FILLED'));
  look.done();
  await settle();
  t.equal(exec.counters.unresolved_now, 1);
  t.equal(exec.entriesHaltReason(), null);
  checks.tick();
  t.same(halts, [['unresolved_orders', true], ['unresolved_orders', false]], 'and its end once');
  intent(VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY, 3);
  t.equal(bn.tasks.filter((x) => x.kind === 'place').length, 2, 'new entries go again');
  t.same([sink.last(a)?.[0], sink.last(b)?.[0]], ['filled', 'expired'], 'the resolved order is filled, the other still unknown');
});
