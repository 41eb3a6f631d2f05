/**
 * The backtest engine: one thread, one simulated clock, events in local-receive-time order
 * (HFTBacktest's event-driven model). It drives the very ArbitrageStrategy the strategy worker
 * runs and the very DryRunExecutor the paper executor runs:
 *
 *   for each market event at local time T (already merged across venues by the caller):
 *     1. everything scheduled before or at T happens first, in time order: the executor's
 *        order arrivals (filled against the books as they stand, i.e. before this event),
 *        its reports (to the strategy and the journal), and strategy timer ticks
 *     2. the event is parsed by the venue's own frame parser and applied to the venue's own
 *        book sync; a change of the touch becomes strategy.onQuote(..., nowNs = T)
 *     3. orders the strategy sends go to the executor at T (entry latency, then the fill)
 *
 * Nothing here reads a clock or draws an unseeded random number, so the same events and
 * options give the same journal bit for bit. Times are ns since `wallStartMs` (the start
 * date's 00:00 UTC); the journal's `t` is the matching simulated wall time.
 */
import {
  SIDE_BUY, ST_ACKED, VENUE_BINANCE, VENUE_BYBIT, VENUE_COUNT, VENUE_NAMES,
} from '../core/records.js';
import { SymbolTable } from '../core/symbols.js';
import { DryRunExecutor } from '../execution/dry-run-executor.js';
import type { LatencyModel } from '../execution/latency-model.js';
import type { StartingBalance } from '../execution/dry-run-balances.js';
import type { ReportSink } from '../execution/report-sink.js';
import { intentEntry, reportEntry, strategyEventEntry } from '../report/journal-entries.js';
import { ArbitrageStrategy } from '../strategy/arbitrage.js';
import type { ArbitrageConfig, VenueBalances, VenueFilters } from '../strategy/config.js';
import type { OrderSink, StrategyEvent, StrategyEvents } from '../strategy/events.js';
import { edgeBps } from '../strategy/spread.js';
import { BinanceFrameParser } from '../venues/binance/frame-parser.js';
import { BINANCE_SPOT, BinanceBookSync } from '../venues/binance/book-sync.js';
import { parseBinanceDepthSnapshot } from '../venues/binance/rest.js';
import { BybitFrameParser } from '../venues/bybit/frame-parser.js';
import { BybitBookSync } from '../venues/bybit/book-sync.js';
import { MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_QUOTE, ParsedFrame } from '../venues/parsed-frame.js';
import { BacktestBooks } from './book-view.js';
import type { JournalLineSink } from './journal-writer.js';

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
}

/** Tags passed to onLatency. */
export const LAT_SENT_TO_ACK = 0;

export class EngineError extends Error {
  override readonly name = 'EngineError';
}

export class BacktestEngine implements OrderSink, StrategyEvents, ReportSink {
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

  private readonly nSym: number;
  private readonly journal: JournalLineSink;
  private readonly wallStartMs: number;
  private readonly timerStepNs: number;
  private readonly equityEveryNs: number;
  private nextTimerNs: number;
  private nextEquityNs: number;
  private equityStarted = false;
  private readonly depthMode: boolean;
  private readonly binParser: BinanceFrameParser;
  private readonly bybParser: BybitFrameParser;
  private readonly binFrame: ParsedFrame;
  private readonly bybFrame: ParsedFrame;
  private readonly binSync: BinanceBookSync[];
  private readonly bybSync: BybitBookSync[];
  private readonly onLatency: ((tag: number, ns: number) => void) | null;
  private readonly takerFee: Float64Array;
  private readonly slippage: number;
  private readonly minSpreadBps: number;

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
    this.strategy = new ArbitrageStrategy(o.config, o.filters, o.balances, this, this, { simulateTransfers: true });
    // Simulated ns 0 is wallStartMs: the feed-lag gate (max_feed_lag_ms) compares a replayed
    // book's exchange time with the replay's local time, as live compares it with the wall clock.
    this.strategy.setWallClockOffset(o.wallStartMs);
    const levels = o.depthLevels ?? 20;
    this.books = new BacktestBooks(VENUE_COUNT, this.nSym, levels);
    const c = this.strategy.config;
    this.takerFee = Float64Array.from(c.takerFee);
    this.slippage = c.slippage;
    this.minSpreadBps = c.minSpreadBps;
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
    this.binSync = [];
    this.bybSync = [];
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

  /** The journal's first line. */
  start(runId: string, configForJournal: Record<string, unknown>, balances: VenueBalances, extra: Record<string, unknown> = {}): void {
    this.journal.append('run_start', {
      mode: 'backtest', run_id: runId, symbols: this.symbols.names, venues: [...VENUE_NAMES], balances,
      config: configForJournal, ...extra,
    }, 0, this.wallStartMs);
  }

  // ---- the clock ------------------------------------------------------------------------

