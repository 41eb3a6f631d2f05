/**
 * The strategy's side of reconciliation (order-flow.ts): an order of unknown status for
 * risk.reconcile_after_ms is put to the executor (OrderSink.requestVerdict), again with
 * back-off; the executor's verdict (ArbitrageStrategy.onVerdict) is applied once and frees the
 * slot, a report after it changes nothing; a partial fill the verdict states is hedged like
 * any late fill; "no record" frees nothing and raises unresolved_order at once.
 *
 * Times: order_timeout_ms 1000 (baseConfig), so an order sent at 0 ms is cancelled at 1000 ms,
 * unknown at 2000 ms, and asked about from 2000 + 3 × 1000 = 5000 ms (the default).
 */
import t from 'tap';
import {
  ASSET_BASE, ASSET_QUOTE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_UNWIND, SIDE_BUY, SIDE_SELL, ST_CANCELED, ST_FILLED, ST_PARTIAL, VERDICT_FINAL, VERDICT_NO_RECORD,
} from '../../src/core/records.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { ArbitrageConfig } from '../../src/strategy/config.js';
import { VERDICT_ASKS_PER_SECOND } from '../../src/strategy/order-flow.js';
import { BINANCE, BTC, BYBIT, MS, RecordingEvents, RecordingSink, baseBalances, baseConfig, baseFilters } from './harness.js';

interface Ask { orderId: number; venue: number; symbol: number; side: number; price: number; qty: number; nowNs: number }

/** RecordingSink that can ask: every reconciliation request recorded (refused while `refuse`). */
class AskingSink extends RecordingSink {
  readonly asks: Ask[] = [];
  /** Residual orders drive() has answered. */
  readonly answered = new Set<number>();
  refuse = false;
  requestVerdict(orderId: number, venue: number, symbol: number, side: number, price: number, qty: number, nowNs: number): boolean {
    if (this.refuse) return false;
    this.asks.push({ orderId, venue, symbol, side, price, qty, nowNs });
    return true;
  }
}

const near = (a: number, b: number, eps = 1e-9): boolean => Math.abs(a - b) < eps;

/** hedge_timeout_ms 60 s: the filled leg waits for the verdict (no hedge of unknown status in between). */
function setup(tweak: (c: ArbitrageConfig) => void = () => {}): { s: ArbitrageStrategy; sink: AskingSink; ev: RecordingEvents } {
  const cfg = baseConfig();
  cfg.risk.hedge_timeout_ms = 60_000;
  tweak(cfg);
  const sink = new AskingSink();
  const ev = new RecordingEvents();
  const s = new ArbitrageStrategy(cfg, baseFilters(), baseBalances(), sink, ev);
  return { s, sink, ev };
}

/** A pair at 0 ms: order 1 buys 0.3 on Binance, order 2 sells 0.3 on Bybit (harness openPair). */
function pair(s: ArbitrageStrategy): void {
  s.onQuote(BINANCE, BTC, 29990, 0.5, 30000, 0.5, true, 1_700_000_000_000, 0, 0);
  s.onQuote(BYBIT, BTC, 30100, 0.3, 30110, 0.4, true, 1_700_000_000_001, 1 * MS, 1 * MS);
}

/** The strategy's timer every `stepMs` from `fromMs` to `toMs`. */
function timers(s: ArbitrageStrategy, fromMs: number, toMs: number, stepMs = 10): void {
  for (let ms = fromMs; ms <= toMs; ms += stepMs) s.onTimer(ms * MS);
}

/**
 * timers(), with every hedge and unwind the round sends filled at once at its limit price (an
 * unknown leg makes the round hedge its filled twin: round-lifecycle.ts), so the only order
 * of unknown status is the leg whose reports were lost.
 */
