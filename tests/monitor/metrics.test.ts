/**
 * /metrics as Prometheus users expect it: parsed by the strict parser, with the names, types
 * and labels the dashboards and alert rules query; latency that moves with a sliding window.
 */
import t from 'tap';
import { buildAccumulator, type TaggedInterval } from '../../src/core/hist-collector.js';
import { LatencyWindow, LATENCY_BUCKETS_S } from '../../src/monitor/latency-window.js';
import { formatMetrics, type MetricsInput } from '../../src/monitor/metrics.js';
import { ProcessStats } from '../../src/monitor/process-stats.js';
import { parseExposition, valueOf } from './exposition-parser.js';

/** One closed interval of `n` values of `ns` nanoseconds for `hop`. */
function interval(hop: string, endMs: number, ns: number, n: number): TaggedInterval {
  const h = buildAccumulator();
  h.recordValueWithCount(ns, n);
  return { tag: hop, startMs: endMs - 1000, endMs, histogram: h };
}

function input(latency: LatencyWindow, over: Partial<MetricsInput> = {}): MetricsInput {
  const ps = new ProcessStats('.');
  return {
    runId: 'r1', mode: 'dry-run', uptimeS: 12.5, symbols: ['BTCUSDT'], venues: ['binance', 'bybit'],
    actors: [
      { name: 'strategy', kind: 'strategy', alive: true, restarts: 0, stats: {
        equity: 400123.5, realized_pnl: 12.25, round_pnl: 10, legging_pnl: 2.25, fees: 1.5, drawdown_ratio: 0.001, halted: 1, flattening: 0,
        open_rounds: 1, live_orders: 2, quote_binance: 199000, quote_bybit: 201000, base_binance_BTCUSDT: 2.1, base_bybit_BTCUSDT: 1.9,
        exposure_BTCUSDT: 0, roundsClosed: 7, ordersSent: 16, rejects: 1, positionLimitDenials: 3, fillMismatches: 2, fillGaps: 1, verdicts: 4, unresolvedOrderAlerts: 1, gc_minor: 5, gc_major: 1, gc_incremental: 0, gc_pause_ms: 12, gc_max_pause_ms: 4,
      } },
      { name: 'feed:binance', kind: 'feed', alive: true, restarts: 1, stats: { connected: 1, books: 1, usable_books: 1, framesIn: 1000, disconnects: 2, reconnects: 2, badFrames: 5, bad_json: 3, bad_crossed: 1 } },
      { name: 'feed:bybit', kind: 'feed', alive: true, restarts: 0, stats: { connected: 0, books: 1, usable_books: 0, framesIn: 500, disconnects: 0, badFrames: 0 } },
    ],
    rings: { 'feed:binance': { capacity: 4096, written: 10, read: 8, depth: 2, dropped: 7, fullWaits: 0, timeouts: 0 }, intents: { capacity: 1024, written: 3, read: 3, depth: 0, dropped: 0, fullWaits: 1, timeouts: 0 } },
    spreads: [{ symbol: 'BTCUSDT', bnToBy: 12.5, byToBn: Number.NaN }],
    latency, latencyErrors: new Map([['tick_to_intent', { errors: 0 }]]), process: ps.sample(), alerts: [],
    alertCounters: { fired: 2, resolved: 1, suppressed: 0 }, webhooks: { sent: 2, failed: 0, dropped: 0 }, journalErrors: 0,
    ...over,
  };
}

