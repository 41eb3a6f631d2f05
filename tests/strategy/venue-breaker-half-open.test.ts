/**
 * A reject-opened venue breaker lets one pair try after breaker_cooldown_ms (half-open) until
 * the venue answers it (docs/strategy.md, Venue circuit breaker). Every answer ends the try:
 * an accept closes the breaker, a reject starts a new cool-down, a rate-kind refusal (the
 * venue's rate limit, or the executor refusing the leg with its twin) starts a new cool-down
 * without counting, and a reconciliation verdict counts as the venue's answer. Review finding
 * F2 (session 6): the last two left the try flag set for good, so the venue never got another
 * entry.
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, ROLE_LEG_BUY, ROLE_LEG_SELL, ST_CANCELED, ST_REJECTED } from '../../src/core/records.js';
import { BINANCE, BYBIT, MS, rig, type Rig } from './harness.js';

function opened(): Rig {
  const r = rig((c) => { c.risk.breaker_rejects = 2; c.risk.breaker_cooldown_ms = 1000; });
  // Two pairs whose Bybit legs are rejected ('other' code): the Bybit breaker opens.
  for (let i = 0; i < 2; i++) {
    const before = r.sink.orders.length;
    pair(r, i * 10);
    for (const o of r.sink.orders.slice(before)) {
      if (o.venue === BYBIT) r.report(o.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, i * 10 + 1, -9999);
      else r.report(o.orderId, ST_CANCELED, 0, 0, 0, 0, ASSET_BASE, i * 10 + 1);
    }
  }
  return r;
}

function pair(r: Rig, ms: number): void {
  r.quote(BINANCE, 29990, 0.3, 30000, 0.3, ms);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.3, ms);
}

function legs(r: Rig, from: number) {
  return r.sink.orders.slice(from).filter((o) => o.role === ROLE_LEG_BUY || o.role === ROLE_LEG_SELL);
}

t.test('a half-open try rejected with a rate-kind code (-9109 refused with its twin) blocks the venue for good', async (t) => {
  const r = opened();
  t.ok(r.strat.breakerOpen(BYBIT), 'open on consecutive rejects');
  const before = r.sink.orders.length;
  pair(r, 1100); // cool-down over: the half-open try
  const tried = legs(r, before);
  t.equal(tried.length, 2, 'one pair tries');
  // The live executor's pre-send refuses the pair whole: Binance's leg failed its own check
  // (-9101, back-off), Bybit's is refused with its twin (-9109).
  for (const o of tried) r.report(o.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, 1101, o.venue === BYBIT ? -9109 : -9101);
  t.equal(r.strat.liveOrders, 0, 'both answered');
  // Long after any cool-down, a fresh opportunity through Bybit.
  const later = r.sink.orders.length;
  for (let ms = 2000; ms <= 200_000; ms += 1000) { r.timer(ms); }
  pair(r, 200_000);
  t.equal(legs(r, later).length, 2, `Bybit gets another try after its cool-down (breaker open: ${r.strat.breakerOpen(BYBIT)}, skipBreaker ${r.strat.stats.skipBreaker})`);
});

t.test('a half-open try settled by a reconciliation verdict (its reports lost) blocks the venue for good', async (t) => {
  const r = opened();
  const before = r.sink.orders.length;
  pair(r, 1100);
  const tried = legs(r, before);
  t.equal(tried.length, 2, 'one pair tries');
  // No report comes; the legs go unknown and the venue's word arrives as verdicts: both IOCs
  // expired unfilled at the venue (accepted orders).
  for (let ms = 1200; ms <= 4000; ms += 100) r.timer(ms);
  t.equal(r.strat.unknownOrders, 2, 'both legs unknown');
  for (const o of tried) t.ok(r.strat.reconcileOrder(o.orderId, ST_CANCELED, 0, 0, 0, o.venue === BYBIT ? ASSET_QUOTE : ASSET_BASE, 4100 * MS), 'verdict applied');
  t.equal(r.strat.liveOrders, 0, 'both settled');
  t.equal(r.strat.round(0).state, 'idle', 'round closed');
  const later = r.sink.orders.length;
  for (let ms = 5000; ms <= 200_000; ms += 1000) r.timer(ms);
  pair(r, 200_000);
  t.equal(legs(r, later).length, 2, `Bybit trades again (breaker open: ${r.strat.breakerOpen(BYBIT)}, skipBreaker ${r.strat.stats.skipBreaker})`);
});
