/**
 * A crashed run's leftover exposure handed to the strategy at live start-up
 * (`execution.live.leftover_exposure`): adopted, it is a residual hedged on the better book;
 * flattened, it is unwound at once (role unwind, the unwind's wider price). Either way it is a
 * round of the symbol: a round already open there is not disturbed.
 */
import t from 'tap';
import { ASSET_QUOTE, ROLE_HEDGE, ROLE_UNWIND, SIDE_BUY, SIDE_SELL, ST_FILLED } from '../../src/core/records.js';
import { BINANCE, BTC, BYBIT, MS, rig, openPair } from './harness.js';

const calm = (r: ReturnType<typeof rig>): void => {
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, 0);
  r.quote(BYBIT, 29995, 0.5, 30005, 0.5, 1);
};

t.test('adopt: a long left over is hedged with a sell on the better bid, and the round closes on its fill', async (t) => {
  const r = rig();
  calm(r);
  t.equal(r.sink.orders.length, 0, 'no spread: nothing sent');
  t.equal(r.strat.adoptLeftover(BTC, 0.2, 30010, false, 2 * MS), true);
  t.equal(r.strat.openRounds(), 1);
  t.match(r.sink.orders, [{ venue: BYBIT, side: SIDE_SELL, qty: 0.2, role: ROLE_HEDGE }], 'Bybit bid 29995 beats Binance 29990');
  r.report(r.sink.orders[0]!.orderId, ST_FILLED, 29995, 0.2, 0.2, 6, ASSET_QUOTE, 3);
  t.equal(r.strat.openRounds(), 0, 'closed');
  const closed = r.ev.of('round_closed');
  t.equal(closed.length, 1);
  t.ok(Math.abs(closed[0]!.leggingPnl - (0.2 * (29995 - 30010) - 6)) < 1e-9, 'priced against the leftover\'s entry price');
});

t.test('flatten: a short left over is unwound at once with a buy on the lower ask', async (t) => {
  const r = rig();
  calm(r);
  t.equal(r.strat.adoptLeftover(BTC, -0.1, 30000, true, 2 * MS), true);
  t.match(r.sink.orders, [{ venue: BINANCE, side: SIDE_BUY, qty: 0.1, role: ROLE_UNWIND }]);
  t.match(r.ev.of('unwind_sent'), [{ venue: BINANCE, qty: 0.1, attempt: 1 }]);
});

t.test('a round already open on the symbol: not adopted now (the caller retries)', async (t) => {
  const r = rig();
  openPair(r, 0);
  t.equal(r.strat.openRounds(), 1);
  t.equal(r.strat.adoptLeftover(BTC, 0.2, 30000, false, 2 * MS), false);
  t.equal(r.sink.orders.length, 2, 'only the pair\'s legs');
});
