/**
 * A fill report without a usable price (NaN, 0) is booked at the order's limit, the worst price
 * the IOC could have had: the quantity is the venue's word (so what is open gets hedged), and
 * positions never become NaN nor book a free fill (counter badReports). A NaN or negative
 * quantity or fee is not booked: the order goes UNKNOWN for the venue's verdict. A verdict
 * lacking its quote amount books the venue's quantity at the limit. Review finding F3 (session 6).
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, ST_FILLED, ST_PARTIAL } from '../../src/core/records.js';
import { BINANCE, BTC, MS, openPair, rig } from './harness.js';

t.test('a fill report priced NaN is booked at the order limit: positions stay finite, later orders are well formed', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, NaN, 0.3, 0.3, 0.0003, ASSET_BASE, 2);
  r.report(2, ST_FILLED, 30096.9, 0.3, 0.3, 9, ASSET_QUOTE, 3);
  for (let i = 0; i < 3; i++) {
    const before = r.sink.orders.length;
    openPair(r, 10 + i * 10);
    for (const o of r.sink.orders.slice(before)) r.report(o.orderId, ST_FILLED, o.price, o.qty, o.qty, 0, ASSET_QUOTE, 12 + i * 10);
  }
  const bad = r.sink.orders.filter((o) => !(Number.isFinite(o.qty) && o.qty > 0 && Number.isFinite(o.price) && o.price > 0));
  t.equal(bad.length, 0, `no order with a non-finite quantity or price (${bad.length} sent: ${bad.map((o) => `${o.orderId}: ${o.qty} @ ${o.price}`).join(', ')})`);
  t.ok(Number.isFinite(r.strat.positions.quote(BINANCE)) || r.strat.isHalted, `Binance quote ${r.strat.positions.quote(BINANCE)}: finite, or the strategy halted with a reason ('${r.strat.haltReason}')`);
  t.ok(Number.isFinite(r.strat.strategyPnl()) || r.strat.isHalted, `strategy PnL ${r.strat.strategyPnl()} (max_drawdown watches it)`);
});

t.test('a fill report priced 0 is booked at the order limit, not as a free buy', async (t) => {
  const r = rig();
  openPair(r, 0);
  // The venue bought 0.3 BTC at 30003 on Binance (fee in base); the report says lastPx 0.
  r.report(1, ST_FILLED, 0, 0.3, 0.3, 0.0003, ASSET_BASE, 2);
  r.report(2, ST_FILLED, 30096.9, 0.3, 0.3, 9, ASSET_QUOTE, 3);
  // The venue's word on order 1, as a reconciliation verdict would state it.
  r.strat.reconcileOrder(1, ST_FILLED, 0.3, 0.3 * 30003, 0.0003, ASSET_BASE, 10 * MS);
  const venueQuote = 100_000 - 0.3 * 30003;
  t.equal(r.strat.positions.base(BINANCE, BTC), 1.2997, 'base as the venue has it');
  t.ok(Math.abs(r.strat.positions.quote(BINANCE) - venueQuote) < 1e-6, `Binance quote: strategy ${r.strat.positions.quote(BINANCE)} vs venue ${venueQuote}`);
  t.ok(r.strat.pnl.realized < 100, `realized PnL ${r.strat.pnl.realized} (the pair earned ≈ 20 USDT before fees, not 9000)`);
});

t.test('a verdict without its quote amount (cumQuote 0) books the missing fill at the order limit, not at a negative price', async (t) => {
  const r = rig();
  openPair(r, 0);
  // 0.1 of the buy leg is reported; the rest of the order's story comes as a verdict whose
  // quote amount is missing (0), as a venue query without cumExecValue would give it.
  r.report(1, ST_PARTIAL, 30003, 0.1, 0.1, 0.0001, ASSET_BASE, 2);
  for (let ms = 10; ms <= 2500; ms += 10) r.timer(ms);
  t.equal(r.strat.unknownOrders >= 1, true, 'the buy leg is unknown');
  const quoteBefore = r.strat.positions.quote(BINANCE);
  r.strat.reconcileOrder(1, ST_FILLED, 0.3, 0, 0.0003, ASSET_BASE, 2600 * MS);
  const lateFill = r.ev.of('late_fill').find((e) => e.orderId === 1);
  t.ok(lateFill !== undefined && lateFill.price > 0, `the missing 0.2 is booked at a positive price (booked at ${lateFill?.price})`);
  t.ok(r.strat.positions.quote(BINANCE) <= quoteBefore, `buying 0.2 more BTC does not raise Binance's quote (${quoteBefore} -> ${r.strat.positions.quote(BINANCE)})`);
});
