/**
 * The backtest engine: one thread, one simulated clock (HFTBacktest's event-driven model, with
 * its two books per venue). It drives the very ArbitrageStrategy the strategy worker runs and
 * the very DryRunExecutor the paper executor runs.
 *
 * Two times per market update (docs/backtest.md, "Two books"):
 *   venue time V  the exchange's own time (the frame's E/ts), when the update happens at the
 *                 venue: the venue-side book (BacktestBooks) changes at V, and orders that
 *                 arrive at the venue meet that book. Data without exchange times falls back
 *                 to the recorded receive time (counted, and warned about in the journal).
 *   local time L  the recorded receive time + the configured extra feed latency of the venue:
 *                 the strategy sees the update at L (strategy.onQuote(..., nowNs = L)).
 *
 *   The caller feeds market events in recorded-receive-time order; each waits in its venue's
 *   inbox (VenueInbox) until no later receipt can have an earlier venue time (the look-ahead),
 *   then they are applied in venue-time order. For each:
 *     1. everything scheduled before V happens first, in time order: the executor's order
 *        arrivals (filled against the venue-side book as it stands), its reports, strategy
 *        timer ticks and local deliveries of earlier updates; what is due at V itself comes
 *        right after the book change (an order arriving at V meets the update)
 *     2. the event is parsed by the venue's own frame parser and applied to the venue-side book
 *        (depth through the venue's own book sync); the liquidity memory checks it
 *     3. a change of the touch is queued for the strategy at L (delivered at once when L = V),
 *        with the feed's usable flag (touch priced, not crossed, depth book synced: depthGate);
 *        a change of usability from a depth update is queued as a book-state event, as the
 *        paper feed publishes one
 *     4. orders the strategy sends go to the executor at L (entry latency, then the fill)
 *
 * Nothing here reads a clock or draws an unseeded random number, so the same events and
 * options give the same journal bit for bit. Times are ns since `wallStartMs` (the start
 * date's 00:00 UTC); the journal's `t` is the matching simulated wall time.
 */
import {
  D_LEVEL_WORDS, D_LEVELS, FLAG_USABLE, H_EXCH_MS, H_RECV_NS, H_FLAGS, H_SYMBOL, H_VENUE, Q_ASK_PX, Q_ASK_SZ, Q_BID_PX, Q_BID_SZ, QUOTE_WORDS,
  SIDE_BUY, ST_ACKED, VENUE_BINANCE, VENUE_BYBIT, VENUE_COUNT, VENUE_NAMES,
} from '../core/records.js';
import { SymbolTable } from '../core/symbols.js';
import { DryRunExecutor } from '../execution/dry-run-executor.js';
import type { LatencyModel } from '../execution/latency-model.js';
import type { StartingBalance } from '../execution/dry-run-balances.js';
import type { ReportSink } from '../execution/report-sink.js';
import type { VerdictSink } from '../execution/verdict-sink.js';
import { equityEntry, spreadEntries } from '../report/equity-entries.js';
import { intentEntry, reportEntry, strategyEventEntry, verdictEntry } from '../report/journal-entries.js';
import { ArbitrageStrategy } from '../strategy/arbitrage.js';
import type { ArbitrageConfig, VenueBalances, VenueFilters } from '../strategy/config.js';
import type { OrderSink, StrategyEvent, StrategyEvents } from '../strategy/events.js';
import { BinanceFrameParser } from '../venues/binance/frame-parser.js';
import { BINANCE_SPOT, BinanceBookSync } from '../venues/binance/book-sync.js';
import { parseBinanceDepthSnapshot } from '../venues/binance/rest.js';
import { BybitFrameParser } from '../venues/bybit/frame-parser.js';
import { BybitBookSync } from '../venues/bybit/book-sync.js';
import { MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_QUOTE, ParsedFrame } from '../venues/parsed-frame.js';
import { BacktestBooks } from './book-view.js';
import type { JournalLineSink } from './journal-writer.js';
import { isDepthFrame } from './frame-kind.js';
import { LF_STATE, LF_USABLE, LocalFeedQueue } from './local-feed.js';
import { IN_FRAME, IN_QUOTE, VenueInbox } from './venue-inbox.js';

/**
 * Words of BacktestEngine.upd, the update being applied: a QUOTE record (core/records.ts) whose
 * spare words 13 and 14 hold its receive and venue times, so toLocal hands it to the strategy
 * as it is (no copy of its prices into another record).
 */
const U_T = 13;
const U_V = 14;
const U_EXCH_MS = H_EXCH_MS;
const U_BID_PX = Q_BID_PX;
const U_BID_SZ = Q_BID_SZ;
const U_ASK_PX = Q_ASK_PX;
const U_ASK_SZ = Q_ASK_SZ;
const U_WORDS = QUOTE_WORDS;

/**
 * a[i] becomes the largest double below it (-Infinity for a[i] <= 0): the limit that runs what is
 * due strictly before a venue time. In place, not as a double in and out: a double passed to or
 * returned from a function V8 keeps out of line is boxed in a fresh HeapNumber.
 */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
function justBefore(a: Float64Array, i: number): void {
  const x = a[i]!;
  if (!(x > 0)) {
    a[i] = -Infinity;
    return;
  }
  if (x === Infinity) {
    a[i] = Number.MAX_VALUE;
    return;
  }
  F64[0] = x;
  // a positive double's bits, one less (little-endian words: low first)
  if (U32[0] === 0) {
    U32[0] = 0xffffffff;
    U32[1]--;
  } else U32[0]--;
  a[i] = F64[0]!;
}

/** Words of BacktestEngine.lim: the limits runDue and drain run to (set by their callers). */
const LIM_DUE = 0;
const LIM_DRAIN = 1;

export type BookMode = 'top' | 'depth';

