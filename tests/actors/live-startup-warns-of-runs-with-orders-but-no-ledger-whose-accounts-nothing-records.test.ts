/**
 * Live start-up, against the simulator: a runs folder holding runs with orders but no venue
 * ledger yet (runs from before the ledger existed, or a ledger deleted) cannot be checked for
 * another pair of accounts (their journals record no key or account), so the start is not
 * refused but warns, naming the runs and the counter `runs_without_ledger`. Once a start has
 * written the ledger of these keys, no warning.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { liveSimStart, SIM_FILTERS } from './live-sim-start.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { OrderWal } from '../../src/execution/order-wal.js';

t.test('runs with orders and no ledger: a warning naming them; none once the ledger exists', async (t) => {
  const { cfg, runs } = await liveSimStart(t, 7, 'xarb-startup-legacy-runs-');
  // A run that ended cleanly, its one order final in its WAL (nothing left to count).
  const dir = path.join(runs, 'L');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), JSON.stringify({ t: 0, type: 'run_start', run_id: 'L', mode: 'live' }) + '\n' +
    JSON.stringify({ t: 1, type: 'run_end', reason: 'duration elapsed' }) + '\n');
  const wal = new OrderWal(dir);
  wal.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.01, timestampMs: Date.now() - 3 * 86_400_000 });
  wal.final('binance', 'xabcdef01-1', 'FILLED', 0.01);
  wal.close();
  const start = async (runId: string): Promise<Array<Record<string, unknown>>> => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
    const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: SIM_FILTERS, runDir: path.join(runs, runId), runId, log: pino({ level: 'info' }, sink), freshVenues: false });
    t.equal(r.ok, true, r.reason);
    return lines.filter((l) => l['counter'] === 'runs_without_ledger');
  };
  const first = await start('A');
  t.equal(first.length, 1, 'the first start warns');
  t.same(first[0]!['runs'], ['L']);
  t.equal(first[0]!['level'], 40);
  t.same(await start('B'), [], 'the ledger of these keys exists now: no warning');
});
