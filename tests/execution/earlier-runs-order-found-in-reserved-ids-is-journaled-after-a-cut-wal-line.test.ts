/**
 * journalReservedFinds appends a send (and final) line to a crashed run's orders.wal: the send
 * lines lost in a machine crash are the case it exists for, and a machine crash can also leave
 * the WAL's last line cut short without its newline. OrderWal ends such a file with a newline
 * before appending, so the found order is journaled on a line of its own and, once the ledger
 * is lost and the window has moved, the run's other leg does not count alone (found by
 * review9b: the new line was glued to the fragment and both read as one bad line).
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { readOrderWal, WAL_FILE } from '../../src/execution/order-wal.js';
import { HOUR, SYMBOL, World, believed, round9 } from './ledger-harness.js';
import { crashedRunWal, startAs, tmpRuns } from './ledger-start-harness.js';

t.test('an order found in reserved ids is journaled even when the crashed WAL ends in a cut line', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  const wal = crashedRunWal(dir, 'R');
  wal.reserve('xabcdef01', 1, 1024);
  wal.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: SYMBOL, side: 'buy', price: 60_000, qty: 1, timestampMs: 0 });
  wal.final('binance', 'xabcdef01-1', 'FILLED', 1);
  wal.close();
  // The machine crashed while the hedge's send line was being written: only its start reached the disk.
  fs.appendFileSync(path.join(dir, 'R', WAL_FILE), '{"k":"send","cid":"xabcdef01-2","v":"by');
  w.fills.push({ venue: 'binance', symbol: SYMBOL, tradeId: 'b1', orderId: 'o1', clientOrderId: 'xabcdef01-1', side: 'buy', qty: 1, price: 60_000, timeMs: 0 });
  w.fills.push({ venue: 'bybit', symbol: SYMBOL, tradeId: 'y1', orderId: 'o2', clientOrderId: 'xabcdef01-2', side: 'sell', qty: 1, price: 60_010, timeMs: 1 });

  const b = startAs(w, 'B', 1 * HOUR);
  t.equal(round9(believed(b)), 0, 'B finds the hedge in R\'s reserved ids: nothing left');
  const found = readOrderWal(path.join(dir, 'R', WAL_FILE)).orders.find((o) => o.clientOrderId === 'xabcdef01-2');
  t.match(found, { venue: 'bybit', side: 'sell', qty: 1, final: { cumQty: 1 } }, 'the hedge is journaled in R\'s WAL');

  for (const n of fs.readdirSync(dir)) if (n.startsWith('ledger-')) fs.rmSync(path.join(dir, n));
  const c = startAs(w, 'C', 30 * HOUR);
  t.equal(round9(believed(c)), round9(w.truth(30 * HOUR)), 'C (ledger lost): the venue holds +1 -1 = 0 of R\'s');
});
