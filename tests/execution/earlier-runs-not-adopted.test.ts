/**
 * A taker that stopped cleanly before its strategy was handed a leftover (markNotAdopted:
 * leftover.json `not_adopted`) did not answer for it: the crashed run's orders of that symbol
 * still count at the next start, while those of the symbols it did take over stay settled.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LEFTOVER_FILE, markNotAdopted, readEarlierRuns, writeLeftover } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import type { Exposure } from '../../src/execution/reconcile.js';

t.test('a leftover never handed to the taker\'s strategy stays the crashed run\'s after the taker\'s clean stop', async (t) => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-not-adopted-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const a = path.join(runs, 'A');
  const wal = new OrderWal(a);
  wal.send({ clientOrderId: 'xa1a1a1a1-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.02, timestampMs: 1000 });
  wal.send({ clientOrderId: 'xa1a1a1a1-2', venue: 'binance', symbol: 'ETHUSDT', side: 'buy', price: 3_000, qty: 0.5, timestampMs: 1000 });
  wal.close();
  fs.writeFileSync(path.join(a, 'journal.jsonl'), JSON.stringify({ type: 'run_start' }) + '\n');
  const b = path.join(runs, 'B');
  fs.mkdirSync(b);
  const exp = (symbol: string, netQty: number): Exposure => ({ symbol, netQty, byVenue: { binance: netQty }, runs: ['A'], avgPx: 1 });
  writeLeftover(b, [exp('BTCUSDT', 0.02), exp('ETHUSDT', 0.5)], 'adopt', { A: 2 });
  markNotAdopted(b, ['ETHUSDT']);
  fs.writeFileSync(path.join(b, 'journal.jsonl'), JSON.stringify({ type: 'run_start' }) + '\n' + JSON.stringify({ type: 'run_end' }) + '\n');

  const er = readEarlierRuns(runs);
  const runA = er.runs.find((r) => r.runId === 'A')!;
  t.same(runA.orders.map((o) => [o.symbol, o.takenBy ?? null]), [['BTCUSDT', 'B'], ['ETHUSDT', null]], 'only the handed-over symbol is settled');
  t.equal(runA.ended, false, 'A still counts as crashed for the rest');

  // A later take-over of ETHUSDT by B's own next segment (resumed) clears the mark.
  writeLeftover(b, [exp('ETHUSDT', 0.5)], 'adopt', { A: 2 });
  t.same((JSON.parse(fs.readFileSync(path.join(b, LEFTOVER_FILE), 'utf8')) as { not_adopted?: string[] }).not_adopted, undefined);
  const again = readEarlierRuns(runs).runs.find((r) => r.runId === 'A')!;
  t.equal(again.ended, true, 'all of A answered for now');
});
