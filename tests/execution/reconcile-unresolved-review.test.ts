/**
 * Review finding F6 (issue 9, invariants 2 and 4), now a specification. An earlier run's
 * order with a WAL `send` line and no `final` line, of which the venues' look-back window
 * holds no trace, is asked of the venue by client id at start (live-startup.ts,
 * start-lookups.ts), and settled by the answer:
 * - no such order, and its `timestamp + recvWindow` has passed → never placed (`notPlaced`;
 *   live-startup journals it in that run's WAL): the start goes on;
 * - no such order, but the venue could still accept it → unresolved, the start waits;
 * - found → its fills count as that run's exposure, for a cleanly stopped run too (an order
 *   still unknown at a clean stop: its `UNRESOLVED` WAL line says how much the run had
 *   applied; only the rest is new).
 * Sequence of the finding: run A (journal ends with run_end) sent xabcdef01-7 (a 5xx; never
 * placed), stopped while it was unknown; every later start was refused for good.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEarlierRuns } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { reconcileAtStart, type VenueOrderView } from '../../src/execution/reconcile.js';

function cleanRunWith(t: { teardown(fn: () => void): void }, knownAtStop: number | null) {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-unresolved-review-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const dir = path.join(runs, 'live-A');
  const w = new OrderWal(dir);
  w.send({ clientOrderId: 'xabcdef01-7', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 60_000, qty: 0.01, timestampMs: 1_000 });
  if (knownAtStop !== null) w.final('bybit', 'xabcdef01-7', 'UNRESOLVED', knownAtStop);
  w.close();
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), [
    JSON.stringify({ type: 'run_start', run_id: 'live-A', mode: 'live' }),
    JSON.stringify({ type: 'run_end', reason: 'duration elapsed', exit_code: 0 }),
  ].join('\n') + '\n');
  return readEarlierRuns(runs, 'live-B');
}

const empty = (venue: 'binance' | 'bybit') => ({ venue, balances: new Map<string, number>(), openOrders: [], history: [], fills: [] });
const H25 = 25 * 3600_000;
const deadline = (o: { sentMs: number }) => o.sentMs + 1000 + 1100;
const K = 'bybit|xabcdef01-7';

t.test('a never-placed order of a cleanly ended run, 25 h old, no such order at the venue: never placed, the start goes on', async (t) => {
  const er = cleanRunWith(t, null);
  t.equal(er.runs[0]?.ended, true, 'run A ended cleanly');
  const v = reconcileAtStart([empty('binance'), empty('bybit')], er.runs, { exposurePolicy: 'halt', dustQty: () => 0.00001, balanceTolerance: () => 0,
    lookups: new Map([[K, null]]), nowMs: 1_000 + H25, acceptDeadlineMs: deadline });
  t.ok(v.canTrade, `start allowed (reasons: ${v.reasons.join(' | ')})`);
  t.same(v.notPlaced.map((u) => [u.runId, u.order.clientOrderId]), [['live-A', 'xabcdef01-7']]);
  t.match(v.reasons.join('\n'), /never placed .*bybit xabcdef01-7 \(live-A\)/);
});

t.test('not asked, or not found while the venue could still accept it: unresolved, the start waits, and the reason says which', async (t) => {
  const er = cleanRunWith(t, null);
  const base = { exposurePolicy: 'halt' as const, dustQty: () => 0.00001, balanceTolerance: () => 0 };
  const unasked = reconcileAtStart([empty('bybit')], er.runs, base);
  t.equal(unasked.canTrade, false);
  t.match(unasked.reasons.join('\n'), /bybit xabcdef01-7 \(live-A; not asked of the venue\)/);
  const young = reconcileAtStart([empty('bybit')], er.runs, { ...base, lookups: new Map([[K, null]]), nowMs: 1_500, acceptDeadlineMs: deadline });
  t.equal(young.canTrade, false);
  t.match(young.reasons.join('\n'), /no such order at the venue, but it may still be accepted until 1970-01-01T00:00:03\.100Z/);
});

t.test('found by client id with a fill beyond what the clean stop knew: that much is exposure of run A', async (t) => {
  const er = cleanRunWith(t, 0.004);
  t.equal(er.runs[0]!.orders[0]!.final, null, 'an UNRESOLVED line keeps the order in flight');
  t.equal(er.runs[0]!.orders[0]!.knownAtStop, 0.004);
  const found: VenueOrderView = { venue: 'bybit', symbol: 'BTCUSDT', orderId: '9', clientOrderId: 'xabcdef01-7', side: 'sell', price: 60_000, qty: 0.01,
    cumQty: 0.01, status: 'Filled', open: false, timeMs: 1_000 };
  const v = reconcileAtStart([empty('bybit')], er.runs, { exposurePolicy: 'adopt', dustQty: () => 0.00001, balanceTolerance: () => 0,
    lookups: new Map([[K, found]]), nowMs: 1_000 + H25, acceptDeadlineMs: deadline });
  t.same(v.resolved.map((r) => [r.order.clientOrderId, r.cumQty, r.status]), [['xabcdef01-7', 0.01, 'Filled']]);
  t.same(v.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e9) / 1e9, e.runs]), [['BTCUSDT', -0.006, ['live-A']]]);
  t.match(v.reasons.join('\n'), /BTCUSDT short 0\.006 left by run live-A's orders left unresolved at its clean stop: adopted/);
  t.equal(v.canTrade, true);
});
