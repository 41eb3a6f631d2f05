/**
 * The eight findings of the "positions you can bet money on" review, one test each, written
 * against the code that lost money and kept as regression cases. Each title names the finding.
 */
import t from 'tap';
import {
  ASSET_BASE, ASSET_QUOTE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, ROLE_UNWIND, SIDE_BUY, SIDE_SELL, ST_CANCELED,
  ST_EXPIRED, ST_FILLED, ST_REJECTED,
} from '../../src/core/records.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import { BINANCE, BTC, BYBIT, MS, RecordingEvents, RecordingSink, baseBalances, baseConfig, baseFilters, rig, openPair, twoSymbols } from './harness.js';

const near = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) < eps;

t.test('finding 1: a fill that arrives after order_timeout_ms is applied, and the round hedges what is really open', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_EXPIRED, 0, 0, 0, 0, ASSET_QUOTE, 1001, -9004); // the executor's local deadline
  t.equal(r.strat.openRounds(), 1, 'EXPIRED is not final: the round waits for the venue');
  t.equal(r.strat.unknownOrders, 1, 'the order is unknown, its slot kept');
  const hedge = r.sink.orders.find((o) => o.role === ROLE_HEDGE);
  t.ok(hedge, 'the known 0.3 long is hedged meanwhile');
  r.report(hedge!.orderId, ST_FILLED, 30095, 0.3, 0.3, 0, ASSET_QUOTE, 1002);
  // The venue's real answer, 6 s after the order went out.
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 6000);
  t.equal(r.strat.stats.unknownReports, 0, 'the late FILLED is not thrown away');
  // Venue truth: Bybit sold 0.3 (leg) + 0.3 (hedge) from 1 BTC.
  t.ok(near(r.strat.positions.base(BYBIT, BTC), 0.4), `bybit base ${r.strat.positions.base(BYBIT, BTC)}`);
  const rebuy = r.sink.orders[r.sink.orders.length - 1]!;
  t.match(rebuy, { side: SIDE_BUY, qty: 0.3 }, 'the short the late fill opened is bought back');
  r.report(rebuy.orderId, ST_FILLED, 30001, 0.3, 0.3, 0, ASSET_BASE, 6001);
  t.ok(near(r.strat.positions.netExposure(BTC), 0), 'flat, as at the venues');
  t.equal(r.strat.openRounds(), 0);
});

t.test('finding 2: hedges avoid a venue that rejects them; bounded attempts, then halt + alert', async (t) => {
  // Invalid API key on Bybit: its breaker opens at the first auth reject; the hedge goes to Binance.
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, 2, 10003);
  t.ok(r.strat.breakerOpen(BYBIT), 'auth reject opens the Bybit breaker at once');
  t.match(r.ev.of('breaker'), [{ venue: BYBIT, open: true }]);
  const h = r.sink.orders[2]!;
  t.match(h, { role: ROLE_HEDGE, venue: BINANCE, side: SIDE_SELL }, 'hedge on the other venue although Bybit bids higher');

  // A venue that keeps rejecting hedges for balance: bounded per venue, then the other, then halt.
  const b = rig();
  openPair(b, 0);
  b.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  b.report(2, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 2);
  let ms = 3;
  for (let i = 0; i < 400; i++) {
    const last = b.sink.orders[b.sink.orders.length - 1]!;
    if (last.role === ROLE_HEDGE || last.role === ROLE_UNWIND) {
      b.report(last.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, ms, last.venue === BYBIT ? 170131 : -2010);
    }
    ms += 50;
    b.timer(ms);
  }
  const residualOrders = b.sink.orders.filter((o) => o.role === ROLE_HEDGE || o.role === ROLE_UNWIND);
  t.ok(residualOrders.length <= 20, `hedges and unwinds are bounded (${residualOrders.length} sent)`);
  t.ok(b.strat.isHalted, 'then halted');
  t.ok(b.strat.haltKinds().includes('unwind_failed'));
  t.equal(b.strat.round(BTC).state, 'abandoned', 'the round is handed to the operator');

  // Both keys invalid: nothing trades after the first rejects.
  const c = rig();
  for (let i = 0; i < 30; i++) {
    openPair(c, i * 10);
    for (const o of c.sink.orders) if (o.role === ROLE_LEG_BUY || o.role === ROLE_LEG_SELL) c.report(o.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, i * 10 + 2, o.venue === BYBIT ? 10003 : -2015);
  }
  t.equal(c.sink.orders.length, 2, 'one pair, both legs rejected, then no new entries');
  t.ok(c.strat.breakerOpen(BINANCE) && c.strat.breakerOpen(BYBIT));
});

