/**
 * Invariant: the strategy never trades a pair that the venues report as fully filled on both
 * legs into a naked position. A fill report whose quantity is stated but whose price is unusable
 * (lastPx NaN or 0) still says the leg filled that quantity; the twin's fill is then hedged
 * already, not a residual.
 * Session-6 review (fixed): was OrderFlow.onReport (src/strategy/order-flow.ts, the
 * "malformed report" branch at the top of onReport) drops the whole report, quantity included,
 * and the leg goes UNKNOWN. An unknown ENTRY leg gives the round no cover (RoundLifecycle
 * unknownCover counts only hedges and unwinds), so after hedge_timeout_ms the twin's full fill
 * is "hedged" (here: a buy of 0.3 against the Bybit sell) on a flat position, and the strategy holds the full round size naked until
 * the verdict, which is only asked reconcile_after_ms (default 3 × order_timeout_ms) after the
 * order went unknown; the verdict then flips the residual and it is hedged back (two needless
 * full-size taker trades). Compare the verdict path, which books a stated quantity at the
 * order's limit when the price is missing (order-flow.ts reconcile).
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, ROLE_HEDGE, ROLE_UNWIND, SIDE_BUY, ST_FILLED, ST_REJECTED } from '../../src/core/records.js';
import { openPair, rig } from './harness.js';

for (const px of [NaN, 0]) {
  t.test(`a leg reported FILLED 0.3 at price ${px}, its twin FILLED 0.3: no hedge before the verdict`, async (t) => {
    const r = rig();
    openPair(r, 0); // order 1: buy 0.3 on Binance, order 2: sell 0.3 on Bybit
    r.report(1, ST_FILLED, px, 0.3, 0.3, 0.0003, ASSET_BASE, 2); // the venue bought 0.3; the price field is unusable
    r.report(2, ST_FILLED, 30096.9, 0.3, 0.3, 9, ASSET_QUOTE, 3);
    // The next 2 s (the verdict is asked after 3 × order_timeout_ms = 3 s).
    for (let ms = 10; ms <= 2000; ms += 10) r.timer(ms);
    const residual = r.sink.orders.filter((o) => o.role === ROLE_HEDGE || o.role === ROLE_UNWIND);
    t.same(residual.map((o) => `${o.side === SIDE_BUY ? 'buy' : 'sell'} ${o.qty}`), [],
      'both legs filled 0.3: nothing is open, no hedge or unwind is sent');
  });
}

// The same dropped quantity the other way round: the leg really bought 0.3 and its twin was
// rejected, so 0.3 is naked from the report on; the strategy does not hedge it before the verdict.
t.test('a leg reported FILLED 0.3 at price NaN, its twin REJECTED: the 0.3 is hedged without waiting for the verdict', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, ST_FILLED, NaN, 0.3, 0.3, 0.0003, ASSET_BASE, 2);
  r.report(2, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, 3, -2010);
  for (let ms = 10; ms <= 2000; ms += 10) r.timer(ms);
  const residual = r.sink.orders.filter((o) => o.role === ROLE_HEDGE || o.role === ROLE_UNWIND);
  t.same(residual.map((o) => `${o.side === SIDE_BUY ? 'buy' : 'sell'} ${o.qty}`), ['sell 0.3'],
    'the venue said 0.3 was bought: that exposure is hedged (a sell of 0.3) within 2 s, not left naked until the verdict');
});
