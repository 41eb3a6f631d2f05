/**
 * A clean stop whose shutdown could not close everything (a round's hedge never filled: the
 * risk shutdown logs `left_open`) writes `exposure_left_open` in its run_end (supervisor.ts). The
 * next start then counts that run's orders like a crashed run's (earlier-runs.ts journalEnded):
 * the venue holds the unhedged leg, and the believed exposure is that leg, not flat. A --resume
 * of such a run reconciles its own orders like a crashed segment's (run-status.ts
 * exposureLeftOpen, run-cmd.ts).
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { journalEnded, readEarlierRuns } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { reconcileAtStart, type VenueFillView, type VenueOrderView, type VenueSnapshot } from '../../src/execution/reconcile.js';
import { runStatus } from '../../src/report/run-status.js';

const snap = (venue: 'binance' | 'bybit', over: Partial<VenueSnapshot>): VenueSnapshot => ({ venue, balances: new Map(), openOrders: [], history: [], fills: [], ...over });

function stoppedRun(runs: string, leftOpen: boolean): void {
  const dir = path.join(runs, 'A');
  const wal = new OrderWal(dir);
  // A round: the buy leg filled 1, its hedge (sell on bybit) expired unfilled; the stop left it open.
  wal.send({ clientOrderId: 'xa1a1a1a1-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 1, timestampMs: 1000 });
  wal.final('binance', 'xa1a1a1a1-1', 'FILLED', 1);
  wal.send({ clientOrderId: 'xa1a1a1a1-2', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 60_010, qty: 1, timestampMs: 1001 });
  wal.final('bybit', 'xa1a1a1a1-2', 'EXPIRED', 0);
  wal.close();
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), [
    { type: 'run_start', t: 900 },
    ...(leftOpen ? [{ type: 'risk', t: 2000, rule: 'shutdown', action: 'left_open', detail: 'open_rounds=1 live_orders=0' }] : []),
    { type: 'run_end', t: 2001, reason: 'signal', exit_code: 0, ...(leftOpen ? { exposure_left_open: true } : {}) },
  ].map((x) => JSON.stringify(x)).join('\n') + '\n');
}

const buyFill: VenueFillView = { venue: 'binance', symbol: 'BTCUSDT', tradeId: 't1', orderId: 'o1', clientOrderId: 'xa1a1a1a1-1', side: 'buy', qty: 1, price: 60_000, timeMs: 1000 };
const buyOrder: VenueOrderView = { venue: 'binance', symbol: 'BTCUSDT', orderId: 'o1', clientOrderId: 'xa1a1a1a1-1', side: 'buy', price: 60_000, qty: 1, cumQty: 1, status: 'FILLED', open: false, timeMs: 1000 };
const sellOrder: VenueOrderView = { venue: 'bybit', symbol: 'BTCUSDT', orderId: 'o2', clientOrderId: 'xa1a1a1a1-2', side: 'sell', price: 60_010, qty: 1, cumQty: 0, status: 'Cancelled', open: false, timeMs: 1001 };

for (const inWindow of [true, false]) {
  t.test(`the unhedged leg of a clean stop that left a round open is the next start's exposure (fills ${inWindow ? 'in' : 'out of'} the window)`, async (t) => {
    const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-left-open-'));
    t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
    stoppedRun(runs, true);
    t.equal(journalEnded(path.join(runs, 'A', 'journal.jsonl')), false, 'the run_end that says exposure was left open reads as not ended');
    const er = readEarlierRuns(runs);
    const snaps = inWindow ? [snap('binance', { fills: [buyFill], history: [buyOrder] }), snap('bybit', { history: [sellOrder] })] : [snap('binance', {}), snap('bybit', {})];
    const v = reconcileAtStart(snaps, er.runs, { exposurePolicy: 'halt', dustQty: () => 1e-8, balanceTolerance: () => 0 });
    t.same(v.exposure.map((e) => [e.symbol, e.netQty, e.avgPx]), [['BTCUSDT', 1, 60_000]], 'long 1 @ 60,000: what the venue holds');
    t.equal(v.canTrade, false, 'halt policy refuses');
  });
}

t.test('a clean stop that closed everything still counts nothing', async (t) => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-left-open-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  stoppedRun(runs, false);
  const er = readEarlierRuns(runs);
  t.equal(er.runs[0]!.ended, true);
  const v = reconcileAtStart([snap('binance', { fills: [buyFill], history: [buyOrder] }), snap('bybit', { history: [sellOrder] })], er.runs,
    { exposurePolicy: 'halt', dustQty: () => 1e-8, balanceTolerance: () => 0 });
  t.same(v.exposure, [], 'its run_end answers for its orders');
});

t.test('run status: the run ended, but says it left exposure open (a --resume reconciles it like a crash)', async (t) => {
  const s = runStatus([{ type: 'run_start', t: 1 }, { type: 'run_end', t: 2, reason: 'signal', exposure_left_open: true }] as never);
  t.equal(s.status, 'ended');
  t.equal(s.exposureLeftOpen, true);
  const c = runStatus([{ type: 'run_start', t: 1 }, { type: 'run_end', t: 2, reason: 'signal' }] as never);
  t.equal(c.exposureLeftOpen, false);
});
