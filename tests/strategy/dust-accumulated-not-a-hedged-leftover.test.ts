/**
 * Invariant: once a crashed run's leftover exposure has been adopted and hedged
 * (execution.live.leftover_exposure = adopt, RoundLifecycle.adoptLeftover), the strategy never
 * trades it back: the next round closing with a dust residual must not open an opposite round
 * of the leftover's size.
 * Session-6 review (fixed): was hedgeAccumulatedDust (src/strategy/round-lifecycle.ts, "private hedgeAccumulatedDust")
 * measures "exposure" as Positions.netExposure (src/strategy/positions.ts:62: balances minus the
 * balances at start). The leftover is already in the start balances, so hedging it moves
 * netExposure to -leftover; the first dust close after that reads -leftover as accumulated dust
 * and "hedges" it: it buys the whole leftover back, re-creating the crashed run's exposure
 * (and would do it again after every later dust close if the buy is then re-hedged).
 */
import t from 'tap';
import { ASSET_QUOTE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, ROLE_UNWIND, SIDE_BUY, ST_CANCELED, ST_FILLED, ST_PARTIAL } from '../../src/core/records.js';
import { BINANCE, BTC, BYBIT, MS, rig } from './harness.js';

t.test('a hedged leftover is not bought back by the dust rule at the next dust close', async (t) => {
  const r = rig((c) => { c.risk.max_orders_per_second = 1e6; });
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  r.quote(BYBIT, 29995, 0.5, 30005, 0.5, 1);
  // A crashed run left 0.2 BTC long (already in the start balances): adopted, hedged by a sell.
  t.equal(r.strat.adoptLeftover(BTC, 0.2, 30010, false, 2 * MS), true);
  const hedge = r.sink.orders[0]!;
  t.match(hedge, { role: ROLE_HEDGE, qty: 0.2 });
  r.report(hedge.orderId, ST_FILLED, hedge.price, 0.2, 0.2, 0, ASSET_QUOTE, 3);
  t.equal(r.strat.openRounds(), 0, 'the leftover round closed: the crashed run\'s exposure is gone');
  t.ok(Math.abs(r.strat.positions.netExposure(BTC) + 0.2) < 1e-9, 'netExposure now reads -0.2 (start balances held the leftover)');

  // One ordinary round that leaves 0.0001 BTC of dust (≈ 3 USDT, below every minimum).
  const before = r.sink.orders.length;
  r.quote(BINANCE, 29990, 0.3, 30000, 0.3, 1000);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.3, 1001);
  const legs = r.sink.orders.slice(before).filter((o) => o.role === ROLE_LEG_BUY || o.role === ROLE_LEG_SELL);
  t.equal(legs.length, 2, 'a pair went out');
  const [buy, sell] = legs;
  r.report(buy!.orderId, ST_FILLED, buy!.price, buy!.qty, buy!.qty, 0, ASSET_QUOTE, 1002);
  const sq = Math.round((sell!.qty - 0.0001) * 1e6) / 1e6;
  r.report(sell!.orderId, ST_PARTIAL, sell!.price, sq, sq, 0, ASSET_QUOTE, 1003);
  r.report(sell!.orderId, ST_CANCELED, 0, 0, sq, 0, ASSET_QUOTE, 1003);
  r.quote(BYBIT, 29995, 0.5, 30005, 0.5, 1004);
  for (let k = 1; k <= 10; k++) r.timer(1004 + k * 50);

  const buyBack = r.sink.orders.slice(before).filter((o) => (o.role === ROLE_HEDGE || o.role === ROLE_UNWIND) && o.side === SIDE_BUY);
  t.same(buyBack.map((o) => o.qty), [], 'no hedge buys the hedged leftover back');
  t.equal(r.strat.stats.dustAdopted, 0, '0.0001 BTC of dust is not a tradable exposure');
});
