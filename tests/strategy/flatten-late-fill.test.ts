/**
 * Session-6 review finding (fixed; this was the defect): during flatten() (shutdown, POST /flatten) every open round is
 * to unwind ("flatten() halts and switches every open round to unwind", docs/strategy.md;
 * StrategyContext.flattening: "residuals unwind, legs that finish go straight to unwinding").
 * A late fill that re-opens a round's residual sends the round from unwinding back to hedging
 * (RoundLifecycle.onFill, src/strategy/round-lifecycle.ts: `transition(r, RS_HEDGING, 'a late
 * fill re-opened the residual')`, which never looks at x.flattening), so the shutdown's
 * residual goes out as an ordinary hedge at 1× slippage_tolerance, and only after
 * hedge_timeout_ms as an unwind. Small money (one narrow IOC and a delay), but the shutdown
 * contract is broken.
 */
import t from 'tap';
import { ASSET_QUOTE, ROLE_UNWIND, ST_FILLED } from '../../src/core/records.js';
import { MS, openPair, rig } from './harness.js';

t.test('flatten: a late fill re-opening a residual is unwound, not hedged', async (t) => {
  const r = rig();
  openPair(r, 0); // 1: buy 0.3 Binance, 2: sell 0.3 Bybit
  r.report(1, ST_FILLED, 30003, 0.3, 0.3, 0, ASSET_QUOTE, 2);
  for (let ms = 10; ms <= 520; ms += 10) r.timer(ms); // twin silent: hedged after hedge_timeout_ms
  const hedge = r.sink.orders[2]!;
  r.report(hedge.orderId, ST_FILLED, hedge.price, hedge.qty, hedge.qty, 0, ASSET_QUOTE, 530);
  r.strat.flatten(600 * MS);
  t.equal(r.strat.round(0).state, 'unwinding', 'flatten: the round unwinds');
  r.report(2, ST_FILLED, 30096.9, 0.3, 0.3, 0, ASSET_QUOTE, 700); // the twin's late fill: 0.3 short now
  const next = r.sink.orders.slice(3);
  t.equal(next.length, 1, 'one order closes the re-opened residual');
  t.equal(r.strat.round(0).state, 'unwinding', `still unwinding while flattening (is ${r.strat.round(0).state})`);
  t.equal(next[0]?.role, ROLE_UNWIND, `sent as an unwind (role ${next[0]?.role}, price ${next[0]?.price})`);
});
