/**
 * A taker's leftover.json that exists but cannot be read (torn by a crash on a file system
 * that lost the write, edited by hand) is never skipped: what that run took over is unknown, so
 * readEarlierRuns names it and live start-up refuses. Skipping it would count the crashed run's
 * exposure again and trade it a second time.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LEFTOVER_FILE, readEarlierRuns, writeLeftover } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';

t.test('an unreadable leftover.json is reported, not skipped', async (t) => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-leftover-unreadable-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const a = path.join(runs, 'A');
  const wal = new OrderWal(a);
  wal.send({ clientOrderId: 'xa1a1a1a1-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.02, timestampMs: 1000 });
  wal.close();
  fs.writeFileSync(path.join(a, 'journal.jsonl'), JSON.stringify({ type: 'run_start' }) + '\n');
  const b = path.join(runs, 'B');
  fs.mkdirSync(b);
  writeLeftover(b, [{ symbol: 'BTCUSDT', netQty: 0.02, byVenue: { binance: 0.02 }, runs: ['A'], avgPx: 60_000 }], 'flatten', { A: 1 });
  fs.writeFileSync(path.join(b, 'journal.jsonl'), JSON.stringify({ type: 'run_start' }) + '\n' + JSON.stringify({ type: 'run_end' }) + '\n');
  t.same(readEarlierRuns(runs).unreadableLeftovers, [], 'whole: read');
  t.equal(readEarlierRuns(runs).runs.find((r) => r.runId === 'A')!.orders[0]!.takenBy, 'B');
  t.same(fs.readdirSync(b).filter((n) => n.endsWith('.tmp')), [], 'written through a temporary file, renamed');

  const whole = fs.readFileSync(path.join(b, LEFTOVER_FILE), 'utf8');
  // Torn, not an object, or parsing with the wrong types (read as taking nothing, it would hand A's exposure to a second taker).
  for (const bad of [whole.slice(0, 20), '[]', '', '{}', '{"taken_over":"A"}', '{"taken_over":["A"],"taken_over_orders":{"A":"1"}}', '{"taken_over":["A"],"not_adopted":"BTCUSDT"}',
    '{"taken_over":["A"],"taken_fills":[1]}', '{"taken_over":["A"],"taken_orphans":{}}']) {
    fs.writeFileSync(path.join(b, LEFTOVER_FILE), bad);
    const er = readEarlierRuns(runs);
    t.equal(er.unreadableLeftovers.length, 1, JSON.stringify(bad));
    t.match(er.unreadableLeftovers[0], /^B: /, 'names the run');
  }
});