export interface EngineOptions {
  config: ArbitrageConfig;
  filters: VenueFilters;
  /** Starting balances as the strategy takes them (per venue: quote, base per symbol). */
  balances: VenueBalances;
  entryLatency: LatencyModel;
  responseLatency: LatencyModel;
  journal: JournalLineSink;
  /** Simulated ns 0 is this wall-clock ms (00:00 UTC of the start date). */
  wallStartMs: number;
  /** 'top': fills against the top of book only; 'depth': also the venues' depth books. Default depth. */
  book?: BookMode;
  /** Depth levels the fill simulator may walk. Default 20. */
  depthLevels?: number;
  /** strategy.onTimer cadence, simulated ns. Default 10 ms. */
  timerStepNs?: number;
  /** Cadence of equity and spread journal entries, simulated ns. Default 60 s. */
  equityEveryNs?: number;
  /** Fraction of displayed size available to us, (0, 1]. Default 1. */
  fillRatio?: number;
  /** Observed latencies (for latency.hlog): called with (tag, ns). */
  onLatency?: (tag: number, ns: number) => void;
  /**
   * Extra feed latency per venue (VENUE_* index), ns, added to the recorded receive time to
   * give the local time the strategy sees an update at. Default 0.
   */
  feedLatencyNs?: readonly number[];
  /** Consumed liquidity is forgotten this long after the last take, ns. Default 1 s. */
  liquidityDecayNs?: number;
  /** Market impact fraction of the fill simulator, [0, 1]. Default 0 (off). */
  marketImpact?: number;
  /**
   * Which clock the venue-side book (the one orders meet) moves on:
   *   'exchange'  the update's exchange time (the two-book model; default)
   *   'receive'   its recorded receive time: the book the paper bot's dry-run executor fills
   *               against (the feed's quote board), for replaying a recorded paper session
   *               (docs/backtest.md, "Paper/backtest agreement")
   */
  venueClock?: 'exchange' | 'receive';
  /**
   * When a book counts as usable for the strategy (the feed's FLAG_USABLE: touch priced and not
   * crossed, and the depth book synced):
   *   'seen'    the depth book must be synced once depth data for it has appeared (default:
   *             data without depth trades on the touch alone)
   *   'always'  the depth book must be synced, as in a paper or live feed (session replay)
   */
  depthGate?: 'seen' | 'always';
  /**
   * The strategy reads nothing before this simulated ns (a replayed session's strategy thread
   * started after its warm-up): updates received earlier wait, in order, and reach it then
   * with their own receive times; its timer starts then too. Default 0.
   */
  strategyStartNs?: number;
  /**
   * Slots of each venue's feed ring (the paper feed's drop-oldest ring, [engine]
   * feed_ring_slots): while the strategy has not started, only the newest this many updates
   * wait (the rest are dropped, counted in ringDropped). Default unbounded.
   */
  feedRingSlots?: number;
  /**
   * The liquidity memory looks at every venue-side update of a remembered book (default true).
   * false: only at the next fill, as the paper dry-run executor (it sees the quote board only
   * when an order arrives) — for replaying a paper session.
   */
  memoryObservesUpdates?: boolean;
  /**
   * A recorded session's strategy trace (session-trace-replay.ts): each update reaches the
   * strategy when the session's strategy read it (never if it did not), and orders are timed
   * as the session's were. Default none.
   */
  sessionReads?: SessionReadClock | null;
  /**
   * How long after its exchange time an update may still be received, ns (the look-ahead): the
   * engine holds received events this long before applying them at their exchange time, so an
   * order arriving at T meets every update of its venue with exchange time <= T, even one
   * received after events of the other venue that come later at the venues. An update received
   * later than this after its exchange time is applied late (counted, warned). Default 5 s with
   * the exchange clock, 0 with the receive clock (venue time = receive time: nothing to wait for).
   */
  lookaheadNs?: number;
  /** The executor's arrival hook (DryRunExecutor.onArrive): a session replay compares the book each order met. */
  onArrive?: (orderId: number, nowNs: number, bookRecvNs: number) => void;
}

/** When the session's strategy read an update, and the hook that times its orders (session-trace-replay.ts). */
export interface SessionReadClock {
  /** Simulated ns the session read the update of `venue` received at `recvNs` (state: a book-state record); NaN: never. */
  readNs(venue: number, state: boolean, recvNs: number): number;
  /** An order decided at `decisionNs` is about to be submitted (its latency draws follow). */
  onSubmit(orderId: number, decisionNs: number, venue: number, side: number): void;
  /**
   * When the strategy reads a report due at `ackNs` (the session's read of that report of that
   * order, never earlier); the report's fill is compared with the session's.
   */
  reportNs(orderId: number, status: number, lastPx: number, lastQty: number, ackNs: number): number;
  /** The session's next strategy timer after `ns` (simulated ns); NaN past its last (the replay's own grid then). */
  timerAfter(ns: number): number;
}

/** Tags passed to onLatency. */
export const LAT_SENT_TO_ACK = 0;

export class EngineError extends Error {
  override readonly name = 'EngineError';
}

export class BacktestEngine implements OrderSink, StrategyEvents, ReportSink, VerdictSink {
  readonly strategy: ArbitrageStrategy;
  readonly executor: DryRunExecutor;
  readonly books: BacktestBooks;
  readonly symbols: SymbolTable;
  /** Simulated now, ns. */
  nowNs = 0;
  events = 0;
  quotes = 0;
  frameErrors = 0;
  resyncs = 0;
  /** Rounds opened (round_opened events), for progress lines. */
  roundsOpened = 0;
  /** Per venue: market events seen, and those without an exchange time (venue side at receive time). */
  readonly venueEvents: Float64Array;
  readonly noExchTime: Float64Array;
  /**
   * Per venue: updates received more than the look-ahead after their exchange time, which the
   * clock had already passed by more than 1 ms (applied late, at the clock).
   */
  readonly lateVenueEvents: Float64Array;
  /**
   * Per venue: updates whose exchange time is more than 1 ms before an earlier-received update of
   * the same venue (its own data out of exchange-time order; an update without exchange time
   * counts at its receipt): applied in the venue's order, right after that one.
   */
  readonly backwardsVenueEvents: Float64Array;
  /** Per venue: the largest (receive time − exchange time) seen, ns. */
  readonly maxFeedLagNs: Float64Array;
  /** Ticker updates with bid >= ask, dropped as the feed drops them (never a quote). */
  crossedQuotes = 0;
  /** Updates dropped from a full feed ring before the strategy started (feedRingSlots). */
  ringDropped = 0;
  /** Session replay with a trace: updates the session's strategy never read (not delivered). */
  unreadUpdates = 0;

