/**
 * One backtest, end to end: check the data files, stream and merge them, run the engine,
 * write runs/<run-id>/{journal.jsonl, latency.hlog, report.html, trades.csv}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Histogram } from 'hdr-histogram-js';
import { baseBalanceOf, type XarbConfig } from '../config/index.js';
import { buildAccumulator } from '../core/hist-collector.js';
import { VENUE_COUNT, VENUE_NAMES } from '../core/records.js';
import { MergedRecording } from '../data/recording-merge.js';
import { EV_FRAME, EV_SKIPPED } from '../data/recording-reader.js';
import { dateStartMs, MS_PER_DAY } from '../data/store.js';
import { formatHlog } from '../report/hlog-writer.js';
import { simSymbolFilters } from '../sim/instruments.js';
import type { ArbitrageConfig, VenueBalances, VenueFilters } from '../strategy/config.js';
import { BacktestEngine, type BookMode } from './engine.js';
import { isDepthLine } from './frame-kind.js';
import { firstEventTs, replayEventStore, type EventSink, type EventStore } from './event-store.js';
import { BufferedJournal } from './journal-writer.js';
import { latencyFromConfig, latencyFromHlog, ObservedLatency, type OrderLatency } from './latency.js';
import { Progress } from './progress.js';
import { SESSION_TIMER_STEP_MS, sessionLatency, sessionTrace, type SessionSetup } from './session-replay.js';
import type { SessionTraceReplay } from './session-trace-replay.js';

// the data check, in a module of its own that a sweep's host loads without the engine
export { dataFiles, MissingDataError } from './data-files.js';
import { dataFiles } from './data-files.js';

export const JOURNAL_FILE = 'journal.jsonl';
export const HLOG_FILE = 'latency.hlog';

export interface BacktestOptions {
  config: XarbConfig;
  /** Path of the config file (for the commands suggested in errors). */
  configPath?: string;
  startDate: string;
  endDate: string;
  /** Default: [backtest] data_dir. */
  dataDir?: string;
  /** Default: "runs". */
  runsDir?: string;
  /** Default: bt-<start>-<end>-<hash of config and options>: same inputs, same directory. */
  runId?: string;
  book?: BookMode;
  /** Added to every recorded receive time (default [backtest] feed_latency_ms). */
  feedLatencyMs?: number;
  /** Extra feed latency per venue, ms, e.g. { bybit: 30 } for a host far from Bybit. */
  venueOffsetMs?: Partial<Record<string, number>>;
  /** Empirical order latency from a recorded .hlog. */
  latencyHlog?: string;
  /** Seed of the latency draws (default [backtest] seed). */
  seed?: number;
  equityEveryMs?: number;
  timerStepMs?: number;
  /** Symbol filters (default: the simulator's instrument table). */
  filters?: VenueFilters;
  progress?: boolean;
  /** Also write report.html and trades.csv (default true). */
  artifacts?: boolean;
  /**
   * Replay a recorded paper session as it ran (session-replay.ts): fills against the received
   * book, the session's executor latency and seed (unless latencyHlog is given), its depth
   * levels, the feed's usable gate, a 1 ms timer, no extra feed latency (unless given).
   */
  session?: SessionSetup;
  /**
   * The range's events already decoded (a sweep's shared store, event-store.ts: read once for
   * all points); default: stream the day files. Must hold this run's files and origin.
   */
  events?: EventStore;
}

export interface BacktestResult {
  runId: string;
  runDir: string;
  events: number;
  quotes: number;
  journalLines: number;
  endEquity: number;
  latencySource: string;
  frameErrors: number;
  /** Damage met in the data files (truncated file, unreadable lines), one line per series; empty when clean. */
  dataProblems: string[];
  /** A session replay with the session's strategy trace: its file and how it was used (agreement.json `replay_trace`). */
  sessionTrace?: Record<string, unknown>;
}

export function strategyBalances(cfg: XarbConfig): VenueBalances {
  const out: VenueBalances = {};
  for (const v of VENUE_NAMES) {
    const b = cfg.execution.initial_balances[v as 'binance' | 'bybit'];
    const base: Record<string, number> = {};
    for (const s of cfg.strategy.symbols) base[s.toUpperCase()] = baseBalanceOf(b, s);
    out[v] = { quote: b.quote, base };
  }
  return out;
}

