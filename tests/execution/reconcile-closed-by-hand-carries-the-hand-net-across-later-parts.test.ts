/**
 * closedByHand carries the net of the trades by hand that closed nothing from the first part
 * on, across the later parts' last fills: the operator's own running balance is undone first by
 * a later trade the other way, which closes only what goes beyond it, and a trade undoing an
 * earlier close reopens the exposure. So the same trades by hand give the same leftover
 * wherever an unrelated xarb fill lands between them (found by review9b: netted window by
 * window, a window going the way of the open exposure was dropped, and the operator's sell
 * that undid his own buy was taken as a close of xarb's leftover).
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';

// The operator's two trades by hand around a second lost buy (at 2 h, or at 0 with the first).
const roundTrips = [
  { what: 'a buy for his own inventory, sold again later, nets to nothing', first: 'buy', then: 'sell' },
  { what: 'a close by hand, bought back later (undoing it), reopens the exposure', first: 'sell', then: 'buy' },
] as const;

for (const c of roundTrips) {
  t.test(`${c.what}, whatever xarb fill came between`, async (t) => {
    for (const splitByALaterPart of [false, true]) {
      const dir = tmpRuns(t);
      const w = new World(dir);
      w.orphanFill('binance', 'buy', 1, 0); // a lost run's unhedged buy
      w.byHand('binance', c.first, 1, 1 * HOUR);
      if (splitByALaterPart) w.orphanFill('bybit', 'buy', 1, 2 * HOUR); // another lost run's unhedged buy
      else w.orphanFill('bybit', 'buy', 1, 0);
      w.byHand('binance', c.then, 1, 3 * HOUR);
      const s = w.start('S', 4 * HOUR);
      t.equal(round9(w.truth(4 * HOUR)), 2, 'the venue holds xarb\'s +2 (the operator\'s trades net to nothing)');
      t.equal(round9(believed(s.verdict!)), 2, `S counts long 2 (${splitByALaterPart ? 'the second buy between the operator\'s trades' : 'both buys first'})`);
    }
  });
}

t.test('a close by hand beyond the operator\'s own buy closes only the rest, across a later part', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  w.orphanFill('binance', 'buy', 1, 0); // a lost run's unhedged buy
  w.byHand('binance', 'buy', 0.5, 1 * HOUR); // the operator buys 0.5 for himself
  w.orphanFill('bybit', 'buy', 1, 2 * HOUR); // another lost run's unhedged buy
  w.byHand('binance', 'sell', 1.5, 3 * HOUR); // he sells his 0.5 and 1 of xarb's
  const s = w.start('S', 4 * HOUR);
  const e = s.verdict!.exposure[0]!;
  t.equal(round9(believed(s.verdict!)), 1, 'S counts long 1 of the 2 xarb bought');
  t.equal(round9(e.closedByHand!), 1, '1 of it closed by hand (not 1.5)');
});
