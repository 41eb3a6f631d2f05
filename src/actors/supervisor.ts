/**
 * The supervisor (main thread, never on the hot path): allocates the shared buffers, spawns and
 * wires the actor threads, forwards their logs to pino and their journal lines to the journal,
 * merges their histograms, restarts a crashed feed without touching the others, serves the
 * monitor, prints the status line, and shuts everything down in order:
 * stop new entries → resolve open orders → stop threads → flush journal and histograms → report.
 */
import { resolveLiveExecutor } from './executor-placement.js';
import { Worker } from 'node:worker_threads';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AgentControl } from '../core/agent.js';
import { Doorbell } from '../core/doorbell.js';
import { POLICY_BLOCK, POLICY_DROP_OLDEST, createRing, ringStats } from '../core/ring.js';
import { QuoteBoard, createQuoteBoard, B_ASK_PX, B_BID_PX } from '../core/quote-board.js';
import {
  BOOK_REASON_DISCONNECTED, INTENT_WORDS, MARKET_LINEAR, MARKET_SPOT, QUOTE_WORDS, REPORT_WORDS, VENUE_BINANCE, VENUE_BYBIT,
  VENUE_COUNT, VENUE_NAMES,
} from '../core/records.js';
import { effectiveYieldUs } from '../execution/live/core-yield.js';
import { resolveWaitStrategy, type WaitStrategyConfig } from '../core/wait-strategy.js';
import { availableParallelism } from 'node:os';
import { HistogramCollector } from '../core/hist-collector.js';
import { HlogWriter } from '../report/hlog-writer.js';
import { HEADLINE_HOP, type HistogramSnapshot } from '../core/histogram.js';
import { Journal, type JournalWriteFailure } from '../report/journal.js';
import { RunStartLine } from '../report/run-start-line.js';
import { RingDropWatch } from './ring-drop-watch.js';
import { baseBalanceOf, type XarbConfig } from '../config/index.js';
import type { VenueBalances, VenueFilters } from '../strategy/config.js';
import type { WorkerMessage, SupervisorMessage } from './messages.js';
import { ledgerAccountsOf, liveStartupChecks } from './live-startup.js';
import { ledgerCounterValues } from '../execution/venue-ledger.js';
import { stopWriteCounter, writeLedgerAtCleanStop } from '../execution/ledger-at-stop.js';
import { assignBalances } from '../execution/start-balances.js';
import { markNotAdopted, writeLeftover } from '../execution/earlier-runs.js';
import type { ExecutorWorkerData, FeedWorkerData, StrategyWorkerData } from './wiring.js';
import { formatStatusLine } from './status-line.js';
import { startMonitor, type MonitorHandle } from '../monitor/server.js';
import { MonitorHub, type ControlAction, type ControlResult } from '../monitor/hub.js';
import { monoNs } from '../core/clock.js';
import { SessionRecorder } from '../data/session-recorder.js';
import { TRACE_FILE, TraceWriter, type RecordTraceMessage } from '../data/strategy-trace.js';
import type { RecordFramesMessage, RecordSnapshotMessage } from '../data/frame-batch.js';

export interface SupervisorOptions {
  config: XarbConfig;
  /** The venue simulator runs on this host (--venues sim): it needs a core too (wait strategy `auto`). */
  simOnHost?: boolean;
  runId: string;
  runDir: string;
  filters: VenueFilters;
  log: Logger;
  /** Stop by itself after this long (ms); 0 = run until a signal. */
  durationMs: number;
  /** Print the status line (stderr) every status_interval_ms. */
  statusLine: boolean;
  /** Executor seed (dry-run latency draws). */
  seed: number;
  /** `--record DIR`: write every frame and REST snapshot the feeds received to this store root. */
  recordDir?: string;
  /** `--resume`: continue an earlier run's journal with a run_resumed entry instead of run_start. */
  resumed?: { previous: 'ended' | 'crashed' };
  /** --mode live: the venues are a simulator this process just started (start-up reconciliation skips earlier runs). */
  freshVenues?: boolean;
}

interface Actor {
  name: string;
  kind: 'feed' | 'strategy' | 'executor';
  file: URL;
  data: FeedWorkerData | StrategyWorkerData | ExecutorWorkerData;
  control: AgentControl;
  worker: Worker | null;
  stats: Record<string, number> | undefined;
  closed: boolean;
  restarts: number;
  lastStatsMs: number;
  /** Runs inside another actor's thread (the live executor on the strategy's): never spawned. */
  hostedBy?: Actor['kind'];
}

export interface RunResult {
  reason: string;
  exitCode: number;
  strategy: Record<string, number> | undefined;
  actors: Record<string, Record<string, number> | undefined>;
  rings: Record<string, ReturnType<typeof ringStats>>;
}

const FEED_RESTART_MAX = 50;
const CLOSE_TIMEOUT_MS = 5000;
/** How long run_start may wait for the first equity entry (its start_equity). */
const START_LINE_WAIT_MS = 60_000;

export function toStrategyBalances(cfg: XarbConfig): VenueBalances {
  const out: VenueBalances = {};
  for (const v of VENUE_NAMES) {
    const b = cfg.execution.initial_balances[v as 'binance' | 'bybit'];
    out[v] = { quote: b.quote, base: Object.fromEntries(cfg.strategy.symbols.map((s) => [s, baseBalanceOf(b, s)])) };
  }
  return out;
}

