/**
 * T takes over exposure (an xarb buy of 1 in no journal, or a crashed run's long) and flattens
 * it, but its IOC sell is still unknown when T stops cleanly (its WAL: `UNRESOLVED`, 0 applied);
 * the venue filled it. A taker whose stop left an order unknown has not answered for what it
 * took over (earlier-runs.ts): it counts like a crashed run, with what it took over, so the
 * buy and the sell net to nothing, what the venue holds (found by review of issue #9: the stop
 * answered for the buy while the sell counted as new exposure, short 1).
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { ACCOUNTS, HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';
import { writeLedgerAtCleanStop } from '../../src/execution/ledger-at-stop.js';
import { OrderWal, WAL_UNRESOLVED } from '../../src/execution/order-wal.js';

/**
 * T (committed at 2 h with policy flatten) flattens the long of 1 it took over; its flatten IOC
 * (`n`) is sent, filled at the venue, its answer lost, and T stops cleanly with it unknown. S2
 * starts at 3 h and must count nothing, as the venue holds nothing.
 */
function flattenUnknownAtCleanStop(t: { same(a: unknown, b: unknown, m: string): unknown; equal(a: unknown, b: unknown, m: string): unknown }, w: World, took: string, n: number): void {
  const v = startAs(w, 'T', 2 * HOUR, { policy: 'flatten', after: 'crash' }); // committed; the stop comes below
  t.same(v.flatten.map((f) => [f.venue, f.side, f.qty]), [['binance', 'sell', 1]], `T flattens ${took}`);
  const dir = path.join(w.runsDir, 'T');
  const cid = `xabcdef0${n}-1`;
  const wal = new OrderWal(dir);
  wal.send({ clientOrderId: cid, venue: 'binance', symbol: 'BTCUSDT', side: 'sell', price: 60_000, qty: 1, timestampMs: 2 * HOUR + 1 });
  w.fills.push({ venue: 'binance', symbol: 'BTCUSDT', tradeId: `flat-${n}`, orderId: `of-${n}`, clientOrderId: cid, side: 'sell', qty: 1, price: 60_000, timeMs: 2 * HOUR + 1 });
  wal.final('binance', cid, WAL_UNRESOLVED, 0);
  wal.close();
  fs.appendFileSync(path.join(dir, 'journal.jsonl'), JSON.stringify({ t: 2 * HOUR + 2, type: 'run_end' }) + '\n');
  writeLedgerAtCleanStop(w.runsDir, ACCOUNTS, 2 * HOUR + 3);
  const s2 = w.start('S2', 3 * HOUR);
  t.equal(round9(w.truth(3 * HOUR)), 0, 'the venue holds nothing');
  const got = round9(believed(s2.verdict!));
  t.equal(got, 0, 'S2 counts nothing');
}

t.test('orphan buy taken over, its flatten unknown at the clean stop, filled at the venue', async (t) => {
  const w = new World(tmpRuns(t));
  w.orphanFill('binance', 'buy', 1, 1 * HOUR);
  flattenUnknownAtCleanStop(t, w, 'the long of 1', 1);
});

t.test('a crashed run\'s long taken over, its flatten unknown at the clean stop, filled at the venue (no orphan needed)', async (t) => {
  const w = new World(tmpRuns(t));
  w.crashedRun('R1', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 1 * HOUR }]); // crashed with an unhedged buy
  flattenUnknownAtCleanStop(t, w, 'R1\'s long of 1', 2);
});
