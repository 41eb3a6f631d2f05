import t from 'tap';
import { ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, TIF_IOC } from '../../src/core/records.js';
import { BINANCE, BTC, BYBIT, MS, rig } from './harness.js';

// Base config: taker fees 10 bps on both venues, slippage_tolerance 0.0002 (2 bps),
// min_spread_bps 10. Binance tick 0.01 / step 0.00001; Bybit tick 0.1 / step 0.000001.

t.test('buy on Binance, sell on Bybit: both legs out together as IOC with one pair id', async (t) => {
  const r = rig();
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  t.equal(r.sink.calls.length, 0, 'one venue alone is no opportunity');
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1);
  // edge = (30100·0.999 − 30000·1.001)/30000·1e4 − 2 = 11.3 bps ≥ 10
  t.same(r.sink.calls, [
    { kind: 'new', orderId: 1, pairId: 1, venue: BINANCE, symbol: BTC, side: SIDE_BUY, price: 30003, qty: 0.3, tif: TIF_IOC, role: ROLE_LEG_BUY, decisionNs: 1 * MS, deadlineNs: 1001 * MS, tickRecvNs: 1 * MS, tickExchMs: 1_700_000_000_001 },
    { kind: 'new', orderId: 2, pairId: 1, venue: BYBIT, symbol: BTC, side: SIDE_SELL, price: 30096.9, qty: 0.3, tif: TIF_IOC, role: ROLE_LEG_SELL, decisionNs: 1 * MS, deadlineNs: 1001 * MS, tickRecvNs: 1 * MS, tickExchMs: 1_700_000_000_001 },
  ], 'buy limit = ask·(1+1bp) up to the tick, sell limit = bid·(1−1bp) down to the tick, qty = smaller touch size');
  t.equal(r.strat.stats.pairsSent, 1);
  const opened = r.ev.of('round_opened');
  t.equal(opened.length, 1);
  t.ok(Math.abs(opened[0]!.edgeBps - 11.3) < 1e-9);
});

t.test('buy on Bybit, sell on Binance', async (t) => {
  const r = rig();
  r.quote(BYBIT, 29990, 1, 30000, 0.25, 0);
  r.quote(BINANCE, 30100, 0.4, 30110, 1, 1);
  const o = r.sink.orders;
  t.equal(o.length, 2);
  t.match(o[0], { venue: BYBIT, side: SIDE_BUY, price: 30003, qty: 0.25, role: ROLE_LEG_BUY });
  t.match(o[1], { venue: BINANCE, side: SIDE_SELL, price: 30096.99, qty: 0.25, role: ROLE_LEG_SELL });
});

t.test('while a pair is open on a symbol, no new pair on it', async (t) => {
  const r = rig();
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1);
  r.quote(BYBIT, 30101, 0.3, 30110, 0.4, 2);
  t.equal(r.sink.orders.length, 2);
  t.equal(r.strat.stats.skipPairOpen, 1);
});

t.test('fees that eat the spread: no trade', async (t) => {
  // gross 15 bps, fees 20 bps → negative edge
  const r = rig();
  r.quote(BINANCE, 29990, 1, 30000, 1, 0);
  r.quote(BYBIT, 30045, 1, 30055, 1, 1);
  t.equal(r.sink.calls.length, 0);
  t.equal(r.strat.stats.opportunities, 0);
  // the same books without fees trade
  const z = rig((cfg) => {
    cfg.fees.binance_taker_bps = 0;
    cfg.fees.bybit_taker_bps = 0;
  });
  z.quote(BINANCE, 29990, 1, 30000, 1, 0);
  z.quote(BYBIT, 30045, 1, 30055, 1, 1);
  t.equal(z.sink.orders.length, 2);
});

t.test('an edge exactly at min_spread_bps trades; just under does not', async (t) => {
  const noCosts = () =>
    rig((cfg) => {
      cfg.fees.binance_taker_bps = 0;
      cfg.fees.bybit_taker_bps = 0;
      cfg.execution.slippage_tolerance = 0;
    });
  const at = noCosts();
  at.quote(BINANCE, 29990, 1, 30000, 1, 0);
  at.quote(BYBIT, 30030, 1, 30040, 1, 1); // exactly 10 bps
  t.equal(at.sink.orders.length, 2);
  t.match(at.sink.orders[0], { price: 30000 });
  t.match(at.sink.orders[1], { price: 30030 });
  const under = noCosts();
  under.quote(BINANCE, 29990, 1, 30000, 1, 0);
  under.quote(BYBIT, 30029.9, 1, 30040, 1, 1); // 9.97 bps
  t.equal(under.sink.calls.length, 0);
});

t.test('min notional failing on either leg: no order at all', async (t) => {
  // qty 0.001 → ~30 USDT per leg
  const sellFails = rig((_c, f) => {
    f.binance!.BTCUSDT!.minNotional = 1;
    f.bybit!.BTCUSDT!.minNotional = 50;
  });
  sellFails.quote(BINANCE, 29990, 1, 30000, 0.001, 0);
  sellFails.quote(BYBIT, 30100, 1, 30110, 1, 1);
  t.equal(sellFails.sink.calls.length, 0, 'the buy leg alone is never sent');
  t.equal(sellFails.strat.stats.skipMinNotional, 1);

  const buyFails = rig((_c, f) => {
    f.binance!.BTCUSDT!.minNotional = 50;
    f.bybit!.BTCUSDT!.minNotional = 1;
  });
  buyFails.quote(BINANCE, 29990, 1, 30000, 0.001, 0);
  buyFails.quote(BYBIT, 30100, 1, 30110, 1, 1);
  t.equal(buyFails.sink.calls.length, 0);
  t.equal(buyFails.strat.stats.skipMinNotional, 1);
});