function drive(s: ArbitrageStrategy, sink: AskingSink, fromMs: number, toMs: number, stepMs = 10): void {
  for (let ms = fromMs; ms <= toMs; ms += stepMs) {
    s.onTimer(ms * MS);
    for (const o of sink.orders) {
      if ((o.role !== ROLE_HEDGE && o.role !== ROLE_UNWIND) || sink.answered.has(o.orderId)) continue;
      sink.answered.add(o.orderId);
      s.onReport(o.orderId, ST_FILLED, o.price, o.qty, o.qty, 0, o.side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, 0, ms * MS);
    }
  }
}

t.test('an order unknown for reconcile_after_ms is asked about, with back-off, and only while unknown', async (t) => {
  const { s, sink } = setup();
  pair(s);
  s.onReport(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 0, 2 * MS);
  drive(s, sink, 2, 2100);
  t.equal(s.unknownOrders, 1, 'order 1 has no answer: unknown after its timeout and cancel');
  drive(s, sink, 2110, 4990);
  t.equal(sink.asks.length, 0, 'not asked before reconcile_after_ms (3 × order_timeout_ms) of unknown status');
  drive(s, sink, 5000, 5100);
  t.equal(sink.asks.length, 1, 'asked once');
  const a = sink.asks[0]!;
  const leg = sink.orders.find((o) => o.orderId === 1)!;
  t.same([a.orderId, a.venue, a.symbol, a.side, a.price, a.qty], [1, BINANCE, BTC, SIDE_BUY, leg.price, leg.qty], 'the request names the order (id, venue, symbol, side, price, qty)');
  t.equal(leg.role, ROLE_LEG_BUY);
  // Repeats back off: order_timeout_ms × 1, × 2, × 4 after each request.
  drive(s, sink, 5110, 13_500);
  const mine = sink.asks.filter((x) => x.orderId === 1);
  t.equal(mine.length, sink.asks.length, 'only order 1 is unknown');
  const gaps = mine.slice(1).map((x, i) => Math.round((x.nowNs - mine[i]!.nowNs) / MS / 10) * 10);
  t.same(gaps.slice(0, 3), [1000, 2000, 4000], `asked again after ${gaps.join(', ')} ms`);
  t.equal(s.stats.verdictRequests, sink.asks.length, 'counted');
  // The verdict settles it: no more requests.
  t.ok(s.onVerdict(1, VERDICT_FINAL, ST_CANCELED, 0, 0, 0, ASSET_BASE, 13_600 * MS));
  const n = sink.asks.length;
  drive(s, sink, 13_610, 80_000, 100);
  t.equal(sink.asks.length, n, 'a settled order is not asked about again');
  t.equal(s.unknownOrders, 0);
});

t.test('a request the sink cannot send is counted and asked again later', async (t) => {
  const { s, sink } = setup();
  pair(s);
  s.onReport(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 0, 2 * MS);
  sink.refuse = true;
  drive(s, sink, 2, 5100);
  t.equal(s.stats.verdictRequestsRefused, 1, 'the refused request is counted');
  sink.refuse = false;
  drive(s, sink, 5110, 6200);
  t.equal(sink.asks.length, 1, 'and sent on the next try, after the back-off');
});

t.test('risk.reconcile_after_ms sets when the first request goes', async (t) => {
  const { s, sink } = setup((c) => { c.risk.reconcile_after_ms = 500; });
  pair(s);
  timers(s, 2, 2490);
  t.equal(sink.asks.length, 0);
  timers(s, 2500, 2600);
  t.ok(sink.asks.length >= 1, 'asked 500 ms after the orders became unknown');
});