t.test('finding 3: one lost report does not freeze other symbols; a reconciliation verdict frees the slot', async (t) => {
  const { s, sink, ev } = twoSymbols();
  const ETH = 1;
  const q = (v: number, sym: number, bid: number, ask: number, ms: number) => s.onQuote(v, sym, bid, 0.3, ask, 0.3, true, 0, ms * MS, ms * MS);
  // BTC round: the sell leg's report is lost for good.
  q(BINANCE, BTC, 29990, 30000, 0);
  q(BYBIT, BTC, 30100, 30110, 1);
  s.onReport(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 0, 2 * MS);
  s.onTimer(1001 * MS);
  const hedge = sink.orders.find((o) => o.role === ROLE_HEDGE)!;
  s.onReport(hedge.orderId, ST_FILLED, hedge.price, hedge.qty, hedge.qty, 0, ASSET_QUOTE, 0, 1002 * MS);
  s.onTimer(2001 * MS); // cancel unanswered: the order is unknown
  t.equal(s.unknownOrders, 1);
  // ETH keeps trading, far past 256 order ids.
  let ms = 2100;
  for (let i = 0; i < 300; i++) {
    const before = sink.orders.length;
    const cheap = i % 2 === 0 ? BINANCE : BYBIT;
    q(cheap, ETH, 1999, 2000, ms);
    q(1 - cheap, ETH, 2010, 2011, ms + 1);
    const sent = sink.orders.slice(before);
    for (const o of sent) s.onReport(o.orderId, ST_FILLED, o.price, o.qty, o.qty, 0, o.side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, 0, (ms + 2) * MS);
    q(1 - cheap, ETH, 1999, 2000, ms + 3); // the gap closes
    ms += 110;
  }
  const ethPairs = ev.of('round_opened').filter((e) => e.symbol === ETH).length;
  t.equal(ethPairs, 300, 'ETH kept trading');
  t.equal(s.stats.skipOrderTable, 0);
  t.equal(s.round(BTC).state, 'hedging', 'BTC waits for the venue');
  // The verdict for the lost order (the venue says: filled 0.3 at 30100): applied, slot freed.
  s.reconcileOrder(2, ST_FILLED, 0.3, 0.3 * 30100, 0, ASSET_QUOTE, ms * MS);
  t.equal(s.unknownOrders, 0);
  const back = sink.orders[sink.orders.length - 1]!;
  t.match(back, { symbol: BTC, side: SIDE_BUY, qty: 0.3, role: ROLE_HEDGE }, 'the short the verdict revealed is hedged');
});

t.test('finding 3b: a full order table halts new entries with an alert, hedges still go', async (t) => {
  const sink = new RecordingSink();
  const ev = new RecordingEvents();
  const s = new ArbitrageStrategy(baseConfig(), baseFilters(), baseBalances(), sink, ev, { orderSlots: 4 });
  t.equal(s.orderTableReserve, 2, 'slots are kept for hedges');
  s.onQuote(BINANCE, BTC, 29990, 0.5, 30000, 0.5, true, 0, 0, 0);
  s.onQuote(BYBIT, BTC, 30100, 0.3, 30110, 0.4, true, 0, 1 * MS, 1 * MS);
  s.onReport(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 0, 2 * MS);
  s.onTimer(502 * MS); // hedge timer: the hedge goes out (3 of 4 slots in use)
  t.match(sink.orders[2], { role: ROLE_HEDGE });
  t.ok(s.haltKinds().includes('order_table_full'), 'no room left for a new pair: entries halted');
  t.match(ev.of('risk_breach').filter((e) => e.rule === 'order_table_full'), [{ action: 'halt' }]);
  s.onReport(3, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, -2010, 503 * MS);
  s.onTimer(600 * MS);
  t.match(sink.orders[3], { role: ROLE_HEDGE }, 'hedges still go while entries are halted');
  s.onReport(4, ST_FILLED, sink.orders[3]!.price, 0.3, 0.3, 0, ASSET_QUOTE, 0, 601 * MS);
  s.onReport(2, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 0, 700 * MS);
  t.notOk(s.isHalted, 'room again: the halt lifts itself');
  t.match(ev.of('resume'), [{ kinds: ['order_table_full'] }]);
});