export function arbitrageConfig(cfg: XarbConfig): ArbitrageConfig {
  return { strategy: cfg.strategy, risk: cfg.risk, execution: cfg.execution, fees: cfg.fees } as unknown as ArbitrageConfig;
}


function defaultRunId(o: BacktestOptions, seed: number): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ s: o.config.strategy, r: o.config.risk, e: o.config.execution, f: o.config.fees, b: o.book ?? 'depth',
    fl: o.feedLatencyMs, vo: o.venueOffsetMs ?? null, lh: o.latencyHlog ?? null, seed, eq: o.equityEveryMs ?? null, tm: o.timerStepMs ?? null,
    ss: o.session?.journal ?? null }));
  return `bt-${o.startDate}-${o.endDate}-${h.digest('hex').slice(0, 8)}`;
}

const TAGS = ['sent_to_ack', 'order_entry', 'order_response'] as const;

/** run_end.period: the span the report measures the run over (docs/report.md, "Period"). */
export interface ReportPeriod {
  from_ns: number;
  to_ns: number;
  /** 'data': first replayed event → last; 'session': the --compare'd session's run_start → run_end. */
  basis: 'data' | 'session';
}

/**
 * The report period of a backtest, on its ns timeline (ns 0 = 00:00 UTC of the start date):
 * the data actually replayed, not the calendar days asked for (a 25 s recording is 25 s, not
 * 6 h of empty morning); a session replay's is the session's own span.
 */
export function reportPeriod(firstTs: number, lastNs: number, startMs: number, session?: SessionSetup): ReportPeriod {
  const from = Number.isFinite(firstTs) ? Math.max(0, firstTs) : 0;
  const to = Math.max(from, lastNs);
  if (session?.startWallMs != null) {
    const sFrom = Math.max(0, (session.startWallMs - startMs) * 1e6);
    const sTo = session.endWallMs != null ? Math.max(sFrom, (session.endWallMs - startMs) * 1e6) : Math.max(sFrom, to);
    return { from_ns: sFrom, to_ns: sTo, basis: 'session' };
  }
  return { from_ns: from, to_ns: to, basis: 'data' };
}

/** How the replay used the session's strategy trace, for agreement.json (`replay_trace`); divergences on the wall clock. */
function traceSummary(file: string, r: SessionTraceReplay, unread: number, startMs: number): Record<string, unknown> {
  const wall = (ns: number): number | null => (ns === ns ? Math.round((startMs + ns / 1e6) * 1000) / 1000 : null);
  return {
    file, ...r.counters, updates_never_read: unread,
    divergences: r.divergences.map((d) => ({
      t_ms: wall(d.ns), order_id: d.orderId, session_order_id: d.sessionOrderId, kind: d.kind,
      ...(d.kind === 'board' ? { session_book_recv_ms: wall(d.sessionNs), replay_book_recv_ms: wall(d.replayNs) } : { detail: d.detail }),
    })),
  };
}

