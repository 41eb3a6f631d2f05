/**
 * A close by hand nets each part as the account holds it: a part's base-coin fee comes off that
 * part in the walk, not off the parts' total. A long whose fill paid a base fee, closed by hand
 * exactly (its 0.999), then a short of 1: the venue is short 1 (taking the fee off the total,
 * which nets to nothing gross, left 0.001 of the long open and counted short 0.999). Likewise
 * a short closed by hand, then a long that paid a base fee: the open long counts 0.999.
 * (Review 10b's reproducer.)
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { tmpRuns } from './ledger-start-harness.js';

t.test('a long closed by hand (exactly its 0.999), then a short of 1: the venue is short 1', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 1 * HOUR);
  w.fills.at(-1)!.baseFee = 0.001; // the account got 0.999
  w.byHand('binance', 'sell', 0.999, 2 * HOUR); // all of it
  w.orphanFill('bybit', 'sell', 1, 3 * HOUR);
  const s = w.start('S', 4 * HOUR);
  t.equal(round9(0.999 - 0.999 - 1), -1, 'the account moved by -1 base coin since the first part');
  t.equal(round9(believed(s.verdict!)), -1, 'S counts short 1');
});

t.test('a short closed by hand, then a long whose buy paid a base fee: the venue is long 0.999', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('bybit', 'sell', 1, 1 * HOUR);
  w.byHand('bybit', 'buy', 1, 2 * HOUR); // closes it
  w.orphanFill('binance', 'buy', 1, 3 * HOUR);
  w.fills.at(-1)!.baseFee = 0.001; // the account got 0.999
  const s = w.start('S', 4 * HOUR);
  t.equal(round9(believed(s.verdict!)), 0.999, 'S counts long 0.999 (the open long\'s own fee comes off)');
});