/** --mode live: what the live executor needs from the venue files (keys are never logged). */
export function liveWiring(cfg: XarbConfig, filters: VenueFilters): NonNullable<ExecutorWorkerData['live']> {
  const venue = (v: 'binance' | 'bybit') => {
    const c = cfg.venues[v].connection;
    const a = cfg.venues[v].auth;
    return {
      restUrl: c.rest_api_url, apiKey: a.api_key, secretKey: a.secret_key, recvWindowMs: c.recv_window_ms, wsApiUrl: c.ws_api_url,
      orderEntry: c.order_entry, keyType: a.key_type, reconnectMinMs: c.reconnect_min_ms, reconnectMaxMs: c.reconnect_max_ms,
      privateKeyPem: a.key_type !== 'ed25519' ? '' : a.private_key !== '' ? a.private_key : readFileSync(a.private_key_path, 'utf8'),
    };
  };
  return {
    venues: { binance: venue('binance'), bybit: venue('bybit') }, filters,
    requestTimeoutMs: Math.min(10_000, Math.max(1000, cfg.execution.order_timeout_ms)),
    reconcileBudgetMs: cfg.execution.order_timeout_ms * 2,
    feeAssetPrices: { BNB: cfg.execution.bnb_price_quote ?? 0 },
    ...(cfg.execution.live !== undefined ? { rules: cfg.execution.live } : {}),
  };
}

export class Supervisor {
  private readonly cfg: XarbConfig;
  private readonly log: Logger;
  private readonly actors: Actor[] = [];
  private readonly board: QuoteBoard;
  private readonly boardSab: SharedArrayBuffer;
  private readonly collector = new HistogramCollector({ retainIntervals: false });
  /** latency.hlog is written as intervals close (about once a second), not held in memory. */
  private readonly hlogFile: string;
  private readonly hlog: HlogWriter;
  readonly journal: Journal;
  private readonly symbols: string[];
  private readonly rings: Record<string, SharedArrayBuffer> = {};
  private monitor: MonitorHandle | null = null;
  /** Dashboard, alerts, /status and /metrics (src/monitor/hub.ts); null when monitor.enabled = false. */
  private hub: MonitorHub | null = null;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  /** Symbols of crashed runs' exposure this run took over that the strategy has not been handed yet. */
  private readonly leftoversPending = new Set<string>();
  /** A live start that read the venues and proceeded: the venue ledger is written again at a clean stop. */
  private ledgerAtStop = false;
  private stopReason = '';
  private resolveDone: ((r: RunResult) => void) | null = null;
  private readonly startedMs = Date.now();
  private killSwitchOn = false;
  private startEquityWritten = false;
  /** monoNs when the strategy thread (after its warm-up) started reading quotes. */
  private strategyReadyNs: number | null = null;
  /** run_start, held back for its start_equity (src/report/run-start-line.ts). */
  private startLine: RunStartLine | null = null;
  private recorder: SessionRecorder | null = null;
  /** --record: what the strategy thread read, and when (data/strategy-trace.ts). */
  private trace: TraceWriter | null = null;
  /** The journal could not be written (ENOSPC, EIO, ...): entries halted, the run is stopping. */
  private journalFailure: JournalWriteFailure | null = null;
  private hlogFailed = false;
  /** Bytes of complete intervals in latency.hlog: a failed append is cut back to here. */
  private hlogBytes = 0;
  private readonly ringDrops = new RingDropWatch();

  constructor(private readonly opts: SupervisorOptions) {
    this.cfg = opts.config;
    this.log = opts.log;
    this.symbols = [...this.cfg.strategy.symbols];
    mkdirSync(opts.runDir, { recursive: true });
    this.journal = new Journal(path.join(opts.runDir, 'journal.jsonl'), { onWriteError: (f) => this.onJournalFailure(f) });
    this.hlogFile = path.join(opts.runDir, 'latency.hlog');
    this.hlog = new HlogWriter({ startTimeMs: Date.now(), valueUnit: 'ns', comments: [`xarb run ${opts.runId}`] });
    // A resumed run keeps the earlier segment's latency log beside the new one.
    if (opts.resumed !== undefined && existsSync(this.hlogFile)) renameSync(this.hlogFile, path.join(opts.runDir, `latency.before-${Date.now()}.hlog`));
    const header = this.hlog.header();
    writeFileSync(this.hlogFile, header);
    this.hlogBytes = Buffer.byteLength(header);
    this.boardSab = createQuoteBoard({ venues: VENUE_COUNT, symbols: this.symbols.length, levels: this.cfg.engine.depth_levels });
    this.board = new QuoteBoard(this.boardSab);
  }

