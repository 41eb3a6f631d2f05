/**
 * leg_gap holds one value per pair whose two legs were both written, also when the live
 * executor wrote them in two steps: the strategy makes each leg visible as it is published
 * (publishQuiet) and rings the doorbell after the second, so an executor that is spinning, not
 * parked, can drain the first leg alone and the second in its next step. Those pairs have the
 * widest gap (the second leg waits a whole step); leaving them out would bias the hop low where
 * it matters. The meter (leg-gap-meter.ts) keeps the last unmatched leg across steps (found by
 * review 8; the dry-run case is in executor-agent.test.ts).
 */
import t from 'tap';
import { RingConsumer } from '../../src/core/ring.js';
import { HOP_LEG_GAP, HopRecorders } from '../../src/core/histogram.js';
import { ACTION_NEW, INTENT_WORDS, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_ROLE, ROLE_LEG_BUY, ROLE_LEG_SELL } from '../../src/core/records.js';
import { LiveExecutorAgent } from '../../src/actors/live-executor-agent.js';
import type { LiveExecutor } from '../../src/execution/live/live-executor.js';
import { intentRing } from './intent-ring.js';

t.test('live: a pair whose legs were read (and written) in two consecutive steps records its gap', async (t) => {
  const { sab, publish } = intentRing();
  const hist = new HopRecorders('executor', 0, 'js');
  t.teardown(() => hist.close());
  const wireOf: Record<number, number> = { 1: 5_000_000, 2: 5_300_000 };
  const written: number[] = [];
  const exec = {
    tracker: { liveCount: 0 },
    onIntents: (rec: Float64Array, n: number, _now: number, wires: Float64Array) => {
      for (let i = 0; i < n; i++) {
        const id = rec[i * INTENT_WORDS + I_ORDER_ID]!;
        written.push(id);
        wires[i] = wireOf[id]!;
      }
    },
    expireDue: () => 0, reserveAhead: () => undefined, keepWarm: () => undefined,
  } as unknown as LiveExecutor;
  const agent = new LiveExecutorAgent(new RingConsumer(sab), exec, hist);
  publish({ [I_ACTION]: ACTION_NEW, [I_ORDER_ID]: 1, [I_PAIR_ID]: 7, [I_ROLE]: ROLE_LEG_BUY });
  agent.doWork(); // the executor was spinning: it saw the first leg before the second was published
  publish({ [I_ACTION]: ACTION_NEW, [I_ORDER_ID]: 2, [I_PAIR_ID]: 7, [I_ROLE]: ROLE_LEG_SELL });
  agent.doWork();
  t.same(written, [1, 2], 'both legs of pair 7 were written');
  t.equal(hist.recorders[HOP_LEG_GAP]!.take().count, 1, 'so leg_gap holds one value for it (300 µs)');
});