  private readonly nSym: number;
  private journal: JournalLineSink;
  // Number fields written or read per event start as a number (here, not only in the
  // constructor): declared bare, an ES2022 class field is first defined as undefined, V8 then
  // keeps it as a tagged field, and every store of a time that is no small integer allocates
  // a HeapNumber behind a write barrier (nextTimerNs on every tick).
  private readonly wallStartMs: number = NaN;
  private readonly timerStepNs: number = NaN;
  private readonly equityEveryNs: number = NaN;
  private nextTimerNs = NaN;
  private nextEquityNs = NaN;
  private readonly depthMode: boolean;
  private readonly binParser: BinanceFrameParser;
  private readonly bybParser: BybitFrameParser;
  private readonly binFrame: ParsedFrame;
  private readonly bybFrame: ParsedFrame;
  private readonly binSync: BinanceBookSync[];
  private readonly bybSync: BybitBookSync[];
  private readonly onLatency: ((tag: number, ns: number) => void) | null;
  private readonly feedNs: Float64Array;
  private readonly local: LocalFeedQueue[];
  private readonly memScratch: Float64Array;
  /**
   * A QUOTE record (core/records.ts layout) the strategy reads a queued quote from when it
   * reaches it (deliver; onQuoteRecord): onQuote's eight doubles as arguments would each be
   * boxed in a fresh HeapNumber whenever V8 does not inline it into the engine's event path.
   * Not upd: a delivery can happen while an update waits in upd (enterVenueTime runs what is due first).
   */
  private readonly quoteRec = new Float64Array(QUOTE_WORDS);
  /**
   * The market update being applied (U_* words): its receive and venue times and its top of book,
   * in a QUOTE record's layout. The event path (applyHead, quote, toLocal) reads them from here
   * rather than as arguments, for the same reason as quoteRec: doubles passed to a function V8
   * does not inline are boxed; and an update seen at once goes to the strategy in this record.
   */
  private readonly upd = new Float64Array(U_WORDS);
  /**
   * The time runDue runs everything due up to (LIM_DUE) and the venue time drain applies queued
   * events up to (LIM_DRAIN): written here by their callers rather than passed, for the same reason.
   */
  private readonly lim = new Float64Array(2);
  private readonly receiveClock: boolean;
  private readonly depthAlways: boolean;
  /** Per (venue, symbol): depth data seen; usability last sent towards the strategy (1/0). */
  private readonly depthSeen: Uint8Array;
  private readonly usableSent: Uint8Array;
  private readonly startNs: number = NaN;
  private readonly ringSlots: number = NaN;
  private readonly observeUpdates: boolean;
  private readonly reads: SessionReadClock | null;
  /** Received events not yet applied at the venue side, per venue, and the look-ahead. */
  private readonly inbox: VenueInbox[];
  private readonly lookaheadNs: number = NaN;
  /** Per venue: the head event's venue time (NaN: not prepared yet), its parse result, the largest venue time so far. */
  private readonly headV: Float64Array;
  private readonly headMsg: Int32Array;
  private readonly maxVenueV: Float64Array;
  /** Receive order of pushed events (ties of venue time between venues go to the one received first). */
  private pushSeq = 0;
  /**
   * Parsers for frames as they are received with top-of-book fills: a top of book is queued as its
   * numbers (parsed once, no bytes kept). Anything else, and with depth fills every frame, waits as
   * bytes and is parsed when it becomes its venue's head, by binParser/bybParser, whose frames
   * hold it until it is applied.
   */
  private readonly binRecvFrame = new ParsedFrame();
  private readonly bybRecvFrame = new ParsedFrame();
  private readonly binRecvParser: BinanceFrameParser;
  private readonly bybRecvParser: BybitFrameParser;

  constructor(o: EngineOptions) {
    const symbols = o.config.strategy.symbols.map((s) => s.toUpperCase());
    this.symbols = new SymbolTable(symbols);
    this.nSym = symbols.length;
    this.journal = o.journal;
    this.wallStartMs = o.wallStartMs;
    this.timerStepNs = o.timerStepNs ?? 10_000_000;
    this.equityEveryNs = o.equityEveryNs ?? 60_000_000_000;
    this.nextTimerNs = this.timerStepNs;
    this.nextEquityNs = this.equityEveryNs;
    this.depthMode = (o.book ?? 'depth') === 'depth';
    this.onLatency = o.onLatency ?? null;
    this.receiveClock = o.venueClock === 'receive';
    this.depthAlways = o.depthGate === 'always';
    this.depthSeen = new Uint8Array(VENUE_COUNT * symbols.length);
    this.usableSent = new Uint8Array(VENUE_COUNT * symbols.length);
    this.startNs = o.strategyStartNs ?? 0;
    this.ringSlots = o.feedRingSlots ?? Infinity;
    this.observeUpdates = o.memoryObservesUpdates ?? true;
    this.reads = o.sessionReads ?? null;
    this.lookaheadNs = o.lookaheadNs ?? (this.receiveClock ? 0 : 5e9);
    if (!(this.lookaheadNs >= 0)) throw new EngineError(`look-ahead must be >= 0 ns, got ${this.lookaheadNs}`);
    this.inbox = [new VenueInbox(), new VenueInbox()];
    this.headV = new Float64Array(VENUE_COUNT).fill(NaN);
    this.headMsg = new Int32Array(VENUE_COUNT);
    this.maxVenueV = new Float64Array(VENUE_COUNT).fill(-Infinity);
    if (this.reads !== null) {
      const first = this.reads.timerAfter(-Infinity);
      if (first === first) this.nextTimerNs = first;
    }
    this.strategy = new ArbitrageStrategy(o.config, o.filters, o.balances, this, this, { simulateTransfers: true });
    // Simulated ns 0 is wallStartMs: the feed-lag gate (max_feed_lag_ms) compares a replayed
    // book's exchange time with the replay's local time, as live compares it with the wall clock.
    this.strategy.setWallClockOffset(o.wallStartMs);
    const levels = o.depthLevels ?? 20;
    this.books = new BacktestBooks(VENUE_COUNT, this.nSym, levels);
    const c = this.strategy.config;
    const start: StartingBalance[] = [];
    for (let v = 0; v < VENUE_COUNT; v++) {
      const b = o.balances[VENUE_NAMES[v]!]!;
      // DryRunBalances keeps one starting base for all symbols; the strategy's per-symbol
      // balances stay authoritative for the journal and the equity.
      const base0 = b.base[symbols[0]!] ?? 0;
      start.push({ quote: b.quote, base: base0 });
    }
    this.executor = new DryRunExecutor({
      venues: VENUE_COUNT, symbols: this.nSym, depthLevels: levels, entryLatency: o.entryLatency,
      responseLatency: o.responseLatency, takerFeeRate: Array.from(c.takerFee), fillRatio: o.fillRatio ?? 1, balances: start,
    });
    // Reconciliation verdicts come back here (the same path as paper and live: strategy → request → executor → verdict).
    this.executor.verdictSink = this;
    for (let v = 0; v < VENUE_COUNT; v++) {
      for (let s = 0; s < this.nSym; s++) {
        const i = v * this.nSym + s;
        this.executor.balances.base[i] = this.strategy.positions.base(v, s);
      }
    }
    this.binFrame = new ParsedFrame();
    this.bybFrame = new ParsedFrame();
    this.binParser = new BinanceFrameParser(this.symbols, 0, this.binFrame);
    this.bybParser = new BybitFrameParser(this.symbols, 0, this.bybFrame);
    this.binRecvParser = new BinanceFrameParser(this.symbols, 0, this.binRecvFrame);
    this.bybRecvParser = new BybitFrameParser(this.symbols, 0, this.bybRecvFrame);
    this.binSync = [];
    this.bybSync = [];
    this.venueEvents = new Float64Array(VENUE_COUNT);
    this.noExchTime = new Float64Array(VENUE_COUNT);
    this.lateVenueEvents = new Float64Array(VENUE_COUNT);
    this.backwardsVenueEvents = new Float64Array(VENUE_COUNT);
    this.maxFeedLagNs = new Float64Array(VENUE_COUNT);
    this.feedNs = new Float64Array(VENUE_COUNT);
    this.local = [];
    for (let v = 0; v < VENUE_COUNT; v++) {
      const f = o.feedLatencyNs?.[v] ?? 0;
      if (!(f >= 0) || !Number.isFinite(f)) throw new EngineError(`feed latency of ${VENUE_NAMES[v]} must be a finite number >= 0 ns, got ${f}`);
      this.feedNs[v] = f;
      const q = new LocalFeedQueue();
      q.notBeforeNs = this.startNs;
      this.local.push(q);
    }
    if (o.onArrive !== undefined) this.executor.onArrive = o.onArrive;
    this.executor.fills.decayNs = o.liquidityDecayNs ?? this.executor.fills.decayNs;
    this.executor.fills.impact = o.marketImpact ?? 0;
    this.memScratch = new Float64Array(D_LEVELS + D_LEVEL_WORDS * (levels + 1));
    for (let s = 0; s < this.nSym; s++) {
      const bs = new BinanceBookSync(BINANCE_SPOT, { bookCapacity: 1024 });
      const ys = new BybitBookSync({ bookCapacity: 1024 });
      this.binSync.push(bs);
      this.bybSync.push(ys);
      if (this.depthMode) {
        this.books.depth[VENUE_BINANCE * this.nSym + s] = bs.book;
        this.books.depth[VENUE_BYBIT * this.nSym + s] = ys.book;
      }
    }
  }