  /** Starts every actor; resolves when the run has ended (signal, duration, or fatal error). */
  async run(): Promise<RunResult> {
    const cfg = this.cfg;
    const eng = cfg.engine;
    // Spinning threads: the strategy, and the executor when it has a thread of its own.
    const placement = cfg.mode === 'live' ? resolveLiveExecutor(eng.live_executor ?? 'auto') : null;
    if (placement !== null) this.log.info({ live_executor: placement.thread, configured: eng.live_executor ?? 'auto', why: placement.why }, 'live executor placement');
    const liveOnStrategy = placement?.thread === 'strategy-thread';
    const spinners = (cfg.mode === 'live' && !liveOnStrategy) || (cfg.mode !== 'live' && eng.dry_run_executor === 'own-thread') ? 2 : 1;
    const resolved = resolveWaitStrategy(eng.wait_strategy, spinners, availableParallelism(), this.opts.simOnHost === true ? 1 : 0);
    this.log.info({ wait_strategy: resolved.name, configured: eng.wait_strategy, cores: availableParallelism(), spinning_threads: spinners, why: resolved.why }, 'wait strategy');
    const wait: WaitStrategyConfig = { name: resolved.name, spinPolls: eng.spin_polls, parkTimeoutMs: eng.park_timeout_ms };
    const strategyBell = new Doorbell();
    const executorBell = new Doorbell();
    const intentRing = createRing(eng.order_ring_slots, INTENT_WORDS, POLICY_BLOCK);
    const reportRing = createRing(eng.order_ring_slots, REPORT_WORDS, POLICY_BLOCK);
    this.rings.intents = intentRing;
    this.rings.reports = reportRing;
    const balances = toStrategyBalances(cfg);
    // One monoNs <-> wall pair for the journal's run_start and the recording's headers, so
    // the journal's ns and the recorded t share a timeline (the backtest's --compare needs it).
    const anchor = { monoNs: monoNs(), wallMs: Date.now() };
    if (this.opts.recordDir !== undefined) {
      this.recorder = new SessionRecorder({
        dataDir: this.opts.recordDir, anchor, symbols: this.symbols, venues: [VENUE_BINANCE, VENUE_BYBIT], market: MARKET_SPOT,
        markets: { [VENUE_BINANCE]: this.venueMarket('binance'), [VENUE_BYBIT]: this.venueMarket('bybit') },
      });
      mkdirSync(this.opts.recordDir, { recursive: true });
      this.trace = new TraceWriter(path.join(this.opts.recordDir, TRACE_FILE), anchor.monoNs, anchor.wallMs);
    }

    const feedRings: SharedArrayBuffer[] = [];
    for (const venue of [VENUE_BINANCE, VENUE_BYBIT]) {
      const name = VENUE_NAMES[venue]!;
      const vc = cfg.venues[name as 'binance' | 'bybit'];
      const ring = createRing(eng.feed_ring_slots, QUOTE_WORDS, POLICY_DROP_OLDEST);
      this.rings[`feed:${name}`] = ring;
      feedRings.push(ring);
      const control = new AgentControl();
      const data: FeedWorkerData = {
        actor: `feed:${name}`, venue, market: this.venueMarket(name as 'binance' | 'bybit'), symbols: this.symbols,
        wsUrl: vc.connection.websocket_url, restUrl: vc.connection.rest_api_url,
        quoteRing: ring, board: this.boardSab, strategyBell: strategyBell.sab, control: control.sab,
        depthLevels: eng.depth_levels, staleFeedMs: eng.stale_feed_ms,
        reconnectMinMs: vc.connection.reconnect_min_ms, reconnectMaxMs: vc.connection.reconnect_max_ms,
        histogramIntervalMs: eng.histogram_interval_ms, depth: true, record: this.recorder !== null,
      };
      this.actors.push(this.actor(`feed:${name}`, 'feed', './feed.worker.js', data, control));
    }
    const sControl = new AgentControl();
    const sData: StrategyWorkerData = {
      actor: 'strategy', symbols: this.symbols, feedRings, reportRing, intentRing, bell: strategyBell.sab,
      executorBell: executorBell.sab, control: sControl.sab, wait,
      config: { strategy: cfg.strategy, risk: cfg.risk, execution: cfg.execution, fees: cfg.fees },
      filters: this.opts.filters, balances, histogramIntervalMs: eng.histogram_interval_ms,
      record: this.trace !== null,
    };
    const eControl = new AgentControl();
    const eData: ExecutorWorkerData = {
      actor: 'executor', symbols: this.symbols, intentRing, reportRing, board: this.boardSab, bell: executorBell.sab,
      strategyBell: strategyBell.sab, control: eControl.sab, wait, histogramIntervalMs: eng.histogram_interval_ms,
      takerFees: [cfg.fees.binance_taker_bps / 1e4, cfg.fees.bybit_taker_bps / 1e4], balances,
      latency: {
        entry: { model: cfg.execution.entry_latency_model, mean_ms: cfg.execution.entry_latency_mean_ms, std_ms: cfg.execution.entry_latency_std_ms },
        response: { model: cfg.execution.response_latency_model, mean_ms: cfg.execution.response_latency_mean_ms, std_ms: cfg.execution.response_latency_std_ms },
      },
      seed: this.opts.seed,
    };
    if (cfg.mode === 'live') {
      eData.live = { ...liveWiring(cfg, this.opts.filters), runDir: this.opts.runDir };
      eData.yieldAfterPairUs = effectiveYieldUs(eng.yield_after_pair_us, resolved.name);
      this.log.info({ yield_after_pair_us: eData.yieldAfterPairUs, configured: eng.yield_after_pair_us, wait_strategy: resolved.name }, 'core yield after a pair');
    }
    // Consumers first, so no record is published before its reader exists.
    if (cfg.mode !== 'live' && eng.dry_run_executor === 'strategy-thread') {
      // The strategy thread runs the dry-run executor too: its doorbell is the strategy's.
      sData.colocatedExecutor = { ...eData, actor: 'strategy', bell: strategyBell.sab };
    } else if (liveOnStrategy) {
      // The strategy thread runs the live executor: an intent is read in the duty cycle that
      // decided it (executor-placement.ts). The executor keeps its actor entry (stats, messages).
      sData.colocatedLiveExecutor = { ...eData, bell: strategyBell.sab };
      this.actors.unshift({ ...this.actor('executor', 'executor', './live-executor.worker.js', eData, eControl), hostedBy: 'strategy' });
    } else {
      this.actors.unshift(this.actor('executor', 'executor', cfg.mode === 'live' ? './live-executor.worker.js' : './executor.worker.js', eData, eControl));
    }
    this.actors.unshift(this.actor('strategy', 'strategy', './strategy.worker.js', sData, sControl));

    // Held back until the next line (the strategy's first equity entry gives start_equity).
    this.startLine = new RunStartLine(this.journal, this.opts.resumed !== undefined ? 'run_resumed' : 'run_start', {
      ...(this.opts.resumed !== undefined ? { previous: this.opts.resumed.previous } : {}),
      mode: cfg.mode, run_id: this.opts.runId, symbols: this.symbols, venues: [...VENUE_NAMES],
      balances, config: { strategy: cfg.strategy, risk: cfg.risk, execution: cfg.execution, fees: cfg.fees, engine: cfg.engine },
      seed: this.opts.seed, // the dry-run executor's latency draws (a replay of this session uses it)
      ...(this.opts.recordDir !== undefined ? { recording: this.opts.recordDir } : {}),
    }, anchor.monoNs, anchor.wallMs);

    // Live: the venues' word on the keys, the fees and what earlier runs left, before any thread.
    let takeOver: (() => void) | null = null;
    if (cfg.mode === 'live') {
      const st = await liveStartupChecks({ cfg, symbols: this.symbols, filters: this.opts.filters, runDir: this.opts.runDir, runId: this.opts.runId,
        log: this.log, freshVenues: this.opts.freshVenues === true, configuredBalances: toStrategyBalances(cfg),
        ...(this.opts.resumed !== undefined ? { resumed: this.opts.resumed } : {}) });
      // Live trades on the venues' balances (the workers' data and run_start hold this object).
      if (st.ok && st.balances !== null) assignBalances(balances, st.balances);
      if (st.ok && st.verdict !== null) {
        // A crashed run's exposure to adopt or flatten: the strategy thread takes it over.
        const flat = new Set(st.verdict.flatten.map((f) => f.symbol));
        const taken = [...st.verdict.adopt, ...st.verdict.exposure.filter((e) => flat.has(e.symbol))];
        sData.leftovers = taken.map((e) => ({ symbol: e.symbol, netQty: e.netQty, avgPx: e.avgPx, flatten: flat.has(e.symbol) }));
        // This run answers for the crashed runs' exposure from now on (earlier-runs.ts LEFTOVER_FILE).
        // Exposure closed by hand is recorded too: once this run ends, a later start (whose
        // look-back may no longer hold the closing trades) does not count it again. Written
        // only once the start is committed (below): a refused start answers for nothing.
        const answered = [...taken, ...st.verdict.closed];
        if (answered.length > 0) {
          takeOver = () => {
            writeLeftover(this.opts.runDir, answered, cfg.execution.live?.leftover_exposure ?? 'halt', st.walOrders);
            for (const e of taken) this.leftoversPending.add(e.symbol);
          };
        }
      }
      if (!st.ok) {
        const reason = `live start-up refused: ${st.reason}`;
        this.log.error({}, reason);
        this.journal.append('run_end', { reason, exit_code: 2 });
        this.journal.close();
        return { reason, exitCode: 2, strategy: undefined, actors: {}, rings: {} };
      }
    }
    // The monitor before any thread: a live bot whose control port is taken must not trade.
    if (cfg.monitor.enabled && !(await this.startMonitoring()) && cfg.mode === 'live') {
      const reason = 'monitor port unavailable (live mode needs its monitor; set monitor.enabled = false to run without)';
      this.journal.append('run_end', { reason, exit_code: 2 });
      this.journal.close();
      return { reason, exitCode: 2, strategy: undefined, actors: {}, rings: {} };
    }
    // The start is committed: no refusal after this point. The crashed runs' exposure is this run's now.
    takeOver?.();
    this.ledgerAtStop = cfg.mode === 'live' && this.opts.freshVenues !== true;
    const done = new Promise<RunResult>((resolve) => { this.resolveDone = resolve; });
    for (const a of this.actors) if (a.hostedBy === undefined) this.spawn(a);
    this.timers.push(setInterval(() => this.housekeeping(), 1000));
    if (this.opts.statusLine) {
      this.timers.push(setInterval(() => this.printStatus(), cfg.monitor.status_interval_ms));
    }
    if (this.opts.durationMs > 0) this.timers.push(setTimeout(() => void this.shutdown('duration elapsed'), this.opts.durationMs));
    return done;
  }

