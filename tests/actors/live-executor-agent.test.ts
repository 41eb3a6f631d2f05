/**
 * LiveExecutorAgent keeps the order path warm while idle: a cycle that finds no intent runs a
 * synthetic pair through its warmer and has each venue client build a request without
 * sending it (at most once per KEEP_WARM_NS, the clock read only every WARM_CHECK_EVERY idle
 * cycles); a cycle that finds intents sends them and runs no warm pass; without a warmer
 * nothing extra runs.
 */
import t from 'tap';
import { POLICY_BLOCK, RingConsumer, RingProducer, createRing } from '../../src/core/ring.js';
import { HopRecorders } from '../../src/core/histogram.js';
import { INTENT_WORDS } from '../../src/core/records.js';
import { LiveExecutorAgent } from '../../src/actors/live-executor-agent.js';
import type { LiveExecutor } from '../../src/execution/live/live-executor.js';
import type { OrderPathWarmer } from '../../src/execution/live/warmup-live.js';
import type { SendPathWarmer } from '../../src/execution/live/send-path-warmer.js';

function setup(t: { teardown(fn: () => void): void }, withWarmer: boolean) {
  const sab = createRing(64, INTENT_WORDS, POLICY_BLOCK);
  const producer = new RingProducer(sab);
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
  const publish = (): void => {
    producer.claim();
    producer.data.fill(0, producer.offset, producer.offset + INTENT_WORDS);
    producer.publish();
  };
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
