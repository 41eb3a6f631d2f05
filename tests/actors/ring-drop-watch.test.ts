/**
 * Ring-drop lines are rate-limited per ring: the first drops are reported at once, further
 * drops within the window wait and are reported together, with the count since the last line.
 */
import t from 'tap';
import { RingDropWatch } from '../../src/actors/ring-drop-watch.js';

t.test('one line per ring per window, carrying every drop since the previous line', async (t) => {
  const w = new RingDropWatch(10_000);
  t.equal(w.observe('feed:binance', 0, 0), null, 'no drops, no line');
  t.match(w.observe('feed:binance', 5, 1000), { ring: 'feed:binance', delta: 5, total: 5 });
  t.equal(w.observe('feed:binance', 900, 2000), null, 'within the window: held');
  t.equal(w.observe('feed:binance', 1000, 10_999), null, 'still within the window');
  t.match(w.observe('feed:binance', 1000, 11_000), { delta: 995, total: 1000 }, 'the window passed: all held drops at once');
  t.equal(w.observe('feed:binance', 1000, 60_000), null, 'no new drops: nothing to say');
  t.match(w.observe('feed:bybit', 3, 11_500), { ring: 'feed:bybit', delta: 3 }, 'each ring has its own window');
});
