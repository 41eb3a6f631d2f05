import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, SIDE_SELL, ST_FILLED, ST_PARTIAL } from '../../src/core/records.js';
import { StrategyConfigError } from '../../src/strategy/config.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import { BINANCE, BTC, BYBIT, MS, RecordingEvents, RecordingSink, baseBalances, baseConfig, baseFilters, rig } from './harness.js';

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

t.test('a full round: balances, fees in the received asset, PnL to the cent', async (t) => {
  const r = rig();
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1);
  // buy 0.3 BTC on Binance at 30000 in two fills; fee 10 bps in BTC
  r.report(1, ST_PARTIAL, 30000, 0.1, 0.1, 0.0001, ASSET_BASE, 2);
  r.report(1, ST_FILLED, 30000, 0.2, 0.3, 0.0002, ASSET_BASE, 3);
  // sell 0.3 BTC on Bybit at 30100; fee 10 bps in USDT = 9.03
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 9.03, ASSET_QUOTE, 5);
  const p = r.strat.positions;
  t.ok(near(p.quote(BINANCE), 100000 - 9000));
  t.ok(near(p.base(BINANCE, BTC), 1 + 0.3 - 0.0003));
  t.ok(near(p.quote(BYBIT), 100000 + 9030 - 9.03));
  t.ok(near(p.base(BYBIT, BTC), 0.7));
  t.ok(near(p.netExposure(BTC), -0.0003));
  const closed = r.ev.of('round_closed');
  t.equal(closed.length, 1);
  // 9030 − 9000 − 0.0003 × 30000 − 9.03 = 11.97
  t.ok(near(closed[0]!.pnl, 11.97), `pnl ${closed[0]!.pnl}`);
  t.equal(closed[0]!.leggingPnl, 0);
  t.ok(near(closed[0]!.fees, 18.03));
  t.equal(closed[0]!.holdingNs, 4 * MS, 'opened at 1 ms, closed at 5 ms');
  t.equal(closed[0]!.openResidual, 0);
  t.ok(near(r.strat.pnl.realized, 11.97));
  t.ok(near(r.strat.pnl.fees, 18.03));
  t.equal(r.strat.stats.roundsClosed, 1);
  t.equal(r.strat.stats.roundsWon, 1);
  t.equal(r.strat.stats.leggedRounds, 0);
  t.equal(r.strat.liveOrders, 0);
});

t.test('inventory low: the direction that drains it pauses, the other trades and refills it', async (t) => {
  const r = rig((_c, _f, bal) => {
    bal.binance!.quote = 10000; // low below 1000
  });
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1);
  r.report(1, ST_FILLED, 30003, 0.3, 0.3, 0, ASSET_BASE, 2); // 10000 − 9000.9 = 999.1
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 2);
  t.match(r.ev.of('inventory_low'), [{ venue: BINANCE, asset: ASSET_QUOTE, symbol: -1, threshold: 1000 }]);
  t.equal(r.strat.stats.inventoryLowEvents, 1);
  t.ok(r.strat.directionPaused(BTC, BINANCE, BYBIT));
  t.notOk(r.strat.directionPaused(BTC, BYBIT, BINANCE));
  r.quote(BYBIT, 30101, 0.3, 30110, 0.4, 3);
  t.equal(r.sink.orders.length, 2, 'buy-on-Binance is paused');
  t.equal(r.strat.stats.skipInventoryBias, 1);
  // the other way round: buy on Bybit, sell on Binance (brings quote back to Binance)
  r.quote(BYBIT, 29990, 0.5, 30000, 0.5, 4);
  r.quote(BINANCE, 30100, 0.2, 30110, 0.4, 5);
  const o = r.sink.orders;
  t.equal(o.length, 4);
  t.match(o[2], { venue: BYBIT, side: SIDE_BUY });
  t.match(o[3], { venue: BINANCE, side: SIDE_SELL, qty: 0.2 });
  r.report(3, ST_FILLED, 30000, 0.2, 0.2, 0, ASSET_BASE, 6);
  r.report(4, ST_FILLED, 30100, 0.2, 0.2, 0, ASSET_QUOTE, 6);
  t.match(r.ev.of('inventory_ok'), [{ venue: BINANCE, asset: ASSET_QUOTE }]);
  t.notOk(r.strat.directionPaused(BTC, BINANCE, BYBIT));
  t.equal(r.ev.of('inventory_low').length, 1, 'emitted once per crossing');
});

t.test('equity marks base at each venue\'s mid', async (t) => {
  const r = rig();
  t.ok(Number.isNaN(r.strat.equity()), 'no prices yet');
  r.quote(BINANCE, 29995, 1, 30005, 1, 0);
  t.equal(r.strat.equity(), 200000 + 2 * 30000, 'Bybit base valued at Binance mid until Bybit quotes');
  r.quote(BYBIT, 30995, 1, 31005, 1, 1);
  t.equal(r.strat.equity(), 200000 + 30000 + 31000);
});

t.test('bad configuration fails with a message naming the key', async (t) => {
  const sink = new RecordingSink();
  const ev = new RecordingEvents();
  const cfg = baseConfig();
  (cfg.risk as unknown as Record<string, unknown>).stale_book_ms = 'soon';
  t.throws(() => new ArbitrageStrategy(cfg, baseFilters(), baseBalances(), sink, ev), new StrategyConfigError('risk.stale_book_ms must be a finite number (got "soon")'));
  const filters = baseFilters();
  delete filters.bybit!.BTCUSDT;
  t.throws(() => new ArbitrageStrategy(baseConfig(), filters, baseBalances(), sink, ev), /no symbol filters for bybit BTCUSDT/);
  const one = baseConfig();
  one.risk.max_orders_per_second = 1;
  t.throws(() => new ArbitrageStrategy(one, baseFilters(), baseBalances(), sink, ev), /max_orders_per_second = 1 is outside/);
});