t.test('a verdict is applied once; a second verdict and a late report after it change nothing', async (t) => {
  const { s, sink } = setup();
  pair(s);
  s.onReport(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 0, 2 * MS);
  drive(s, sink, 2, 5100);
  t.equal(sink.asks.length, 1);
  // The venue filled order 1 completely at 30000, fee 0.0003 BTC; every report of it was lost.
  const q0 = s.positions.quote(BINANCE);
  const b0 = s.positions.base(BINANCE, BTC);
  t.ok(s.onVerdict(1, VERDICT_FINAL, ST_FILLED, 0.3, 9000, 0.0003, ASSET_BASE, 5200 * MS), 'applied');
  t.equal(s.stats.verdicts, 1);
  t.ok(near(s.positions.quote(BINANCE) - q0, -9000), `quote ${s.positions.quote(BINANCE) - q0}`);
  t.ok(near(s.positions.base(BINANCE, BTC) - b0, 0.3 - 0.0003), `base ${s.positions.base(BINANCE, BTC) - b0}`);
  t.equal(s.unknownOrders, 0, 'slot freed');
  drive(s, sink, 5210, 8000);
  t.equal(s.liveOrders, 0, 'the hedge the over-fill called for is done too');
  t.equal(s.orderTableFree, 256, 'no slot leaked');
  const quote = s.positions.quote(BINANCE);
  const base = s.positions.base(BINANCE, BTC);
  t.notOk(s.onVerdict(1, VERDICT_FINAL, ST_FILLED, 0.3, 9000, 0.0003, ASSET_BASE, 5300 * MS), 'a second verdict is refused');
  t.equal(s.stats.staleVerdicts, 1, 'counted as stale');
  const unknownBefore = s.stats.unknownReports;
  s.onReport(1, ST_FILLED, 30000, 0.3, 0.3, 0.0003, ASSET_BASE, 0, 5400 * MS);
  t.equal(s.stats.unknownReports, unknownBefore + 1, 'the late report finds no order');
  t.equal(s.positions.quote(BINANCE), quote, 'quote unchanged');
  t.equal(s.positions.base(BINANCE, BTC), base, 'base unchanged');
  t.equal(s.round(BTC).state, 'idle', 'the round closed');
  const net = s.positions.netExposure(BTC) + s.positions.baseFeesPaid(BTC);
  t.ok(Math.abs(net) < 1e-5, `flat: net exposure ${net}`);
});

/** A pair whose sell is filled and whose buy (order 1) reported 0.1 at 30000 with `fee`, then nothing: asked about by 5100 ms. */
function partialThenUnknown(fee: number, feeAsset: number): { s: ArbitrageStrategy; sink: AskingSink } {
  const { s, sink } = setup();
  pair(s);
  s.onReport(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 0, 2 * MS);
  s.onReport(1, ST_PARTIAL, 30000, 0.1, 0.1, fee, feeAsset, 0, 3 * MS);
  drive(s, sink, 4, 5100);
  return { s, sink };
}

t.test('review F4: a verdict\'s fee in quote (a BNB commission, converted) counts the fee booked in base at the order\'s price, not as quote', async (t) => {
  // Order 1's first 0.1 came with a fee of 0.0001 BTC; its other reports were lost.
  const { s, sink } = partialThenUnknown(0.0001, ASSET_BASE);
  t.ok(sink.asks.some((a) => a.orderId === 1), 'asked about');
  // The rest (0.2 at 30000) paid its commission in BNB: the executor turned the order's fees to
  // quote (fee-units.ts): 0.0001 BTC at 30000 = 3 USDT, and 0.2 × 30000 × 0.00075 = 4.5 USDT of BNB.
  const q0 = s.positions.quote(BINANCE);
  const b0 = s.positions.base(BINANCE, BTC);
  t.ok(s.onVerdict(1, VERDICT_FINAL, ST_FILLED, 0.3, 9000, 7.5, ASSET_QUOTE, 5200 * MS), 'applied');
  t.ok(near(s.positions.quote(BINANCE) - q0, -6000 - 4.5), `quote moved by the fill and the new 4.5 of fee only: ${s.positions.quote(BINANCE) - q0}`);
  t.ok(near(s.positions.base(BINANCE, BTC) - b0, 0.2), 'base by the fill');
});