  /** Starts the hub and the monitor server; false (logged) when the port cannot be had. */
  private async startMonitoring(): Promise<boolean> {
    const cfg = this.cfg;
    const hub = new MonitorHub({
      cfg, runId: this.opts.runId, runDir: this.opts.runDir, symbols: this.symbols, board: this.board, log: this.log,
      journal: (type, fields) => this.journal.append(type, fields), control: (action, reason) => this.control(action, reason),
      startedMs: this.startedMs,
      source: {
        actors: () => this.actors.map((a) => ({ name: a.name, kind: a.kind, alive: this.alive(a), restarts: a.restarts, stats: a.stats })),
        rings: () => Object.fromEntries(Object.entries(this.rings).map(([k, v]) => [k, ringStats(v)])),
        latencyErrors: () => this.collector.countersByTag(),
        stopping: () => this.stopping,
        runsFolderErrors: ledgerCounterValues,
      },
    });
    try {
      this.monitor = await startMonitor({ host: cfg.monitor.host, port: cfg.monitor.port, token: cfg.monitor.token }, {
        metrics: () => hub.metrics(), status: () => hub.status(), rawStatus: () => this.statusObject(),
        hello: () => hub.hello(), subscribe: (fn) => hub.subscribe(fn), control: (action, reason) => hub.control(action, reason),
      });
    } catch (err) {
      const level = cfg.mode === 'live' ? 'error' : 'warn';
      this.log[level]({ err: (err as Error).message }, cfg.mode === 'live' ? 'monitor unavailable: refusing to trade' : 'monitor disabled');
      return false;
    }
    this.hub = hub;
    hub.start();
    this.log.info({ url: `${this.monitor.url}/`, metrics: `${this.monitor.url}/metrics`, auth: cfg.monitor.token !== '' }, 'monitor listening (dashboard, /metrics, /status)');
    return true;
  }