  /** Simulated wall ms of a simulated ns. */
  wallOf(ns: number): number {
    return this.wallStartMs + Math.floor(ns / 1e6);
  }

  /**
   * The journal's first line. Written once the starting balances can be valued (every held
   * symbol priced, i.e. after the first quotes), so it carries `start_equity`; stamped at the
   * run's start (ns 0) all the same. Anything journaled before that writes it first, with
   * start_equity as valued then (null if it cannot be).
   */
  start(runId: string, configForJournal: Record<string, unknown>, balances: VenueBalances, extra: Record<string, unknown> = {}): void {
    this.pendingStart = {
      mode: 'backtest', run_id: runId, symbols: this.symbols.names, venues: [...VENUE_NAMES], balances,
      config: configForJournal, ...extra,
    };
    const inner = this.journal;
    this.journal = {
      append: (type, fields, ns, t) => {
        // nothing has filled before the first entry (an intent comes before its fills): the
        // starting balances at the current marks
        if (this.pendingStart !== null) this.flushStart(this.strategy.equity());
        inner.append(type, fields, ns, t);
      },
    };
    this.innerJournal = inner;
  }

  private pendingStart: Record<string, unknown> | null = null;
  private innerJournal: JournalLineSink | null = null;

  private flushStart(equity: number): void {
    const f = this.pendingStart!;
    this.pendingStart = null;
    this.innerJournal!.append('run_start', { ...f, start_equity: Number.isNaN(equity) ? null : equity }, 0, this.wallStartMs);
    this.journal = this.innerJournal!;
  }

  // ---- the clock ------------------------------------------------------------------------

  /**
   * Runs everything scheduled up to and including `t`, in time order, then sets now = t. At
   * equal times: executor events, then local deliveries, then the timer.
   */
  advanceTo(t: number): void {
    this.lim[LIM_DUE] = t;
    this.runDue();
  }

  /** advanceTo(lim[LIM_DUE]). */
  private runDue(): void {
    const t = this.lim[LIM_DUE]!;
    const ex = this.executor;
    const q0 = this.local[0]!;
    const q1 = this.local[1]!;
    for (;;) {
      const due = ex.nextDueNs();
      const timer = this.nextTimerNs;
      const l0 = q0.headNs();
      const l1 = q1.headNs();
      const loc = l0 <= l1 ? l0 : l1;
      const rep = this.heldHeadNs; // reports a replayed session's strategy read later (Infinity: none)
      if (due <= timer && due <= loc && due <= rep) {
        if (due > t) break;
        this.nowNs = due;
        ex.poll(due, this.books, this);
      } else if (rep <= loc && rep <= timer) {
        if (rep > t) break;
        this.releaseReport();
      } else if (loc <= timer) {
        if (loc > t) break;
        this.deliver(l0 <= l1 ? 0 : 1);
      } else {
        if (timer > t) break;
        this.tick();
      }
    }
    if (t > this.nowNs) this.nowNs = t;
  }

  /** The head update of a venue's local FIFO reaches the strategy at its headNs (its local receive time, or the strategy's start). */
  private deliver(venue: number): void {
    const q = this.local[venue]!;
    const at = q.headNs();
    this.nowNs = at;
    const l = q.peek(0);
    const s = q.peek(1);
    const flags = q.peek(7);
    const recv = q.peek(8);
    this.strategyInputs++;
    if ((flags & LF_STATE) !== 0) {
      q.pop();
      this.strategy.onBookState(venue, s, (flags & LF_USABLE) !== 0, 0, at);
      return;
    }
    const r = this.quoteRec;
    r[H_EXCH_MS] = q.peek(2);
    r[Q_BID_PX] = q.peek(3);
    r[Q_BID_SZ] = q.peek(4);
    r[Q_ASK_PX] = q.peek(5);
    r[Q_ASK_SZ] = q.peek(6);
    r[H_RECV_NS] = recv < l ? recv : l;
    r[H_FLAGS] = (flags & LF_USABLE) !== 0 ? FLAG_USABLE : 0;
    q.pop();
    this.toStrategy(r, venue, s, at);
  }

  /** Updates on their way to the strategy (local FIFOs). */
  get inFlightQuotes(): number {
    return this.local[0]!.length + this.local[1]!.length;
  }

  /**
   * Venue time of an update received at `t` with exchange time `exchMs` (0 = none): the exchange
   * time on the sim clock, never after the receipt; the receive time when there is none.
   */
  private venueTime(venue: number, t: number, exchMs: number): number {
    this.venueEvents[venue]++;
    if (this.receiveClock) return t;
    if (!(exchMs > 0)) {
      this.noExchTime[venue]++;
      return t;
    }
    const v = (exchMs - this.wallStartMs) * 1e6;
    if (v >= t) return t;
    const lag = t - v;
    if (lag > this.maxFeedLagNs[venue]!) this.maxFeedLagNs[venue] = lag;
    return v;
  }

  /**
   * Moves the clock to venue time v for an update about to change the venue-side book:
   * everything due strictly before v happens first; what is due at v itself (an order arriving at
   * exactly v) waits until the update is applied (ties go to the update: with whole-ms exchange
   * times they are systematic, and an order must not meet liquidity pulled at its own ms). The
   * clock never goes back: an earlier v is applied now (counted unless its venue's own data went
   * backwards, counted in backwardsVenueEvents).
   */
  private enterVenueTime(venue: number, v: number): void {
    if (v < this.nowNs) {
      if (this.nowNs - v > 1e6 && v >= this.maxVenueV[venue]! - 1e6) this.lateVenueEvents[venue]++;
      v = this.nowNs;
    }
    const lim = this.lim;
    lim[LIM_DUE] = v;
    justBefore(lim, LIM_DUE);
    this.runDue();
    this.nowNs = v;
  }

