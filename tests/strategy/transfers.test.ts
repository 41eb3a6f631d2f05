/**
 * Simulated transfers between venues (src/strategy/transfers.ts): when the rebalancing skew is
 * not enough, dry-run and backtest move inventory from the richer venue after it has been low
 * for rebalance_transfer_after_ms, in transit for rebalance_transfer_delay_ms, less a fee.
 * Live trading (simulateTransfers unset) never moves anything: only rebalance_needed.
 */
import t, { type Test } from 'tap';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, SIDE_SELL, ST_FILLED } from '../../src/core/records.js';
import { DryRunBalances } from '../../src/execution/dry-run-balances.js';
import type { ArbitrageConfig } from '../../src/strategy/config.js';
import { BINANCE, BTC, BYBIT, openPair, rig, type Rig } from './harness.js';

const near = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) < eps;

function transferConfig(cfg: ArbitrageConfig): void {
  cfg.strategy.rebalance_threshold = 0.3;
  cfg.strategy.rebalance_floor_bps = 0;
  cfg.strategy.rebalance_transfer_after_ms = 1000;
  cfg.strategy.rebalance_transfer_delay_ms = 5000;
  cfg.strategy.rebalance_transfer_fee_base = 0.001;
  cfg.risk.position_limit = 5;
}

/**
 * A mirror of the simulated venues: the real dry-run balances, fed every fill and every
 * transfer event, as the backtest engine and the colocated dry-run executor feed theirs.
 */
function mirror(r: Rig): DryRunBalances {
  const m = new DryRunBalances(2, 1, [{ quote: 100_000, base: 1 }, { quote: 100_000, base: 1 }]);
  const onEvent = r.ev.onEvent.bind(r.ev);
  r.ev.onEvent = (e) => {
    if (e.type === 'transfer') m.applyTransfer(e);
    onEvent(e);
  };
  return m;
}

/** One round of the persistent basis (buy Binance 30000, sell Bybit 30100), both legs filled with fees. */
function round(r: Rig, m: DryRunBalances, ms: number): number {
  const before = r.sink.orders.length;
  openPair(r, ms);
  const sent = r.sink.orders.slice(before);
  for (const o of sent) {
    const buy = o.side === SIDE_BUY;
    const fee = buy ? o.qty * 0.001 : o.price * o.qty * 0.001;
    const feeAsset = buy ? ASSET_BASE : ASSET_QUOTE;
    m.applyFill(o.venue, o.symbol, o.side, o.qty, o.price * o.qty, fee, feeAsset);
    r.report(o.orderId, ST_FILLED, o.price, o.qty, o.qty, fee, feeAsset, ms + 2);
  }
  return sent.length;
}

/** Two rounds drain Bybit below the threshold; then timers run to `untilMs`, 1 s apart. Returns the mirror. */
function drainThenWait(t: Test, r: Rig, untilMs: number): DryRunBalances {
  const m = mirror(r);
  t.equal(r.strat.transfersEnabled, false);
  round(r, m, 0);
  round(r, m, 10);
  for (let ms = 1000; ms <= untilMs; ms += 1000) r.timer(ms);
  t.equal(r.ev.of('transfer').length, 0, 'no transfer');
  return m;
}

function sameBalances(t: Test, r: Rig, m: DryRunBalances, what: string): void {
  for (const v of [BINANCE, BYBIT]) {
    t.equal(r.strat.positions.base(v, BTC), m.baseOf(v, BTC), `${what}: base on venue ${v} equals the venue's`);
    t.equal(r.strat.positions.quote(v), m.quoteOf(v), `${what}: quote on venue ${v} equals the venue's`);
  }
}

