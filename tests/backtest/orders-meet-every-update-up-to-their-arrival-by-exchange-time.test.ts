/**
 * Before an order is matched at its venue arrival time T, the venue-side book of that venue has
 * applied every update of that venue with exchange time <= T, including ones received after
 * events of the other venue (docs/backtest.md, Engine and "Look-ahead"; issue #10 "Two books").
 * Found in the review of issue #10: events were applied in receive order and the clock never
 * went back, so an order arriving after an update's exchange time but before its receipt was
 * filled as soon as any other event (here: a Binance ticker received meanwhile) pushed the clock
 * past its arrival, against the book WITHOUT the update; the update was then only "applied
 * late". With real data (Binance ticks every few ms, Bybit 10-50 ms of feed lag) that was nearly
 * every Bybit update: the venue-side book silently at receive time.
 * Ties: an update at exactly the arrival's ms is applied before the order (third case).
 */
import t from 'tap';
import { BIN, BYB, MS, WALL0, engine } from './small-engine.js';

function run(binanceTickAtMs: number | null) {
  const r = engine({ entryMs: 3 });
  r.e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 5);
  r.e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 5, 100.1, 5); // edge: orders sent at 2 ms, at the venues at 5 ms
  // an unrelated Binance ticker (its bid size changes), received after the orders reached the venues
  if (binanceTickAtMs !== null) r.e.onTopOfBook(BIN, 0, binanceTickAtMs * MS, 0, 100, 4, 100.1, 5);
  r.e.onTopOfBook(BYB, 0, 10 * MS, WALL0 + 4, 100, 5, 100.1, 5); // the bybit bid was pulled at 4 ms at the venue, received at 10 ms
  r.e.onTopOfBook(BIN, 0, 3000 * MS, 0, 100, 5, 100.1, 5);
  r.e.finish(3000 * MS, 10_000 * MS);
  return r.fills('bybit', 'sell').filter((x) => x.last_px === 101).length;
}

t.test('an order arriving after a pull (by exchange time) never meets the pulled bid, whatever else was received meanwhile', async (t) => {
  t.equal(run(null), 0, 'control (as tests/backtest/engine.test.ts): pulled at 4 ms, the sell arriving at 5 ms finds nothing');
  t.equal(run(6), 0, 'a Binance ticker received at 6 ms must not let the 5 ms sell fill at the bid pulled at 4 ms');
});

t.test('an update at exactly the order\'s arrival ms is applied first; one a ms later is not', async (t) => {
  const at = (pullMs: number) => {
    const r = engine({ entryMs: 3 });
    r.e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 5);
    r.e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 5, 100.1, 5); // orders at the venues at 5 ms
    r.e.onTopOfBook(BIN, 0, 6 * MS, 0, 100, 4, 100.1, 5);
    r.e.onTopOfBook(BYB, 0, 10 * MS, WALL0 + pullMs, 100, 5, 100.1, 5); // the bybit bid pulled at pullMs
    r.e.onTopOfBook(BIN, 0, 3000 * MS, 0, 100, 5, 100.1, 5);
    r.e.finish(3000 * MS, 10_000 * MS);
    return r.fills('bybit', 'sell').filter((x) => x.last_px === 101).length;
  };
  t.equal(at(5), 0, 'pulled at 5 ms, the sell arriving at 5 ms finds nothing (ties go to the update)');
  t.equal(at(6), 1, 'pulled at 6 ms, the sell arriving at 5 ms sold at 101 (the look-ahead does not apply the future)');
});
