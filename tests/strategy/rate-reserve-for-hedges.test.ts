/**
 * Session-6 review finding (fixed; this was the defect): new entries and hedges share one order-rate budget
 * (risk.max_orders_per_second, default 2), first come first served. The order table keeps
 * slots for hedges ("a full table ... never a silent freeze of hedges", issue #12), the rate
 * limiter keeps none: a pair needs 2 and a hedge 1, so whenever the window frees, whichever is
 * evaluated first takes it. In the strategy thread the feed's quotes are drained before the
 * 1 ms timer (strategy-agent.ts doWork), so another symbol's fresh opportunity takes the freed
 * budget before the waiting hedge's timer step, second after second. The legged round waits
 * (RES_WAIT), goes to unwinding at hedge_timeout_ms, waits UNWIND_WAIT_NS more, and is
 * abandoned: the whole residual is left open to the operator (halt unwind_failed) while both
 * venues were healthy and the other symbol kept trading.
 *
 * Root cause: Decision.tryOpen (src/strategy/decision.ts, `gates.rateOk(s, 2, ...)`) checks the
 * same OrderRateLimiter as RoundLifecycle.sendResidualOrder (`x.limiter.canSend(1, nowNs)`)
 * with no room held for residual orders while any round has one waiting.
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, ST_FILLED, ST_REJECTED } from '../../src/core/records.js';
import { BINANCE, BTC, BYBIT, MS, twoSymbols } from './harness.js';

const ETH = 1;

t.test('a hedge waiting for the order-rate budget gets it before another symbol\'s entries: the round is hedged, not abandoned', async (t) => {
  const { s, sink } = twoSymbols((c) => { c.risk.max_orders_per_second = 2; });
  const q = (v: number, sym: number, bid: number, ask: number, ms: number): void => s.onQuote(v, sym, bid, 0.3, ask, 0.3, true, 0, ms * MS, ms * MS);
  // BTC pair at t = 0: the buy fills, the sell is rejected (filter): 0.3 BTC long to hedge.
  q(BINANCE, BTC, 29990, 30000, 0);
  q(BYBIT, BTC, 30100, 30110, 0);
  t.equal(sink.orders.length, 2, 'the BTC pair went out');
  s.onReport(1, ST_FILLED, 30003, 0.3, 0.3, 0, ASSET_BASE, 0, 5 * MS);
  s.onReport(2, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, -1013, 5 * MS);
  // Each second, as the window frees, an ETH dislocation arrives a millisecond before the
  // next timer step; its pair fills at once and the spread closes. Timer every 10 ms (at 5 ms
  // past each 10, so at k·1000 + 1 the ETH quote comes first).
  for (let ms = 5; ms <= 8000; ms += 10) {
    if (ms % 1000 === 5) {
      const at = ms - 4;
      const before = sink.orders.length;
      q(BINANCE, ETH, 1999, 2000, at);
      q(BYBIT, ETH, 2010, 2011, at);
      for (const o of sink.orders.slice(before)) s.onReport(o.orderId, ST_FILLED, o.price, o.qty, o.qty, 0, o.side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, 0, (at + 1) * MS);
      q(BYBIT, ETH, 1999, 2000, at + 2);
    }
    s.onTimer(ms * MS);
  }
  const ethPairs = sink.orders.filter((o) => o.symbol === ETH).length / 2;
  t.ok(ethPairs >= 4, `ETH kept trading (${ethPairs} pairs)`);
  t.ok(s.stats.hedgesSent + s.stats.unwindsSent > 0, `the BTC residual got a hedge or an unwind out (hedges ${s.stats.hedgesSent}, unwinds ${s.stats.unwindsSent}, rate denials ${s.riskCounters.rateLimitDenials})`);
  t.not(s.round(BTC).state, 'abandoned', `the BTC round is not abandoned to the operator (halts: ${s.haltReason || 'none'})`);
});
