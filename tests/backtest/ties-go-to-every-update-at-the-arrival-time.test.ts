/**
 * Invariant (docs/backtest.md "Look-ahead", engine.ts enterVenueTime): an order arriving at venue
 * time T meets EVERY update of its venue with exchange time <= T; at an exact tie the update
 * comes first.
 * Session-6 review (fixed): was the engine runs what is due at V right after the first update applied at V
 * (src/backtest/engine.ts quote(): `this.advanceTo(this.nowNs)` after the book change, and the
 * same in depthChanged), before the other updates that share V. Any other update at the same
 * venue time (the other venue's, or a second one of the same venue in the same ms) applied
 * first releases the order against a book that lacks the tied update of its own venue.
 */
import t from 'tap';
import { BIN, BYB, MS, WALL0, engine } from './small-engine.js';

function run(other: 'none' | 'binance' | 'bybit') {
  const r = engine({ entryMs: 3 });
  r.e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 5);
  r.e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 5, 100.1, 5); // edge: orders sent at 2 ms, at the venues at 5 ms
  // another update at exactly 5 ms (venue time), received before the Bybit pull
  if (other === 'binance') r.e.onTopOfBook(BIN, 0, 5 * MS, 0, 100, 4, 100.1, 5); // no exchange time: venue time = receipt = 5 ms
  if (other === 'bybit') r.e.onTopOfBook(BYB, 0, 7 * MS, WALL0 + 5, 101, 0.5, 101.1, 4); // Bybit ask size only, exchange time 5 ms
  r.e.onTopOfBook(BYB, 0, 10 * MS, WALL0 + 5, 100, 5, 100.1, 5); // the Bybit 101 bid pulled at 5 ms at the venue
  r.e.onTopOfBook(BIN, 0, 3000 * MS, 0, 100, 5, 100.1, 5);
  r.e.finish(3000 * MS, 10_000 * MS);
  return r.fills('bybit', 'sell').filter((x) => x.last_px === 101).length;
}

t.test('a tie at the order\'s arrival ms goes to the update even when another update shares that ms', async (t) => {
  t.equal(run('none'), 0, 'control: pulled at 5 ms, the sell arriving at 5 ms finds nothing');
  t.equal(run('binance'), 0, 'a Binance update at the same 5 ms applied first must not release the Bybit sell before the Bybit pull');
  t.equal(run('bybit'), 0, 'a first Bybit update in the same ms must not release the sell before the second (the pull)');
});
