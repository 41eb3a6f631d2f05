/**
 * The same fills at the venues give the same exposure whether their run's journal exists or
 * is lost: a buy of 1 that paid 0.001 BTC, hedged by a sell of 0.5, leaves the account 0.499
 * longer (found by review of issue #9: the journaled run counted 0.4995, calling the hedged
 * half's fee inventory drift; fully hedged, 0 where the account is short 0.001). The exposure
 * believed is what the venue holds, base-coin fees included, whatever records xarb still has.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';

t.test('a buy of 1 with a 0.001 base fee hedged by a sell of 0.5', async (t) => {
  const journaled = new World(tmpRuns(t));
  journaled.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR, baseFee: 0.001 }, { venue: 'bybit', side: 'sell', qty: 0.5, timeMs: 1 * HOUR + 1 }]);
  const lost = new World(tmpRuns(t));
  lost.orphanFill('binance', 'buy', 1, 1 * HOUR, 0.001);
  lost.orphanFill('bybit', 'sell', 0.5, 1 * HOUR + 1);
  t.equal(round9(journaled.truth()), 0.499, 'the account holds 0.499');
  t.equal(round9(lost.truth()), 0.499, 'the same fills');
  const a = round9(believed(journaled.start('S', 2 * HOUR).verdict!));
  const b = round9(believed(lost.start('S', 2 * HOUR).verdict!));
  t.equal(b, 0.499, 'journal lost: 0.499');
  t.equal(a, b, 'journaled: the same as with the journal lost');
});

t.test('a buy of 1 with a 0.001 base fee hedged by a sell of 1', async (t) => {
  const journaled = new World(tmpRuns(t));
  journaled.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR, baseFee: 0.001 }, { venue: 'bybit', side: 'sell', qty: 1, timeMs: 1 * HOUR + 1 }]);
  const lost = new World(tmpRuns(t));
  lost.orphanFill('binance', 'buy', 1, 1 * HOUR, 0.001);
  lost.orphanFill('bybit', 'sell', 1, 1 * HOUR + 1);
  const a = round9(believed(journaled.start('S', 2 * HOUR).verdict!));
  const b = round9(believed(lost.start('S', 2 * HOUR).verdict!));
  t.equal(a, b, 'journaled: the same as with the journal lost');
});
