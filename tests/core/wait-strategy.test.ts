/** `auto` busy-spins only with a core for every spinning thread plus one for the feeds and one for main. */
import t from 'tap';
import { resolveWaitStrategy } from '../../src/core/wait-strategy.js';

t.test('auto picks by cores and spinning threads; explicit settings are kept', async (t) => {
  t.equal(resolveWaitStrategy('auto', 1, 2).name, 'spin-then-park', 'dry-run on 2 cores: a spinning strategy would starve the feeds');
  t.equal(resolveWaitStrategy('auto', 1, 3).name, 'busy-spin', 'dry-run on 3 cores: one for the strategy, one for the feeds, one for main');
  t.equal(resolveWaitStrategy('auto', 2, 2).name, 'spin-then-park', 'live on 2 cores: no spare core for two spinners');
  t.equal(resolveWaitStrategy('auto', 1, 3, 1).name, 'spin-then-park', 'dry-run on 3 cores with the simulator on the host: it needs a core');
  t.equal(resolveWaitStrategy('auto', 1, 4, 1).name, 'busy-spin', 'and with a fourth core the strategy spins again');
  t.equal(resolveWaitStrategy('auto', 2, 3).name, 'spin-then-park', 'live on 3 cores');
  t.equal(resolveWaitStrategy('auto', 2, 4).name, 'busy-spin', 'live on 4 cores');
  t.equal(resolveWaitStrategy('auto', 1, 1).name, 'spin-then-park', 'one core');
  t.match(resolveWaitStrategy('auto', 2, 2).why, /2 cores < 2 spinning thread\(s\) \+ 1 for the feeds \+ 1 for main/);
  t.equal(resolveWaitStrategy('park', 1, 64).name, 'park');
  t.equal(resolveWaitStrategy('busy-spin', 4, 1).name, 'busy-spin', 'an explicit choice is honoured');
});