t.test('finding 4: a late fill after the legs are given up is hedged, exposure does not stay open', async (t) => {
  const r = rig((cfg) => {
    cfg.risk.position_limit = 0.3;
  });
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.timer(1001); // deadline: cancel the silent sell leg
  r.timer(2001); // no answer to the cancel: unknown
  const hedge = r.sink.orders.find((o) => o.role === ROLE_HEDGE)!;
  t.match(hedge, { side: SIDE_SELL, qty: 0.3 });
  r.report(hedge.orderId, ST_FILLED, 30095, 0.3, 0.3, 0, ASSET_QUOTE, 2002);
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 2003); // the late fill
  t.equal(r.strat.stats.lateFills, 1);
  t.equal(r.ev.of('late_fill').length, 1);
  const back = r.sink.orders[r.sink.orders.length - 1]!;
  t.match(back, { side: SIDE_BUY, qty: 0.3, role: ROLE_HEDGE }, 'the reopened residual is hedged');
  r.report(back.orderId, ST_FILLED, 30005, 0.3, 0.3, 0, ASSET_BASE, 2004);
  t.ok(near(r.strat.positions.netExposure(BTC), 0), 'no permanent short');
  t.equal(r.strat.openRounds(), 0);
  openPair(r, 2100);
  t.equal(r.sink.orders.length, 6, 'a new pair goes out');
});

t.test('finding 5: a feed that arrives steadily but lags by exchange time is not traded', async (t) => {
  const r = rig();
  r.strat.setWallClockOffset(1_700_000_000_000); // wall ms = recvNs / 1e6 + offset
  // Quotes received now, stamped 30 s ago by the exchange.
  r.strat.onQuote(BINANCE, BTC, 29990, 0.5, 30000, 0.5, true, 1_700_000_000_000 - 30_000, 0, 0);
  r.strat.onQuote(BYBIT, BTC, 30100, 0.3, 30110, 0.4, true, 1_700_000_000_001, 1 * MS, 1 * MS);
  t.equal(r.sink.orders.length, 0);
  t.equal(r.strat.riskCounters.feedLagDenials, 1);
  t.match(r.ev.of('risk_breach'), [{ rule: 'feed_lag', action: 'deny', detail: /binance BTCUSDT .*30000 ms behind/ }]);
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 2);
  t.equal(r.sink.orders.length, 2, 'a timely quote trades');
});

t.test('finding 6: the first filled leg is protected at once while its twin is pending', async (t) => {
  // Stop-loss: checked from the first fill.
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2); // sell leg still pending
  r.quote(BYBIT, 29800, 1, 29810, 1, 3);
  r.quote(BINANCE, 29840, 1, 29850, 1, 4); // 53 bps adverse
  t.equal(r.strat.riskCounters.stopLossTriggers, 1, 'stop-loss fires with the twin still out');
  const u = r.sink.orders[r.sink.orders.length - 1]!;
  t.match(u, { role: ROLE_UNWIND, side: SIDE_SELL, qty: 0.3 });

  // Hedge timer: starts at the first fill, not when the twin finishes.
  const h = rig();
  openPair(h, 0);
  h.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  h.timer(501);
  t.equal(h.sink.orders.length, 2);
  h.timer(502); // hedge_timeout_ms (500) after the first fill
  t.match(h.sink.orders[2], { role: ROLE_HEDGE, side: SIDE_SELL, qty: 0.3 }, 'hedged 500 ms after the fill, before order_timeout_ms');
  t.match(h.ev.of('round_state').map((e) => e.to), ['legs', 'hedging']);
});