  /** Operator control from the monitor (POST /halt, /resume, /flatten; `xarb ctl`). */
  private control(action: ControlAction, reason: string): ControlResult {
    if (this.stopping) return { ok: false, status: 409, message: 'the bot is shutting down' };
    if (!this.actors.some((a) => a.kind === 'strategy' && a.worker !== null)) return { ok: false, status: 409, message: 'the strategy thread is not running' };
    if (action === 'resume' && this.killSwitchOn) {
      return { ok: false, status: 409, message: `the kill switch file ${this.cfg.risk.kill_switch_file} is present: remove it to resume` };
    }
    this.journal.append('risk', { rule: 'operator', action, detail: reason });
    if (action === 'halt') this.send('strategy', { type: 'halt', reason: `operator: ${reason}` });
    else if (action === 'resume') this.send('strategy', { type: 'resume', reason });
    else this.send('strategy', { type: 'flatten', reason });
    // Halt and flatten cancel every open order on both venues; a resume lifts the executor's drift halt.
    if (action === 'resume') this.send('executor', { type: 'resume', reason });
    else this.send('executor', { type: 'cancel-all', reason: `operator ${action}: ${reason}` });
    return { ok: true, status: 200, message: `${action} sent to the strategy (${reason})` };
  }

  /** records.ts market id of a venue's configured market. */
  private venueMarket(venue: 'binance' | 'bybit'): number {
    return this.cfg.venues[venue].connection.market === 'linear' ? MARKET_LINEAR : MARKET_SPOT;
  }

  private actor(name: string, kind: Actor['kind'], file: string, data: Actor['data'], control: AgentControl): Actor {
    return { name, kind, file: new URL(file, import.meta.url), data, control, worker: null, stats: undefined, closed: false, restarts: 0, lastStatsMs: 0 };
  }

  private spawn(a: Actor): void {
    const w = new Worker(a.file, { workerData: a.data, name: a.name });
    a.worker = w;
    a.closed = false;
    w.on('message', (m: WorkerMessage) => this.onMessage(a, m));
    w.on('error', (err) => {
      this.log.error({ actor: a.name, err: err.message, stack: err.stack }, 'actor crashed');
      this.journal.append('risk', { rule: 'actor_crash', action: a.kind === 'feed' ? 'restart' : 'halt', detail: `${a.name}: ${err.message}` });
    });
    w.on('exit', (code) => {
      a.worker = null;
      if (this.stopping) return;
      const restart = a.kind === 'feed' && a.restarts < FEED_RESTART_MAX;
      this.journal.append('risk', { rule: 'actor_exit', action: restart ? 'restart' : 'stop', detail: `${a.name} exited with code ${code}` });
      if (restart) {
        a.restarts++;
        const venue = (a.data as FeedWorkerData).venue;
        for (let s = 0; s < this.symbols.length; s++) this.board.setUsable(venue, s, false, BOOK_REASON_DISCONNECTED);
        this.log.warn({ actor: a.name, code, restarts: a.restarts }, 'feed worker exited; restarting it');
        setTimeout(() => { if (!this.stopping) this.spawn(a); }, Math.min(5000, 100 * 2 ** Math.min(a.restarts, 6)));
      } else {
        void this.shutdown(`${a.name} exited unexpectedly (code ${code})`, 1);
      }
    });
  }

