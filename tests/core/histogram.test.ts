import t from 'tap';
import hdr from 'hdr-histogram-js';
import {
  HOP_DECISION, HOP_NAMES, HOP_SENT_TO_ACK, HopRecorders, LATENCY_HIGHEST_NS, LatencyRecorder, initHistograms,
} from '../../src/core/histogram.js';
import { HistogramCollector } from '../../src/core/hist-collector.js';

t.test('hop names are the documented strings, in index order', async (t) => {
  t.same([...HOP_NAMES], ['frame_to_parsed', 'parsed_to_published', 'publish_to_strategy', 'decision',
    'tick_to_intent', 'intent_to_sent', 'sent_to_ack', 'tick_to_order', 'intent_to_wire', 'tick_to_wire', 'leg_gap']);
  t.equal(HOP_NAMES[HOP_DECISION], 'decision');
});

for (const impl of ['wasm', 'js'] as const) {
  t.test(`${impl} recorder: records ns, refuses negative and NaN, saturates above 60 s`, async (t) => {
    await initHistograms(impl);
    const r = new LatencyRecorder('decision', impl);
    t.teardown(() => r.close());
    r.record(1500);
    r.record(2500.7);
    r.record(-3);
    r.record(Number.NaN);
    r.record(LATENCY_HIGHEST_NS * 2);
    t.equal(r.count, 3);
    t.equal(r.errors, 2);
    t.equal(r.saturated, 1);
    const snap = r.take();
    t.equal(snap.count, 3);
    t.equal(snap.errors, 2);
    t.equal(snap.saturated, 1);
    const h = hdr.decodeFromCompressedBase64(snap.encoded, 64, false);
    t.equal(h.totalCount, 3);
    t.ok(Math.abs(h.maxValue - LATENCY_HIGHEST_NS) / LATENCY_HIGHEST_NS < 0.001, 'max is 60 s within 3 digits');
    t.equal(r.count, 0, 'take() resets the interval');
    t.equal(r.errors, 0);
  });
}

t.test('snapshots cover consecutive intervals and are plain data', async (t) => {
  await initHistograms('wasm');
  const hops = new HopRecorders('strategy', 1000);
  t.teardown(() => hops.close());
  hops.record(HOP_DECISION, 10_000);
  const a = hops.snapshot(2000);
  hops.record(HOP_SENT_TO_ACK, 20_000);
  hops.record(HOP_SENT_TO_ACK, 30_000);
  const b = hops.snapshot(3000);
  t.match(a, { source: 'strategy', startMs: 1000, endMs: 2000 });
  t.match(b, { startMs: 2000, endMs: 3000 });
  t.equal(a.hops.length, HOP_NAMES.length);
  t.equal(a.hops[HOP_DECISION]!.count, 1);
  t.equal(b.hops[HOP_DECISION]!.count, 0);
  t.equal(b.hops[HOP_SENT_TO_ACK]!.count, 2);
  t.same(structuredClone(b), b, 'survives structured clone unchanged');
});

t.test('collector merges snapshots per tag into totals and intervals', async (t) => {
  await initHistograms('js');
  const w1 = new HopRecorders('feed:binance', 0, 'js');
  const w2 = new HopRecorders('feed:bybit', 0, 'js');
  for (let i = 1; i <= 100; i++) w1.record(0, i * 1000);
  for (let i = 101; i <= 200; i++) w2.record(0, i * 1000);
  w2.record(0, -1);
  const c = new HistogramCollector();
  c.add(w1.snapshot(1000));
  c.add(w2.snapshot(1100));
  const first = c.flushInterval();
  t.equal(first.length, 1, 'only hops with values make intervals');
  t.match(first[0], { tag: 'frame_to_parsed', startMs: 0, endMs: 1100 });
  t.equal(first[0]!.histogram.totalCount, 200);
  w1.record(0, 5000);
  c.add(w1.snapshot(2000));
  const second = c.flushInterval();
  t.equal(second[0]!.histogram.totalCount, 1);
  t.equal(c.intervals().length, 2);
  const total = c.totalsByTag().get('frame_to_parsed')!;
  t.equal(total.totalCount, 201);
  t.ok(Math.abs(total.getValueAtPercentile(50) - 100_000) <= 100, 'p50 of 1..200 µs is ~100 µs');
  t.equal(c.countersByTag().get('frame_to_parsed')!.errors, 1);
});
