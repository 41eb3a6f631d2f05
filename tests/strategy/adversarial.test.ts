/**
 * Adversarial review of the order and round lifecycle: hand-built report sequences that try
 * to make the strategy's positions differ from the venue's, leak an order slot, freeze, or
 * send to a venue whose breaker is open. Each test names the attack; those that broke the
 * code are named after the bug and kept as regression cases.
 *
 * The venue truth in each test is worked out by hand from the fills the venue made.
 */
import t from 'tap';
import {
  ASSET_BASE, ASSET_QUOTE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED,
  ST_PARTIAL, ST_REJECTED,
} from '../../src/core/records.js';
import { BINANCE, BTC, BYBIT, MS, openPair, rig, twoSymbols } from './harness.js';

const near = (a: number, b: number, eps = 1e-9): boolean => Math.abs(a - b) < eps;

t.test('bug: reordered partial fills at different prices were booked at the later report\'s price and fee', async (t) => {
  // The buy leg (order 1, 0.3 on Binance) fills 0.1 @ 30000 then 0.2 @ 30001; the reports
  // arrive in the other order. Fees in base (a spot buy): 0.0001 and 0.0002.
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_PARTIAL, 30001, 0.2, 0.3, 0.0002, ASSET_BASE, 2);
  r.report(1, ST_PARTIAL, 30000, 0.1, 0.1, 0.0001, ASSET_BASE, 3);
  r.report(1, ST_FILLED, 0, 0, 0.3, 0, ASSET_BASE, 4);
  const quote = 100_000 - 0.1 * 30000 - 0.2 * 30001;
  const base = 1 + 0.3 - 0.0003;
  t.ok(near(r.strat.positions.quote(BINANCE), quote), `binance quote ${r.strat.positions.quote(BINANCE)} vs venue ${quote}`);
  t.ok(near(r.strat.positions.base(BINANCE, BTC), base), `binance base ${r.strat.positions.base(BINANCE, BTC)} vs venue ${base}`);
  t.equal(r.strat.unknownOrders, 0, 'every fill accounted for: the order is final');
  // A duplicate of either report adds nothing.
  t.equal(r.strat.liveOrders, 1, 'only the sell leg is still out');
});

t.test('bug: a lost partial fill was booked at the next report\'s price; now the gap waits for its report', async (t) => {
  const r = rig();
  openPair(r, 0);
  // 0.1 @ 30000 (fee 0.0001) is lost for now; 0.2 @ 30001 arrives, then the final.
  r.report(1, ST_PARTIAL, 30001, 0.2, 0.3, 0.0002, ASSET_BASE, 2);
  r.report(1, ST_FILLED, 0, 0, 0.3, 0, ASSET_BASE, 3);
  t.ok(near(r.strat.positions.quote(BINANCE), 100_000 - 0.2 * 30001), 'only the fill whose price is known is booked');
  t.equal(r.strat.unknownOrders, 1, 'the final answer says 0.1 more filled: unknown until it is reported');
  r.report(1, ST_PARTIAL, 30000, 0.1, 0.1, 0.0001, ASSET_BASE, 50);
  t.ok(near(r.strat.positions.quote(BINANCE), 100_000 - 0.1 * 30000 - 0.2 * 30001), 'the late partial is booked at its own price');
  t.ok(near(r.strat.positions.base(BINANCE, BTC), 1 + 0.3 - 0.0003), 'and its own fee');
  t.equal(r.strat.unknownOrders, 0, 'then the order is final');
  r.report(1, ST_PARTIAL, 30000, 0.1, 0.1, 0.0001, ASSET_BASE, 51);
  r.report(1, ST_PARTIAL, 30001, 0.2, 0.3, 0.0002, ASSET_BASE, 52);
  t.ok(near(r.strat.positions.base(BINANCE, BTC), 1 + 0.3 - 0.0003), 'duplicates after the final add nothing');
});

