/**
 * A crashed run's journaled order counts the most that any source says filled: its fills in the
 * look-back window, its order history's cum qty and its WAL `final` cum qty. An order whose fills
 * straddle the window's edge is counted in full (its newer fills alone would show a hedged
 * pair as exposure, which a flatten policy would trade).
 */
import t from 'tap';
import { HOUR, LOOKBACK_MS, SYMBOL, World, believed, round9 } from './ledger-harness.js';
import { crashedRunWal, startAs, tmpRuns } from './ledger-start-harness.js';

t.test('a journaled order whose fills straddle the window edge counts in full', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  const wal = crashedRunWal(dir, 'R');
  wal.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: SYMBOL, side: 'buy', price: 60_000, qty: 1, timestampMs: 0 });
  wal.final('binance', 'xabcdef01-1', 'FILLED', 1);
  wal.send({ clientOrderId: 'xabcdef01-2', venue: 'bybit', symbol: SYMBOL, side: 'sell', price: 60_010, qty: 1, timestampMs: 0 });
  wal.final('bybit', 'xabcdef01-2', 'FILLED', 1);
  wal.close(); // R crashed with both legs filled: hedged
  w.fills.push({ venue: 'binance', symbol: SYMBOL, tradeId: 'b1', orderId: 'o1', clientOrderId: 'xabcdef01-1', side: 'buy', qty: 0.4, price: 60_000, timeMs: 0 });
  w.fills.push({ venue: 'binance', symbol: SYMBOL, tradeId: 'b2', orderId: 'o1', clientOrderId: 'xabcdef01-1', side: 'buy', qty: 0.6, price: 60_000, timeMs: 2 });
  w.fills.push({ venue: 'bybit', symbol: SYMBOL, tradeId: 'y1', orderId: 'o2', clientOrderId: 'xabcdef01-2', side: 'sell', qty: 1, price: 60_010, timeMs: 3 });
  t.equal(round9(believed(startAs(w, 'B', 1 * HOUR))), 0, 'B: hedged');
  const at = LOOKBACK_MS + 1; // the window starts at 1 ms: the 0.4 fill is out, the 0.6 one in
  const c = startAs(w, 'C', at);
  t.equal(round9(believed(c)), round9(w.truth(at)), 'C: the venue holds +1 -1 = 0 of R\'s');
  t.equal(c.canTrade, true);
});
