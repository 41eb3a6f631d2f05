/**
 * /metrics: everything the monitor knows, as Prometheus expects it. Counters are `_total` and
 * typed `counter` (bad frames by venue and reason, disconnects, ring drops, orders...), levels
 * are gauges (equity, PnL, positions, halted, connected...), latency is a histogram per hop
 * plus a one-minute sliding-window summary, and the process's own health (CPU, memory,
 * event-loop lag, GC) uses the names prom-client would give it. Every family has HELP and TYPE.
 */
import type { RingStats } from '../core/ring.js';
import { Exposition, type Labels } from './exposition.js';
import type { LatencyWindow } from './latency-window.js';
import type { ProcessSample } from './process-stats.js';
import { ALERT_KINDS, type Alert } from './alerts.js';

export interface ActorView {
  name: string;
  kind: 'feed' | 'strategy' | 'executor';
  alive: boolean;
  restarts: number;
  stats: Record<string, number> | undefined;
}

/** A ring's counters as the monitor shows them (the ring's own stats, without its layout). */
export type RingView = Omit<RingStats, 'slotWords'>;

export interface MetricsInput {
  runId: string;
  mode: string;
  uptimeS: number;
  symbols: readonly string[];
  venues: readonly string[];
  actors: readonly ActorView[];
  rings: Readonly<Record<string, RingView>>;
  spreads: ReadonlyArray<{ symbol: string; bnToBy: number; byToBn: number }>;
  latency: LatencyWindow;
  latencyErrors: ReadonlyMap<string, { errors: number }>;
  process: ProcessSample;
  alerts: readonly Alert[];
  alertCounters: { fired: number; resolved: number; suppressed: number };
  webhooks: { sent: number; failed: number; dropped: number };
  journalErrors: number;
  /**
   * Refusals over the runs folder's records since the process started, by the log's `counter`
   * (ledger_unreadable, ledger_unwritable, ledger_other_accounts, leftover_unreadable:
   * venue-ledger.ts ledgerCounters). Counted at start-up, before the monitor is up: shown once it is.
   */
  runsFolderErrors?: Readonly<Record<string, number>>;
}

/** Feed counters exported as `xarb_feed_<name>_total`: stats key → (metric, help). */
const FEED_COUNTERS: ReadonlyArray<[string, string, string]> = [
  ['framesIn', 'xarb_feed_frames_total', 'WebSocket frames received.'],
  ['bytesIn', 'xarb_feed_received_bytes_total', 'WebSocket payload bytes received.'],
  ['quotes', 'xarb_feed_quotes_total', 'Top-of-book updates parsed.'],
  ['depthUpdates', 'xarb_feed_depth_updates_total', 'Depth updates parsed.'],
  ['published', 'xarb_feed_published_total', 'Quote records published to the strategy ring.'],
  ['connects', 'xarb_feed_connects_total', 'WebSocket connections opened.'],
  ['disconnects', 'xarb_feed_disconnects_total', 'WebSocket connections lost.'],
  ['reconnects', 'xarb_feed_reconnects_total', 'Reconnections after a loss.'],
  ['gaps', 'xarb_feed_sequence_gaps_total', 'Sequence gaps seen in depth streams.'],
  ['resyncs', 'xarb_feed_resyncs_total', 'Book resynchronisations.'],
  ['staleMarks', 'xarb_feed_stale_total', 'Books marked stale (no update within engine.stale_feed_ms).'],
  ['errors', 'xarb_feed_errors_total', 'Connection errors.'],
  ['snapshotErrors', 'xarb_feed_snapshot_errors_total', 'REST depth snapshot failures.'],
];