  /** Runs everything scheduled up to and including `t`, in time order, then sets now = t. */
  advanceTo(t: number): void {
    const ex = this.executor;
    for (;;) {
      const due = ex.nextDueNs();
      const timer = this.nextTimerNs;
      if (due <= timer) {
        if (due > t) break;
        this.nowNs = due;
        ex.poll(due, this.books, this);
      } else {
        if (timer > t) break;
        this.tick(timer);
      }
    }
    if (t > this.nowNs) this.nowNs = t;
  }

  private tick(timer: number): void {
    this.nowNs = timer;
    this.strategy.onTimer(timer);
    if (timer >= this.nextEquityNs) {
      this.writeEquity(timer);
      this.nextEquityNs = (Math.floor(timer / this.equityEveryNs) + 1) * this.equityEveryNs;
    }
    let next = timer + this.timerStepNs;
    // Idle (nothing in flight): one tick per quiet gap is enough; jump to the last grid
    // point before the next thing that can happen.
    if (this.strategy.liveOrders === 0 && this.strategy.openRounds() === 0 && this.executor.pending === 0) {
      const bound = this.nextEquityNs;
      if (next < bound && this.pendingEventNs > next) {
        const target = this.pendingEventNs < bound ? this.pendingEventNs : bound;
        const grid = Math.floor(target / this.timerStepNs) * this.timerStepNs;
        if (grid > next) next = grid;
      }
    }
    this.nextTimerNs = next;
  }

  /** The next market event's time, set by the driver before advanceTo (lets idle ticks skip). */
  pendingEventNs = Infinity;

  // ---- market events ------------------------------------------------------------------------

  /** One venue frame received at local time t (ns). */
  onFrame(venue: number, t: number, buf: Buffer, len: number): void {
    this.pendingEventNs = t;
    this.advanceTo(t);
    this.events++;
    if (venue === VENUE_BINANCE) this.binanceFrame(t, buf, len);
    else this.bybitFrame(t, buf, len);
  }

