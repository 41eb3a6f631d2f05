/**
 * The pre-send gate as a specification: a pair goes as a whole or not at all, whatever check
 * refuses it (missing filter, minimum notional, entries halted, back-off, rate budget); the
 * refusing leg gets its check's code and its twin ERR_LIVE_PAIR_REFUSED (or the same code
 * when it fails the same check); budgets are spent only for a pair that goes; hedges are
 * checked alone and pass an executor halt; remembered verdicts stay bounded.
 */
import t from 'tap';
import { ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, VENUE_BINANCE, VENUE_BYBIT } from '../../../src/core/records.js';
import { PreSendGate, type PreSendFilter } from '../../../src/execution/live/pre-send.js';
import {
  ERR_LIVE_BACKOFF, ERR_LIVE_BELOW_MIN, ERR_LIVE_ENTRIES_HALTED, ERR_LIVE_NOT_CONFIGURED, ERR_LIVE_PAIR_REFUSED, ERR_LIVE_RATE_LIMITED,
} from '../../../src/execution/live/live-errors.js';
import { newClientCounters, type VenueOrderClient } from '../../../src/execution/live/order-types.js';
import { OrderRateLimiter } from '../../../src/execution/live/rate-limiter.js';

function client(venue: number, backoffUntil = 0): VenueOrderClient {
  return { venue, counters: newClientCounters(), backoffUntilMs: () => backoffUntil, place: () => Promise.resolve() };
}

const F: PreSendFilter = { tickSize: 0.01, stepSize: 0.001, minNotional: 5 };

function gate(o: { filters?: Array<Record<string, PreSendFilter> | undefined>; backoff?: [number, number]; halted?: string | null; limiters?: Array<OrderRateLimiter | null> } = {}) {
  return new PreSendGate({
    symbols: ['BTCUSDT'], clients: [client(VENUE_BINANCE, o.backoff?.[0]), client(VENUE_BYBIT, o.backoff?.[1])],
    filters: o.filters ?? [{ BTCUSDT: F }, { BTCUSDT: F }], limiters: o.limiters ?? [null, null], entriesHalted: () => o.halted ?? null,
  });
}

/** Both legs of pair `p` (buy on Binance first), as the strategy publishes them. */
function pair(g: PreSendGate, p: number, px = 100, qty = 1, now = 1000): [number, number] {
  return [g.check(VENUE_BINANCE, 0, SIDE_BUY, px, qty, ROLE_LEG_BUY, p, now), g.check(VENUE_BYBIT, 0, SIDE_SELL, px, qty, ROLE_LEG_SELL, p, now)];
}

t.test('a pair that passes goes whole', async (t) => {
  t.same(pair(gate(), 1), [0, 0]);
});

t.test('no filter on one venue: that leg is not configured, its twin refused with it', async (t) => {
  t.same(pair(gate({ filters: [{ BTCUSDT: F }, {}] }), 1), [ERR_LIVE_PAIR_REFUSED, ERR_LIVE_NOT_CONFIGURED]);
});

t.test('below the minimum notional: both legs fail the same check', async (t) => {
  const g = gate();
  t.same(pair(g, 1, 100, 0.01), [ERR_LIVE_BELOW_MIN, ERR_LIVE_BELOW_MIN]);
  t.match(g.lastReason, /refused with its twin/);
});

t.test('one venue backing off: neither leg goes, in either order', async (t) => {
  t.same(pair(gate({ backoff: [0, 5000] }), 1), [ERR_LIVE_PAIR_REFUSED, ERR_LIVE_BACKOFF]);
  const g = gate({ backoff: [0, 5000] });
  t.same([g.check(VENUE_BYBIT, 0, SIDE_BUY, 100, 1, ROLE_LEG_BUY, 2, 1000), g.check(VENUE_BINANCE, 0, SIDE_SELL, 100, 1, ROLE_LEG_SELL, 2, 1000)],
    [ERR_LIVE_BACKOFF, ERR_LIVE_PAIR_REFUSED]);
});

t.test('entries halted: both legs refused; a hedge still goes', async (t) => {
  const g = gate({ halted: 'balance drift' });
  t.same(pair(g, 1), [ERR_LIVE_ENTRIES_HALTED, ERR_LIVE_ENTRIES_HALTED]);
  t.equal(g.check(VENUE_BYBIT, 0, SIDE_SELL, 100, 1, ROLE_HEDGE, 1, 1000), 0);
});

t.test('the rate budget is spent only for pairs that go', async (t) => {
  const bn = new OrderRateLimiter(3, 10_000);
  const by = new OrderRateLimiter(1, 10_000);
  const g = gate({ limiters: [bn, by] });
  t.same(pair(g, 1), [0, 0], 'the first pair takes Bybit\'s only slot');
  t.same(pair(g, 2), [ERR_LIVE_PAIR_REFUSED, ERR_LIVE_RATE_LIMITED], 'no slot left on Bybit: refused whole');
  t.ok(bn.canAcquire(1000), 'Binance\'s slot was not spent for the refused pair');
  t.equal(g.check(VENUE_BINANCE, 0, SIDE_BUY, 100, 1, ROLE_HEDGE, 0, 1000), 0, 'a single Binance order still fits');
  t.ok(bn.canAcquire(1000), 'one slot left: two spent in all (pair 1 and the hedge)');
});

t.test('verdicts waiting for a twin stay bounded', async (t) => {
  const g = gate();
  for (let p = 1; p <= 1000; p++) g.check(VENUE_BINANCE, 0, SIDE_BUY, 100, 1, ROLE_LEG_BUY, p, 1000);
  t.ok((g as unknown as { memo: Map<number, unknown> }).memo.size <= 256);
  t.equal(g.counters.pairs_checked, 1000);
});
