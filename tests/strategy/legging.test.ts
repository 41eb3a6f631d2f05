import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, ROLE_HEDGE, ROLE_UNWIND, SIDE_BUY, SIDE_SELL, ST_CANCELED, ST_FILLED, ST_PARTIAL, ST_REJECTED } from '../../src/core/records.js';
import { MAX_HEDGE_ATTEMPTS } from '../../src/strategy/arbitrage.js';
import { BINANCE, BTC, BYBIT, MS, rig, type Rig, openPair } from './harness.js';

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

t.test('partial sell leg: the residual is hedged on the better bid, legging PnL reported apart', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0.0003, ASSET_BASE, 2); // fee 10 bps in BTC
  r.report(2, ST_PARTIAL, 30100, 0.1, 0.1, 3.01, ASSET_QUOTE, 2);
  t.equal(r.sink.orders.length, 2, 'no hedge while a leg is still live');
  r.report(2, ST_CANCELED, 0, 0, 0.1, 0, ASSET_QUOTE, 3); // IOC remainder expired
  const res = r.ev.of('leg_residual');
  t.equal(res.length, 1);
  t.ok(near(res[0]!.residual, 0.2));
  t.equal(res[0]!.dust, false);
  t.same(r.sink.orders[2], {
    kind: 'new', orderId: 3, pairId: 1, venue: BYBIT, symbol: BTC, side: SIDE_SELL, price: 30093.9, qty: 0.2,
    tif: 1, role: ROLE_HEDGE, decisionNs: 3 * MS, deadlineNs: 1003 * MS, tickRecvNs: 0, tickExchMs: 0,
  }, 'Bybit bid 30100 beats Binance 29990; priced 2 bps through the touch, down to the tick; a hedge carries no triggering tick');
  t.match(r.ev.of('hedge_sent'), [{ orderId: 3, venue: BYBIT, qty: 0.2, attempt: 1 }]);
  t.equal(r.strat.stats.leggedRounds, 1);
  r.report(3, ST_FILLED, 30095, 0.2, 0.2, 6.019, ASSET_QUOTE, 4);
  const closed = r.ev.of('round_closed');
  t.equal(closed.length, 1);
  // matched 0.1: 3010 − 9000/3 − 9/3 (buy fee 0.0003 BTC × 30000, pro rata) − 3.01 = 3.99
  t.ok(near(closed[0]!.pnl, 3.99), `round pnl ${closed[0]!.pnl}`);
  // residual 0.2: 0.2 × (30095 − 30000) − 6.019 − 6 (its share of the buy fee) = 6.981
  t.ok(near(closed[0]!.leggingPnl, 6.981), `legging pnl ${closed[0]!.leggingPnl}`);
  t.ok(near(closed[0]!.fees, 9 + 3.01 + 6.019));
  t.equal(closed[0]!.holdingNs, 3 * MS);
  t.ok(near(r.strat.pnl.realized, 10.971));
  t.ok(near(r.strat.pnl.leggingPnl, 6.981));
  t.ok(near(r.strat.positions.netExposure(BTC), -0.0003), 'only the fee paid in BTC remains');
});

t.test('buy leg rejected: the short residual is bought back on the lower ask', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_REJECTED, 0, 0, 0, 0, ASSET_BASE, 2, -2010);
  r.report(2, ST_FILLED, 30100, 0.3, 0.3, 9.03, ASSET_QUOTE, 2);
  t.equal(r.strat.stats.rejects, 1);
  t.equal(r.strat.stats.lastRejectCode, -2010);
  // Binance ask 30000 < Bybit ask 30110 → buy on Binance at 30000 · 1.0002 = 30006
  t.match(r.sink.orders[2], { orderId: 3, venue: BINANCE, side: SIDE_BUY, price: 30006, qty: 0.3, role: ROLE_HEDGE });
  r.report(3, ST_FILLED, 30004, 0.3, 0.3, 0.0003, ASSET_BASE, 3);
  const closed = r.ev.of('round_closed')[0]!;
  t.equal(closed.pnl, 0, 'nothing matched');
  // 0.3 × (30100 − 30004) − 9.03 − 0.0003 × 30004 = 28.8 − 9.03 − 9.0012
  t.ok(near(closed.leggingPnl, 10.7688), `legging pnl ${closed.leggingPnl}`);
});