  /** A REST depth snapshot line (Binance) received at t. */
  onSnapshot(venue: number, symbol: number, t: number, text: string): void {
    this.pendingEventNs = t;
    this.advanceTo(t);
    this.events++;
    if (venue !== VENUE_BINANCE || symbol < 0) return;
    const snap = parseBinanceDepthSnapshot(text);
    const sync = this.binSync[symbol]!;
    sync.reset();
    sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks);
    this.depthChanged(VENUE_BINANCE, symbol, sync.usable);
  }

  /** A decoded top of book (also the pre-decoded path of the benchmark). */
  onTopOfBook(venue: number, symbol: number, t: number, exchMs: number, bidPx: number, bidSz: number, askPx: number, askSz: number): void {
    this.pendingEventNs = t;
    this.advanceTo(t);
    this.events++;
    this.quote(venue, symbol, t, exchMs, bidPx, bidSz, askPx, askSz);
  }

  private binanceFrame(t: number, buf: Buffer, len: number): void {
    const f = this.binFrame;
    const msg = this.binParser.parse(buf, len);
    if (msg === MSG_QUOTE) {
      this.quote(VENUE_BINANCE, f.symbolId, t, f.exchMs, f.bidPx, f.bidSz, f.askPx, f.askSz);
    } else if (msg === MSG_DEPTH_DELTA) {
      if (!this.depthMode) return;
      const sync = this.binSync[f.symbolId]!;
      const r = sync.onDiff(f);
      if (r >= 3 && r !== 7) this.resyncs++;
      this.depthChanged(VENUE_BINANCE, f.symbolId, sync.usable);
    } else {
      this.frameErrors++;
    }
  }

  private bybitFrame(t: number, buf: Buffer, len: number): void {
    const f = this.bybFrame;
    const msg = this.bybParser.parse(buf, len);
    if (msg === MSG_QUOTE) {
      this.quote(VENUE_BYBIT, f.symbolId, t, f.exchMs, f.bidPx, f.bidSz, f.askPx, f.askSz);
    } else if (msg === MSG_DEPTH_DELTA || msg === MSG_DEPTH_SNAPSHOT) {
      if (!this.depthMode) return;
      const sync = this.bybSync[f.symbolId]!;
      const r = sync.onDiff(f);
      if (r >= 3 && r !== 7) this.resyncs++;
      this.depthChanged(VENUE_BYBIT, f.symbolId, sync.usable);
    } else {
      this.frameErrors++;
    }
  }

  private depthChanged(venue: number, symbol: number, usable: boolean): void {
    const i = venue * this.nSym + symbol;
    this.books.depthUsable[i] = usable ? 1 : 0;
    this.books.version[i]++;
  }

  private quote(venue: number, symbol: number, t: number, exchMs: number, bidPx: number, bidSz: number, askPx: number, askSz: number): void {
    const b = this.books;
    const i = venue * this.nSym + symbol;
    b.bidPx[i] = bidPx;
    b.bidSz[i] = bidSz;
    b.askPx[i] = askPx;
    b.askSz[i] = askSz;
    b.recvNs[i] = t;
    b.version[i]++;
    this.quotes++;
    this.strategy.onQuote(venue, symbol, bidPx, bidSz, askPx, askSz, true, exchMs, t, t);
  }

  // ---- the strategy's order sink ------------------------------------------------------------

  newOrder(orderId: number, pairId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    tif: number, role: number, decisionNs: number, deadlineNs: number, tickRecvNs: number, _tickExchMs: number): boolean {
    const ok = this.executor.submit(orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs, this.nowNs);
    if (ok) {
      const e = intentEntry(this.symbols.names, orderId, pairId, venue, symbol, side, price, qty, role, decisionNs, tickRecvNs);
      this.journal.append('intent', e, this.nowNs, this.wallOf(this.nowNs));
    }
    return ok;
  }

  cancelOrder(orderId: number, _venue: number, _symbol: number, nowNs: number): void {
    this.executor.cancel(orderId, nowNs);
  }

  // ---- the executor's report sink -------------------------------------------------------------

  report(orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number, price: number,
    lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number, errorCode: number,
    role: number, sentNs: number, ackNs: number, _tickRecvNs: number): void {
    if (status === ST_ACKED && this.onLatency !== null) this.onLatency(LAT_SENT_TO_ACK, ackNs - sentNs);
    const e = reportEntry(this.symbols.names, ackNs, orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty,
      cumQty, qty, fee, feeAsset, errorCode, role);
    this.journal.append('report', e, ackNs, this.wallOf(ackNs));
    this.strategy.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, ackNs);
  }

  // ---- strategy events ----------------------------------------------------------------------

  onEvent(ev: StrategyEvent): void {
    const e = strategyEventEntry(this.symbols.names, ev);
    this.journal.append(e.type, e, ev.nowNs, this.wallOf(ev.nowNs));
    if (ev.type === 'round_opened') this.roundsOpened++;
    else if (ev.type === 'transfer') this.executor.balances.applyTransfer(ev); // simulated venues follow
    else if (ev.type === 'round_closed') this.writeEquity(ev.nowNs);
  }

  // ---- equity and spreads ---------------------------------------------------------------------

  private writeEquity(ns: number): void {
    const s = this.strategy;
    const equity = s.equity();
    if (Number.isNaN(equity)) return;
    const dd = s.drawdown; // read only: the strategy updates it on fills and ticks
    const exposure: Record<string, number> = {};
    for (let k = 0; k < this.nSym; k++) exposure[this.symbols.names[k]!] = s.positions.netExposure(k);
    const balances: Record<string, { quote: number; base: Record<string, number> }> = {};
    for (let v = 0; v < VENUE_COUNT; v++) {
      const base: Record<string, number> = {};
      for (let k = 0; k < this.nSym; k++) base[this.symbols.names[k]!] = s.positions.base(v, k);
      balances[VENUE_NAMES[v]!] = { quote: s.positions.quote(v), base };
    }
    const peak = dd.peakEquity > equity ? dd.peakEquity : equity;
    const drawdown = dd.startEquity > 0 ? (peak - equity) / dd.startEquity : 0;
    const wall = this.wallOf(ns);
    this.journal.append('equity', { equity, exposure, drawdown, balances }, ns, wall);
    if (!this.equityStarted) this.equityStarted = true;
    this.writeSpreads(ns, wall);
  }

  private writeSpreads(ns: number, wall: number): void {
    const b = this.books;
    const fa = this.takerFee[VENUE_BINANCE]!;
    const fb = this.takerFee[VENUE_BYBIT]!;
    for (let s = 0; s < this.nSym; s++) {
      const ia = VENUE_BINANCE * this.nSym + s;
      const ib = VENUE_BYBIT * this.nSym + s;
      if (!(b.askPx[ia]! > 0 && b.bidPx[ia]! > 0 && b.askPx[ib]! > 0 && b.bidPx[ib]! > 0)) continue;
      this.journal.append('spread', {
        symbol: this.symbols.names[s],
        ab_bps: edgeBps(b.askPx[ia]!, b.bidPx[ib]!, fa, fb, this.slippage),
        ba_bps: edgeBps(b.askPx[ib]!, b.bidPx[ia]!, fb, fa, this.slippage),
        threshold_bps: this.minSpreadBps,
      }, ns, wall);
    }
  }

  /**
   * After the last event: lets orders in flight finish (up to `graceNs` of simulated time),
   * writes a final equity mark and run_end. Returns the end equity.
   */
  finish(lastEventNs: number, graceNs: number, reason = 'end of data'): number {
    this.pendingEventNs = Infinity;
    const endNs = lastEventNs + graceNs;
    let t = lastEventNs;
    // settle what is in flight, one timer step at a time, stopping early once idle
    while (t < endNs && (this.executor.pending > 0 || this.strategy.liveOrders > 0 || this.strategy.openRounds() > 0)) {
      t += this.timerStepNs;
      this.advanceTo(t);
    }
    if (t > this.nowNs) this.nowNs = t;
    this.writeEquity(this.nowNs);
    const eq = this.strategy.equity();
    this.journal.append('run_end', { reason, end_equity: Number.isNaN(eq) ? null : eq }, this.nowNs, this.wallOf(this.nowNs));
    return eq;
  }
}

export { SIDE_BUY };
