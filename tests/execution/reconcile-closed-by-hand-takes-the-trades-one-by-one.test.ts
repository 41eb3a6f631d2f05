/**
 * The trades by hand are taken one by one in time order, not netted per window between two
 * parts: a sell and its buy-back in one window must not cancel, because the buy first undoes
 * the operator's own earlier sale (his 0.5 beyond the first close) and only then reopens. The
 * venue holds 0.5 of xarb's and the start counts 0.5, whether or not an xarb run that nets to
 * nothing lands between the two trades (found by review 10b).
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';

for (const hedgedRunBetween of [false, true]) {
  t.test(`long, close 1.5 by hand, long again, sell 1 then buy 1 by hand (${hedgedRunBetween ? 'a hedged crashed run between them' : 'nothing between them'})`, async (t) => {
    const w = new World(tmpRuns(t));
    w.orphanFill('binance', 'buy', 1, 1 * HOUR); // a lost run's unhedged buy
    w.byHand('binance', 'sell', 1.5, 2 * HOUR); // closes it, and sells 0.5 of his own
    w.orphanFill('bybit', 'buy', 1, 3 * HOUR); // another lost run's unhedged buy
    w.byHand('binance', 'sell', 1, 4 * HOUR); // closes it
    if (hedgedRunBetween) w.crashedRun('hedged', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 4.5 * HOUR }, { venue: 'bybit', side: 'sell', qty: 1, timeMs: 4.5 * HOUR }]);
    w.byHand('binance', 'buy', 1, 5 * HOUR); // buys back his own 0.5, and reopens 0.5
    const s = w.start('S', 6 * HOUR);
    t.equal(round9(w.truth(6 * HOUR)), 0.5, 'the venue holds +0.5 since the first part');
    t.equal(round9(believed(s.verdict!)), 0.5, 'S counts long 0.5 (the buy back undoes the operator\'s own sale of 0.5 first)');
  });
}