  private onMessage(a: Actor, m: WorkerMessage): void {
    if (this.onRecordMessage(a, m as unknown as { type: string })) return;
    switch (m.type) {
      case 'log':
        this.log[m.level]({ ...m.fields }, m.msg);
        break;
      case 'journal':
        for (const e of m.entries) {
          const { type, t, ns, ...fields } = e as { type: string; t?: number; ns?: number };
          this.journal.append(type, fields, ns, t);
          this.hub?.onJournal(type, fields);
        }
        break;
      case 'stats': {
        // A hosted actor's stats come from its host's thread, under its own name.
        const target = m.actor !== a.name ? this.actors.find((x) => x.name === m.actor && x.hostedBy === a.kind) ?? a : a;
        target.stats = m.counters;
        target.lastStatsMs = Date.now();
        if (target.kind === 'strategy') this.onStrategyStats(m.counters);
        break;
      }
      case 'hist':
        this.collector.add(m.snapshot as HistogramSnapshot);
        break;
      case 'closed':
        a.stats = m.counters;
        a.closed = true;
        break;
      case 'ready':
        this.log.debug({ actor: a.name }, 'actor ready');
        // The first quote the strategy can read: journaled in run_end (a session replay starts there).
        if (a.kind === 'strategy' && this.strategyReadyNs === null) this.strategyReadyNs = m.ns ?? monoNs();
        break;
      case 'halt-entries':
        this.onExecutorHalt(m.rule, m.reason, m.active);
        break;
      case 'leftover-adopted':
        this.leftoversPending.delete(m.symbol);
        break;
    }
  }

  /** --record traffic from a feed worker; true when `m` was one. The batch buffer goes back for reuse. */
  private onRecordMessage(a: Actor, m: { type: string }): boolean {
    if (m.type === 'record-frames') {
      const r = m as RecordFramesMessage;
      this.recorder?.onFrames((a.data as FeedWorkerData).venue, r.buf, r.used);
      a.worker?.postMessage({ type: 'record-buffer', buf: r.buf }, [r.buf]);
      return true;
    }
    if (m.type === 'record-trace') {
      const r = m as RecordTraceMessage;
      this.trace?.write(r.buf, r.records);
      a.worker?.postMessage({ type: 'record-buffer', buf: r.buf }, [r.buf]);
      return true;
    }
    if (m.type === 'record-snapshot') {
      const r = m as RecordSnapshotMessage;
      this.recorder?.onSnapshot((a.data as FeedWorkerData).venue, r.symbol, r.t, r.text, r.url);
      return true;
    }
    return false;
  }

  private onStrategyStats(c: Record<string, number>): void {
    // The strategy worker journals the full `equity` and `spread` entries itself (the backtest's
    // writer, src/report/equity-entries.ts); this only notes when every book is priced.
    if (!this.startEquityWritten && c.equity !== undefined && this.allBooksPriced()) this.startEquityWritten = true;
  }

  private allBooksPriced(): boolean {
    const out = new Float64Array(this.board.entryWords);
    for (let v = 0; v < VENUE_COUNT; v++) {
      for (let s = 0; s < this.symbols.length; s++) {
        if (!this.board.read(v, s, out) || !(out[B_BID_PX]! > 0) || !(out[B_ASK_PX]! > 0)) return false;
      }
    }
    return true;
  }

  private send(kind: Actor['kind'], m: SupervisorMessage): void {
    for (const a of this.actors) {
      if (a.kind !== kind) continue;
      // A hosted actor's messages go to its host's thread, wrapped (both take 'resume').
      if (a.hostedBy !== undefined) this.send(a.hostedBy, { type: 'executor', m });
      else a.worker?.postMessage(m);
    }
  }

  /** A hosted actor lives while its host's thread does. */
  private alive(a: Actor): boolean {
    if (a.hostedBy === undefined) return a.worker !== null;
    return this.actors.some((h) => h.kind === a.hostedBy && h.hostedBy === undefined && h.worker !== null);
  }

  private housekeeping(): void {
    // Never priced within a minute: run_start goes to disk without start_equity.
    if (this.startLine?.isPending === true && Date.now() - this.startedMs > START_LINE_WAIT_MS) {
      this.startLine.release(`no equity entry within ${START_LINE_WAIT_MS / 1000} s of the start`);
    }
    // Kill switch file: present → halt new entries; removed → resume.
    const present = existsSync(this.cfg.risk.kill_switch_file);
    if (present !== this.killSwitchOn) {
      this.killSwitchOn = present;
      this.log.warn({ file: this.cfg.risk.kill_switch_file, present }, present ? 'kill switch file present: halting' : 'kill switch file removed: resuming');
      this.journal.append('risk', { rule: 'kill_switch', action: present ? 'halt' : 'resume', detail: this.cfg.risk.kill_switch_file });
      this.send('strategy', present ? { type: 'halt', reason: 'kill switch file' } : { type: 'resume' });
      if (present) this.send('executor', { type: 'cancel-all', reason: 'kill switch file' });
    }
    // Interval histograms for the .hlog.
    this.writeIntervals();
    this.checkRingDrops(Date.now());
    // A spinning actor that stops beating is stuck.
    const now = Date.now();
    for (const a of this.actors) {
      if (a.kind !== 'feed' && a.worker && a.lastStatsMs > 0 && now - a.lastStatsMs > 10_000) {
        this.log.error({ actor: a.name, silentMs: now - a.lastStatsMs }, 'actor stopped reporting');
      }
    }
  }

