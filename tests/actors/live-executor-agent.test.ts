/**
 * LiveExecutorAgent keeps the order path warm while idle: a cycle that finds no intent runs a
 * synthetic pair through its warmer and has each venue client build a request without
 * sending it (at most once per KEEP_WARM_NS, the clock read only every WARM_CHECK_EVERY idle
 * cycles); a cycle that finds intents sends them and runs no warm pass; without a warmer
 * nothing extra runs. Per pair whose two legs both left in one step it records leg_gap.
 */
import t from 'tap';
import { RingConsumer } from '../../src/core/ring.js';
import { HOP_LEG_GAP, HopRecorders } from '../../src/core/histogram.js';
import { intentRing } from './intent-ring.js';
import { INTENT_WORDS, I_ORDER_ID, I_PAIR_ID, I_ROLE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, ROLE_UNWIND } from '../../src/core/records.js';
import { LiveExecutorAgent } from '../../src/actors/live-executor-agent.js';
import type { LiveExecutor } from '../../src/execution/live/live-executor.js';
import type { OrderPathWarmer } from '../../src/execution/live/warmup-live.js';
import type { SendPathWarmer } from '../../src/execution/live/send-path-warmer.js';

function setup(t: { teardown(fn: () => void): void }, withWarmer: boolean) {
  const { sab, publish } = intentRing();
  const hist = new HopRecorders('executor', 0, 'js');
  t.teardown(() => hist.close());
  const calls: string[] = [];
  const exec = {
    tracker: { liveCount: 0 },
    onIntents: (_rec: Float64Array, n: number) => calls.push(`send ${n}`),
    expireDue: () => 0,
    reserveAhead: () => undefined,
    keepWarm: () => calls.push('clients warm'),
  } as unknown as LiveExecutor;
  const agent = new LiveExecutorAgent(new RingConsumer(sab), exec, hist);
  if (withWarmer) agent.warmer = { pair: () => calls.push('warm pair') } as unknown as OrderPathWarmer;
  return { agent, calls, publish };
}

t.test('an idle cycle runs one warm pass: a synthetic pair, then each client builds a request', async (t) => {
  const { agent, calls } = setup(t, true);
  t.equal(agent.doWork(), 0);
  t.same(calls, ['warm pair', 'clients warm']);
  t.equal(agent.warmPasses, 1);
  // The clock is not even looked at again before WARM_CHECK_EVERY more idle cycles (256).
  for (let i = 0; i < 255; i++) agent.doWork();
  t.equal(agent.warmPasses, 1, 'no pass within the next 255 idle cycles, whatever the time');
});

t.test('with a send-path warmer the pass also writes one frame on its private connection', async (t) => {
  const { agent, calls } = setup(t, true);
  agent.sendWarmer = { send: () => calls.push('private frame') } as unknown as SendPathWarmer;
  agent.doWork();
  t.same(calls, ['warm pair', 'clients warm', 'private frame']);
});

t.test('a cycle that finds intents sends them and runs no warm pass', async (t) => {
  const { agent, calls, publish } = setup(t, true);
  publish();
  publish();
  t.equal(agent.doWork(), 2);
  t.same(calls, ['send 2']);
  t.equal(agent.warmPasses, 0);
});

t.test('without a warmer an idle cycle does nothing more', async (t) => {
  const { agent, calls } = setup(t, false);
  t.equal(agent.doWork(), 0);
  t.same(calls, []);
});

/** An agent whose executor "sends" each intent at the wire time the test gives its order id. */
function legSetup(t: { teardown(fn: () => void): void }, wireOf: (orderId: number) => number) {
  const { sab, publish: put } = intentRing();
  const hist = new HopRecorders('executor', 0, 'js');
  t.teardown(() => hist.close());
  const exec = {
    tracker: { liveCount: 0 },
    onIntents: (rec: Float64Array, n: number, _now: number, wires: Float64Array) => {
      for (let i = 0; i < n; i++) wires[i] = wireOf(rec[i * INTENT_WORDS + I_ORDER_ID]!);
    },
    expireDue: () => 0,
    reserveAhead: () => undefined,
    keepWarm: () => undefined,
  } as unknown as LiveExecutor;
  const agent = new LiveExecutorAgent(new RingConsumer(sab), exec, hist);
  const publish = (orderId: number, pairId: number, role: number): void => put({ [I_ORDER_ID]: orderId, [I_PAIR_ID]: pairId, [I_ROLE]: role });
  const legGap = () => hist.recorders[HOP_LEG_GAP]!.take();
  return { agent, publish, legGap };
}

t.test('leg_gap: one value per pair whose two legs left in the step, the second wire time minus the first', async (t) => {
  const wires: Record<number, number> = { 1: 5_000_000, 2: 5_040_000 };
  const { agent, publish, legGap } = legSetup(t, (id) => wires[id] ?? 0);
  publish(1, 7, ROLE_LEG_BUY);
  publish(2, 7, ROLE_LEG_SELL);
  agent.doWork();
  const h = legGap();
  t.equal(h.count, 1, 'one pair, one value');
  t.ok(Math.abs(h.maxNs - 40_000) <= 40, `40 µs recorded (hdr precision), got ${h.maxNs}`);
});

t.test('leg_gap: nothing for a leg whose twin did not go, a lone leg, or a hedge', async (t) => {
  const wires: Record<number, number> = { 1: 5_000_000, 2: 0, 3: 6_000_000, 4: 6_010_000, 5: 6_020_000 };
  const { agent, publish, legGap } = legSetup(t, (id) => wires[id] ?? 0);
  publish(1, 7, ROLE_LEG_BUY);
  publish(2, 7, ROLE_LEG_SELL); // refused: never on the wire
  publish(3, 8, ROLE_LEG_SELL); // a lone leg: its twin never comes
  publish(4, 8, ROLE_HEDGE);
  publish(5, 9, ROLE_UNWIND);
  agent.doWork();
  t.equal(legGap().count, 0);
});
