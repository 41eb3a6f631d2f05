import t from 'tap';
import hdr from 'hdr-histogram-js';
import { formatPrometheus } from '../../src/report/prometheus.js';

function hist(values: number[]) {
  const h = hdr.build({ bitBucketSize: 64, autoResize: true });
  for (const v of values) h.recordValue(v);
  return h;
}

t.test('exposition text: HELP/TYPE then samples, counts per hop, seconds', async (t) => {
  const byHop = new Map([
    ['sent_to_ack', hist(Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000))],
    ['decision', hist([2000, 2000, 2000])],
  ]);
  const text = formatPrometheus(byHop, { errors: new Map([['decision', { errors: 5 }]]) });
  t.ok(text.endsWith('\n'));
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$/;
  const typed = new Map<string, string>();
  const values = new Map<string, number>();
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('# HELP ')) { t.match(line, /^# HELP [a-z_]+ \S/); continue; }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      t.ok(['summary', 'gauge', 'counter'].includes(type!), `${name} has a known type`);
      typed.set(name!, type!);
      continue;
    }
    const m = sample.exec(line);
    t.ok(m, `sample line parses: ${line}`);
    if (!m) continue;
    const family = m[1]!.replace(/_(sum|count)$/, '');
    t.ok(typed.has(family) || typed.has(m[1]!), `${m[1]} follows its TYPE line`);
    values.set(`${m[1]}{${m[3] ?? ''}}`, Number(m[4]));
  }
  t.equal(values.get('xarb_latency_seconds_count{hop="decision"}'), 3);
  t.equal(values.get('xarb_latency_seconds_count{hop="sent_to_ack"}'), 1000);
  t.ok(Math.abs(values.get('xarb_latency_seconds{hop="sent_to_ack",quantile="0.99"}')! - 0.00099) < 0.000002);
  t.ok(Math.abs(values.get('xarb_latency_seconds_sum{hop="decision"}')! - 6e-6) < 1e-8);
  t.equal(values.get('xarb_latency_errors_total{hop="decision"}'), 5);
  t.ok(text.indexOf('hop="decision"') < text.indexOf('hop="sent_to_ack"'), 'hops sorted');
});

t.test('label values are escaped', async (t) => {
  const text = formatPrometheus(new Map([['a"b\\c', hist([1])]]));
  t.match(text, /hop="a\\"b\\\\c"/);
});
