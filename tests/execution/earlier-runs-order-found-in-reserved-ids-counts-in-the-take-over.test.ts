/**
 * An order found at the venue in a crashed run's reserved ids (no send line) is journaled in
 * that run's WAL by journalReservedFinds after the start read the runs. The taker's
 * leftover.json `taken_over_orders` counts it too (takenOverCounts: the WAL's orders plus the
 * finds), so once the taker ends the crashed run counts as ended and no later start counts the
 * found order again (found by review9b: counted from the runs read before, the taker's count
 * was one short, and a flatten policy would sell 1 BTC the venue does not hold from xarb).
 */
import t from 'tap';
import path from 'node:path';
import { OrderWal } from '../../src/execution/order-wal.js';
import { HOUR, SYMBOL, World, believed, round9 } from './ledger-harness.js';
import { crashedRunWal, startAs, tmpRuns } from './ledger-start-harness.js';

t.test('a found order answered for by a taker that ended is not counted again', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  // R reserved its ids, sent a buy and was killed before its send line (or a machine crash lost it).
  const wal = crashedRunWal(dir, 'R');
  wal.reserve('xabcdef01', 1, 1024);
  wal.close();
  w.fills.push({ venue: 'binance', symbol: SYMBOL, tradeId: 'b1', orderId: 'o1', clientOrderId: 'xabcdef01-1', side: 'buy', qty: 1, price: 60_000, timeMs: 0 });

  // B finds it in R's reserved ids, counts R long 1, and flattens it (committed, then stops cleanly).
  const b = startAs(w, 'B', 1 * HOUR, { policy: 'flatten' });
  t.equal(round9(believed(b)), 1, 'B counts R\'s found buy');
  t.same(b.flatten.map((f) => [f.side, f.qty]), [['sell', 1]], 'B flattens it');
  const bw = new OrderWal(path.join(dir, 'B'));
  bw.send({ clientOrderId: 'xb0000001-1', venue: 'binance', symbol: SYMBOL, side: 'sell', price: 60_000, qty: 1, timestampMs: 1 * HOUR + 1 });
  bw.final('binance', 'xb0000001-1', 'FILLED', 1);
  bw.close();
  w.fills.push({ venue: 'binance', symbol: SYMBOL, tradeId: 'b2', orderId: 'o2', clientOrderId: 'xb0000001-1', side: 'sell', qty: 1, price: 60_000, timeMs: 1 * HOUR + 1 });

  // C, still inside the window: R's buy and B's flatten net to nothing at the venue.
  const c = startAs(w, 'C', 2 * HOUR);
  t.comment(c.reasons.join(' | '));
  t.equal(round9(w.truth(2 * HOUR)), 0, 'the venue holds +1 -1 = 0 of xarb\'s');
  t.equal(round9(believed(c)), 0, 'C counts nothing left (B answered for R\'s found order)');
  t.equal(c.canTrade, true, 'C may trade');
});