t.test('every family parses strictly, with the names, types and labels operators query', async (t) => {
  const lw = new LatencyWindow();
  lw.add([interval('tick_to_intent', 1000, 20_000, 100), interval('tick_to_wire', 1000, 150_000, 10)]);
  const text = formatMetrics(input(lw));
  const f = parseExposition(text);
  const type = (n: string) => f.get(n)?.type;
  t.equal(type('xarb_feed_bad_frames_total'), 'counter');
  t.equal(valueOf(f, 'xarb_feed_bad_frames_total', { venue: 'binance', reason: 'json' }), 3);
  t.equal(valueOf(f, 'xarb_feed_bad_frames_total', { venue: 'binance', reason: 'crossed' }), 1);
  t.equal(valueOf(f, 'xarb_feed_bad_frames_total', { venue: 'binance', reason: 'other' }), 1, 'bad frames without a reason are not lost');
  t.equal(type('xarb_feed_disconnects_total'), 'counter');
  t.equal(valueOf(f, 'xarb_feed_disconnects_total', { venue: 'binance' }), 2);
  t.equal(type('xarb_ring_dropped_total'), 'counter');
  t.equal(valueOf(f, 'xarb_ring_dropped_total', { ring: 'feed:binance' }), 7);
  t.equal(valueOf(f, 'xarb_feed_connected', { venue: 'bybit' }), 0);
  t.equal(type('xarb_feed_connected'), 'gauge');
  t.equal(valueOf(f, 'xarb_equity_quote'), 400123.5);
  t.equal(valueOf(f, 'xarb_pnl_quote', { kind: 'realized' }), 12.25);
  t.equal(valueOf(f, 'xarb_halted'), 1);
  t.equal(valueOf(f, 'xarb_position_base', { venue: 'bybit', symbol: 'BTCUSDT' }), 1.9);
  t.equal(valueOf(f, 'xarb_drawdown_ratio'), 0.001);
  // The order lifecycle's counters (order-flow.ts), not only in /status.
  for (const [name, v] of [['xarb_fill_mismatches_total', 2], ['xarb_fill_gaps_total', 1], ['xarb_order_verdicts_total', 4], ['xarb_unresolved_order_alerts_total', 1]] as const) {
    t.equal(type(name), 'counter', `${name} is a counter`);
    t.equal(valueOf(f, name), v);
    t.match(text, new RegExp(`# HELP ${name} \\S`), `${name} has a HELP line`);
  }
  t.equal(valueOf(f, 'xarb_risk_denials_total', { rule: 'position_limit' }), 3);
  t.equal(valueOf(f, 'xarb_actor_restarts_total', { actor: 'feed:binance' }), 1);
  t.equal(valueOf(f, 'xarb_spread_bps', { symbol: 'BTCUSDT', direction: 'binance_to_bybit' }), 12.5);
  t.ok(Number.isNaN(valueOf(f, 'xarb_spread_bps', { symbol: 'BTCUSDT', direction: 'bybit_to_binance' })!), 'unknown spread is NaN, not 0');
  for (const n of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'xarb_gc_collections_total', 'nodejs_heap_size_used_bytes']) {
    t.ok(f.has(n), n);
  }
  t.equal(valueOf(f, 'xarb_gc_collections_total', { thread: 'strategy', kind: 'major' }), 1);
  t.equal(type('xarb_latency_seconds'), 'histogram');
  t.equal(valueOf(f, 'xarb_latency_seconds_count', { hop: 'tick_to_wire' }), 10);
  t.equal(valueOf(f, 'xarb_latency_seconds_bucket', { hop: 'tick_to_wire', le: '0.0001' }), 0);
  t.equal(valueOf(f, 'xarb_latency_seconds_bucket', { hop: 'tick_to_wire', le: '0.00025' }), 10);
  t.equal(type('xarb_latency_window_seconds'), 'summary');
  t.notOk(/xarb_actor_counter|xarb_ring\{/.test(text), 'no generic untyped families');
  // The headline hop leads the latency families.
  t.ok(text.indexOf('hop="tick_to_wire"') < text.indexOf('hop="tick_to_intent"'), 'tick_to_wire first');
});

t.test('label values are escaped, and families without samples are left out', async (t) => {
  const lw = new LatencyWindow();
  const text = formatMetrics(input(lw, { runId: 'a "quoted"\\run\nx', actors: [] }));
  const f = parseExposition(text);
  t.equal(f.get('xarb_info')!.samples[0]!.labels['run_id'], 'a "quoted"\\run\nx');
  t.notOk(f.has('xarb_latency_seconds'), 'no latency family before any latency');
  t.notOk(f.has('xarb_equity_quote'), 'no strategy gauges before the strategy reports');
});

t.test('the sliding window moves: quantiles forget intervals older than the window', async (t) => {
  const lw = new LatencyWindow(5);
  lw.add([interval('tick_to_intent', 1000, 5_000_000, 100)]); // 5 ms
  t.ok(Math.abs(lw.windowQuantiles('tick_to_intent')[2]!.v - 0.005) < 0.0001, 'p99 5 ms');
  for (let i = 2; i <= 6; i++) lw.add([interval('tick_to_intent', i * 1000, 10_000, 100)]); // 10 µs
  const p99 = lw.windowQuantiles('tick_to_intent')[2]!.v;
  t.ok(Math.abs(p99 - 0.00001) < 0.000001, `p99 back to 10 µs once the slow second left the window (${p99})`);
  t.equal(lw.windowCount('tick_to_intent'), 500);
  // The histogram keeps everything since start (rate() windows are Prometheus's job).
  const c = lw.cumulative('tick_to_intent')!;
  t.equal(c.count, 600);
  t.equal(c.counts.at(-1), 600);
  t.same(c.le, LATENCY_BUCKETS_S);
  t.equal(lw.points('tick_to_intent').length, 6, 'one dashboard point per interval');
});

t.test('headline hop: tick_to_wire, else tick_to_order, else tick_to_intent', async (t) => {
  const lw = new LatencyWindow();
  lw.add([interval('decision', 1000, 1000, 1), interval('tick_to_intent', 1000, 1000, 1)]);
  t.equal(lw.headline(), 'tick_to_intent');
  lw.add([interval('tick_to_order', 2000, 1000, 1)]);
  t.equal(lw.headline(), 'tick_to_order');
  lw.add([interval('tick_to_wire', 3000, 1000, 1)]);
  t.same(lw.orderedHops(), ['tick_to_wire', 'decision', 'tick_to_intent', 'tick_to_order']);
});
