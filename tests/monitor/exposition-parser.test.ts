/** The strict exposition parser refuses what it must (otherwise the /metrics tests prove nothing). */
import t from 'tap';
import { parseExposition } from './exposition-parser.js';

const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\n';

t.test('accepts a well-formed family', async (t) => {
  t.equal(parseExposition(ok).get('a_total')!.samples[0]!.value, 3);
});

t.test('refuses each convention broken', async (t) => {
  const bad: Array<[string, RegExp]> = [
    ['# TYPE a gauge\na 1\n', /no HELP/],
    ['# HELP a A.\na 1\n', /no TYPE/],
    ['# HELP a A.\n# TYPE a counter\na 1\n', /must end in _total/],
    ['# HELP a_total A.\n# TYPE a_total gauge\na_total 1\n', /must not end in _total/],
    ['a 1\n', /no TYPE\/HELP before it/],
    [ok + ok, /after its samples/],
    ['# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\na_total{x="1"} 4\n', /duplicate series/],
    ['# HELP a_total A.\n# TYPE a_total counter\na_total -1\n', /counter value/],
    ['# HELP a A.\n# TYPE a gauge\na{x="a\\q"} 1\n', /bad escape/],
    ['# HELP a A.\n# TYPE a gauge\na one\n', /bad value/],
    ['# HELP h A.\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', /cumulative/],
    ['# HELP h A.\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', /\+Inf/],
    ['# HELP h A.\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n', /!= _count/],
    ['# HELP s A.\n# TYPE s summary\ns{quantile="2"} 1\ns_sum 1\ns_count 1\n', /quantile label/],
    ['# HELP s A.\n# TYPE s summary\ns{quantile="0.5"} 1\n', /_sum\/_count/],
    ['# HELP a A.\n# TYPE a gauge\na 1', /newline/],
  ];
  for (const [text, re] of bad) t.throws(() => parseExposition(text), re, JSON.stringify(text));
});