t.test('a persistent basis drains Bybit; a simulated transfer refills it and the direction trades again', async (t) => {
  const r = rig(transferConfig, { simulateTransfers: true });
  const m = mirror(r);
  t.equal(r.strat.transfersEnabled, true);
  t.equal(round(r, m, 0), 2);
  t.equal(round(r, m, 10), 2);
  t.equal(round(r, m, 20), 0, 'Bybit is low (0.4 of 2 BTC): the draining direction is held back');
  t.ok(near(r.strat.positions.base(BYBIT, BTC), 0.4));
  t.equal(r.ev.of('rebalance_needed').length, 1);

  r.timer(900);
  t.equal(r.ev.of('transfer').length, 0, 'low for less than rebalance_transfer_after_ms: the skew acts alone');
  r.timer(1100);
  const started = r.ev.of('transfer');
  t.match(started, [{ phase: 'started', from: BINANCE, to: BYBIT, asset: ASSET_BASE, symbol: BTC, fee: 0.001, arriveNs: 6100e6 }]);
  const amount = started[0]!.amount;
  t.ok(near(amount, (r.strat.positions.base(BINANCE, BTC) + amount + r.strat.positions.base(BYBIT, BTC)) / 2 - r.strat.positions.base(BYBIT, BTC)), 'the amount that evens BTC out');
  t.ok(near(r.strat.positions.inTransit(BTC), amount), 'in transit: in neither venue');
  t.ok(near(r.strat.positions.netExposure(BTC), -0.6 * 0.001), 'in transit is not exposure (only the buy fees paid in BTC are)');
  t.ok(near(r.strat.availableBase(BINANCE, BTC), r.strat.positions.base(BINANCE, BTC)));
  sameBalances(t, r, m, 'in transit');

  t.equal(round(r, m, 2000), 0, 'still in transit: Bybit still low, the direction still held back');
  r.timer(6000);
  t.equal(r.ev.of('transfer').length, 1, 'not landed before the delay');
  r.timer(6100);
  t.match(r.ev.of('transfer')[1], { phase: 'done', from: BINANCE, to: BYBIT, amount, fee: 0.001 });
  t.equal(r.strat.positions.inTransit(BTC), 0);
  t.ok(r.ev.events.some((e) => e.type === 'inventory_ok' && e.venue === BYBIT && e.asset === ASSET_BASE), 'Bybit is back above the threshold');
  t.ok(near(r.strat.requiredEdgeBps(BTC, BINANCE, BYBIT), 10), 'no skew left');
  sameBalances(t, r, m, 'after landing');
  t.ok(near(r.strat.positions.base(BYBIT, BTC), 0.4 + amount - 0.001), 'Bybit got the amount less the fee');
  t.ok(r.strat.pnl.transferFees > 0, 'the fee is charged to PnL');

  const before = r.sink.orders.length;
  t.equal(round(r, m, 6200), 2, 'the direction keeps trading after the transfer landed');
  t.match(r.sink.orders.slice(before), [{ venue: BINANCE, side: SIDE_BUY }, { venue: BYBIT, side: SIDE_SELL }]);
  sameBalances(t, r, m, 'after the next round');
  t.equal(r.strat.stats.transfersStarted, 1);
  t.equal(r.strat.stats.transfersDone, 1);
});

t.test('transfers off (the default): only the skew acts, the draining direction stays held back', async (t) => {
  const r = rig((cfg) => {
    transferConfig(cfg);
    delete cfg.strategy.rebalance_transfer_after_ms;
  }, { simulateTransfers: true });
  const m = drainThenWait(t, r, 60_000);
  t.equal(round(r, m, 60_100), 0, 'still held back');
  t.ok(r.strat.requiredEdgeBps(BTC, BYBIT, BINANCE) < 4, 'the restoring direction still needs less');
  t.ok(r.strat.requiredEdgeBps(BTC, BINANCE, BYBIT) > 16, 'the draining one more');
});

t.test('live (simulateTransfers unset): configured transfers never move anything; the operator gets rebalance_needed', async (t) => {
  const r = rig(transferConfig);
  const m = drainThenWait(t, r, 20_000);
  t.match(r.ev.of('rebalance_needed'), [{ venue: BYBIT, asset: ASSET_BASE, symbol: BTC }]);
  sameBalances(t, r, m, 'live');
});

t.test('the fee comes off what lands and is charged to realized PnL at the mid', async (t) => {
  const r = rig((cfg) => {
    transferConfig(cfg);
    cfg.strategy.rebalance_transfer_fee_base = 0.5;
  }, { simulateTransfers: true });
  const m = mirror(r);
  round(r, m, 0);
  round(r, m, 10);
  const realized = r.strat.pnl.realized;
  r.timer(1100);
  r.timer(6100);
  const [started, done] = r.ev.of('transfer');
  t.equal(done?.phase, 'done');
  t.ok(near(r.strat.positions.base(BYBIT, BTC), 0.4 + started!.amount - 0.5));
  sameBalances(t, r, m, 'after a costly transfer');
  const mid = r.strat.books.mid(BINANCE, BTC);
  t.ok(near(r.strat.pnl.transferFees, 0.5 * mid, 1e-6));
  t.ok(near(r.strat.pnl.realized, realized - 0.5 * mid, 1e-6));
  t.ok(near(r.strat.positions.netExposure(BTC), -0.6 * 0.001), 'a transfer fee is not exposure to hedge');
});
