/**
 * A pair goes whole or not at all, including the local refusals that happen outside the
 * pre-send gate (pre-send.ts): an order pool with no slot left for one leg, or a leg the
 * strategy formed invalid. Within one executor step (onIntents: both legs read together), a
 * leg refused locally withdraws its twin before anything is written; across steps (onIntent),
 * a first leg refused for want of a slot refuses its twin on arrival.
 */
import t from 'tap';
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS,
  ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, ST_REJECTED, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT,
} from '../../../src/core/records.js';
import { ERR_LOCAL_CAPACITY } from '../../../src/execution/error-codes.js';
import { ERR_LIVE_PAIR_REFUSED } from '../../../src/execution/live/live-errors.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { newClientCounters, type LiveOrder, type UpdateListener, type VenueOrderClient } from '../../../src/execution/live/order-types.js';

/** A client that records what it was asked to send and never answers (the order stays live). */
class SilentClient implements VenueOrderClient {
  readonly counters = newClientCounters();
  constructor(readonly venue: number, private readonly sent: string[]) {}
  backoffUntilMs(): number { return 0; }
  place(order: LiveOrder, _l: UpdateListener): Promise<void> {
    this.sent.push(order.clientOrderId);
    return new Promise(() => undefined);
  }
}

function setup(maxOrders: number) {
  const sent: string[] = [];
  const rejected: Array<[number, number]> = [];
  let clock = 100;
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [new SilentClient(VENUE_BINANCE, sent), new SilentClient(VENUE_BYBIT, sent)],
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001 } }],
    limiters: [null, null], runTag: 'xpair', maxOrders, log: () => undefined, monoNs: () => ++clock, wallMs: () => 5_000,
    sink: {
      report: (orderId: number, _p: number, _v: number, _s: number, _side: number, status: number, _px: number, _lpx: number, _lq: number,
        _cq: number, _q: number, _fee: number, _fa: number, error: number) => { if (status === ST_REJECTED) rejected.push([orderId, error]); },
    },
  });
  const rec = new Float64Array(4 * INTENT_WORDS);
  const put = (i: number, id: number, pairId: number, venue: number, side: number, role: number, qty = 0.01): void => {
    const o = i * INTENT_WORDS;
    rec[o + H_VENUE] = venue; rec[o + H_SYMBOL] = 0; rec[o + I_ACTION] = ACTION_NEW; rec[o + I_ORDER_ID] = id; rec[o + I_PAIR_ID] = pairId;
    rec[o + I_SIDE] = side; rec[o + I_PRICE] = 60000; rec[o + I_QTY] = qty; rec[o + I_TIF] = TIF_IOC; rec[o + I_ROLE] = role; rec[o + H_RECV_NS] = 1;
  };
  return { exec, rec, put, sent, rejected };
}

t.test('one slot left for a pair of two legs (one step): neither leg is sent', async (t) => {
  const { exec, rec, put, sent, rejected } = setup(3);
  put(0, 1, 0, VENUE_BINANCE, SIDE_BUY, ROLE_HEDGE);
  put(1, 2, 0, VENUE_BYBIT, SIDE_SELL, ROLE_HEDGE);
  exec.onIntents(rec, 2, 10, new Float64Array(2));
  t.same(sent, ['xpair-1', 'xpair-2'], 'two orders live: one slot of three left');
  put(0, 3, 7, VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY);
  put(1, 4, 7, VENUE_BYBIT, SIDE_SELL, ROLE_LEG_SELL);
  const wires = new Float64Array(2);
  exec.onIntents(rec, 2, 20, wires);
  t.same(sent, ['xpair-1', 'xpair-2'], 'no leg of pair 7 went out');
  t.same([...wires], [0, 0]);
  t.same(rejected, [[4, ERR_LOCAL_CAPACITY], [3, ERR_LIVE_PAIR_REFUSED]], 'the leg with no slot, then its twin withdrawn');
  t.equal(exec.tracker.liveCount, 2, 'the withdrawn leg gave its slot back');
  t.equal((exec.gate as unknown as { memo: Map<number, unknown> }).memo.size, 0, 'no verdict left waiting for a leg that already came');
});

