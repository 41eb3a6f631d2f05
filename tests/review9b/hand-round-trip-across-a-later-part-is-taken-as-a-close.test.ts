/**
 * review9b: closedByHand nets the trades by hand window by window between the parts' last
 * fills, and a window whose net goes the way of the open exposure is dropped (not carried). So
 * an operator's own round trip on the symbol (buy 1 for inventory, later sell it again) that a
 * later part's last fill happens to split is read as a close of xarb's leftover: the sell counts,
 * the buy it undoes does not. The venue ledger now remembers every such trade "closing or not",
 * yet the same hand trades give a different leftover depending only on when an unrelated xarb
 * fill landed (without the part between, the buy and the sell net to nothing).
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { tmpRuns } from '../execution/ledger-start-harness.js';

t.test('an operator\'s buy and sell by hand net to nothing, whatever xarb fill came between', async (t) => {
  for (const splitByALaterPart of [false, true]) {
    const dir = tmpRuns(t);
    const w = new World(dir);
    w.orphanFill('binance', 'buy', 1, 0); // a lost run's unhedged buy
    w.byHand('binance', 'buy', 1, 1 * HOUR); // the operator tops up his own inventory
    if (splitByALaterPart) w.orphanFill('bybit', 'buy', 1, 2 * HOUR); // another lost run's unhedged buy
    else w.orphanFill('bybit', 'buy', 1, 0);
    w.byHand('binance', 'sell', 1, 3 * HOUR); // ... and sells it again
    const s = w.start('S', 4 * HOUR);
    t.equal(round9(w.truth(4 * HOUR)), 2, 'the venue holds xarb\'s +2 (the operator\'s trades net to nothing)');
    t.equal(round9(believed(s.verdict!)), 2, `S counts long 2 (${splitByALaterPart ? 'the second buy after the operator\'s buy' : 'both buys first'})`);
  }
});
