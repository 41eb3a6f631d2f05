/**
 * review10b: the base-coin fee is applied once over all parts (`rest = left + (netQty - gross)`,
 * and only when the parts do not net to nothing gross), not per part. A long whose fill paid a
 * base fee, closed by hand exactly (its 0.999), then a short of 1: the gross parts net to
 * nothing, so no fee comes off, and the close of 0.999 leaves 0.001 of the long open in the
 * gross walk, which nets the short to 0.999. The venue holds short 1. Likewise a short closed
 * by hand, then a long that paid a base fee: the open long keeps its gross 1, its own fee dropped.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { tmpRuns } from '../execution/ledger-start-harness.js';

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