const STRATEGY_COUNTERS: ReadonlyArray<[string, string, string]> = [
  ['opportunities', 'xarb_opportunities_total', 'Spreads beyond the entry threshold seen by the strategy.'],
  ['pairsSent', 'xarb_rounds_opened_total', 'Rounds opened (pairs of orders sent).'],
  ['roundsClosed', 'xarb_rounds_closed_total', 'Rounds closed.'],
  ['roundsWon', 'xarb_rounds_won_total', 'Rounds closed with a positive PnL.'],
  ['leggedRounds', 'xarb_rounds_legged_total', 'Rounds where one leg filled more than the other.'],
  ['ordersSent', 'xarb_orders_sent_total', 'Orders sent (entries, hedges, unwinds).'],
  ['rejects', 'xarb_order_rejects_total', 'Orders rejected by a venue or the executor.'],
  ['hedgesSent', 'xarb_hedges_sent_total', 'Hedge orders sent.'],
  ['unwindsSent', 'xarb_unwinds_sent_total', 'Unwind orders sent.'],
  ['lateFills', 'xarb_late_fills_total', 'Fills that arrived after an order timed out.'],
  ['orderTimeouts', 'xarb_order_timeouts_total', 'Orders past execution.order_timeout_ms.'],
  ['stopLossTriggers', 'xarb_stop_loss_triggers_total', 'Stop-loss triggers.'],
  ['drawdownHalts', 'xarb_drawdown_halts_total', 'Halts on risk.max_drawdown.'],
  ['killSwitchHalts', 'xarb_operator_halts_total', 'Halts by the kill switch or the operator.'],
  ['quotes', 'xarb_strategy_quotes_total', 'Quote records read by the strategy.'],
  // Order lifecycle (order-flow.ts): what the strategy did with reports that disagreed.
  ['fillMismatches', 'xarb_fill_mismatches_total', 'Final answers reporting less fill than the fill reports did (order held unknown for a verdict).'],
  ['fillGaps', 'xarb_fill_gaps_total', 'Final answers reporting more fill than was booked (a fill report missing or behind).'],
  ['badReports', 'xarb_bad_reports_total', 'Order reports or verdicts with a fill but no usable price, or a NaN or negative amount: not applied, the order held unknown for a verdict.'],
  ['duplicateFills', 'xarb_duplicate_fill_reports_total', 'Fill reports whose cumulative quantity added nothing (duplicated or reordered).'],
  ['unknownReports', 'xarb_unknown_reports_total', 'Reports for orders the strategy does not hold.'],
  ['verdicts', 'xarb_order_verdicts_total', 'Reconciliation verdicts applied to orders of unknown status.'],
  ['verdictRequests', 'xarb_order_verdict_requests_total', 'Reconciliation requests sent for orders of unknown status.'],
  ['verdictsNoRecord', 'xarb_order_verdicts_no_record_total', 'Verdicts saying the executor has no record of the order (kept unknown, unresolved_order raised).'],
  ['roundsAbandoned', 'xarb_rounds_abandoned_total', 'Rounds abandoned to the operator.'],
  ['forcedExpiries', 'xarb_order_forced_expiries_total', 'Orders moved to unknown by the strategy\'s own deadline.'],
  ['unresolvedOrderAlerts', 'xarb_unresolved_order_alerts_total', 'Orders unknown for too long (unresolved_order halts).'],
  ['hedgeTimeouts', 'xarb_hedge_timeouts_total', 'Hedges not filled within their timeout.'],
  ['unwindFailures', 'xarb_unwind_failures_total', 'Unwinds that failed (unwind_failed halts).'],
  ['orderTableHalts', 'xarb_order_table_halts_total', 'Halts because the order table was full.'],
  ['breakerTrips', 'xarb_breaker_trips_total', 'Per-venue circuit breaker trips.'],
];

const RISK_DENIALS: ReadonlyArray<[string, string]> = [
  ['positionLimitDenials', 'position_limit'], ['rateLimitDenials', 'max_orders_per_second'], ['priceBandDenials', 'price_band'],
  ['staleBookDenials', 'stale_book'], ['unusableBookDenials', 'unusable_book'], ['skipNoInventory', 'no_inventory'],
];

/** Executor stats that are levels, not counts. */
const EXECUTOR_LEVELS: ReadonlySet<string> = new Set(['in_flight', 'pending_events', 'parks', 'lastRejectCode', 'unresolved_now', 'live_orders', 'report_backlog']);