t.test('a pair whose second leg is invalid (one step): neither leg is sent', async (t) => {
  const { exec, rec, put, sent, rejected } = setup(16);
  put(0, 1, 9, VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY);
  put(1, 2, 9, VENUE_BYBIT, SIDE_SELL, ROLE_LEG_SELL, 0);
  exec.onIntents(rec, 2, 10, new Float64Array(2));
  t.same(sent, []);
  t.equal(rejected.length, 2);
  t.equal(rejected.find((r) => r[0] === 1)![1], ERR_LIVE_PAIR_REFUSED);
  t.equal((exec.gate as unknown as { memo: Map<number, unknown> }).memo.size, 0, 'no verdict left waiting');
});

t.test('no slot for the first leg, its twin arriving in a later step: the twin is refused too', async (t) => {
  const { exec, rec, put, sent, rejected } = setup(1);
  put(0, 1, 0, VENUE_BINANCE, SIDE_BUY, ROLE_HEDGE);
  exec.onIntent(rec, 0, 10);
  put(0, 2, 5, VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY);
  exec.onIntent(rec, 0, 11);
  t.same(rejected, [[2, ERR_LOCAL_CAPACITY]]);
  // The hedge settles (a slot frees) before the twin is read.
  exec.tracker.release(exec.tracker.slotOf(1));
  put(0, 3, 5, VENUE_BYBIT, SIDE_SELL, ROLE_LEG_SELL);
  exec.onIntent(rec, 0, 12);
  t.same(sent, ['xpair-1'], 'the twin of a refused leg never goes alone');
  t.same(rejected, [[2, ERR_LOCAL_CAPACITY], [3, ERR_LIVE_PAIR_REFUSED]]);
});

t.test('unpaired orders of one step are independent: a refused one does not withdraw another', async (t) => {
  const { exec, rec, put, sent } = setup(16);
  put(0, 1, 0, VENUE_BINANCE, SIDE_BUY, ROLE_HEDGE);
  put(1, 2, 0, VENUE_BYBIT, SIDE_SELL, ROLE_HEDGE, 0);
  exec.onIntents(rec, 2, 10, new Float64Array(2));
  t.same(sent, ['xpair-1']);
});

t.test('a client that throws while forming its leg: the step goes on, the other leg is sent, the failed one is settled', async (t) => {
  const sent: string[] = [];
  const statuses: Array<[number, number]> = [];
  const thrower: VenueOrderClient = {
    venue: VENUE_BINANCE, counters: newClientCounters(), backoffUntilMs: () => 0,
    place: () => { throw new Error('signer failed'); },
  };
  let clock = 100;
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [thrower, new SilentClient(VENUE_BYBIT, sent)],
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001 } }],
    limiters: [null, null], runTag: 'xpair', log: () => undefined, monoNs: () => ++clock, wallMs: () => 5_000,
    sink: { report: (orderId: number, _p: number, _v: number, _s: number, _side: number, status: number) => { statuses.push([orderId, status]); } },
  });
  const rec = new Float64Array(2 * INTENT_WORDS);
  const put = (i: number, id: number, venue: number, side: number, role: number): void => {
    const o = i * INTENT_WORDS;
    rec[o + H_VENUE] = venue; rec[o + H_SYMBOL] = 0; rec[o + I_ACTION] = ACTION_NEW; rec[o + I_ORDER_ID] = id; rec[o + I_PAIR_ID] = 3;
    rec[o + I_SIDE] = side; rec[o + I_PRICE] = 60000; rec[o + I_QTY] = 0.01; rec[o + I_TIF] = TIF_IOC; rec[o + I_ROLE] = role; rec[o + H_RECV_NS] = 1;
  };
  put(0, 1, VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY);
  put(1, 2, VENUE_BYBIT, SIDE_SELL, ROLE_LEG_SELL);
  const wires = new Float64Array(2);
  t.doesNotThrow(() => exec.onIntents(rec, 2, 10, wires));
  t.same(sent, ['xpair-2'], 'the twin of the failed leg is still sent (it passed every check)');
  t.ok(wires[1]! > 0);
  await new Promise((r) => setImmediate(r));
  t.equal(exec.counters.in_flight, 1, 'the failed leg settled (unknown: looked at, never resent); only the silent twin is in flight');
  t.equal(exec.tracker.slotOf(1), -1, 'its slot was not left behind');
});

