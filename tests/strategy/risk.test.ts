import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, BOOK_REASON_GAP, BOOK_REASON_SYNCED, ROLE_HEDGE, ROLE_UNWIND, SIDE_SELL, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_REJECTED } from '../../src/core/records.js';
import { BINANCE, BTC, BYBIT, MS, rig, type Rig } from './harness.js';

/** Quotes that open a 0.3 pair: buy Binance @30003, sell Bybit @30096.9 (orders 1, 2). */
function openPair(r: Rig, ms: number): void {
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, ms);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, ms + 1);
}

t.test('stale book: no trade, one event while it lasts, counted per denial', async (t) => {
  const r = rig();
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1500); // Binance is 1500 ms old (limit 1000)
  r.quote(BYBIT, 30101, 0.3, 30110, 0.4, 1600);
  t.equal(r.sink.calls.length, 0);
  t.equal(r.strat.riskCounters.staleBookDenials, 2);
  const ev = r.ev.of('risk_breach');
  t.equal(ev.length, 1);
  t.match(ev[0], { rule: 'stale_book', action: 'deny', symbol: BTC, detail: 'binance BTCUSDT book is 1500 ms old (limit 1000 ms)' });
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 1700);
  t.equal(r.sink.orders.length, 2, 'a fresh quote trades again');
});

t.test('unusable book (quote flag or book-state record): no trade', async (t) => {
  const r = rig();
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0, false);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, 1);
  t.equal(r.sink.calls.length, 0);
  t.equal(r.strat.riskCounters.unusableBookDenials, 1);
  t.match(r.ev.of('risk_breach')[0], { rule: 'unusable_book', action: 'deny' });

  const s = rig();
  s.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  s.strat.onBookState(BYBIT, BTC, false, BOOK_REASON_GAP, 0);
  s.quote(BINANCE, 29990, 0.5, 30000, 0.5, 1);
  s.strat.onBookState(BYBIT, BTC, false, BOOK_REASON_GAP, 1);
  s.quote(BYBIT, 30100, 0.3, 30110, 0.4, 2, false);
  t.equal(s.sink.calls.length, 0);
  s.strat.onBookState(BYBIT, BTC, true, BOOK_REASON_SYNCED, 3);
  s.quote(BINANCE, 29990, 0.5, 30000, 0.5, 4);
  t.equal(s.sink.orders.length, 2, 'usable again → trades');
});

t.test('max drawdown: equity falls 5% below its peak → halt, no new rounds until resume', async (t) => {
  const r = rig();
  // no opportunity, mid 30000 on both: equity = 2 × 100000 + 2 × 30000 = 260000
  r.quote(BINANCE, 29995, 1, 30005, 1, 0);
  r.quote(BYBIT, 29995, 1, 30005, 1, 1);
  r.timer(2);
  t.equal(r.strat.drawdown.startEquity, 260000);
  r.quote(BINANCE, 23995, 1, 24005, 1, 3);
  r.quote(BYBIT, 23995, 1, 24005, 1, 4);
  r.timer(5); // 248000: 4.6% — still fine
  t.notOk(r.strat.isHalted);
  r.quote(BINANCE, 22995, 1, 23005, 1, 6);
  r.quote(BYBIT, 22995, 1, 23005, 1, 7);
  r.timer(8); // 246000: 5.38%
  t.ok(r.strat.isHalted);
  t.equal(r.strat.haltReason, 'max_drawdown');
  t.equal(r.strat.riskCounters.drawdownHalts, 1);
  t.match(r.ev.of('risk_breach').filter((e) => e.rule === 'max_drawdown'), [{ action: 'halt', symbol: -1 }]);
  t.match(r.ev.of('halt'), [{ reason: 'max_drawdown' }]);
  r.quote(BYBIT, 23100, 0.3, 23110, 0.4, 9); // an opportunity, denied
  t.equal(r.sink.calls.length, 0);
  t.equal(r.strat.stats.skipHalted, 1);
  r.strat.resume(10 * MS);
  t.equal(r.ev.of('resume').length, 1);
  r.quote(BYBIT, 23100, 0.3, 23110, 0.4, 11);
  t.equal(r.sink.orders.length, 2, 'resume re-bases the peak and trades again');
});

t.test('stop loss: residual marked adverse by ≥ stop_loss_bps → unwind at once', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0.0003, ASSET_BASE, 2);
  r.report(2, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, 2, -2010);
  t.match(r.sink.orders[2], { orderId: 3, venue: BYBIT, side: SIDE_SELL, price: 30093.9, qty: 0.3, role: ROLE_HEDGE });
  r.quote(BYBIT, 29800, 1, 29810, 1, 3); // best bid now Binance 29990: 3.3 bps, no stop
  t.equal(r.strat.riskCounters.stopLossTriggers, 0);
  r.quote(BINANCE, 29840, 1, 29850, 1, 4); // best bid 29840: 53.3 bps adverse
  t.equal(r.strat.riskCounters.stopLossTriggers, 1);
  t.match(r.ev.of('risk_breach'), [{ rule: 'stop_loss', action: 'unwind', symbol: BTC }]);
  r.report(3, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 5); // the in-flight hedge ends empty
  t.match(r.sink.orders[3], { orderId: 4, pairId: 1, venue: BINANCE, side: SIDE_SELL, price: 29816.12, qty: 0.3, role: ROLE_UNWIND },
    'unwind on the best bid, 4 × slippage (8 bps) through it');
  t.equal(r.ev.of('unwind_sent').length, 1);
});

