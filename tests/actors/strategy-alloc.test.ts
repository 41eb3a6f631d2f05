/**
 * The strategy thread's per-quote path allocates nothing of its own: the strategy agent, the
 * strategy's decision (no pair: quotes inside the fees) and the dry-run executor sharing the
 * thread, driven by a synthetic feed through the real rings (bench/strategy-alloc.ts).
 *
 * What remains is the clock: one read per quote (the quote's read time: staleness, the
 * decision and publish_to_strategy latencies), and Node 20's performance.now() returns a fresh
 * 16-byte HeapNumber on every call. The bound is that read plus the per-second stats and
 * histogram posts spread over the quotes; before this guard the path made ~100 B per quote
 * (doubles boxed as arguments of calls V8 does not inline, a second clock read per quote).
 * Bytes, not time: the figure does not depend on the machine's load.
 */
import t from 'tap';
import { StrategyThreadRig, measureAllocation } from '../../bench/strategy-alloc.js';

/** One HeapNumber (the clock read) and a little for the per-second posts. */
const MAX_BYTES_PER_QUOTE = 24;

t.test('a quote that trades nothing allocates at most the clock read', async (t) => {
  const rig = await StrategyThreadRig.create();
  t.teardown(() => rig.close());
  rig.run(60_000); // optimised by V8 before counting
  // The least of a few rounds: on a loaded machine V8's optimising compiler (a background
  // thread) may not have finished when a round starts, and unoptimised code boxes every
  // double. Optimised code that allocates cannot show less than it allocates in any round.
  const seen: string[] = [];
  let best = Infinity;
  for (let round = 0; round < 6 && best > MAX_BYTES_PER_QUOTE; round++) {
    const m = measureAllocation(rig, 31, 2000);
    seen.push(`${m.bytesPerQuote.toFixed(1)} (${m.method})`);
    best = Math.min(best, m.bytesPerQuote);
  }
  t.equal(rig.th.strategy.stats.pairsSent, 0, 'no pair: the per-quote path only');
  t.ok(rig.th.agent.counters.quotes >= 60_000 + 31 * 2000, 'every quote reached the strategy');
  t.ok(best <= MAX_BYTES_PER_QUOTE, `B per quote by round: ${seen.join(', ')}; bound ${MAX_BYTES_PER_QUOTE}`);
});