t.test('property: pairs read whole in their step, among hedges, with a small pool, invalid legs, a venue backing off and a filter turned unusable: both legs sent or neither, never a throw', async (t) => {
  const fc = (await import('fast-check')).default;
  const stepArb = fc.array(fc.record({ kind: fc.constantFrom('pair', 'hedge'), badQty: fc.constantFrom(0, 0, 0, 1, 2), buyVenue: fc.constantFrom(VENUE_BINANCE, VENUE_BYBIT) }),
    { minLength: 1, maxLength: 3 });
  fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.nat({ max: 5 }), { maxLength: 6 }),
    fc.boolean(), fc.option(fc.nat({ max: 5 }), { nil: null }), fc.constantFrom(0, -0.01, Number.NaN, Number.POSITIVE_INFINITY, 1e-14),
    (steps, maxOrders, settleAfter, bybitBackoff, badFilterAt, badTick) => {
      const sent: string[] = [];
      let clock = 100;
      const mk = (venue: number): VenueOrderClient => ({ venue, counters: newClientCounters(), backoffUntilMs: () => (venue === VENUE_BYBIT && bybitBackoff ? 10_000 : 0),
        place: (o: LiveOrder) => { sent.push(o.clientOrderId); return new Promise(() => undefined); } });
      // The Bybit filter as a table the executor reads on every order (a bad one installed at some step).
      const bybitFilters = { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001 } };
      const exec = new LiveExecutor({
        symbols: ['BTCUSDT'], clients: [mk(VENUE_BINANCE), mk(VENUE_BYBIT)],
        filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, bybitFilters],
        limiters: [null, null], runTag: 'xprop', maxOrders, log: () => undefined, monoNs: () => ++clock, wallMs: () => 5_000, sink: { report: () => undefined },
      });
      const pairs: Array<[number, number]> = [];
      let id = 0;
      let pairId = 0;
      const rec = new Float64Array(6 * INTENT_WORDS);
      steps.forEach((step, s) => {
        if (s === badFilterAt) bybitFilters.BTCUSDT.tickSize = badTick;
        let n = 0;
        const put = (venue: number, side: number, role: number, p: number, qty: number): number => {
          const o = n++ * INTENT_WORDS;
          rec[o + H_VENUE] = venue; rec[o + H_SYMBOL] = 0; rec[o + I_ACTION] = ACTION_NEW; rec[o + I_ORDER_ID] = ++id; rec[o + I_PAIR_ID] = p;
          rec[o + I_SIDE] = side; rec[o + I_PRICE] = 60000; rec[o + I_QTY] = qty; rec[o + I_TIF] = TIF_IOC; rec[o + I_ROLE] = role; rec[o + H_RECV_NS] = 1;
          return id;
        };
        for (const it of step) {
          if (it.kind === 'hedge') { put(it.buyVenue, SIDE_BUY, ROLE_HEDGE, 0, 0.01); continue; }
          const p = ++pairId;
          const a = put(it.buyVenue, SIDE_BUY, ROLE_LEG_BUY, p, it.badQty === 1 ? 0 : 0.01);
          const b = put(1 - it.buyVenue, SIDE_SELL, ROLE_LEG_SELL, p, it.badQty === 2 ? Number.NaN : 0.01);
          pairs.push([a, b]);
        }
        exec.onIntents(rec, n, 10 + s, new Float64Array(6));
        // Some live orders settle between steps (slots free).
        for (let k = 0; k < (settleAfter[s] ?? 0); k++) {
          const live = [...Array(id).keys()].map((i) => i + 1).find((x) => exec.tracker.slotOf(x) >= 0);
          if (live !== undefined) exec.tracker.release(exec.tracker.slotOf(live));
        }
      });
      return pairs.every(([a, b]) => sent.includes(`xprop-${a}`) === sent.includes(`xprop-${b}`));
    }), {
    numRuns: 300,
    // Shrunk counterexample kept (before the fix: the buy leg sent, the sell leg refused with ERR_LOCAL_CAPACITY).
    examples: [[[[{ kind: 'pair', badQty: 0, buyVenue: VENUE_BINANCE }]], 1, [], false, null, 0]],
  });
  t.pass('held for 300 runs');
});