  // ---- the look-ahead: received events wait in their venue's inbox until safe to apply -----------

  /**
   * An event of `venue` received at t was queued (-1: an event queued nowhere): apply every queued
   * one that no later receipt can precede. Nothing to do while the limit is below the earliest
   * head's venue time when drain last stopped (drainFloor), unless the event is a new head (its
   * inbox was empty).
   */
  private received(venue: number, t: number): void {
    const limit = t - this.lookaheadNs;
    if (limit >= this.drainFloor || (venue >= 0 && this.inbox[venue]!.length === 1)) {
      this.lim[LIM_DRAIN] = limit;
      this.drain();
    }
  }

  /** The earliest venue time of the inboxes' heads when drain last stopped (Infinity: both empty). */
  private drainFloor = -Infinity;

  /**
   * Applies queued events in venue-time order (each venue's own in its order) while their venue
   * time is <= lim[LIM_DRAIN]: any event received later has a venue time >= its receipt − the look-ahead.
   */
  private drain(): void {
    const limit = this.lim[LIM_DRAIN]!;
    const q0 = this.inbox[0]!;
    const q1 = this.inbox[1]!;
    const hv = this.headV;
    this.prepareHead(0);
    this.prepareHead(1);
    let a = q0.length === 0 ? Infinity : hv[0]!;
    let b = q1.length === 0 ? Infinity : hv[1]!;
    for (;;) {
      if (q0.length === 0 && q1.length === 0) {
        this.drainFloor = Infinity;
        return;
      }
      const venue = q1.length === 0 || (q0.length > 0 && (a < b || (a === b && q0.peek(2) < q1.peek(2)))) ? 0 : 1;
      const v = venue === 0 ? a : b;
      if (v > limit) {
        this.drainFloor = v;
        return;
      }
      this.applyHead(venue);
      // applying an event queues none: only that venue has a new head
      this.prepareHead(venue);
      if (venue === 0) a = q0.length === 0 ? Infinity : hv[0]!;
      else b = q1.length === 0 ? Infinity : hv[1]!;
    }
  }

  /** Sets headV[venue], the venue time of the head event of a venue's inbox (parsed once, when it becomes the head), unless it is empty. */
  private prepareHead(venue: number): void {
    const q = this.inbox[venue]!;
    if (q.length === 0) return;
    const h = this.headV[venue]!;
    if (h === h) return;
    const t = q.peek(1);
    const kind = q.peek(0);
    let v = t;
    if (kind === IN_QUOTE) v = this.venueTime(venue, t, q.peek(5));
    else if (kind === IN_FRAME) {
      const bin = venue === VENUE_BINANCE;
      const msg = bin ? this.binParser.parse(q.headFrame(), q.peek(4)) : this.bybParser.parse(q.headFrame(), q.peek(4));
      this.headMsg[venue] = msg;
      if (msg === MSG_QUOTE || (this.depthMode && (msg === MSG_DEPTH_DELTA || (!bin && msg === MSG_DEPTH_SNAPSHOT)))) {
        v = this.venueTime(venue, t, bin ? this.binFrame.exchMs : this.bybFrame.exchMs);
      }
    }
    const max = this.maxVenueV[venue]!;
    if (v < max - 1e6) this.backwardsVenueEvents[venue]++;
    else if (v > max) this.maxVenueV[venue] = v;
    this.headV[venue] = v;
  }

  /** Applies the head event of a venue's inbox at its venue time (headV, prepared). */
  private applyHead(venue: number): void {
    const q = this.inbox[venue]!;
    const v = this.headV[venue]!;
    const kind = q.peek(0);
    const u = this.upd;
    u[U_T] = q.peek(1);
    u[U_V] = v;
    this.headV[venue] = NaN;
    this.pendingEventNs = v;
    if (kind === IN_QUOTE) {
      const s = q.peek(4);
      u[U_EXCH_MS] = q.peek(5);
      u[U_BID_PX] = q.peek(6);
      u[U_BID_SZ] = q.peek(7);
      u[U_ASK_PX] = q.peek(8);
      u[U_ASK_SZ] = q.peek(9);
      q.pop();
      this.quote(venue, s);
    } else if (kind === IN_FRAME) {
      q.pop();
      if (venue === VENUE_BINANCE) this.binanceFrame(this.headMsg[venue]!);
      else this.bybitFrame(this.headMsg[venue]!);
    } else {
      const symbol = q.peek(4);
      const text = q.headText();
      q.pop();
      this.snapshot(venue, symbol, text);
    }
  }

  /** The strategy's timer at nextTimerNs. */
  private tick(): void {
    const timer = this.nextTimerNs;
    this.nowNs = timer;
    if (timer >= this.startNs && !this.timerIsNoop()) {
      this.strategy.onTimer(timer);
      this.inputsAtTimer = this.strategyInputs;
    }
    if (timer >= this.nextEquityNs) {
      this.writeEquity(timer);
      this.nextEquityNs = (Math.floor(timer / this.equityEveryNs) + 1) * this.equityEveryNs;
    }
    let next = timer + this.timerStepNs;
    if (this.reads !== null) {
      // a recorded session: its strategy's timer ran when its thread read the clock
      const s = this.reads.timerAfter(timer);
      this.nextTimerNs = s === s ? s : next;
      return;
    }
    // Idle (nothing in flight): one tick per quiet gap is enough; jump to the last grid
    // point before the next thing that can happen.
    if (this.strategy.liveOrders === 0 && this.strategy.openRounds() === 0 && this.executor.pending === 0) {
      const l0 = this.local[0]!.headNs();
      const l1 = this.local[1]!.headNs();
      const loc = l0 <= l1 ? l0 : l1;
      const bound = this.nextEquityNs < loc ? this.nextEquityNs : loc;
      if (next < bound && this.pendingEventNs > next) {
        const target = this.pendingEventNs < bound ? this.pendingEventNs : bound;
        let grid = Math.floor(target / this.timerStepNs) * this.timerStepNs;
        // That tick would be a no-op too when nothing can reach the strategy before it (it is
        // before `target`, and this tick left nothing unseen) and it writes no equity: the next
        // grid point then (the first after `target`, which is not on the grid).
        if (grid < target && grid < this.nextEquityNs && this.inputsAtTimer === this.strategyInputs && !this.strategy.transfersEnabled) grid += this.timerStepNs;
        if (grid > next) next = grid;
      }
    }
    this.nextTimerNs = next;
  }

