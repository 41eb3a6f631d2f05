/**
 * An order a crashed run sent without its WAL `send` line (killed between the frame and the
 * line, or a machine crash: order-wal.ts) is found at the venue in the run's reserved id block
 * while the look-back window holds it. The start that finds it journals it in that run's WAL
 * (its send line, and its final line with the venue's cum qty: journalReservedFinds), so once
 * its fill has left the window the run's pair still nets to nothing: from the WAL alone (no
 * venue ledger), and with the ledger (which keeps the counted fills too).
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HOUR, SYMBOL, World, believed, round9 } from './ledger-harness.js';
import { crashedRunWal, startAs, tmpRuns } from './ledger-start-harness.js';
import { readOrderWal, WAL_FILE } from '../../src/execution/order-wal.js';

function crashedPairWithLostSendLine(dir: string): World {
  const w = new World(dir);
  const wal = crashedRunWal(dir, 'R');
  wal.reserve('xabcdef01', 1, 1024);
  wal.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: SYMBOL, side: 'buy', price: 60_000, qty: 1, timestampMs: 0 });
  wal.final('binance', 'xabcdef01-1', 'FILLED', 1);
  wal.close(); // killed before the hedge's send line: xabcdef01-2 is at the venue only
  w.fills.push({ venue: 'binance', symbol: SYMBOL, tradeId: 'b1', orderId: 'o1', clientOrderId: 'xabcdef01-1', side: 'buy', qty: 1, price: 60_000, timeMs: 0 });
  w.fills.push({ venue: 'bybit', symbol: SYMBOL, tradeId: 'y1', orderId: 'o2', clientOrderId: 'xabcdef01-2', side: 'sell', qty: 1, price: 60_010, timeMs: 1 });
  return w;
}

t.test('a crashed pair whose second send line was lost stays hedged after the window moved', async (t) => {
  for (const keepLedger of [true, false]) {
    const dir = tmpRuns(t);
    const w = crashedPairWithLostSendLine(dir);
    const b = startAs(w, 'B', 1 * HOUR); // the hedge found in R's reserved block: nothing left
    t.equal(round9(believed(b)), 0);
    t.equal(b.canTrade, true);
    const found = readOrderWal(path.join(dir, 'R', WAL_FILE)).orders.find((o) => o.clientOrderId === 'xabcdef01-2');
    t.match(found, { venue: 'bybit', symbol: SYMBOL, side: 'sell', qty: 1, final: { cumQty: 1 } }, 'journaled in R\'s WAL, with its final line');
    if (!keepLedger) for (const n of fs.readdirSync(dir)) if (n.startsWith('ledger-')) fs.rmSync(path.join(dir, n));
    const c = startAs(w, 'C', 30 * HOUR);
    t.equal(round9(believed(c)), round9(w.truth(30 * HOUR)), `C${keepLedger ? '' : ' (ledger lost)'}: the venue holds +1 -1 = 0 of R's`);
    t.equal(c.canTrade, true, 'C may trade (a flatten policy would sell 1 BTC nobody owes)');
  }
});
