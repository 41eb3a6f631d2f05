/**
 * Defect: an order a run sent but whose WAL `send` line it never wrote (killed in the µs
 * between the frame and the line, or a machine crash: order-wal.ts) is found at the venue in
 * the run's reserved id block and joins the run's orders (reconcile.ts), but only while the
 * look-back window holds its fill: nothing durable records it. The venue ledger remembers
 * only fills in NO journal (orphanFillViews), not these; no lookup asks for them (they are in
 * no WAL). Once the fill leaves the window the crashed run's other leg counts alone.
 */
import t from 'tap';
import { HOUR, SYMBOL, World, believed, round9 } from '../execution/ledger-harness.js';
import { crashedRunWal, startAs, tmpRuns } from '../execution/ledger-start-harness.js';

t.test('a crashed pair whose second send line was lost stays hedged after the window moved', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  const wal = crashedRunWal(dir, 'R');
  wal.reserve('xabcdef01', 1, 1024);
  wal.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: SYMBOL, side: 'buy', price: 60_000, qty: 1, timestampMs: 0 });
  wal.final('binance', 'xabcdef01-1', 'FILLED', 1);
  wal.close(); // killed before the hedge's send line: xabcdef01-2 is at the venue only
  w.fills.push({ venue: 'binance', symbol: SYMBOL, tradeId: 'b1', orderId: 'o1', clientOrderId: 'xabcdef01-1', side: 'buy', qty: 1, price: 60_000, timeMs: 0 });
  w.fills.push({ venue: 'bybit', symbol: SYMBOL, tradeId: 'y1', orderId: 'o2', clientOrderId: 'xabcdef01-2', side: 'sell', qty: 1, price: 60_010, timeMs: 1 });
  const b = startAs(w, 'B', 1 * HOUR); // the hedge found in R's reserved block: nothing left
  t.equal(round9(believed(b)), 0);
  t.equal(b.canTrade, true);
  const c = startAs(w, 'C', 30 * HOUR);
  t.equal(round9(believed(c)), round9(w.truth(30 * HOUR)), 'C: the venue holds +1 -1 = 0 of R\'s');
  t.equal(c.canTrade, true, 'C may trade (a flatten policy would sell 1 BTC nobody owes)');
});
