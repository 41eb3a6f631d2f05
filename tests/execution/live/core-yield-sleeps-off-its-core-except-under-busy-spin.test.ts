/**
 * After a pair is on the wire the executor's thread sleeps `engine.yield_after_pair_us`
 * (core-yield.ts), so its core goes to whatever the pair made runnable; under busy-spin the
 * threads own their cores and it is off. Each yield is counted (`yields_after_pair`).
 */
import t from 'tap';
import { CoreYield, effectiveYieldUs } from '../../../src/execution/live/core-yield.js';

t.test('the configured yield applies under spin-then-park and park, never under busy-spin', async (t) => {
  t.equal(effectiveYieldUs(250, 'spin-then-park'), 250);
  t.equal(effectiveYieldUs(250, 'park'), 250);
  t.equal(effectiveYieldUs(250, 'busy-spin'), 0, 'a spinning thread has a core of its own: nothing to give away');
  t.equal(effectiveYieldUs(0, 'park'), 0, '0 turns it off');
});

t.test('a yield returns (a timed sleep nobody needs to wake) and is counted', async (t) => {
  const y = new CoreYield(50);
  y.run();
  y.run();
  t.equal(y.count, 2);
  t.equal(y.us, 50);
});