t.test('attack: duplicated partials inside an open gap are not booked twice', async (t) => {
  const r = rig((c) => { c.strategy.max_position_size = 1; }, {});
  openPair(r, 0);
  // Fills of 0.05, 0.1, 0.15 (cum 0.05, 0.15, 0.3); the middle one is behind; the others arrive twice.
  r.report(1, ST_PARTIAL, 30000, 0.05, 0.05, 0, ASSET_BASE, 2);
  r.report(1, ST_PARTIAL, 30002, 0.15, 0.3, 0, ASSET_BASE, 3);
  r.report(1, ST_PARTIAL, 30000, 0.05, 0.05, 0, ASSET_BASE, 4);
  r.report(1, ST_PARTIAL, 30002, 0.15, 0.3, 0, ASSET_BASE, 5);
  t.ok(near(r.strat.positions.base(BINANCE, BTC), 1.2), `0.2 booked, not more (${r.strat.positions.base(BINANCE, BTC)})`);
  r.report(1, ST_PARTIAL, 30001, 0.1, 0.15, 0, ASSET_BASE, 6);
  r.report(1, ST_PARTIAL, 30001, 0.1, 0.15, 0, ASSET_BASE, 7);
  r.report(1, ST_FILLED, 0, 0, 0.3, 0, ASSET_BASE, 8);
  t.ok(near(r.strat.positions.base(BINANCE, BTC), 1.3));
  t.ok(near(r.strat.positions.quote(BINANCE), 100_000 - 0.05 * 30000 - 0.1 * 30001 - 0.15 * 30002));
  t.equal(r.strat.unknownOrders + r.strat.liveOrders, 1, 'order 1 final, the sell leg still out');
  t.ok(r.strat.stats.duplicateFills >= 3, 'the duplicates are counted');
});

t.test('bug: two reports missing at once in one order (two gaps) left it unknown for good', async (t) => {
  const r = rig();
  openPair(r, 0);
  // Four fills of 0.075 (cum 0.075 … 0.3) at 30000 … 30003; they arrive 4, 2, final, 3, 1.
  const px = [30000, 30001, 30002, 30003];
  const rep = (i: number, ms: number): void => r.report(1, i === 3 ? ST_FILLED : ST_PARTIAL, px[i]!, 0.075, 0.075 * (i + 1), 0, ASSET_BASE, ms);
  rep(3, 2);
  rep(1, 3);
  rep(2, 4);
  t.equal(r.strat.unknownOrders, 1, 'final answer seen, 0.075 still unreported');
  rep(0, 5);
  rep(2, 6); // a duplicate
  t.equal(r.strat.unknownOrders, 0, 'every fill reported: final');
  t.ok(near(r.strat.positions.quote(BINANCE), 100_000 - 0.075 * (30000 + 30001 + 30002 + 30003)));
  t.ok(near(r.strat.positions.base(BINANCE, BTC), 1.3));
});

t.test('attack: a report (with a fill) before the send ack, and the ack after the final', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(1, ST_ACKED, 0, 0, 0, 0, ASSET_BASE, 3);
  r.report(2, ST_PARTIAL, 30100, 0.1, 0.1, 0, ASSET_QUOTE, 3);
  r.report(2, ST_ACKED, 0, 0, 0, 0, ASSET_QUOTE, 4);
  r.report(2, ST_FILLED, 30100, 0.2, 0.3, 0, ASSET_QUOTE, 5);
  t.ok(near(r.strat.positions.netExposure(BTC), 0));
  t.equal(r.strat.openRounds(), 0, 'closed');
  t.equal(r.strat.orderTableFree, 256, 'no slot leaked');
});

t.test('attack: fills arriving after the round was abandoned are booked, and the round closes once flat', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_EXPIRED, 0, 0, 0, 0, ASSET_QUOTE, 1001, -9004); // the sell leg: no answer yet
  // Every hedge/unwind of the 0.3 long is rejected for balance until the round is abandoned.
  let ms = 1002;
  for (let i = 0; i < 400 && r.strat.round(BTC).state !== 'abandoned'; i++) {
    const last = r.sink.orders[r.sink.orders.length - 1]!;
    if (last.role !== ROLE_LEG_BUY && last.role !== ROLE_LEG_SELL && r.strat.liveOrders > 1) {
      r.report(last.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, ms, last.venue === BYBIT ? 170131 : -2010);
    }
    ms += 50;
    r.timer(ms);
  }
  t.equal(r.strat.round(BTC).state, 'abandoned');
  t.ok(r.strat.haltKinds().includes('unwind_failed'));
  // The sell leg's real answer: filled. The round is flat and every order final: it closes.
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, ms + 10);
  t.ok(near(r.strat.positions.netExposure(BTC), 0), 'the late leg fill is booked');
  t.equal(r.strat.round(BTC).state, 'idle', 'flat and every order final: the abandoned round closes');
  t.equal(r.strat.liveOrders, 0, 'no slot left');
  t.ok(r.strat.haltKinds().includes('unwind_failed'), 'the halt stays until the operator lifts it');
});

