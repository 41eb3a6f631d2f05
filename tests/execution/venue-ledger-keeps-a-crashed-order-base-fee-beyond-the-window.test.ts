/**
 * The base-coin fee of a crashed run's fill (a Binance buy without BNB pays its fee in BTC)
 * still comes off the leftover after the fill left the look-back window: the venue ledger keeps
 * the counted fills of journaled orders (`counted_fills`), so the leftover is what the account
 * holds, and once the operator sells exactly that, nothing is left.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

t.test('a crashed buy\'s base fee still counts after its fill left the window', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  w.crashedRun('A', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]);
  w.fills[w.fills.length - 1]!.baseFee = 0.001; // the account received 0.999 BTC
  const dust = 0.00001; // a Binance BTC step
  const b = startAs(w, 'B', 1 * HOUR, { dustQty: dust });
  t.equal(round9(believed(b)), 0.999, 'B: long 0.999, what the account holds');
  const c = startAs(w, 'C', 30 * HOUR, { dustQty: dust });
  t.equal(round9(believed(c)), 0.999, 'C, after the window moved: still long 0.999');
  w.byHand('binance', 'sell', 0.999, 31 * HOUR); // the operator sells what the account holds
  const d = startAs(w, 'D', 32 * HOUR, { dustQty: dust });
  t.equal(round9(believed(d)), 0, 'D: nothing left');
  t.equal(d.canTrade, true, 'so D may trade');
});
