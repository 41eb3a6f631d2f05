import t from 'tap';
import { closest, editDistance } from '../../src/config/suggest.js';

t.test('edit distance counts insertions, deletions, substitutions and swaps', async (t) => {
  t.equal(editDistance('spread', 'spread'), 0);
  t.equal(editDistance('sprad', 'spread'), 1);
  t.equal(editDistance('sperad', 'spread'), 1, 'adjacent swap');
  t.equal(editDistance('', 'abc'), 3);
});

t.test('closest suggests only near candidates', async (t) => {
  t.equal(closest('min_sprad_bps', ['min_spread_bps', 'max_position_size']), 'min_spread_bps');
  t.equal(closest('logging', ['log', 'engine']), 'log');
  t.equal(closest('Symbol', ['symbol', 'symbols']), 'symbol');
  t.equal(closest('zzz', ['log', 'engine']), undefined);
});
