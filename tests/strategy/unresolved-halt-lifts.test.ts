/**
 * unresolved_order lifts itself once no escalated order is left (docs/strategy.md, Halts),
 * whichever way the last one is settled: the venue's late final report (onReport) as well as a
 * reconciliation verdict. Review finding F1 (session 6): only reconcile() and the timer lifted
 * it, and the timer stops looking once no order is held, so a late final left entries halted
 * for good with every order resolved.
 */
import t, { type Test } from 'tap';
import { ST_CANCELED, VERDICT_NO_RECORD } from '../../src/core/records.js';
import { BINANCE, BYBIT, openPair, rig, type Rig } from './harness.js';

/** Both legs unanswered until they are UNKNOWN and escalated (10 × order_timeout_ms). */
function escalated(t: Test, r: Rig): void {
  openPair(r, 0);
  t.equal(r.sink.orders.length, 2, 'the pair went out');
  for (let ms = 100; ms <= 13_000; ms += 100) r.timer(ms);
  t.equal(r.strat.unknownOrders, 2, 'both legs unknown');
  t.ok(r.strat.haltKinds().includes('unresolved_order'), 'unresolved_order raised');
}

function freshOpportunityGetsOrders(t: Test, r: Rig, ms: number): void {
  const before = r.sink.orders.length;
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, ms);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, ms + 1);
  t.equal(r.sink.orders.length, before + 2, `a fresh opportunity gets a pair (halts: ${r.strat.haltReason || 'none'})`);
}

t.test('unresolved_order stays in force for good after the venue\'s late final answers settle the escalated orders', async (t) => {
  const r = rig();
  escalated(t, r);
  // The venue's late answers: nothing filled. Both orders final, the round flat.
  r.report(1, ST_CANCELED, 0, 0, 0, 0, 0, 13_050);
  r.report(2, ST_CANCELED, 0, 0, 0, 0, 0, 13_060);
  t.equal(r.strat.unknownOrders, 0, 'no order unknown any more');
  t.equal(r.strat.liveOrders, 0, 'no order held');
  t.equal(r.strat.round(0).state, 'idle', 'the round closed');
  for (let ms = 13_100; ms <= 20_000; ms += 100) r.timer(ms);
  t.notOk(r.strat.haltKinds().includes('unresolved_order'), `unresolved_order lifted once every escalated order is resolved (halts: ${r.strat.haltReason})`);
  freshOpportunityGetsOrders(t, r, 20_000);
});

t.test('same after a "no record" verdict, when the venue\'s final answer then comes', async (t) => {
  const r = rig();
  openPair(r, 0);
  for (let ms = 100; ms <= 2_500; ms += 100) r.timer(ms);
  t.equal(r.strat.unknownOrders, 2, 'both legs unknown');
  r.strat.onVerdict(1, VERDICT_NO_RECORD, 0, 0, 0, 0, 0, 2_600e6);
  r.strat.onVerdict(2, VERDICT_NO_RECORD, 0, 0, 0, 0, 0, 2_600e6);
  t.ok(r.strat.haltKinds().includes('unresolved_order'), 'no record: unresolved_order at once');
  r.report(1, ST_CANCELED, 0, 0, 0, 0, 0, 3_000);
  r.report(2, ST_CANCELED, 0, 0, 0, 0, 0, 3_010);
  t.equal(r.strat.liveOrders, 0, 'both settled by the venue');
  for (let ms = 3_100; ms <= 10_000; ms += 100) r.timer(ms);
  t.notOk(r.strat.haltKinds().includes('unresolved_order'), `unresolved_order lifted (halts: ${r.strat.haltReason})`);
  freshOpportunityGetsOrders(t, r, 10_000);
});

t.test('kept counterexample of the lifecycle model (an executor that forgets 30 % of orders): the halt lifts once the venue settled every order', async (t) => {
  // Shrunk by tests/review/prop-soak.ts (mode forget, seed 7). Order 11 goes unknown, the
  // executor answers "no record" (unresolved_order, right), then the venue's late CANCELED
  // settles it and the round closes: nothing is held, and the halt must lift (it stayed).
  // (The env var keeps the model's own property tests from running on import.)
  process.env.XARB_PROPERTY_DEBUG ??= 'imported by unresolved-halt-lifts';
  const { run } = await import('./lifecycle.property.test.js');
  const m = run({ seed: 1892829685, pLost: 0, pDup: 0.05, pLate: 0.05, pFilterReject: 0.3, pEmpty: 0, pPartial: 0.2, authBroken: 0, authBreakStep: 24, maxLatencyMs: 2, reconcile: true, pForget: 0.3 }, { steps: 33, seed: 21 });
  t.equal(m.strat.liveOrders, 0, 'every order settled by the venue');
  t.equal(m.strat.unknownOrders, 0, 'nothing unknown');
  t.notOk(m.strat.haltKinds().includes('unresolved_order'), `unresolved_order lifted (halts: ${m.strat.haltReason})`);
});