t.test('position limit caps the size, and denies when exposure leaves no room', async (t) => {
  const cap = rig((cfg) => {
    cfg.risk.position_limit = 0.2;
  });
  openPair(cap, 0);
  t.equal(cap.sink.orders[0]!.qty, 0.2, 'one failed leg could leave the whole size as exposure');

  // A sell leg that went silent, was hedged, then filled after all: net short 0.3.
  const r = rig((cfg) => {
    cfg.risk.position_limit = 0.3;
  });
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.timer(1001); // deadline: cancel the silent sell leg
  t.match(r.sink.cancels, [{ orderId: 2, venue: BYBIT, symbol: BTC, nowNs: 1001 * MS }]);
  r.timer(2001); // no answer to the cancel either: treated as expired, residual hedged
  t.equal(r.strat.riskCounters.forcedExpiries, 1);
  t.match(r.sink.orders[2], { orderId: 3, side: SIDE_SELL, qty: 0.3, role: ROLE_HEDGE });
  r.report(3, ST_FILLED, 30095, 0.3, 0.3, 0, ASSET_QUOTE, 2002);
  t.equal(r.strat.openRounds(), 0);
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 2003); // the late fill
  t.equal(r.strat.stats.lateFills, 1);
  t.equal(r.ev.of('late_fill').length, 1);
  t.ok(Math.abs(r.strat.positions.netExposure(BTC) + 0.3) < 1e-12);
  openPair(r, 2100);
  t.equal(r.sink.orders.length, 3, 'no new pair');
  t.equal(r.strat.riskCounters.positionLimitDenials, 1);
  t.match(r.ev.of('risk_breach').filter((e) => e.rule === 'position_limit'), [{ action: 'deny', symbol: BTC }]);
});

t.test('order rate limit: a sliding one-second window', async (t) => {
  const r = rig((cfg) => {
    cfg.risk.max_orders_per_second = 2;
  });
  openPair(r, 0); // orders at 1 ms
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 2);
  openPair(r, 100); // two quotes, two opportunities, both denied
  t.equal(r.sink.orders.length, 2);
  t.equal(r.strat.riskCounters.rateLimitDenials, 2);
  t.match(r.ev.of('risk_breach'), [{ rule: 'rate_limit', action: 'deny' }]);
  openPair(r, 1001); // the 1 ms sends left the window at 1001 ms
  t.equal(r.sink.orders.length, 4);
});

t.test('price band: an order price too far from the other venue\'s mid is denied', async (t) => {
  const r = rig((cfg) => {
    cfg.risk.price_band_bps = 20; // buy 30003 vs Bybit mid 30105 is 33.9 bps away
  });
  openPair(r, 0);
  t.equal(r.sink.calls.length, 0);
  t.equal(r.strat.riskCounters.priceBandDenials, 1);
  t.match(r.ev.of('risk_breach'), [{ rule: 'price_band', action: 'deny', detail: /band 20 bps/ }]);
});

t.test('kill switch: halt() stops new rounds, resume() lifts it', async (t) => {
  const r = rig();
  r.strat.halt('operator pressed the button', 0);
  t.ok(r.strat.isHalted);
  openPair(r, 1);
  t.equal(r.sink.calls.length, 0);
  t.equal(r.strat.stats.skipHalted, 1);
  t.equal(r.strat.riskCounters.killSwitchHalts, 1);
  t.match(r.ev.of('risk_breach'), [{ rule: 'kill_switch', action: 'halt', detail: 'operator pressed the button' }]);
  t.match(r.ev.of('halt'), [{ reason: 'operator pressed the button' }]);
  r.strat.resume(5 * MS);
  t.notOk(r.strat.isHalted);
  openPair(r, 6);
  t.equal(r.sink.orders.length, 2);
});

t.test('order timeout: cancel at the deadline, round ends on the executor\'s report', async (t) => {
  const r = rig();
  openPair(r, 0); // decided at 1 ms, deadline 1001 ms
  r.timer(1000);
  t.equal(r.sink.cancels.length, 0);
  r.timer(1001);
  t.same(r.sink.cancels.map((c) => c.orderId), [1, 2]);
  t.equal(r.strat.riskCounters.orderTimeouts, 2);
  t.equal(r.ev.of('risk_breach').filter((e) => e.rule === 'order_timeout' && e.action === 'cancel').length, 2);
  r.timer(1002);
  t.equal(r.sink.cancels.length, 2, 'one cancel per order');
  r.report(1, ST_CANCELED, 0, 0, 0, 0, ASSET_BASE, 1003);
  r.report(2, ST_EXPIRED, 0, 0, 0, 0, ASSET_QUOTE, 1003);
  t.equal(r.strat.openRounds(), 0);
  t.equal(r.sink.orders.length, 2, 'nothing filled, nothing to hedge');
  t.match(r.ev.of('round_closed'), [{ pairId: 1, pnl: 0, leggingPnl: 0, fees: 0 }]);
});
