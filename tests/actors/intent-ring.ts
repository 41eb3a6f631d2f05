/** An intent ring for the executor agents' tests: its buffer, and a publisher of intents with the given words set (the rest 0). */
import { POLICY_BLOCK, RingProducer, createRing } from '../../src/core/ring.js';
import { INTENT_WORDS } from '../../src/core/records.js';

export function intentRing(): { sab: SharedArrayBuffer; publish: (words?: Readonly<Record<number, number>>) => void } {
  const sab = createRing(64, INTENT_WORDS, POLICY_BLOCK);
  const producer = new RingProducer(sab);
  const publish = (words: Readonly<Record<number, number>> = {}): void => {
    producer.claim();
    const d = producer.data;
    const o = producer.offset;
    d.fill(0, o, o + INTENT_WORDS);
    for (const [w, v] of Object.entries(words)) d[o + Number(w)] = v;
    producer.publish();
  };
  return { sab, publish };
}
