/**
 * A percentile row (`xarb hist show|compare`) is monotone: its max is the 100th percentile,
 * highest-equivalent like the percentiles, as in the run report's latency table. Found in the
 * review of issue #10: max was the histogram's maxValue (lowest-equivalent), so a constant 2 ms
 * latency read p50 2,000,895 ns and max 2,000,000 ns: a max below the median.
 */
import t from 'tap';
import { buildAccumulator } from '../../src/core/hist-collector.js';
import { percentileRow } from '../../src/report/percentile-table.js';

t.test('a percentile row never has its max below a percentile', async (t) => {
  const h = buildAccumulator();
  for (let i = 0; i < 120; i++) h.recordValue(2_000_000); // 120 orders at a constant 2 ms
  const row = percentileRow('sent_to_ack', h);
  const [p50, , , , p9999, max] = row.valuesNs as [number, number, number, number, number, number];
  t.ok(max >= p9999, `max ${max} ns >= p99.99 ${p9999} ns`);
  t.ok(max >= p50, `max ${max} ns >= p50 ${p50} ns`);
});
