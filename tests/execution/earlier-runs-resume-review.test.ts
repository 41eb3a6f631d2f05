/**
 * Review finding F5 (issue 9, invariant 4: a crashed run's exposure is never silently
 * ignored), now a specification. `xarb run --resume <crashed live run>` continues the crashed
 * run in its own directory with its own run id. Start-up reads the runs folder with
 * `readEarlierRuns(runsDir, runId, { ended })`: the resumed run's own journal is read too
 * (marked `resuming`), so its filled, unhedged leg is exposure, once, whether the crash is
 * inside the venues' look-back or older (then only the WAL knows it). Sequence: run A sends a
 * buy 0.5 BTCUSDT, WAL final FILLED 0.5, no run_end (kill -9); `--resume A` 24 h later.
 *
 * Counted once, never flattened twice: a run that took the exposure over (leftover.json)
 * answers for the orders journaled when it did (`taken_over_orders`), and a resumed run
 * that writes its own leftover.json keeps the runs its earlier segment took over.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LEFTOVER_FILE, readEarlierRuns, writeLeftover } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { reconcileAtStart } from '../../src/execution/reconcile.js';

function runsFolder(t: { teardown(fn: () => void): void }): string {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-resume-review-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  return runs;
}

function run(runs: string, id: string, ended: boolean, orders: Array<[string, 'buy' | 'sell', number]>): void {
  const dir = path.join(runs, id);
  const w = new OrderWal(dir);
  for (const [cid, side, qty] of orders) {
    w.send({ clientOrderId: cid, venue: 'binance', symbol: 'BTCUSDT', side, price: 60_000, qty, timestampMs: 1000 });
    w.final('binance', cid, 'FILLED', qty);
  }
  w.close();
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), JSON.stringify({ type: 'run_start', run_id: id, mode: 'live' }) + '\n' +
    (ended ? JSON.stringify({ type: 'run_end', reason: 'signal', exit_code: 0 }) + '\n' : ''));
}

function appendOrder(runs: string, id: string, cid: string, side: 'buy' | 'sell', qty: number): void {
  const w = new OrderWal(path.join(runs, id));
  w.send({ clientOrderId: cid, venue: 'binance', symbol: 'BTCUSDT', side, price: 60_000, qty, timestampMs: 2000 });
  w.final('binance', cid, 'FILLED', qty);
  w.close();
}

// The venues 24 h later: nothing of run A in the look-back window (empty snapshots).
const opts = { exposurePolicy: 'adopt' as const, dustQty: () => 0.00001, balanceTolerance: () => 0 };
const net = (v: ReturnType<typeof reconcileAtStart>) => v.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e8) / 1e8, e.runs]);

t.test('control: a NEW run after the crash sees run A\'s 0.5 long and adopts it', async (t) => {
  const runs = runsFolder(t);
  run(runs, 'live-A', false, [['xabcdef01-1', 'buy', 0.5]]);
  const v = reconcileAtStart([], readEarlierRuns(runs, 'live-B').runs, opts);
  t.same(net(v), [['BTCUSDT', 0.5, ['live-A']]]);
});

t.test('--resume of the crashed run itself reports and adopts run A\'s 0.5 long, naming the resumed run', async (t) => {
  const runs = runsFolder(t);
  run(runs, 'live-A', false, [['xabcdef01-1', 'buy', 0.5]]);
  const er = readEarlierRuns(runs, 'live-A', { ended: false });
  t.same(er.runs.map((r) => [r.runId, r.ended, r.resuming]), [['live-A', false, true]]);
  const v = reconcileAtStart([], er.runs, opts);
  t.same(net(v), [['BTCUSDT', 0.5, ['live-A']]], 'seen once');
  t.equal(v.canTrade, true);
  t.match(v.reasons.join('\n'), /BTCUSDT long 0\.5 left by run live-A itself \(the run being resumed: its crashed segment\): adopted as a residual to hedge/);
  t.same(readEarlierRuns(runs, 'live-A').runs, [], 'without resume the starting run\'s own directory is not an earlier run');
});

t.test('B took A\'s exposure over and stopped; A is resumed and crashes again: only what A sent after the take-over counts', async (t) => {
  const runs = runsFolder(t);
  run(runs, 'live-A', false, [['xabcdef01-1', 'buy', 0.5]]);
  run(runs, 'live-B', true, [['xbbbbbbb1-1', 'sell', 0.5]]);
  writeLeftover(path.join(runs, 'live-B'), [{ symbol: 'BTCUSDT', netQty: 0.5, byVenue: { binance: 0.5 }, runs: ['live-A'], avgPx: 60_000 }], 'flatten', { 'live-A': 1 });
  // --resume live-A now: A's first order is B's business.
  const resumed = reconcileAtStart([], readEarlierRuns(runs, 'live-A', { ended: false }).runs, opts);
  t.same(net(resumed), [], 'not flattened a second time');
  // The resumed segment buys 0.2 and is killed; a new run C starts.
  appendOrder(runs, 'live-A', 'xa2a2a2a2-1', 'buy', 0.2);
  const er = readEarlierRuns(runs, 'live-C');
  t.same(er.runs.find((r) => r.runId === 'live-A')!.orders.map((o) => o.takenBy ?? null), ['live-B', null]);
  t.same(net(reconcileAtStart([], er.runs, opts)), [['BTCUSDT', 0.2, ['live-A']]], 'the 0.2 of the resumed segment, not 0.7');
});

t.test('a resumed run that adopts its own exposure keeps the runs its earlier segment took over (leftover.json merged)', async (t) => {
  const runs = runsFolder(t);
  run(runs, 'live-Z', false, [['xzzzzzzz1-1', 'buy', 0.3]]);
  run(runs, 'live-A', false, [['xabcdef01-1', 'sell', 0.3], ['xabcdef01-2', 'buy', 0.1]]);
  writeLeftover(path.join(runs, 'live-A'), [{ symbol: 'BTCUSDT', netQty: 0.3, byVenue: { binance: 0.3 }, runs: ['live-Z'], avgPx: 60_000 }], 'adopt', { 'live-Z': 1 });
  // A crashed; --resume A: Z's 0.3 long, A's hedge of it (sell 0.3) and A's own 0.1 net to 0.1.
  const v = reconcileAtStart([], readEarlierRuns(runs, 'live-A', { ended: false }).runs, opts);
  t.same(net(v), [['BTCUSDT', 0.1, ['live-A', 'live-Z']]]);
  writeLeftover(path.join(runs, 'live-A'), v.adopt, 'adopt', { 'live-Z': 1, 'live-A': 2 });
  const left = JSON.parse(fs.readFileSync(path.join(runs, 'live-A', LEFTOVER_FILE), 'utf8')) as { taken_over: string[]; taken_over_orders: Record<string, number> };
  t.same(left.taken_over, ['live-Z', 'live-A']);
  t.same(left.taken_over_orders, { 'live-Z': 1, 'live-A': 2 });
  // The resumed A stops cleanly: at the next start nothing is left to count.
  fs.appendFileSync(path.join(runs, 'live-A', 'journal.jsonl'), JSON.stringify({ type: 'run_resumed' }) + '\n' + JSON.stringify({ type: 'run_end', reason: 'signal' }) + '\n');
  const next = readEarlierRuns(runs, 'live-C');
  t.same(next.runs.map((r) => [r.runId, r.ended]), [['live-A', true], ['live-Z', true]]);
  t.same(net(reconcileAtStart([], next.runs, opts)), []);
});