export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const cfg = o.config;
  const symbols = cfg.strategy.symbols.map((s) => s.toUpperCase());
  const dataDir = o.dataDir ?? cfg.backtest.data_dir;
  const series = dataFiles(dataDir, symbols, o.startDate, o.endDate, o.configPath);
  const seed = o.seed ?? cfg.backtest.seed;
  const runId = o.runId ?? defaultRunId(o, seed);
  const runDir = path.resolve(o.runsDir ?? 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  const startMs = dateStartMs(o.startDate);
  const totalNs = (dateStartMs(o.endDate) + MS_PER_DAY - startMs) * 1e6;

  const hists: Histogram[] = TAGS.map(() => buildAccumulator());
  const rec = (k: number, ns: number): void => {
    hists[k]!.recordValue(ns < 1 ? 1 : Math.round(ns));
  };
  const session = o.session;
  const lat: OrderLatency = o.latencyHlog !== undefined ? latencyFromHlog(o.latencyHlog, seed)
    : session !== undefined ? sessionLatency(session) : latencyFromConfig(cfg.execution, seed);
  // a --record'ed session's strategy trace: reads and order timing as the session had them (session-trace-replay.ts)
  const trace = session !== undefined && o.latencyHlog === undefined ? sessionTrace(session, dataDir, startMs, lat) : null;
  const filters = o.filters ?? (simSymbolFilters(symbols) as unknown as VenueFilters);
  const nSym = symbols.length;
  const balances = strategyBalances(cfg);
  const journal = new BufferedJournal(path.join(runDir, JOURNAL_FILE));
  const feedMs = o.feedLatencyMs ?? (session !== undefined ? 0 : cfg.backtest.feed_latency_ms);
  const timerStepMs = o.timerStepMs ?? (session !== undefined ? SESSION_TIMER_STEP_MS : 10);
  const offsets = new Float64Array(VENUE_COUNT);
  for (let v = 0; v < VENUE_COUNT; v++) offsets[v] = (feedMs + (o.venueOffsetMs?.[VENUE_NAMES[v]!] ?? 0)) * 1e6;
  const engine = new BacktestEngine({
    config: arbitrageConfig(cfg), filters, balances, journal, wallStartMs: startMs, book: o.book ?? 'depth',
    entryLatency: new ObservedLatency(trace?.replay.entry ?? lat.entry, (ns) => rec(1, ns)),
    responseLatency: new ObservedLatency(trace?.replay.response ?? lat.response, (ns) => rec(2, ns)),
    sessionReads: trace?.replay ?? null,
    onArrive: trace !== null ? (id, now, recv) => trace.replay.onArrive(id, now, recv) : undefined,
    equityEveryNs: (o.equityEveryMs ?? 60_000) * 1e6, timerStepNs: timerStepMs * 1e6,
    depthLevels: session?.depthLevels, feedRingSlots: session?.feedRingSlots, memoryObservesUpdates: session === undefined,
    strategyStartNs: session?.strategyReadyWallMs != null ? Math.max(0, (session.strategyReadyWallMs - startMs) * 1e6) : undefined,
    venueClock: session !== undefined ? 'receive' : 'exchange', depthGate: session !== undefined ? 'always' : 'seen',
    onLatency: (_tag, ns) => rec(0, ns), feedLatencyNs: Array.from(offsets),
    // a session replay keeps the paper executor's fill simulator defaults ([backtest] keys are the backtest's)
    liquidityDecayNs: session !== undefined ? undefined : (cfg.backtest.liquidity_decay_ms ?? 1000) * 1e6,
    marketImpact: session !== undefined ? 0 : cfg.backtest.market_impact ?? 0,
    fillRatio: session !== undefined ? 1 : cfg.backtest.fill_ratio ?? 1,
  });
  engine.start(runId, { strategy: cfg.strategy, risk: cfg.risk, execution: cfg.execution, fees: cfg.fees, backtest: cfg.backtest }, balances, {
    filters,
    backtest: {
      start_date: o.startDate, end_date: o.endDate, data_dir: dataDir, book: o.book ?? 'depth', feed_latency_ms: feedMs,
      venue_offset_ms: o.venueOffsetMs ?? {}, latency: lat.source, seed,
      liquidity_decay_ms: cfg.backtest.liquidity_decay_ms ?? 1000, market_impact: cfg.backtest.market_impact ?? 0,
      fill_ratio: cfg.backtest.fill_ratio ?? 1,
      fill_model: session !== undefined
        ? 'session replay: venue-side book at receive time (the paper executor\'s quote board); strategy at receive time'
        : 'venue-side book at exchange time (receive time when the data has none); strategy at receive time + feed latency',
      timer_step_ms: timerStepMs,
      ...(session !== undefined ? {
        session_replay: {
          journal: session.journal, seed: session.seed, seed_source: session.seedSource, depth_levels: session.depthLevels,
          strategy_ready_ms: session.strategyReadyWallMs, feed_ring_slots: session.feedRingSlots,
          strategy_trace: trace?.file ?? null,
        },
      } : {}),
    },
  });

  // Series k = venue * symbols.length + symbol (dataFiles order), merged by recorded receive
  // time; the engine adds each venue's extra feed latency on the strategy's side only.
  const progress = new Progress(`backtest ${o.startDate}..${o.endDate}`, totalNs, o.progress ?? false);
  let lastNs = 0;
  let counter = 0;
  let dataProblems: string[];
  // merge key of the first event (the loops clamp keys to >= 0, so does reportPeriod)
  let firstTs = NaN;
  if (o.events !== undefined) {
    firstTs = firstEventTs(o.events);
    // The same hand-over as the streaming loop below, from the shared store.
    const sink: EventSink = {
      frame: (k, ts, buf, len) => {
        const bt = ts < lastNs ? lastNs : ts;
        engine.onFrame(Math.floor(k / nSym), bt, buf, len);
        lastNs = bt;
        if ((++counter & 0xffff) === 0) progress.update(bt, engine.events, engine.roundsOpened);
      },
      snapshot: (k, ts, text) => {
        const bt = ts < lastNs ? lastNs : ts;
        const venue = Math.floor(k / nSym);
        engine.onSnapshot(venue, k - venue * nSym, bt, text);
        lastNs = bt;
        if ((++counter & 0xffff) === 0) progress.update(bt, engine.events, engine.roundsOpened);
      },
    };
    replayEventStore(o.events, sink);
    dataProblems = o.events.problems;
  } else {
    const merged = await MergedRecording.openSeries(series, { originMs: startMs });
    firstTs = merged.peekTs();
    if ((o.book ?? 'depth') === 'top') {
      // top-of-book fills read no depth: its frames are not even unescaped (the engine counts them)
      merged.readers.forEach((r, k) => {
        const venue = Math.floor(k / nSym);
        r.skipFrame = (buf, from, end) => isDepthLine(venue, buf, from, end);
      });
    }
    try {
      for (;;) {
        let st = merged.nextSync();
        if (st === 0) st = await merged.next();
        if (st < 0) break;
        const r = merged.current!;
        const k = merged.currentIndex;
        const venue = Math.floor(k / nSym);
        let bt = merged.currentTs;
        // Merged streams keep local time monotonic even if a file's lines are slightly out of order.
        if (bt < lastNs) bt = lastNs;
        if (r.kind === EV_FRAME) engine.onFrame(venue, bt, r.frame, r.frameLen);
        else if (r.kind === EV_SKIPPED) engine.onSkippedFrame(bt);
        else engine.onSnapshot(venue, k - venue * nSym, bt, r.snapshotText);
        lastNs = bt;
        if ((++counter & 0xffff) === 0) progress.update(bt, engine.events, engine.roundsOpened);
      }
    } finally {
      merged.close();
    }
    dataProblems = merged.problems();
  }
  const c = cfg.execution.order_timeout_ms;
  const endEquity = engine.finish(lastNs, Math.max(2 * c, cfg.risk.hedge_timeout_ms * 2) * 1e6 * 6, undefined,
    { period: reportPeriod(firstTs, lastNs, startMs, session) });
  journal.close();
  progress.done(engine.events);

  const intervals = TAGS.map((tag, i) => ({ tag, startMs, endMs: engine.wallOf(engine.nowNs), histogram: hists[i]! }))
    .filter((i) => i.histogram.totalCount > 0);
  if (intervals.length > 0) {
    writeFileSync(path.join(runDir, HLOG_FILE), formatHlog({ startTimeMs: startMs, valueUnit: 'ns', comments: ['xarb backtest: simulated order latencies'] }, intervals));
  }
  if (o.artifacts ?? true) {
    const { loadRun, writeRunArtifacts } = await import('../report/run-artifacts.js');
    await writeRunArtifacts(await loadRun(runDir), { html: true, csv: true });
  }
  return {
    runId, runDir, events: engine.events, quotes: engine.quotes, journalLines: journal.lines, endEquity,
    latencySource: lat.source, frameErrors: engine.frameErrors, dataProblems,
    ...(trace !== null ? { sessionTrace: traceSummary(trace.file, trace.replay, engine.unreadUpdates, startMs) } : {}),
  };
}