t.test('hedge not done within hedge_timeout_ms: unwind with a wider price', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 2); // hedging starts at 2 ms
  for (let i = 0; i < 5; i++) {
    const last = r.sink.orders[r.sink.orders.length - 1]!;
    if (last.role === ROLE_HEDGE) r.report(last.orderId, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 3 + i);
  }
  t.equal(r.strat.stats.hedgesSent, MAX_HEDGE_ATTEMPTS, 'retries from reports stop after MAX_HEDGE_ATTEMPTS');
  r.timer(100);
  t.equal(r.strat.stats.hedgesSent, MAX_HEDGE_ATTEMPTS + 1, 'the timer retries');
  r.report(r.sink.orders[r.sink.orders.length - 1]!.orderId, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 101);
  r.timer(502);
  t.equal(r.strat.riskCounters.hedgeTimeouts, 1);
  t.match(r.ev.of('risk_breach'), [{ rule: 'hedge_timeout', action: 'unwind' }]);
  const unwind = r.sink.orders[r.sink.orders.length - 1]!;
  t.match(unwind, { venue: BYBIT, side: SIDE_SELL, role: ROLE_UNWIND, qty: 0.3, price: 30075.9 }, '30100 × (1 − 8 bps) down to the tick');
  t.equal(r.ev.of('unwind_sent').length, 1);
  r.report(unwind.orderId, ST_FILLED, 30080, 0.3, 0.3, 0, ASSET_QUOTE, 503);
  t.equal(r.strat.openRounds(), 0);
  t.ok(near(r.ev.of('round_closed')[0]!.leggingPnl, 0.3 * 80));
});

t.test('a residual below every venue\'s minimum is dust: counted, not hedged', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_FILLED, 30100, 0.29999, 0.29999, 0, ASSET_QUOTE, 2); // 0.00001 left: 0.3 USDT
  t.equal(r.sink.orders.length, 2);
  t.equal(r.strat.stats.dustResiduals, 1);
  t.match(r.ev.of('leg_residual'), [{ dust: true }]);
  const closed = r.ev.of('round_closed')[0]!;
  t.ok(near(closed.openResidual, 0.00001));
  t.equal(r.strat.openRounds(), 0);
});

t.test('flatten: halts entries and unwinds the open residual', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, 2);
  t.equal(r.sink.orders[2]!.role, ROLE_HEDGE);
  r.strat.flatten(3 * MS);
  t.ok(r.strat.isHalted);
  t.ok(r.strat.isFlattening);
  t.match(r.ev.of('flatten'), [{ openRounds: 1 }]);
  r.report(3, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 4);
  t.match(r.sink.orders[3], { orderId: 4, role: ROLE_UNWIND, side: SIDE_SELL, qty: 0.3 });
  r.report(4, ST_FILLED, 30070, 0.3, 0.3, 0, ASSET_QUOTE, 5);
  t.equal(r.strat.openRounds(), 0);
  openPair(r, 6);
  t.equal(r.sink.orders.length, 4, 'no new rounds after flatten');
});

/** A legged round whose hedges and unwinds are all rejected (balance) until it is abandoned. */
function abandonedRound(): { r: Rig; ms: number; reject: (until: number) => number } {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_BASE, 2);
  r.report(2, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, 2);
  let ms = 3;
  const reject = (until: number): number => {
    for (; ms < until; ms += 50) {
      const last = r.sink.orders[r.sink.orders.length - 1]!;
      if ((last.role === ROLE_HEDGE || last.role === ROLE_UNWIND) && r.strat.liveOrders > 0) {
        r.report(last.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, ms, last.venue === BYBIT ? 170131 : -2010);
      }
      r.timer(ms);
    }
    return ms;
  };
  ms = reject(10_000);
  return { r, ms, reject };
}

t.test('an abandoned round waits for the operator: resumeHalts(unwind_failed) retries it', async (t) => {
  const a = abandonedRound();
  const r = a.r;
  t.equal(r.strat.round(BTC).state, 'abandoned');
  const sent = r.sink.orders.length;
  const ms = a.reject(20_000);
  t.equal(r.sink.orders.length, sent, 'nothing more is sent for an abandoned round');
  t.same(r.strat.resumeHalts('balances topped up on both venues', ['unwind_failed'], ms * MS), ['unwind_failed']);
  r.timer(ms + 1);
  t.equal(r.strat.round(BTC).state, 'unwinding');
  const unwind = r.sink.orders[r.sink.orders.length - 1]!;
  t.ok(r.sink.orders.length > sent, 'it retries with fresh per-venue budgets');
  t.match(unwind, { role: ROLE_UNWIND, side: SIDE_SELL, qty: 0.3 });
  r.report(unwind.orderId, ST_FILLED, unwind.price, 0.3, 0.3, 0, ASSET_QUOTE, ms + 2);
  t.equal(r.strat.openRounds(), 0);
  t.notOk(r.strat.isHalted);
  t.match(r.ev.of('round_state').map((e) => e.to).slice(-3), ['abandoned', 'unwinding', 'closed']);
  t.throws(() => r.strat.resumeHalts('', ['unwind_failed'], 0), /needs a reason/);
  t.throws(() => r.strat.resumeHalts('x', ['nope' as never], 0), /unknown halt kind/);
});

t.test('flatten gives an abandoned round one more try', async (t) => {
  const { r, ms } = abandonedRound();
  t.equal(r.strat.round(BTC).state, 'abandoned');
  const sent = r.sink.orders.length;
  r.strat.flatten(ms * MS);
  r.timer(ms + 3000); // past the venues' hedge back-off
  t.ok(r.sink.orders.length > sent);
  t.match(r.sink.orders[r.sink.orders.length - 1], { role: ROLE_UNWIND, side: SIDE_SELL });
});