  /**
   * Terminates an actor's thread as a crash would (fault drills and tests): a feed is
   * restarted, anything else stops the run.
   */
  async terminateActor(name: string): Promise<boolean> {
    const a = this.actors.find((x) => x.name === name);
    if (!a?.worker) return false;
    await a.worker.terminate();
    return true;
  }

  private writeIntervals(): void {
    let text = '';
    const intervals = this.collector.flushInterval();
    this.hub?.onIntervals(intervals);
    for (const i of intervals) text += this.hlog.interval(i);
    if (text === '' || this.hlogFailed) return;
    try {
      appendFileSync(this.hlogFile, text);
      this.hlogBytes += Buffer.byteLength(text);
    } catch (err) {
      // The latency log is not money: stop writing it, say so once, keep trading. A part of
      // an interval that reached the file is cut off, so the log stays readable.
      this.hlogFailed = true;
      try { truncateSync(this.hlogFile, this.hlogBytes); } catch { /* the log ends torn; its reader says so */ }
      this.log.error({ file: this.hlogFile, code: (err as NodeJS.ErrnoException).code, err: (err as Error).message }, 'latency.hlog write failed; no more intervals are written');
    }
  }

  /**
   * Ring drops (a consumer fell behind a drop-oldest ring): logged at most once per window
   * per ring with the count since the last line, and journaled the same way. ALERT HOOK:
   * the alerts engine (issue 11 item 2) raises "ring drops" here.
   */
  private checkRingDrops(nowMs: number): void {
    for (const [name, sab] of Object.entries(this.rings)) {
      const d = this.ringDrops.observe(name, ringStats(sab).dropped, nowMs);
      if (d === null) continue;
      this.log.warn({ ring: name, dropped: d.delta, dropped_total: d.total, window_ms: d.windowMs }, 'ring dropped records: a consumer fell behind');
      this.journal.append('ring_drop', { ring: name, dropped: d.delta, dropped_total: d.total });
    }
  }

  /**
   * The journal could not be written (Journal.onWriteError; it keeps its last durable line
   * whole and writes nothing more). Without a journal nothing may trade: halt new entries,
   * then stop in order (unwind open exposure while the venues allow), exit 1.
   * ALERT HOOK: the alerts engine (issue 11 item 2) raises "disk error" here.
   */
  private onJournalFailure(f: JournalWriteFailure): void {
    if (this.journalFailure !== null) return;
    this.journalFailure = f;
    this.hub?.journalError(); // the `disk` alert (monitor/alert-rules.ts)
    this.log.error({ file: f.file, code: f.code, err: f.message, lines_written: f.linesWritten, entry: f.entryType },
      'journal write failed: halting new entries, unwinding open exposure and stopping (the journal keeps its last complete line)');
    this.send('strategy', { type: 'halt', reason: `journal write failed (${f.code})` });
    void this.shutdown(`journal write failed: ${f.code}`, 1);
  }

  /** SIGUSR2: the operator's kill switch: halt new entries for the rest of the run. */
  killSwitch(): void {
    this.log.warn('kill switch signal: halting new entries');
    this.journal.append('risk', { rule: 'kill_switch', action: 'halt', detail: 'signal' });
    this.send('strategy', { type: 'halt', reason: 'kill switch signal' });
    this.send('executor', { type: 'cancel-all', reason: 'kill switch signal' });
  }

  /**
   * The live executor halted new entries by itself (balance drift, unresolved orders) or lifted
   * that halt: journaled as a risk event; a balance drift also halts the strategy (the `halted`
   * alert carries its reason) until an operator resumes. The executor keeps refusing new pair
   * legs itself either way.
   */
  private onExecutorHalt(rule: string, reason: string, active: boolean): void {
    this.journal.append('risk', { rule, action: active ? 'halt' : 'resume', detail: reason });
    if (active && rule === 'balance_drift') this.send('strategy', { type: 'halt', kind: 'balance_drift', reason });
  }

