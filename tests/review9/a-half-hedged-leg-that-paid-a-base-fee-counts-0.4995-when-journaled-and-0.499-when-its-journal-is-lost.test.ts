/**
 * Review of issue #9 (wt-r9, 71448f0): the same fills at the venues give two different
 * exposures depending on whether their run's journal exists. A buy of 1 that paid 0.001 BTC,
 * hedged by a sell of 0.5: the account holds 0.499 more BTC than before. As xarb fills in no
 * journal (each its own part since 71448f0) the start counts 0.499; as a crashed run's orders
 * (one part) it counts 0.4995 (the hedged half's fee called inventory drift) and its flatten
 * leaves the account short 0.0005. Before 71448f0 both counted 0.4995. Fully hedged, the same:
 * a crashed run's pair counts nothing, the same pair with its journal lost counts short 0.001.
 * The invariant: the exposure believed equals what the venue holds, base-coin fees included,
 * whatever records xarb still has.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { tmpRuns } from '../execution/ledger-start-harness.js';

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
  t.equal(a, b, `journaled: the same as with the journal lost (wt-r9: ${a} vs ${b})`);
});

t.test('a buy of 1 with a 0.001 base fee hedged by a sell of 1', async (t) => {
  const journaled = new World(tmpRuns(t));
  journaled.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR, baseFee: 0.001 }, { venue: 'bybit', side: 'sell', qty: 1, timeMs: 1 * HOUR + 1 }]);
  const lost = new World(tmpRuns(t));
  lost.orphanFill('binance', 'buy', 1, 1 * HOUR, 0.001);
  lost.orphanFill('bybit', 'sell', 1, 1 * HOUR + 1);
  const a = round9(believed(journaled.start('S', 2 * HOUR).verdict!));
  const b = round9(believed(lost.start('S', 2 * HOUR).verdict!));
  t.equal(a, b, `journaled: the same as with the journal lost (wt-r9: ${a} vs ${b})`);
});