t.test('bug: a final report saying less filled than the partials did was taken silently (slot freed, positions unverifiable)', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_PARTIAL, 30000, 0.2, 0.2, 0.0002, ASSET_BASE, 2);
  r.report(1, ST_CANCELED, 0, 0, 0.1, 0, ASSET_BASE, 3); // the venue's final word: 0.1
  t.equal(r.strat.stats.fillMismatches, 1, 'counted');
  t.equal(r.strat.unknownOrders, 1, 'not freed on either word: unknown until the venue\'s order query settles it');
  r.report(1, ST_CANCELED, 0, 0, 0.1, 0, ASSET_BASE, 4); // the final, duplicated
  t.equal(r.strat.stats.fillMismatches, 1, 'counted once');
  // The verdict: 0.1 @ 30000, fee 0.0001 base. The excess 0.1 is taken back.
  t.ok(r.strat.reconcileOrder(1, ST_CANCELED, 0.1, 3000, 0.0001, ASSET_BASE, 5 * MS));
  t.ok(near(r.strat.positions.quote(BINANCE), 100_000 - 3000), `quote ${r.strat.positions.quote(BINANCE)}`);
  t.ok(near(r.strat.positions.base(BINANCE, BTC), 1.0999), `base ${r.strat.positions.base(BINANCE, BTC)}`);
  t.equal(r.strat.unknownOrders, 0);
  // Without a verdict the order escalates: unresolved_order halts entries with a reason.
  const u = rig();
  openPair(u, 0);
  u.report(1, ST_PARTIAL, 30000, 0.2, 0.2, 0, ASSET_BASE, 2);
  u.report(1, ST_CANCELED, 0, 0, 0.1, 0, ASSET_BASE, 3);
  for (let ms = 10; ms <= 12_000; ms += 500) u.timer(ms);
  t.ok(u.strat.haltKinds().includes('unresolved_order'), u.strat.haltReason);
});

t.test('attack: reject of every kind on a leg, then the round closes and the slot is free', async (t) => {
  for (const [code, kind] of [[-2010, 'balance'], [-2015, 'auth'], [-1013, 'filter'], [-1003, 'rate'], [-9999, 'other']] as const) {
    const r = rig();
    openPair(r, 0);
    r.report(1, ST_REJECTED, 0, 0, 0, 0, ASSET_BASE, 2, code);
    r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 2);
    // The short is bought back; it fills.
    const h = r.sink.orders.find((o) => o.role === ROLE_HEDGE)!;
    t.ok(h, `${kind}: hedged`);
    if (kind === 'auth') t.equal(h.venue, BYBIT, 'auth: the hedge avoids the broken key');
    r.report(h.orderId, ST_FILLED, h.price, h.qty, h.qty, 0, ASSET_BASE, 3);
    t.equal(r.strat.openRounds(), 0, `${kind}: closed`);
    t.equal(r.strat.orderTableFree, 256, `${kind}: no slot leaked`);
    // A duplicate of the reject after the slot was freed changes nothing.
    r.report(1, ST_REJECTED, 0, 0, 0, 0, ASSET_BASE, 4, code);
    t.equal(r.strat.orderTableFree, 256);
  }
});

t.test('attack: EXPIRED, then the venue\'s CANCELED carrying a fill whose PARTIAL is lost, then the verdict', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 0, ASSET_QUOTE, 2);
  r.report(1, ST_EXPIRED, 0, 0, 0, 0, ASSET_BASE, 1001, -9004);
  // The venue filled 0.1 @ 30000 (fee 0.0001 base); its PARTIAL is lost; the CANCELED says cum 0.1.
  r.report(1, ST_CANCELED, 0, 0, 0.1, 0, ASSET_BASE, 1500);
  t.equal(r.strat.unknownOrders, 1, 'still unknown: 0.1 filled but not reported');
  t.ok(r.strat.reconcileOrder(1, ST_CANCELED, 0.1, 3000, 0.0001, ASSET_BASE, 2000 * 1e6), 'the verdict is taken');
  t.ok(near(r.strat.positions.quote(BINANCE), 100_000 - 3000));
  t.ok(near(r.strat.positions.base(BINANCE, BTC), 1.0999));
  t.equal(r.strat.unknownOrders, 0);
  t.notOk(r.strat.reconcileOrder(1, ST_CANCELED, 0.1, 3000, 0.0001, ASSET_BASE, 2001 * 1e6), 'a second verdict is refused');
});


