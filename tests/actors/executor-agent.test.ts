/**
 * The dry-run executor agent records leg_gap: when both legs of a pair are handed to the fill
 * simulator (in one drain, or in two when the first leg was read before the second was
 * published), the second's "wire" time minus the first's, one value per pair;
 * nothing for a leg whose twin the simulator refused, for a lone leg, or for hedges.
 */
import t from 'tap';
import { RingConsumer } from '../../src/core/ring.js';
import { intentRing } from './intent-ring.js';
import { HOP_LEG_GAP, HopRecorders } from '../../src/core/histogram.js';
import {
  ACTION_NEW, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_ROLE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL,
} from '../../src/core/records.js';
import { DryRunExecutorAgent } from '../../src/actors/executor-agent.js';
import type { DryRunExecutor } from '../../src/execution/dry-run-executor.js';
import type { BookView } from '../../src/execution/book-view.js';
import type { ReportSink } from '../../src/execution/report-sink.js';

function setup(t: { teardown(fn: () => void): void }, refused: ReadonlySet<number>) {
  const { sab, publish: put } = intentRing();
  const hist = new HopRecorders('executor', 0, 'js');
  t.teardown(() => hist.close());
  const handed: number[] = [];
  const exec = {
    pending: 0,
    nextDueNs: () => Infinity,
    onIntent: (d: Float64Array, o: number) => {
      handed.push(d[o + I_ORDER_ID]!);
      return !refused.has(d[o + I_ORDER_ID]!);
    },
  } as unknown as DryRunExecutor;
  const sink: ReportSink = { report: () => undefined };
  const agent = new DryRunExecutorAgent(new RingConsumer(sab), exec, {} as BookView, sink, hist);
  const publish = (orderId: number, pairId: number, role: number): void =>
    put({ [I_ACTION]: ACTION_NEW, [I_ORDER_ID]: orderId, [I_PAIR_ID]: pairId, [I_ROLE]: role });
  return { agent, publish, handed, legGap: () => hist.recorders[HOP_LEG_GAP]!.take() };
}

t.test('both legs of a pair in one drain: one leg_gap value, not negative', async (t) => {
  const { agent, publish, handed, legGap } = setup(t, new Set());
  publish(1, 7, ROLE_LEG_BUY);
  publish(2, 7, ROLE_LEG_SELL);
  publish(3, 8, ROLE_LEG_SELL);
  publish(4, 8, ROLE_LEG_BUY);
  t.equal(agent.doWork(), 4);
  t.same(handed, [1, 2, 3, 4]);
  const h = legGap();
  t.equal(h.count, 2, 'one per pair');
  t.equal(h.errors, 0, 'no negative gap');
});

t.test('no leg_gap for a refused twin, a lone leg or a hedge', async (t) => {
  const { agent, publish, legGap } = setup(t, new Set([2]));
  publish(1, 7, ROLE_LEG_BUY);
  publish(2, 7, ROLE_LEG_SELL); // refused by the simulator
  publish(3, 8, ROLE_LEG_BUY); // a lone leg: its twin never comes
  publish(4, 8, ROLE_HEDGE);
  agent.doWork();
  t.equal(legGap().count, 0);
});

t.test('a pair whose legs reach the simulator in two drains records its gap', async (t) => {
  const { agent, publish, handed, legGap } = setup(t, new Set());
  publish(1, 7, ROLE_LEG_BUY);
  agent.doWork(); // a spinning executor saw the first leg before the second was published
  publish(2, 7, ROLE_LEG_SELL);
  agent.doWork();
  t.same(handed, [1, 2], 'both legs handed to the simulator');
  t.equal(legGap().count, 1, 'one leg_gap value for the pair');
});
