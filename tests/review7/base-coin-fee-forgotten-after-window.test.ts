/**
 * Defect: the base-coin fee of a crashed run's fills (a Binance buy without BNB pays its fee
 * in BTC) comes off the leftover only while the fills are in the look-back window
 * (reconcile.ts feeSums, from venueFills); once they leave it, the order counts from its WAL
 * `final` cum qty, fee-less, and the venue ledger does not remember journaled orders' fills.
 * The same leftover is then believed larger than what the account holds; after the operator
 * closes exactly what it holds, a residue stays "exposure" and refuses every start.
 */
import t from 'tap';
import { HOUR, World, believed, round9 } from '../execution/ledger-harness.js';
import { startAs, tmpRuns } from '../execution/ledger-start-harness.js';

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