t.test('bug: a half-open breaker let every symbol send a pair to the failing venue at once', async (t) => {
  const { s, sink } = twoSymbols((c) => { c.risk.breaker_rejects = 2; c.risk.breaker_cooldown_ms = 1000; });
  const ETH = 1;
  const q = (v: number, sym: number, bid: number, ask: number, ms: number): void => s.onQuote(v, sym, bid, 0.3, ask, 0.3, true, 0, ms * MS, ms * MS);
  const pair = (sym: number, ms: number): void => {
    if (sym === BTC) { q(BINANCE, BTC, 29990, 30000, ms); q(BYBIT, BTC, 30100, 30110, ms); } else { q(BINANCE, ETH, 1999, 2000, ms); q(BYBIT, ETH, 2010, 2011, ms); }
  };
  // Two pairs whose Bybit legs are rejected ('other'): the Bybit breaker opens.
  for (let i = 0; i < 2; i++) {
    const before = sink.orders.length;
    pair(BTC, i * 10);
    for (const o of sink.orders.slice(before)) {
      if (o.venue === BYBIT) s.onReport(o.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, -9999, (i * 10 + 1) * MS);
      else s.onReport(o.orderId, ST_CANCELED, 0, 0, 0, 0, ASSET_BASE, 0, (i * 10 + 1) * MS);
    }
  }
  t.ok(s.breakerOpen(BYBIT), 'open on consecutive rejects');
  // Cool-down over: both symbols see an opportunity through Bybit.
  const before = sink.orders.length;
  pair(BTC, 1100);
  pair(ETH, 1100);
  const tries = sink.orders.slice(before).filter((o) => o.venue === BYBIT && (o.role === ROLE_LEG_BUY || o.role === ROLE_LEG_SELL));
  t.equal(tries.length, 1, 'half-open: one pair tries, not one per symbol');
  // Its answer decides: accepted closes the breaker, and the other symbol may go.
  s.onReport(tries[0]!.orderId, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 0, 1101 * MS);
  t.notOk(s.breakerOpen(BYBIT), 'closed by the accepted try');
});

t.test('bug: base paid as fees counted as exposure shrank every pair under position_limit until entries stopped', async (t) => {
  const r = rig((c) => { c.risk.position_limit = 0.35; c.risk.max_orders_per_second = 1e6; c.risk.max_drawdown = 0.9; });
  let ms = 0;
  let full = 0;
  for (let i = 0; i < 1300; i++) {
    const before = r.sink.orders.length;
    const cheap = i % 2 === 0 ? BINANCE : BYBIT;
    r.quote(cheap, 29990, 0.3, 30000, 0.3, ms);
    r.quote(1 - cheap, 30100, 0.3, 30110, 0.3, ms + 1);
    const sent = r.sink.orders.slice(before);
    if (sent.length === 2 && sent[0]!.qty === 0.3) full++;
    // Spot buys pay their fee in the base they receive (10 bps): 0.0003 BTC a round.
    for (const o of sent) r.report(o.orderId, ST_FILLED, o.price, o.qty, o.qty, o.side === SIDE_BUY ? o.qty * 0.001 : o.qty * o.price * 0.001, o.side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, ms + 2);
    r.quote(1 - cheap, 29990, 0.3, 30000, 0.3, ms + 3);
    ms += 10;
  }
  t.ok(r.strat.positions.baseFeesPaid(BTC) > 0.35, `fees paid in base (${r.strat.positions.baseFeesPaid(BTC)}) exceed position_limit`);
  t.equal(full, 1300, `every round at full size (position_limit denials ${r.strat.riskCounters.positionLimitDenials})`);
});

t.test('bug: an unwind no venue could take (one given up, the other without a usable book) waited forever, exposure open, no halt', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.strat.onBookState(BYBIT, BTC, false, 4, 2 * MS); // Bybit's book goes unusable (and stays so)
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2); // bought 0.3 on Binance
  r.report(2, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 2); // sold nothing: 0.3 long
  // Every residual order goes to Binance and is rejected (filter) until Binance is given up.
  let ms = 3;
  for (let i = 0; i < 2000 && !r.strat.isHalted; i++) {
    const last = r.sink.orders[r.sink.orders.length - 1]!;
    if (r.strat.liveOrders > 0) r.report(last.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, ms, -1013);
    ms += 10;
    r.timer(ms);
  }
  t.ok(r.sink.orders.every((o) => o.venue === BINANCE || o.role === ROLE_LEG_SELL), 'nothing went to the unusable book');
  t.ok(r.strat.haltKinds().includes('unwind_failed'), `halted with a reason (${r.strat.haltReason}) instead of waiting silently`);
  t.equal(r.strat.round(BTC).state, 'abandoned', 'the round is handed to the operator');
  t.ok(ms < 20_000, `within bounded time (${ms} ms)`);
});