  private tickToWire(): { p50: number; p99: number; count: number } | null {
    const h = this.collector.totalsByTag().get(HEADLINE_HOP);
    if (!h || h.totalCount === 0) return null;
    return { p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), count: h.totalCount };
  }

  private printStatus(): void {
    const feeds: Record<string, Record<string, number> | undefined> = {};
    for (const a of this.actors) if (a.kind === 'feed') feeds[a.name.replace('feed:', '')] = a.stats;
    const line = formatStatusLine({
      symbols: this.symbols, board: this.board, strategy: this.actors.find((a) => a.kind === 'strategy')?.stats,
      feeds, tickToWire: this.tickToWire(), uptimeMs: Date.now() - this.startedMs,
    });
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  }

  statusObject(): unknown {
    return {
      run_id: this.opts.runId, mode: this.cfg.mode, uptime_ms: Date.now() - this.startedMs, stopping: this.stopping,
      actors: Object.fromEntries(this.actors.map((a) => [a.name, { alive: this.alive(a), restarts: a.restarts, stats: a.stats }])),
      journal: { lines: this.journal.lines, write_errors: this.journal.writeErrors, dropped_lines: this.journal.droppedLines, failure: this.journalFailure?.code ?? null },
      rings: Object.fromEntries(Object.entries(this.rings).map(([k, v]) => [k, ringStats(v)])),
    };
  }

  /**
   * Orderly stop: no new entries and unwind open exposure, wait for open orders to resolve,
   * then stop the threads (strategy and executor last, so reports still flow), write the
   * histograms and close the journal. Idempotent.
   */
  async shutdown(reason: string, exitCode = 0): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopReason = reason;
    this.log.info({ reason }, 'shutting down: stopping new entries and resolving open orders');
    this.send('strategy', { type: 'flatten' });
    const strategy = this.actors.find((a) => a.kind === 'strategy')!;
    const settleMs = this.cfg.execution.order_timeout_ms * 2 + this.cfg.risk.hedge_timeout_ms + 2000;
    const deadline = Date.now() + settleMs;
    const asked = Date.now();
    // Stats arrive once a second; wait for one taken after the flatten request showing no open work.
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const s = strategy.stats;
      if (strategy.worker === null) break;
      if (strategy.lastStatsMs > asked + 50 && s && (s.open_rounds ?? 0) === 0 && (s.live_orders ?? 0) === 0) break;
    }
    const s = strategy.stats;
    // Exposure left open (a round, an unhedged residual, orders unresolved): the run_end says so,
    // and the next start counts this run's orders like a crashed run's (earlier-runs.ts
    // journalEnded): a clean stop answers only for what it closed.
    const leftOpen = s !== undefined && s !== null && ((s.open_rounds ?? 0) > 0 || (s.live_orders ?? 0) > 0);
    if (leftOpen) {
      this.log.error({ open_rounds: s.open_rounds, live_orders: s.live_orders }, 'open orders or exposure left at shutdown');
      this.journal.append('risk', { rule: 'shutdown', action: 'left_open', detail: `open_rounds=${s.open_rounds} live_orders=${s.live_orders}` });
    }
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Feeds first (no new quotes), then strategy, then executor.
    for (const kind of ['feed', 'strategy', 'executor'] as const) {
      const group = this.actors.filter((a) => a.kind === kind);
      for (const a of group) {
        a.control.requestStop();
        a.worker?.postMessage({ type: 'stop' } satisfies SupervisorMessage);
      }
      const until = Date.now() + CLOSE_TIMEOUT_MS;
      while (group.some((a) => a.worker !== null && !a.closed) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const a of group) {
        if (a.worker && !a.closed) this.log.warn({ actor: a.name }, 'actor did not close in time; terminating');
        await a.worker?.terminate();
        a.worker = null;
      }
    }
    this.trace?.close();
    if (this.recorder !== null) {
      await this.recorder.close();
      this.log.info({ dir: this.opts.recordDir, ...this.recorder.counters }, 'recording closed');
    }
    this.writeIntervals();
    // Leftovers never handed to the strategy (stopped before both books were usable): this run
    // did not answer for them, so its clean stop must not settle them (earlier-runs.ts).
    let endLine = true;
    if (this.leftoversPending.size > 0) {
      const symbols = [...this.leftoversPending];
      try {
        markNotAdopted(this.opts.runDir, symbols);
        this.log.warn({ symbols }, 'leftover exposure never handed over before the stop: left to the next start');
      } catch (err) {
        // Without the record the clean stop would settle them: end as a crash reads (no
        // run_end), so the next start counts this run's and the crashed runs' orders together.
        endLine = false;
        exitCode = Math.max(1, exitCode);
        this.log.error({ symbols, err: (err as Error).message }, 'could not record the leftovers never handed over: no run_end, the next start counts them');
      }
    }
    // A journal that failed during the run fails the run, whatever stopped it.
    if (this.journalFailure !== null) exitCode = Math.max(1, exitCode);
    if (endLine) {
      this.journal.append('run_end', { reason, end_equity: strategy.stats?.equity, exit_code: exitCode, ...(leftOpen ? { exposure_left_open: true } : {}),
        ...(this.strategyReadyNs !== null ? { strategy_ready_ns: this.strategyReadyNs } : {}) });
    }
    // The venue ledger pruned of what this run answered for (ledger-at-stop.ts), after its run_end.
    if (endLine && this.ledgerAtStop) {
      try {
        if (writeLedgerAtCleanStop(path.dirname(this.opts.runDir), ledgerAccountsOf(this.cfg), Date.now(), undefined, this.opts.runId)) this.log.info({}, 'venue ledger written at the clean stop');
      } catch (err) {
        // The next start prunes it as well; only a folder deleted before then would show it.
        this.log.error({ err: (err as Error).message, counter: stopWriteCounter(err) }, 'venue ledger not written at the clean stop: the next start prunes it (do not delete this run\'s folder before then)');
      }
    }
    await this.hub?.stop();
    try {
      this.journal.close();
    } catch (err) {
      exitCode = Math.max(1, exitCode);
      this.log.error({ err: (err as Error).message }, 'journal close (fsync) failed');
    }
    this.monitor?.stop();
    const result: RunResult = {
      reason, exitCode, strategy: strategy.stats,
      actors: Object.fromEntries(this.actors.map((a) => [a.name, a.stats])),
      rings: Object.fromEntries(Object.entries(this.rings).map(([k, v]) => [k, ringStats(v)])),
    };
    this.resolveDone?.(result);
  }

  get reason(): string {
    return this.stopReason;
  }
}