  /**
   * Calls into the strategy other than onTimer (quotes, book states, reports), counted so an
   * idle timer tick that would see exactly what the last one saw can be left out.
   */
  private strategyInputs = 0;
  private inputsAtTimer = -1;

  /**
   * strategy.onTimer would change nothing: nothing reached the strategy since its last tick and
   * nothing is in flight, so its timeouts and round steps have nothing to look at and its two
   * drawdown trackers would be fed the same equity and PnL again (both idempotent). Simulated
   * transfers move with time alone: with them on, every tick runs. In depth mode most ticks
   * fall between two depth updates that never reach the strategy.
   */
  private timerIsNoop(): boolean {
    if (this.strategyInputs !== this.inputsAtTimer) return false;
    const st = this.strategy;
    return st.liveOrders === 0 && this.executor.pending === 0 && st.openRounds() === 0 && !st.transfersEnabled;
  }

  /** The next market event's time, set by the driver before advanceTo (lets idle ticks skip). */
  pendingEventNs = Infinity;

  // ---- market events ------------------------------------------------------------------------

  /**
   * One venue frame recorded as received at t (ns; the extra feed latency is the engine's to add).
   * Events come in receive order; each is applied at its venue time once no later receipt can
   * come before it (the look-ahead), so the engine's state lags the last event until finish().
   */
  onFrame(venue: number, t: number, buf: Buffer, len: number): void {
    this.events++;
    // Depth fills: every frame waits as its bytes and is parsed once, as its venue's head (a top
    // of book too: one copy of its bytes costs less than telling it from a depth frame first).
    // Top-of-book fills read no depth: a depth frame is not even parsed (it would be dropped
    // after parsing; a malformed one is then not counted in frameErrors).
    if (this.depthMode) this.inbox[venue]!.pushFrame(t, this.pushSeq++, buf, len);
    else if (!isDepthFrame(venue, buf, len)) this.receivedFrame(venue, t, buf, len);
    this.received(venue, t);
  }

  /** A frame that is not a depth frame by its first bytes: a top of book is queued as its numbers. */
  private receivedFrame(venue: number, t: number, buf: Buffer, len: number): void {
    const bin = venue === VENUE_BINANCE;
    const msg = bin ? this.binRecvParser.parse(buf, len) : this.bybRecvParser.parse(buf, len);
    const f = bin ? this.binRecvFrame : this.bybRecvFrame;
    if (msg === MSG_QUOTE) this.inbox[venue]!.pushQuote(t, this.pushSeq++, f.symbolId, f.exchMs, f.bidPx, f.bidSz, f.askPx, f.askSz);
    else this.inbox[venue]!.pushFrame(t, this.pushSeq++, buf, len); // parsed again as the head (depth after all, or an error)
  }

  /**
   * A depth frame received at t that a top-of-book run did not decode (the reader's skipFrame):
   * what onFrame does with a depth frame in that mode.
   */
  onSkippedFrame(t: number): void {
    this.events++;
    this.received(-1, t);
  }

  /** A REST depth snapshot line (Binance) received at t (its venue time: it carries no exchange time). */
  onSnapshot(venue: number, symbol: number, t: number, text: string): void {
    this.events++;
    this.inbox[venue]!.pushSnapshot(t, this.pushSeq++, symbol, text);
    this.received(venue, t);
  }