t.test('review F4: a verdict\'s fee in base after fees booked in quote counts them at the order\'s price', async (t) => {
  const { s } = partialThenUnknown(3, ASSET_QUOTE);
  const b0 = s.positions.base(BINANCE, BTC);
  const q0 = s.positions.quote(BINANCE);
  t.ok(s.onVerdict(1, VERDICT_FINAL, ST_FILLED, 0.3, 9000, 0.0003, ASSET_BASE, 5200 * MS), 'applied');
  t.ok(near(s.positions.base(BINANCE, BTC) - b0, 0.2 - 0.0002), `base: the fill less the new 0.0002 of fee: ${s.positions.base(BINANCE, BTC) - b0}`);
  t.ok(near(s.positions.quote(BINANCE) - q0, -6000), 'quote: the fill only');
});

t.test('a partial fill stated by a verdict is hedged like any late fill', async (t) => {
  const { s, sink, ev } = setup((c) => { c.risk.hedge_timeout_ms = 500; });
  pair(s);
  s.onReport(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 0, 2 * MS);
  // The round protects the filled leg meanwhile; hedges it sends are filled at once.
  const filled = new Set<number>([2]);
  const fillHedges = (ms: number): void => {
    for (const o of sink.orders) {
      if (o.role !== ROLE_HEDGE || filled.has(o.orderId)) continue;
      filled.add(o.orderId);
      s.onReport(o.orderId, ST_FILLED, o.price, o.qty, o.qty, 0, o.side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, 0, ms * MS);
    }
  };
  for (let ms = 2; ms <= 5100; ms += 10) {
    s.onTimer(ms * MS);
    fillHedges(ms);
  }
  t.equal(sink.asks.length, 1, 'order 1 asked about');
  const hedgedBefore = sink.orders.filter((o) => o.role === ROLE_HEDGE).reduce((a, o) => a + (o.side === SIDE_BUY ? o.qty : -o.qty), 0);
  // The venue filled 0.1 of order 1's 0.3 at 30000 (fee 0.0001 BTC), then cancelled the rest.
  t.ok(s.onVerdict(1, VERDICT_FINAL, ST_CANCELED, 0.1, 3000, 0.0001, ASSET_BASE, 5200 * MS));
  for (let ms = 5210; ms <= 9000; ms += 10) {
    s.onTimer(ms * MS);
    fillHedges(ms);
  }
  const hedged = sink.orders.filter((o) => o.role === ROLE_HEDGE).reduce((a, o) => a + (o.side === SIDE_BUY ? o.qty : -o.qty), 0);
  t.ok(near(hedged, 0.2, 1e-9), `hedges bought ${hedged} in all (${hedgedBefore} before the verdict, hedging the filled leg while order 1 was unknown)`);
  // Net: sold 0.3 on Bybit, bought 0.1 (verdict) + the hedges on Binance/Bybit: flat within a step.
  const net = s.positions.netExposure(BTC) + s.positions.baseFeesPaid(BTC);
  t.ok(Math.abs(net) < 1e-5, `net exposure ${net} after the hedges`);
  t.equal(s.unknownOrders, 0);
  t.equal(s.round(BTC).state, 'idle', 'the round closed');
  t.ok(ev.of('round_closed').length === 1, 'once');
});

t.test('a partial fill stated by a verdict: what it leaves open is hedged at once', async (t) => {
  const { s, sink } = setup();
  pair(s);
  s.onReport(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 0, 2 * MS);
  drive(s, sink, 2, 5100);
  // Order 1 unknown: the round bought the 0.3 short back (hedge filled), possibly twice over.
  const before = sink.orders.length;
  t.ok(s.onVerdict(1, VERDICT_FINAL, ST_CANCELED, 0.1, 3000, 0.0001, ASSET_BASE, 5200 * MS));
  drive(s, sink, 5200, 5300);
  const after = sink.orders.slice(before).filter((o) => o.role === ROLE_HEDGE || o.role === ROLE_UNWIND);
  t.equal(after.length, 1, 'one residual order right after the verdict');
  t.equal(after[0]!.side, SIDE_SELL, 'sells the long the verdict\'s 0.1 left');
  t.ok(near(after[0]!.qty, 0.1), `0.1 (${after[0]!.qty})`);
  t.ok(near(s.positions.netExposure(BTC) + s.positions.baseFeesPaid(BTC), 0, 1e-9), 'flat once it filled');
});

