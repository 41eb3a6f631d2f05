/** `auto` busy-spins only with a core for every spinning thread plus one for feeds and main. */
import t from 'tap';
import { resolveWaitStrategy } from '../../src/core/wait-strategy.js';

t.test('auto picks by cores and spinning threads; explicit settings are kept', async (t) => {
  t.equal(resolveWaitStrategy('auto', 1, 2).name, 'busy-spin', 'dry-run on 2 cores: strategy spins, one core left');
  t.equal(resolveWaitStrategy('auto', 2, 2).name, 'spin-then-park', 'live on 2 cores: no spare core for two spinners');
  t.equal(resolveWaitStrategy('auto', 1, 2, 1).name, 'spin-then-park', 'dry-run on 2 cores with the simulator on the host: it needs the spare core');
  t.equal(resolveWaitStrategy('auto', 1, 3, 1).name, 'busy-spin', 'and with a third core the strategy spins again');
  t.equal(resolveWaitStrategy('auto', 2, 3).name, 'busy-spin', 'live on 3 cores');
  t.equal(resolveWaitStrategy('auto', 1, 1).name, 'spin-then-park', 'one core');
  t.match(resolveWaitStrategy('auto', 2, 2).why, /2 cores < 2 spinning/);
  t.equal(resolveWaitStrategy('park', 1, 64).name, 'park');
  t.equal(resolveWaitStrategy('busy-spin', 4, 1).name, 'busy-spin', 'an explicit choice is honoured');
});