t.test('finding 7: max_drawdown is the strategy\'s own PnL; each halt needs its own resume', async (t) => {
  const r = rig();
  r.quote(BINANCE, 29995, 1, 30005, 1, 0);
  r.quote(BYBIT, 29995, 1, 30005, 1, 1);
  r.timer(2);
  r.quote(BINANCE, 25495, 1, 25505, 1, 3); // BTC −15 %, zero trades
  r.quote(BYBIT, 25495, 1, 25505, 1, 4);
  r.timer(5);
  t.notOk(r.strat.isHalted, 'inventory price moves are not a trading loss');

  // A real trading loss: a residual unwound far below its entry.
  const l = rig((cfg) => {
    cfg.risk.max_drawdown = 0.0001; // 26 USDT of 260000
  });
  openPair(l, 0);
  l.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  l.report(2, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, 2, -2010);
  const hedge = l.sink.orders[2]!;
  l.report(hedge.orderId, ST_FILLED, 29800, 0.3, 0.3, 0, ASSET_QUOTE, 3); // −60 USDT
  t.ok(l.strat.isHalted);
  t.same(l.strat.haltKinds(), ['max_drawdown']);
  l.strat.halt('kill switch file', 4 * MS);
  l.strat.resume(5 * MS); // the KILL file removed
  t.same(l.strat.haltKinds(), ['max_drawdown'], 'removing the KILL file lifts only the kill switch');
  l.strat.resumeHalts('loss understood: venue glitch', ['max_drawdown'], 6 * MS);
  t.notOk(l.strat.isHalted);
  t.match(l.ev.of('resume'), [{ kinds: ['kill_switch'] }, { kinds: ['max_drawdown'], reason: 'loss understood: venue glitch' }]);
  t.match(l.ev.of('halt').map((e) => e.kind), ['max_drawdown', 'kill_switch']);
});

t.test('a balance drift halt (live) is its own kind: the KILL file does not lift it, an operator resume does', async (t) => {
  const r = rig();
  r.strat.haltBalanceDrift('binance USDT venue 190000 vs expected 200000', 1 * MS);
  t.same(r.strat.haltKinds(), ['balance_drift']);
  r.strat.resume(2 * MS); // the KILL file removed
  t.same(r.strat.haltKinds(), ['balance_drift'], 'still halted');
  r.strat.resumeHalts('balances checked with the venue', ['balance_drift'], 3 * MS);
  t.notOk(r.strat.isHalted);
  t.match(r.ev.of('halt'), [{ kind: 'balance_drift', reason: /binance USDT/ }]);
});

t.test('finding 8: rebalance_threshold rebalances: the restoring direction trades at a lower edge', async (t) => {
  const r = rig((cfg) => {
    cfg.strategy.rebalance_threshold = 0.3; // a venue holding < 30 % of an asset's total is low
    cfg.strategy.rebalance_floor_bps = 0;
    cfg.risk.position_limit = 5;
  });
  // A persistent basis: Bybit is rich, every round buys Binance and sells Bybit.
  let ms = 0;
  for (let i = 0; i < 3; i++) {
    const before = r.sink.orders.length;
    openPair(r, ms);
    for (const o of r.sink.orders.slice(before)) r.report(o.orderId, ST_FILLED, o.price, o.qty, o.qty, 0, o.side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, ms + 2);
    ms += 10;
  }
  // Two rounds: Bybit holds 0.4 of 2 BTC (20 %), below the 30 % threshold; the third is held back.
  t.equal(r.sink.orders.length, 4);
  t.ok(near(r.strat.positions.base(BYBIT, BTC), 0.4));
  t.ok(r.strat.stats.skipInventoryBias >= 1);
  const need = r.ev.of('rebalance_needed');
  t.match(need, [{ venue: BYBIT, asset: ASSET_BASE, symbol: BTC }], 'the operator is told, once');
  t.ok(near(need[0]!.amount, 0.6), 'moving 0.6 BTC to Bybit would even it out');
  // Deficit (30 − 20) / 15 = 2/3 of the span between min_spread_bps 10 and the floor 0.
  t.ok(near(r.strat.requiredEdgeBps(BTC, BINANCE, BYBIT), 10 + 20 / 3), 'the draining direction needs more');
  t.ok(near(r.strat.requiredEdgeBps(BTC, BYBIT, BINANCE), 10 - 20 / 3), 'the restoring one less');
  // The basis narrows: buy Bybit 30000 / sell Binance 30080 nets 4.64 bps, below min_spread_bps
  // but above the restoring direction's 3.33: it trades, and refills Bybit's BTC.
  r.quote(BINANCE, 30080, 0.5, 30090, 0.5, ms);
  r.quote(BYBIT, 29990, 0.5, 30000, 0.5, ms + 1);
  t.match(r.sink.orders.slice(4), [{ venue: BYBIT, side: SIDE_BUY, qty: 0.5 }, { venue: BINANCE, side: SIDE_SELL, qty: 0.5 }]);
});
