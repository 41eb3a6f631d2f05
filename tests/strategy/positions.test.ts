import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, ST_FILLED, ST_PARTIAL } from '../../src/core/records.js';
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

t.test('capital in flight is reserved: two symbols never spend the same quote', async (t) => {
  const cfg = baseConfig();
  cfg.strategy.symbols = ['BTCUSDT', 'ETHUSDT'];
  cfg.strategy.rebalance_threshold = 0.01; // no rebalancing skew in this test
  const filters = baseFilters();
  filters.binance!.ETHUSDT = { tickSize: 0.01, stepSize: 0.0001, minQty: 0.0001, minNotional: 5 };
  filters.bybit!.ETHUSDT = { tickSize: 0.01, stepSize: 0.0001, minQty: 0.0001, minNotional: 5 };
  const bal = baseBalances();
  bal.binance!.quote = 10000;
  bal.binance!.base.ETHUSDT = 10;
  bal.bybit!.base.ETHUSDT = 10;
  const sink = new RecordingSink();
  const s = new ArbitrageStrategy(cfg, filters, bal, sink, new RecordingEvents());
  const ETH = 1;
  s.onQuote(BINANCE, BTC, 29990, 0.5, 30000, 0.5, true, 0, 0, 0);
  s.onQuote(BYBIT, BTC, 30100, 0.3, 30110, 0.4, true, 0, 1 * MS, 1 * MS);
  t.match(sink.orders[0], { venue: BINANCE, side: SIDE_BUY, qty: 0.3, price: 30003 });
  // 0.3 × 30003 × 1.001 = 9009.9009 reserved on Binance while the buy leg is out.
  t.ok(near(s.availableQuote(BINANCE), 10000 - 9009.9009), `available ${s.availableQuote(BINANCE)}`);
  s.onQuote(BINANCE, ETH, 1999, 5, 2000, 5, true, 0, 2 * MS, 2 * MS);
  s.onQuote(BYBIT, ETH, 2010, 5, 2011, 5, true, 0, 3 * MS, 3 * MS);
  const eth = sink.orders[2]!;
  t.match(eth, { venue: BINANCE, side: SIDE_BUY, symbol: ETH });
  // What is left: 990.0991 / (2000.2 × 1.001) = 0.4945 ETH, down to the step.
  t.equal(eth.qty, 0.4945, 'ETH sized on the quote BTC has not claimed');
  // The BTC buy leg ends empty: its claim is released.
  s.onReport(1, 5 /* canceled */, 0, 0, 0, 0, ASSET_BASE, 0, 4 * MS);
  t.ok(near(s.availableQuote(BINANCE), 10000 - 0.4945 * 2000.2 * 1.001), `available ${s.availableQuote(BINANCE)}`);
  // A partial fill turns part of a claim into a balance move.
  s.onReport(eth.orderId, ST_PARTIAL, 2000, 0.2, 0.2, 0.0002, ASSET_BASE, 0, 5 * MS);
  t.ok(near(s.availableQuote(BINANCE), 10000 - 400 - 0.2945 * 2000.2 * 1.001), `available ${s.availableQuote(BINANCE)}`);
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