t.test('"no record": the order stays unknown, unresolved_order at once, nothing freed', async (t) => {
  const { s, sink, ev } = setup();
  pair(s);
  s.onReport(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 0, 2 * MS);
  drive(s, sink, 2, 5100);
  t.equal(sink.asks.length, 1);
  const free = s.orderTableFree;
  t.ok(s.onVerdict(1, VERDICT_NO_RECORD, 0, 0, 0, 0, 0, 5200 * MS), 'taken');
  t.equal(s.stats.verdictsNoRecord, 1, 'counted');
  t.equal(s.unknownOrders, 1, 'still unknown: never freed on a guess');
  t.equal(s.orderTableFree, free, 'slot kept');
  t.equal(s.stats.verdicts, 0, 'nothing applied');
  t.ok(s.haltKinds().includes('unresolved_order'), 'entries halted at once, not after 10 × order_timeout_ms');
  const breach = ev.of('risk_breach').find((e) => e.rule === 'unresolved_order')!;
  t.match(breach.detail, /no record/, breach.detail);
  // The venue's word later (an operator's reconciliation, a late report) still settles it.
  t.ok(s.onVerdict(1, VERDICT_FINAL, ST_CANCELED, 0, 0, 0, ASSET_BASE, 9000 * MS));
  t.equal(s.unknownOrders, 0);
  t.notOk(s.haltKinds().includes('unresolved_order'), 'lifted once every escalated order is resolved');
});

t.test('requests are rate-limited across orders', async (t) => {
  // Many symbols, each with a pair whose buy leg never answers: 24 unknown orders at once.
  const symbols = Array.from({ length: 24 }, (_, i) => `S${i}USDT`);
  const cfg = baseConfig();
  cfg.strategy.symbols = symbols;
  cfg.risk.position_limit = 100;
  cfg.risk.max_orders_per_second = 1000;
  const filters = baseFilters();
  const balances = baseBalances();
  for (const sym of symbols) {
    filters.binance![sym] = { ...filters.binance!.BTCUSDT! };
    filters.bybit![sym] = { ...filters.bybit!.BTCUSDT! };
    balances.binance!.base[sym] = 1;
    balances.bybit!.base[sym] = 1;
  }
  balances.binance!.quote = 1e9;
  balances.bybit!.quote = 1e9;
  const sink = new AskingSink();
  const s = new ArbitrageStrategy(cfg, filters, balances, sink, new RecordingEvents(), { orderSlots: 256 });
  for (let i = 0; i < symbols.length; i++) {
    s.onQuote(BINANCE, i, 29990, 0.5, 30000, 0.5, true, 1_700_000_000_000, i * MS, i * MS);
    s.onQuote(BYBIT, i, 30100, 0.3, 30110, 0.4, true, 1_700_000_000_000, i * MS + 0.5 * MS, i * MS + 0.5 * MS);
  }
  const legs = sink.orders.length;
  t.ok(legs >= 2 * VERDICT_ASKS_PER_SECOND, `${legs} orders out`);
  timers(s, 30, 5500, 1);
  t.ok(s.unknownOrders > VERDICT_ASKS_PER_SECOND, `${s.unknownOrders} unknown`);
  const first = sink.asks[0]!.nowNs;
  const inFirstSecond = sink.asks.filter((a) => a.nowNs < first + 1e9).length;
  t.equal(inFirstSecond, VERDICT_ASKS_PER_SECOND, `at most ${VERDICT_ASKS_PER_SECOND} requests in a second`);
  timers(s, 5501, 8000, 1);
  t.equal(new Set(sink.asks.map((a) => a.orderId)).size, s.unknownOrders, 'the rest are asked in the next second');
});
