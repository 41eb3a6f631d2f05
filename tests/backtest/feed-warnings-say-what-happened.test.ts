/**
 * The feed-model warnings say what weakened the fill model (docs/backtest.md, Engine). Found in
 * the review of issue #10: any update whose exchange time was > 1 ms behind the engine's clock
 * was reported as "more than 1 ms before updates of the other venue already applied", even with
 * one venue's data only (the same venue's previous update had moved the clock: its own exchange
 * times went backwards), sending a quant to look for a cross-venue merge problem that was not
 * there. With the look-ahead the other venue can no longer be the cause; two counts remain, each
 * with its own message: a venue's own data out of exchange-time order, and an update received
 * later than the look-ahead after its exchange time.
 */
import t from 'tap';
import { BIN, BYB, MS, WALL0, engine } from './small-engine.js';

t.test('an update late behind its own venue\'s earlier update is not blamed on the other venue', async (t) => {
  const { e, entries } = engine();
  e.onTopOfBook(BYB, 0, 10 * MS, WALL0 + 9, 100, 5, 100.1, 5); // bybit only: exchange time 9 ms
  e.onTopOfBook(BYB, 0, 11 * MS, WALL0 + 5, 100, 4, 100.1, 5); // bybit again, exchange time 5 ms (backwards)
  e.finish(11 * MS, 100 * MS);
  const late = entries().filter((x) => x.type === 'warning' && x.backwards_exchange_time !== undefined);
  t.equal(late.length, 1, 'one late-update warning, for bybit');
  t.notMatch(String(late[0]?.message), /other venue/, 'no binance data at all: the other venue applied nothing');
  t.equal(late[0]?.venue, 'bybit');
  t.equal(late[0]?.backwards_exchange_time, 1);
  t.match(String(late[0]?.message), /before an earlier-received update of bybit/, 'it names what happened: bybit\'s own data went backwards');
  t.notOk(entries().some((x) => x.type === 'warning' && x.late_venue_events !== undefined), 'nothing was received beyond the look-ahead');
});

t.test('an update received later than the look-ahead after its exchange time is counted as applied late', async (t) => {
  const { e, entries } = engine(); // look-ahead 5 s (the default with exchange times)
  e.onTopOfBook(BIN, 0, 2000 * MS, 0, 100, 5, 100.2, 5); // binance at 2 s (no exchange time: its receipt)
  e.onTopOfBook(BIN, 0, 7100 * MS, 0, 100, 5, 100.2, 5); // received 5.1 s later: the 2 s update is applied, the clock is at 2 s
  e.onTopOfBook(BYB, 0, 7101 * MS, WALL0 + 100, 100, 5, 100.2, 5); // bybit at 0.1 s at the venue, received 7 s later
  e.finish(7101 * MS, 100 * MS);
  const late = entries().filter((x) => x.type === 'warning' && x.late_venue_events !== undefined);
  t.equal(late.length, 1, 'one warning');
  t.equal(late[0]?.venue, 'bybit');
  t.equal(late[0]?.late_venue_events, 1);
  t.match(String(late[0]?.message), /more than the look-ahead \(5000 ms\) after their exchange time/);
  t.notOk(entries().some((x) => x.type === 'warning' && x.backwards_exchange_time !== undefined), 'bybit\'s own times did not go backwards');
});