  /** A snapshot line applied at its receive time (upd's U_T, its venue time). */
  private snapshot(venue: number, symbol: number, text: string): void {
    this.enterVenueTime(venue, this.upd[U_T]!);
    if (venue !== VENUE_BINANCE || symbol < 0) return;
    const snap = parseBinanceDepthSnapshot(text);
    const sync = this.binSync[symbol]!;
    sync.reset();
    sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks);
    this.depthChanged(VENUE_BINANCE, symbol, sync.usable);
  }

  /** A decoded top of book (also the pre-decoded path of the benchmark). */
  onTopOfBook(venue: number, symbol: number, t: number, exchMs: number, bidPx: number, bidSz: number, askPx: number, askSz: number): void {
    this.events++;
    this.inbox[venue]!.pushQuote(t, this.pushSeq++, symbol, exchMs, bidPx, bidSz, askPx, askSz);
    this.received(venue, t);
  }

  /** The head Binance frame (parsed by prepareHead: `msg`), received at upd's U_T, at venue time U_V. */
  private binanceFrame(msg: number): void {
    const f = this.binFrame;
    if (msg === MSG_QUOTE) {
      this.frameQuote(VENUE_BINANCE, f);
    } else if (msg === MSG_DEPTH_DELTA) {
      if (!this.depthMode) return;
      this.enterVenueTime(VENUE_BINANCE, this.upd[U_V]!);
      const sync = this.binSync[f.symbolId]!;
      const r = sync.onDiff(f);
      if (r >= 3 && r !== 7) this.resyncs++;
      this.depthChanged(VENUE_BINANCE, f.symbolId, sync.usable);
    } else {
      this.enterVenueTime(VENUE_BINANCE, this.upd[U_V]!);
      this.frameErrors++;
    }
  }

  /** A parsed top-of-book frame, applied as a quote (its numbers into upd). */
  private frameQuote(venue: number, f: ParsedFrame): void {
    const u = this.upd;
    u[U_EXCH_MS] = f.exchMs;
    u[U_BID_PX] = f.bidPx;
    u[U_BID_SZ] = f.bidSz;
    u[U_ASK_PX] = f.askPx;
    u[U_ASK_SZ] = f.askSz;
    this.quote(venue, f.symbolId);
  }

  /** The head Bybit frame (parsed by prepareHead: `msg`), received at upd's U_T, at venue time U_V. */
  private bybitFrame(msg: number): void {
    const f = this.bybFrame;
    if (msg === MSG_QUOTE) {
      this.frameQuote(VENUE_BYBIT, f);
    } else if (msg === MSG_DEPTH_DELTA || msg === MSG_DEPTH_SNAPSHOT) {
      if (!this.depthMode) return;
      this.enterVenueTime(VENUE_BYBIT, this.upd[U_V]!);
      const sync = this.bybSync[f.symbolId]!;
      const r = sync.onDiff(f);
      if (r >= 3 && r !== 7) this.resyncs++;
      this.depthChanged(VENUE_BYBIT, f.symbolId, sync.usable);
    } else {
      this.enterVenueTime(VENUE_BYBIT, this.upd[U_V]!);
      this.frameErrors++;
    }
  }

  /** A depth update (received at upd's U_T) changed the venue-side depth book. */
  private depthChanged(venue: number, symbol: number, usable: boolean): void {
    const i = venue * this.nSym + symbol;
    this.books.depthUsable[i] = usable ? 1 : 0;
    this.depthSeen[i] = 1;
    this.books.version[i]++;
    this.books.recvNs[i] = this.nowNs;
    this.checkMemory(venue, symbol);
    // Orders arriving at this very venue time are not run here: another update of the same time
    // may follow, and they meet the book with every update at it (the next venue time or finish runs them).
    // The feed publishes every change of usability (a BOOK_STATE record): so does the replay.
    const u = this.usableOf(i);
    if (u !== this.usableSent[i]) {
      this.usableSent[i] = u;
      this.toLocal(venue, symbol, LF_STATE | u);
    }
  }

  /**
   * The feed's usable flag (src/actors/feed-handler.ts isUsable) from the venue-side book:
   * touch priced and not crossed, and the depth book synced (depthGate). Staleness
   * (stale_feed_ms) is not modelled: the strategy's own stale-book rule still applies.
   */
  private usableOf(i: number): number {
    const b = this.books;
    const bid = b.bidPx[i]!;
    const ask = b.askPx[i]!;
    if (!(bid > 0 && ask > 0 && bid < ask)) return 0;
    if ((this.depthAlways || this.depthSeen[i] === 1) && this.depthMode && b.depthUsable[i] === 0) return 0;
    return LF_USABLE;
  }

  /**
   * The update being applied (upd), towards the strategy: a top of book, or with LF_STATE in
   * `flags` a change of usability. Received at U_T, it sees it at U_T + the venue's feed latency.
   */
  private toLocal(venue: number, symbol: number, flags: number): void {
    // The common case first, small enough for V8 to inline into the event's path: seen at once
    // (no feed latency, nothing queued ahead of it). The rest is queued by toLocalQueued.
    const u = this.upd;
    const l = u[U_T]! + this.feedNs[venue]!;
    if (this.reads === null && l <= this.nowNs && this.local[venue]!.length === 0 && l >= this.startNs) {
      this.strategyInputs++;
      if ((flags & LF_STATE) !== 0) {
        this.strategy.onBookState(venue, symbol, (flags & LF_USABLE) !== 0, 0, this.nowNs);
        return;
      }
      // upd is a QUOTE record already: its prices and exchange time are in place
      u[H_RECV_NS] = l;
      u[H_FLAGS] = (flags & LF_USABLE) !== 0 ? FLAG_USABLE : 0;
      this.toStrategy(u, venue, symbol, this.nowNs);
      return;
    }
    this.toLocalQueued(venue, symbol, flags);
  }

  /** toLocal when the update waits in the venue's local FIFO (or follows a recorded session's reads). */
  private toLocalQueued(venue: number, symbol: number, flags: number): void {
    const u = this.upd;
    const t = u[U_T]!;
    const state = (flags & LF_STATE) !== 0;
    // a book state carries no top of book
    const exchMs = state ? 0 : u[U_EXCH_MS]!;
    const bidPx = state ? 0 : u[U_BID_PX]!;
    const bidSz = state ? 0 : u[U_BID_SZ]!;
    const askPx = state ? 0 : u[U_ASK_PX]!;
    const askSz = state ? 0 : u[U_ASK_SZ]!;
    let l = t + this.feedNs[venue]!;
    const q = this.local[venue]!;
    if (this.reads !== null) {
      // a recorded session: the strategy saw it when the session's strategy read it, or never
      const r = this.reads.readNs(venue, state, t);
      if (r !== r) {
        this.unreadUpdates++;
        return;
      }
      if (r > l) l = r;
      q.push(l, symbol, exchMs, bidPx, bidSz, askPx, askSz, flags, t);
      return;
    }
    // not yet seen (toLocal delivered it otherwise): queued
    if (l < this.startNs && q.length >= this.ringSlots) {
      q.pop(); // the ring drops its oldest record
      this.ringDropped++;
    }
    q.push(l, symbol, exchMs, bidPx, bidSz, askPx, askSz, flags);
  }

  /** The venue-side book of (venue, symbol) changed: the liquidity memory looks at it. */
  private checkMemory(venue: number, symbol: number): void {
    const fills = this.executor.fills;
    if (!this.observeUpdates || fills.remembered(venue, symbol) === 0) return;
    const n = this.books.readLevels(venue, symbol, this.memScratch);
    fills.observe(venue, symbol, this.memScratch, n, this.nowNs);
  }

  /**
   * The top-of-book update in upd, received at U_T: the venue-side book changes at its venue time
   * U_V, the strategy sees it at U_T + the venue's extra feed latency.
   */
  private quote(venue: number, symbol: number): void {
    const u = this.upd;
    this.enterVenueTime(venue, u[U_V]!);
    const bidPx = u[U_BID_PX]!;
    const askPx = u[U_ASK_PX]!;
    if (askPx > 0 && bidPx >= askPx) {
      this.crossedQuotes++; // corrupt data: the feed never publishes it (feed-handler.ts)
      return;
    }
    const b = this.books;
    const i = venue * this.nSym + symbol;
    b.bidPx[i] = bidPx;
    b.bidSz[i] = u[U_BID_SZ]!;
    b.askPx[i] = askPx;
    b.askSz[i] = u[U_ASK_SZ]!;
    b.recvNs[i] = this.nowNs;
    b.version[i]++;
    this.quotes++;
    this.checkMemory(venue, symbol);
    const usable = this.usableOf(i);
    this.usableSent[i] = usable;
    // Orders arriving at this very venue time are not run here: another update of the same time
    // may follow, and they meet the book with every update at it (the next venue time or finish runs them).
    this.toLocal(venue, symbol, usable);
  }

  /**
   * The strategy's (local) view of a top of book, seen at now: the caller has written its prices,
   * sizes, exchange time, local receive time (<= now) and usable flag into the QUOTE record r.
   */
  private toStrategy(r: Float64Array, venue: number, symbol: number, now: number): void {
    r[H_VENUE] = venue;
    r[H_SYMBOL] = symbol;
    this.strategy.onQuoteRecord(r, 0, now);
    if (this.pendingStart !== null) {
      const eq = this.strategy.equity();
      if (!Number.isNaN(eq)) this.flushStart(eq);
    }
  }

  // ---- the strategy's order sink ------------------------------------------------------------

  newOrder(orderId: number, pairId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    tif: number, role: number, decisionNs: number, deadlineNs: number, tickRecvNs: number, _tickExchMs: number): boolean {
    if (this.reads !== null) this.reads.onSubmit(orderId, decisionNs, venue, side);
    const ok = this.executor.submit(orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs, this.nowNs);
    if (ok) {
      const e = intentEntry(this.symbols.names, orderId, pairId, venue, symbol, side, price, qty, role, decisionNs, tickRecvNs);
      // stamped with its decision time, as the paper journal stamps it (equal to now but for a
      // session replay, where a report read a few µs after its due time decides)
      this.journal.append('intent', e, decisionNs, this.wallOf(decisionNs));
    }
    return ok;
  }

  cancelOrder(orderId: number, _venue: number, _symbol: number, nowNs: number): void {
    this.executor.cancel(orderId, nowNs);
  }

  requestVerdict(orderId: number, venue: number, symbol: number, _side: number, _price: number, _qty: number, nowNs: number): boolean {
    return this.executor.requestVerdict(orderId, venue, symbol, nowNs);
  }

  /** The executor's verdict (delivered by its poll, one query round trip after the request). */
  verdict(orderId: number, venue: number, symbol: number, kind: number, status: number, cumQty: number, cumQuote: number,
    cumFee: number, feeAsset: number, nowNs: number): void {
    const e = verdictEntry(this.symbols.names, nowNs, orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset);
    this.journal.append('verdict', e, nowNs, this.wallOf(nowNs));
    this.strategyInputs++;
    this.strategy.onVerdict(orderId, kind, status, cumQty, cumQuote, cumFee, feeAsset, nowNs);
  }

  // ---- the executor's report sink -------------------------------------------------------------

  report(orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number, price: number,
    lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number, errorCode: number,
    role: number, sentNs: number, ackNs: number, _tickRecvNs: number): void {
    if (status === ST_ACKED && this.onLatency !== null) this.onLatency(LAT_SENT_TO_ACK, ackNs - sentNs);
    const e = reportEntry(this.symbols.names, ackNs, orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty,
      cumQty, qty, fee, feeAsset, errorCode, role);
    this.journal.append('report', e, ackNs, this.wallOf(ackNs));
    // a recorded session's strategy read each report of an order at its own time: held till then
    const readNs = this.reads !== null ? this.reads.reportNs(orderId, status, lastPx, lastQty, ackNs) : ackNs;
    if (readNs > ackNs) this.holdReport(readNs, orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode);
    else {
      this.strategyInputs++;
      this.strategy.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, ackNs);
    }
  }

  /** Reports held for a replayed session's read times: 9 numbers each (read ns, then onReport's arguments), in read order. */
  private held: number[] = [];
  private heldHeadNs = Infinity;

  private holdReport(at: number, orderId: number, status: number, lastPx: number, lastQty: number, cumQty: number, fee: number,
    feeAsset: number, errorCode: number): void {
    const h = this.held;
    let i = h.length;
    while (i > 0 && h[i - 9]! > at) i -= 9; // the session read them in ring order: almost always appended
    h.splice(i, 0, at, orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode);
    this.heldHeadNs = h[0]!;
  }

  private releaseReport(): void {
    const h = this.held;
    const at = h[0]!;
    this.nowNs = at;
    const [, orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode] = h.splice(0, 9) as [number, number, number, number, number, number, number, number, number];
    this.heldHeadNs = h.length > 0 ? h[0]! : Infinity;
    this.strategyInputs++;
    this.strategy.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, at);
  }

  // ---- strategy events ----------------------------------------------------------------------

  onEvent(ev: StrategyEvent): void {
    const e = strategyEventEntry(this.symbols.names, ev);
    this.journal.append(e.type, e, ev.nowNs, this.wallOf(ev.nowNs));
    if (ev.type === 'round_opened') this.roundsOpened++;
    else if (ev.type === 'transfer') this.executor.balances.applyTransfer(ev); // simulated venues follow
    else if (ev.type === 'round_closed') this.writeEquity(ev.nowNs, false);
  }

  // ---- equity and spreads ---------------------------------------------------------------------

  /**
   * An equity entry at ns; with the spreads (`withSpreads`) on the equity cadence and at the
   * end only: after a round close the equity entry comes alone, as paper and live write it
   * (EquitySampler.now), so the spread chart samples the market, not the instant just after a take.
   */
  private writeEquity(ns: number, withSpreads = true): void {
    const e = equityEntry(this.strategy, this.symbols.names, ns);
    if (e === null) return;
    const wall = this.wallOf(ns);
    this.journal.append('equity', e, ns, wall);
    if (withSpreads) for (const sp of spreadEntries(this.strategy, this.symbols.names, ns)) this.journal.append('spread', sp, ns, wall);
  }

  /** One `warning` entry per venue whose data weakens the fill model (docs/backtest.md). */
  private writeFeedWarnings(): void {
    const wall = this.wallOf(this.nowNs);
    for (let v = 0; v < VENUE_COUNT; v++) {
      const n = this.venueEvents[v]!;
      const none = this.noExchTime[v]!;
      const name = VENUE_NAMES[v]!;
      if (none > 0) {
        this.journal.append('warning', {
          topic: 'feed_model', venue: name, events: n, no_exchange_time: none,
          message: `${name}: ${none} of ${n} book updates carry no exchange time: its venue-side book moves at the recorded receive time, so fills there are optimistic by the real feed latency`,
        }, this.nowNs, wall);
      }
      const back = this.backwardsVenueEvents[v]!;
      if (back > 0) {
        this.journal.append('warning', {
          topic: 'feed_model', venue: name, events: n, backwards_exchange_time: back,
          message: `${name}: ${back} book updates had an exchange time more than 1 ms before an earlier-received update of ${name} (its own data out of exchange-time order; an update without exchange time counts at its receipt): applied in ${name}'s order, right after it`,
        }, this.nowNs, wall);
      }
      const late = this.lateVenueEvents[v]!;
      if (late > 0) {
        this.journal.append('warning', {
          topic: 'feed_model', venue: name, events: n, late_venue_events: late, lookahead_ms: this.lookaheadNs / 1e6,
          message: `${name}: ${late} book updates were received more than the look-ahead (${this.lookaheadNs / 1e6} ms) after their exchange time: applied late at the venue side, more than 1 ms after it`,
        }, this.nowNs, wall);
      }
    }
  }

  /**
   * After the last event: lets orders in flight finish (up to `graceNs` of simulated time),
   * writes a final equity mark and run_end (with `extra` fields, e.g. run.ts's report period). Returns the end equity.
   */
  finish(lastEventNs: number, graceNs: number, reason = 'end of data', extra: Record<string, unknown> = {}): number {
    this.lim[LIM_DRAIN] = Infinity; // no more receipts: every queued event is safe
    this.drain();
    this.pendingEventNs = Infinity;
    const endNs = lastEventNs + graceNs;
    let t = lastEventNs;
    // settle what is in flight, one timer step at a time, stopping early once idle
    while (t < endNs && (this.executor.pending > 0 || this.strategy.liveOrders > 0 || this.strategy.openRounds() > 0 || this.inFlightQuotes > 0 || this.held.length > 0)) {
      t += this.timerStepNs;
      this.advanceTo(t);
    }
    if (t > this.nowNs) this.nowNs = t;
    this.writeEquity(this.nowNs);
    this.writeFeedWarnings();
    const eq = this.strategy.equity();
    this.journal.append('run_end', { reason, end_equity: Number.isNaN(eq) ? null : eq, ...extra }, this.nowNs, this.wallOf(this.nowNs));
    return eq;
  }
}

export { SIDE_BUY };