t.test('min qty failing on either venue: no order, counted', async (t) => {
  const r = rig((_c, f) => {
    f.bybit!.BTCUSDT!.minQty = 0.01;
    f.binance!.BTCUSDT!.minNotional = 0;
    f.bybit!.BTCUSDT!.minNotional = 0;
  });
  r.quote(BINANCE, 29990, 1, 30000, 0.005, 0);
  r.quote(BYBIT, 30100, 1, 30110, 1, 1);
  t.equal(r.sink.calls.length, 0);
  t.equal(r.strat.stats.skipMinQty, 1);
});

t.test('prices snap to each venue\'s tick, quantity to the coarser step', async (t) => {
  const wide = (cfg: { execution: { slippage_tolerance: number } }) => {
    cfg.execution.slippage_tolerance = 0.001; // limits widened 5 bps each side
  };
  const a = rig(wide);
  a.quote(BINANCE, 29990, 1, 30000.01, 0.1234567, 0);
  a.quote(BYBIT, 30200, 0.5, 30210, 1, 1);
  t.match(a.sink.orders[0], { venue: BINANCE, price: 30015.02, qty: 0.12345 }, '30015.015005 up to 0.01; qty down to 0.00001');
  t.match(a.sink.orders[1], { venue: BYBIT, price: 30184.9, qty: 0.12345 }, '30184.9 down to 0.1');

  const b = rig((cfg) => wide(cfg));
  b.quote(BYBIT, 29990, 1, 30000.1, 0.0987654321, 0);
  b.quote(BINANCE, 30200.55, 1, 30210, 1, 1);
  t.match(b.sink.orders[0], { venue: BYBIT, price: 30015.2, qty: 0.09876 }, '30015.10005 up to 0.1');
  t.match(b.sink.orders[1], { venue: BINANCE, price: 30185.44, qty: 0.09876 }, '30185.449725 down to 0.01');

  const c = rig((cfg, f) => {
    wide(cfg);
    f.bybit!.BTCUSDT!.stepSize = 0.001;
  });
  c.quote(BINANCE, 29990, 1, 30000.01, 0.1234567, 0);
  c.quote(BYBIT, 30200, 0.5, 30210, 1, 1);
  t.equal(c.sink.orders[0]!.qty, 0.123, 'Bybit\'s step is now the coarser one');
  t.equal(c.sink.orders[1]!.qty, 0.123);
});

t.test('size is capped by max_position_size, max_notional_per_trade and inventory', async (t) => {
  const byPos = rig((cfg) => {
    cfg.strategy.max_position_size = 0.05;
  });
  byPos.quote(BINANCE, 29990, 5, 30000, 5, 0);
  byPos.quote(BYBIT, 30100, 5, 30110, 5, 1);
  t.equal(byPos.sink.orders[0]!.qty, 0.05);

  const byNotional = rig((cfg) => {
    cfg.risk.max_notional_per_trade = 3000; // / max(30003, 30096.9) = 0.09967...
  });
  byNotional.quote(BINANCE, 29990, 5, 30000, 5, 0);
  byNotional.quote(BYBIT, 30100, 5, 30110, 5, 1);
  t.equal(byNotional.sink.orders[0]!.qty, 0.09967);

  // (rebalance_threshold tiny: a venue this short of an asset would otherwise skew its edge)
  const byBase = rig((cfg, _f, bal) => {
    cfg.strategy.rebalance_threshold = 0.001;
    bal.bybit!.base.BTCUSDT = 0.02;
  });
  byBase.quote(BINANCE, 29990, 5, 30000, 5, 0);
  byBase.quote(BYBIT, 30100, 5, 30110, 5, 1);
  t.equal(byBase.sink.orders[0]!.qty, 0.02, 'cannot sell more base than Bybit holds');

  const byQuote = rig((cfg, _f, bal) => {
    cfg.strategy.rebalance_threshold = 0.001;
    bal.binance!.quote = 600; // 600 / (30003 · 1.001) = 0.019978...
  });
  byQuote.quote(BINANCE, 29990, 5, 30000, 5, 0);
  byQuote.quote(BYBIT, 30100, 5, 30110, 5, 1);
  t.equal(byQuote.sink.orders[0]!.qty, 0.01997, 'cannot spend more quote (with the fee) than Binance holds');

  const none = rig((cfg, _f, bal) => {
    cfg.strategy.rebalance_threshold = 0.001;
    bal.bybit!.base.BTCUSDT = 0;
  });
  none.quote(BINANCE, 29990, 5, 30000, 5, 0);
  none.quote(BYBIT, 30100, 5, 30110, 5, 1);
  t.equal(none.sink.calls.length, 0);
  t.equal(none.strat.stats.skipInventoryBias, 1, 'a venue with none of the asset is as low as can be: the draining direction needs the full skew');
});

t.test('a full sink on the first leg sends nothing; on the second, the lone leg is hedged', async (t) => {
  const first = rig();
  first.sink.answers = [false];
  first.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  first.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1);
  t.equal(first.strat.stats.sinkFull, 1);
  t.equal(first.strat.openRounds(), 0);

  const second = rig();
  second.sink.answers = [true, false];
  second.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  second.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1);
  t.equal(second.strat.openRounds(), 1);
  second.report(1, 4 /* ST_FILLED */, 30000, 0.3, 0.3, 0, 0, 2);
  const hedge = second.sink.orders[2]!;
  // The refused leg got no id: ids go to orders that went out.
  t.match(hedge, { orderId: 2, pairId: 1, venue: BYBIT, side: SIDE_SELL, qty: 0.3 });
});