export function formatMetrics(m: MetricsInput): string {
  const x = new Exposition();
  const feeds = m.actors.filter((a) => a.kind === 'feed');
  const venueOf = (a: ActorView) => a.name.replace(/^feed:/, '');
  const strategy = m.actors.find((a) => a.kind === 'strategy')?.stats;
  const st = (k: string) => strategy?.[k] ?? Number.NaN;

  x.gauge('xarb_info', 'Constant 1, labelled with the run.', [[{ run_id: m.runId, mode: m.mode }, 1]]);
  x.gauge('xarb_uptime_seconds', 'Seconds since the bot started.', [[{}, m.uptimeS]]);
  x.gauge('xarb_actor_up', 'Whether an actor thread is running (1) or not (0).', m.actors.map((a) => [{ actor: a.name }, a.alive ? 1 : 0]));
  x.counter('xarb_actor_restarts_total', 'Restarts of an actor thread after it exited.', m.actors.map((a) => [{ actor: a.name }, a.restarts]));

  // ---- feeds
  x.gauge('xarb_feed_connected', 'Whether the venue feed WebSocket is connected (1) or not (0).', feeds.map((a) => [{ venue: venueOf(a) }, a.stats?.['connected'] ?? 0]));
  x.gauge('xarb_feed_books', 'Order books the feed maintains.', feeds.map((a) => [{ venue: venueOf(a) }, a.stats?.['books'] ?? 0]));
  x.gauge('xarb_feed_books_usable', 'Order books in sync and fresh enough to trade on.', feeds.map((a) => [{ venue: venueOf(a) }, a.stats?.['usable_books'] ?? 0]));
  for (const [key, name, help] of FEED_COUNTERS) {
    x.counter(name, help, feeds.filter((a) => a.stats?.[key] !== undefined).map((a) => [{ venue: venueOf(a) }, a.stats![key]!]));
  }
  const bad: Array<[Labels, number]> = [];
  for (const a of feeds) {
    const s = a.stats ?? {};
    let byReason = 0;
    for (const [k, v] of Object.entries(s)) {
      if (k.startsWith('bad_')) { bad.push([{ venue: venueOf(a), reason: k.slice(4) }, v]); byReason += v; }
    }
    // Frames counted as bad before reasons were kept (or by a path without one): reason "other".
    const rest = (s['badFrames'] ?? 0) - byReason;
    if (rest > 0) bad.push([{ venue: venueOf(a), reason: 'other' }, rest]);
  }
  x.counter('xarb_feed_bad_frames_total', 'Frames refused by the parser or the book sync, by reason.', bad);

  // ---- rings
  const rings = Object.entries(m.rings);
  x.counter('xarb_ring_written_total', 'Records written to a shared ring.', rings.map(([r, s]) => [{ ring: r }, s.written]));
  x.counter('xarb_ring_read_total', 'Records read from a shared ring.', rings.map(([r, s]) => [{ ring: r }, s.read]));
  x.counter('xarb_ring_dropped_total', 'Records overwritten before they were read (drop-oldest rings).', rings.map(([r, s]) => [{ ring: r }, s.dropped]));
  x.counter('xarb_ring_full_waits_total', 'Times a producer found a blocking ring full.', rings.map(([r, s]) => [{ ring: r }, s.fullWaits]));
  x.counter('xarb_ring_timeouts_total', 'Writes given up on a full blocking ring.', rings.map(([r, s]) => [{ ring: r }, s.timeouts]));
  x.gauge('xarb_ring_depth', 'Records waiting in a ring.', rings.map(([r, s]) => [{ ring: r }, s.depth]));
  x.gauge('xarb_ring_capacity', 'Slots of a ring.', rings.map(([r, s]) => [{ ring: r }, s.capacity]));

  // ---- strategy, money, risk
  if (strategy !== undefined) {
    x.gauge('xarb_equity_quote', 'Equity marked at mid, quote asset (USDT).', [[{}, st('equity')]]);
    x.gauge('xarb_pnl_quote', 'Strategy PnL by part, quote asset: realized (= round + legging), after fees.', [
      [{ kind: 'realized' }, st('realized_pnl')], [{ kind: 'round' }, st('round_pnl')], [{ kind: 'legging' }, st('legging_pnl')],
    ]);
    x.gauge('xarb_fees_quote', 'Fees paid so far, quote asset.', [[{}, st('fees')]]);
    x.gauge('xarb_drawdown_ratio', 'Drawdown from the equity peak, fraction of starting equity.', [[{}, strategy['drawdown_ratio'] ?? st('drawdown')]]);
    x.gauge('xarb_halted', 'Whether new entries are halted (1) or not (0).', [[{}, st('halted')]]);
    x.gauge('xarb_flattening', 'Whether the strategy is flattening its exposure (1) or not (0).', [[{}, st('flattening')]]);
    x.gauge('xarb_open_rounds', 'Rounds not yet closed.', [[{}, st('open_rounds')]]);
    x.gauge('xarb_live_orders', 'Orders sent and not yet final.', [[{}, st('live_orders')]]);
    x.gauge('xarb_balance_quote', 'Quote balance per venue.', m.venues.map((v) => [{ venue: v }, st(`quote_${v}`)]));
    const pos: Array<[Labels, number]> = [];
    for (const v of m.venues) for (const s of m.symbols) pos.push([{ venue: v, symbol: s }, st(`base_${v}_${s}`)]);
    x.gauge('xarb_position_base', 'Base asset held per venue and symbol.', pos);
    x.gauge('xarb_exposure_base', 'Net base exposure per symbol across venues (versus the starting inventory).', m.symbols.map((s) => [{ symbol: s }, st(`exposure_${s}`)]));
    for (const [key, name, help] of STRATEGY_COUNTERS) {
      if (strategy[key] !== undefined) x.counter(name, help, [[{}, strategy[key]!]]);
    }
    x.counter('xarb_risk_denials_total', 'Entries denied by a risk rule, by rule.', RISK_DENIALS.filter(([k]) => strategy[k] !== undefined).map(([k, rule]) => [{ rule }, strategy[k]!]));
  }
  // Executor counters (own thread, live executor, or the dry-run executor on the strategy
  // thread as executor_*): events by name; the few levels among them are gauges.
  const execEvents: Array<[Labels, number]> = [];
  const execLevels: Array<[Labels, number]> = [];
  const executor = m.actors.find((a) => a.kind === 'executor')?.stats;
  const execStats = executor ?? Object.fromEntries(Object.entries(strategy ?? {}).filter(([k]) => k.startsWith('executor_')).map(([k, v]) => [k.slice('executor_'.length), v]));
  for (const [k, v] of Object.entries(execStats)) {
    if (k.startsWith('gc_') || !Number.isFinite(v)) continue;
    if (EXECUTOR_LEVELS.has(k)) execLevels.push([{ name: k }, v]);
    else if (v >= 0) execEvents.push([{ event: k }, v]);
  }
  x.counter('xarb_executor_events_total', 'Executor events by name (orders sent, acked, filled, rejected, refused, per-venue requests and errors...).', execEvents);
  x.gauge('xarb_executor_level', 'Executor levels by name (orders in flight, events pending).', execLevels);
  const spreads: Array<[Labels, number]> = [];
  for (const s of m.spreads) {
    spreads.push([{ symbol: s.symbol, direction: 'binance_to_bybit' }, s.bnToBy], [{ symbol: s.symbol, direction: 'bybit_to_binance' }, s.byToBn]);
  }
  x.gauge('xarb_spread_bps', 'Raw touch-to-touch spread before fees: buy on the first venue, sell on the second.', spreads);

  // ---- latency
  const hops = m.latency.orderedHops();
  x.histogram('xarb_latency_seconds', 'Latency per hop since start (from the workers\' HdrHistograms, one-second intervals).',
    hops.map((hop) => {
      const c = m.latency.cumulative(hop)!;
      return { labels: { hop }, le: c.le, counts: c.counts, sum: c.sumS, count: c.count };
    }));
  x.summary('xarb_latency_window_seconds', 'Latency per hop over the last minute (sliding window of one-second intervals).',
    hops.map((hop) => ({ labels: { hop }, quantiles: m.latency.windowQuantiles(hop), sum: m.latency.windowSumS(hop), count: m.latency.windowCount(hop) })));
  x.counter('xarb_latency_errors_total', 'Negative or NaN latencies refused per hop.', [...m.latencyErrors.entries()].map(([hop, c]) => [{ hop }, c.errors]));

  // ---- alerts
  x.gauge('xarb_alerts_firing', 'Alerts firing now, by kind.', ALERT_KINDS.map((k) => [{ kind: k }, m.alerts.filter((a) => a.kind === k).length]));
  x.counter('xarb_alerts_fired_total', 'Alerts fired (rate-limited ones included).', [[{}, m.alertCounters.fired]]);
  x.counter('xarb_alerts_suppressed_total', 'Alert firings not notified (the same alert within monitor.alerts.repeat_interval_ms).', [[{}, m.alertCounters.suppressed]]);
  x.counter('xarb_alert_webhooks_total', 'Webhook posts by result.', [
    [{ result: 'sent' }, m.webhooks.sent], [{ result: 'failed' }, m.webhooks.failed], [{ result: 'dropped' }, m.webhooks.dropped],
  ]);
  x.counter('xarb_journal_write_errors_total', 'Journal writes that failed (disk full, I/O error).', [[{}, m.journalErrors]]);
  if (m.runsFolderErrors !== undefined) {
    x.counter('xarb_runs_folder_errors_total', 'Venue ledger or leftover.json in the runs folder unreadable, unwritable or of other accounts, by counter (each refuses a start; a clean stop\'s ledger write counts too).',
      Object.entries(m.runsFolderErrors).map(([counter, v]) => [{ counter }, v]));
  }
  x.gauge('xarb_journal_disk_free_bytes', 'Free space on the file system of the run directory.', [[{}, m.process.diskFreeBytes]]);

  // ---- threads' GC and the process
  const p = m.process;
  const gcThreads: Array<[string, Record<string, number>]> = [['main', {
    gc_minor: p.gc.minor, gc_major: p.gc.major, gc_incremental: p.gc.incremental, gc_pause_ms: p.gc.pauseMs, gc_max_pause_ms: p.gc.maxPauseMs,
  }]];
  for (const a of m.actors) if (a.stats?.['gc_minor'] !== undefined) gcThreads.push([a.name, a.stats]);
  const gcCounts: Array<[Labels, number]> = [];
  for (const [thread, s] of gcThreads) for (const kind of ['minor', 'major', 'incremental'] as const) gcCounts.push([{ thread, kind }, s[`gc_${kind}`] ?? 0]);
  x.counter('xarb_gc_collections_total', 'Garbage collections per thread and kind.', gcCounts);
  x.counter('xarb_gc_pause_seconds_total', 'Time spent in garbage collection per thread.', gcThreads.map(([thread, s]) => [{ thread }, (s['gc_pause_ms'] ?? 0) / 1000]));
  x.gauge('xarb_gc_max_pause_seconds', 'Longest single garbage collection per thread since start.', gcThreads.map(([thread, s]) => [{ thread }, (s['gc_max_pause_ms'] ?? 0) / 1000]));
  x.counter('process_cpu_user_seconds_total', 'User CPU time of the process.', [[{}, p.cpuUserS]]);
  x.counter('process_cpu_system_seconds_total', 'System CPU time of the process.', [[{}, p.cpuSystemS]]);
  x.counter('process_cpu_seconds_total', 'Total user and system CPU time of the process.', [[{}, p.cpuUserS + p.cpuSystemS]]);
  x.gauge('process_resident_memory_bytes', 'Resident memory size.', [[{}, p.rssBytes]]);
  x.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch.', [[{}, p.startTimeS]]);
  x.gauge('nodejs_heap_size_used_bytes', 'V8 heap used (main thread).', [[{}, p.heapUsedBytes]]);
  x.gauge('nodejs_heap_size_total_bytes', 'V8 heap size (main thread).', [[{}, p.heapTotalBytes]]);
  x.gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects (shared buffers included).', [[{}, p.externalBytes]]);
  x.gauge('nodejs_eventloop_lag_p50_seconds', 'Main event-loop delay, median over the last second.', [[{}, p.loopP50Ms / 1000]]);
  x.gauge('nodejs_eventloop_lag_p99_seconds', 'Main event-loop delay, 99th percentile over the last second.', [[{}, p.loopP99Ms / 1000]]);
  x.gauge('nodejs_eventloop_lag_max_seconds', 'Main event-loop delay, maximum over the last second.', [[{}, p.loopMaxMs / 1000]]);
  return x.text();
}
