import t from 'tap';
import hdr from 'hdr-histogram-js';
import { formatCompareTable, formatNs, formatPercentileTable, percentileRow } from '../../src/report/percentile-table.js';
import { renderPercentilePlot } from '../../src/report/svg-plot.js';

t.test('human units with 3 significant digits', async (t) => {
  t.equal(formatNs(0), '0 ns');
  t.equal(formatNs(850), '850 ns');
  t.equal(formatNs(12_345), '12.3 µs');
  t.equal(formatNs(999_999), '1.00 ms', 'rounds before choosing the unit');
  t.equal(formatNs(2_500_000_000), '2.50 s');
});

t.test('table has every percentile column, count, and scales units', async (t) => {
  const h = hdr.build({ bitBucketSize: 64, autoResize: true });
  for (let i = 1; i <= 1000; i++) h.recordValue(i); // recorded in µs
  const row = percentileRow('decision', h, 1000);
  t.equal(row.count, 1000);
  t.equal(row.valuesNs[0], 500_000);
  const text = formatPercentileTable([row]);
  const [header, , line] = text.split('\n');
  t.same(header!.split(/\s+/), ['tag', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'count']);
  t.match(line, /^decision\s+500 µs\s+900 µs\s+990 µs\s+999 µs\s+1\.00 ms\s+1\.00 ms\s+1000$/);
  const cmp = formatCompareTable(row, null);
  t.match(cmp, /^p50\s+500 µs\s+-\s+-$/m);
  t.match(formatCompareTable(row, row), /^p99\s+990 µs\s+990 µs\s+x1\.00$/m);
});

t.test('plot: self-contained SVG, one path per series, legend and axis labels', async (t) => {
  const a = hdr.build({ bitBucketSize: 64, autoResize: true });
  const b = hdr.build({ bitBucketSize: 64, autoResize: true });
  for (let i = 1; i <= 1000; i++) { a.recordValue(i * 1000); b.recordValue(i * 2000); }
  const svg = renderPercentilePlot([{ label: 'a <1>', histogram: a, nsPerUnit: 1 }, { label: 'b', histogram: b, nsPerUnit: 1 }], { title: 'T' });
  t.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  t.ok(svg.trimEnd().endsWith('</svg>'));
  t.equal(svg.match(/<path class="curve"/g)?.length, 2);
  for (const label of ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%', 'Percentile', 'Latency (ms)', 'a &lt;1&gt; (1000)']) {
    t.ok(svg.includes(`>${label}<`), `has ${label}`);
  }
  t.notOk(/href=|<script/.test(svg), 'no external references');
});
