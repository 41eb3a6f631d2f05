/**
 * A taker that stopped cleanly before its strategy was handed a symbol's leftover
 * (leftover.json `not_adopted`) answered for none of that symbol: neither the crashed runs'
 * orders nor the xarb fills in no journal it listed in `taken_fills`. Later starts count them,
 * before and after the window moved past them.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

t.test('an orphan fill taken over but never handed to the strategy is still exposure', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  w.orphanFill('binance', 'buy', 0.3, 0); // a lost run's unhedged buy
  w.crashedRun('A', [{ venue: 'bybit', side: 'sell', qty: 0.2, timeMs: 10 }]); // and a crashed run's short (control)
  const b = startAs(w, 'B', 1 * HOUR, { policy: 'adopt', after: 'notAdopted' }); // adopts +0.1, stops before handing it over
  t.equal(round9(believed(b)), 0.1);
  t.match(JSON.parse(fs.readFileSync(path.join(dir, 'B', 'leftover.json'), 'utf8')), { not_adopted: ['BTCUSDT'] });
  const c = startAs(w, 'C', 2 * HOUR); // nobody answered for either part
  t.equal(round9(believed(c)), round9(w.truth(2 * HOUR)), 'C: +0.3 -0.2 = long 0.1, as B saw');
  const d = startAs(w, 'D', 40 * HOUR);
  t.equal(round9(believed(d)), round9(w.truth(40 * HOUR)), 'D, after the window moved: still long 0.1');
});
