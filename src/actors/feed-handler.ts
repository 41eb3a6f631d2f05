/**
 * The feed actor's per-frame logic, without the socket: parse a frame straight into the
 * venue's ParsedFrame, keep each symbol's depth book in sync, write the quote board, and
 * publish QUOTE and BOOK_STATE records to the strategy's ring. feed.worker.ts owns the
 * WebSocket, REST snapshots and timers and calls in here; tests drive it with fixture frames.
 *
 * Usable means: connected, the depth book synced (not awaiting a snapshot, no gap, not
 * crossed) and the top of book fresh (updated within stale_feed_ms). A quote record carries
 * FLAG_USABLE only then, and every change of that state is published as a BOOK_STATE record
 * and written to the board at once.
 *
 * Top of book comes from the real-time ticker stream (Binance bookTicker, Bybit orderbook.1);
 * the depth book (Binance diff depth, Bybit orderbook.50) supplies the levels behind it, so
 * the board's levels are: the ticker's touch, then the synced book's levels strictly behind it.
 */
import { RingProducer } from '../core/ring.js';
import { QuoteBoard, B_ASK_PX, B_ASK_SZ, B_BID_PX, B_BID_SZ, B_EXCH_MS, B_FLAGS, B_LEVELS, B_NLEVELS, B_PUB_NS, B_REASON, B_RECV_NS, B_UPDATE_ID } from '../core/quote-board.js';
import {
  BOOK_REASON_CROSSED, BOOK_REASON_DISCONNECTED, BOOK_REASON_GAP, BOOK_REASON_RESYNC, BOOK_REASON_STALE,
  BOOK_REASON_SYNCED, BS_REASON, D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVEL_WORDS, FLAG_USABLE, H_EXCH_MS, H_FLAGS,
  H_KIND, H_MARKET, H_PUB_NS, H_RECV_NS, H_SEQ, H_SYMBOL, H_VENUE, KIND_BOOK_STATE, KIND_QUOTE, Q_ASK_PX, Q_ASK_SZ,
  Q_BID_PX, Q_BID_SZ, QUOTE_WORDS,
} from '../core/records.js';
import { HOP_FRAME_TO_PARSED, HOP_PARSED_TO_PUBLISHED, type HopRecorders } from '../core/histogram.js';
import { monoNs } from '../core/clock.js';
import {
  ERR_NAMES, MSG_CONTROL, MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_ERROR, MSG_QUOTE, MSG_SERVER_SHUTDOWN, MSG_TRADE,
  type ParsedFrame,
} from '../venues/parsed-frame.js';
import type { BookSync, FrameParser } from '../venues/venue.js';
import type { OrderBook } from '../venues/order-book.js';
import { SYNC_APPLIED, SYNC_CROSSED, SYNC_GAP, SYNC_OVERFLOW, SYNC_REFETCH, SYNC_RESET } from '../venues/sync-result.js';

/** What the handler asks of its owner (the worker): resync actions, off the hot path. */
export interface FeedActions {
  /** The depth book of `symbol` needs a fresh snapshot (Binance: refetch REST; Bybit: resubscribe). */
  resync(symbol: number, reason: number): void;
  /** The venue announced it will close the connection (Binance serverShutdown). */
  reconnect(reason: string): void;
  /** A frame was rejected: count already done; log it (rate-limited by the owner). */
  badFrame(errorName: string, sample: Buffer): void;
}

export interface FeedCounters {
  frames: number;
  quotes: number;
  depthUpdates: number;
  trades: number;
  control: number;
  badFrames: number;
  gaps: number;
  crossed: number;
  staleMarks: number;
  resyncs: number;
  published: number;
  stateChanges: number;
}

export class FeedHandler {
  readonly counters: FeedCounters = {
    frames: 0, quotes: 0, depthUpdates: 0, trades: 0, control: 0, badFrames: 0, gaps: 0, crossed: 0, staleMarks: 0,
    resyncs: 0, published: 0, stateChanges: 0,
  };
  /** Bad frames by ERR_* code. */
  readonly badByCode: Float64Array;
  readonly frame: ParsedFrame;
  private readonly nSym: number;
  /** Per symbol: ticker top, its times, and the usable state last published. */
  private readonly topBidPx: Float64Array;
  private readonly topBidSz: Float64Array;
  private readonly topAskPx: Float64Array;
  private readonly topAskSz: Float64Array;
  private readonly topRecvNs: Float64Array;
  private readonly topExchMs: Float64Array;
  private readonly topUpdateId: Float64Array;
  private readonly usableNow: Uint8Array;
  /** Marked stale by the timer; cleared by the next ticker update. */
  private readonly stale: Uint8Array;
  private connected = false;

  constructor(
    readonly venue: number,
    readonly market: number,
    private readonly parser: FrameParser,
    readonly books: BookSync[],
    private readonly ring: RingProducer,
    private readonly board: QuoteBoard,
    private readonly hist: HopRecorders,
    private readonly actions: FeedActions,
    private readonly depthEnabled: boolean,
  ) {
    this.frame = parser.frame;
    this.nSym = books.length;
    const n = this.nSym;
    this.topBidPx = new Float64Array(n);
    this.topBidSz = new Float64Array(n);
    this.topAskPx = new Float64Array(n);
    this.topAskSz = new Float64Array(n);
    this.topRecvNs = new Float64Array(n);
    this.topExchMs = new Float64Array(n);
    this.topUpdateId = new Float64Array(n);
    this.usableNow = new Uint8Array(n);
    this.stale = new Uint8Array(n);
    this.badByCode = new Float64Array(ERR_NAMES.length);
  }

  isUsable(s: number): boolean {
    return this.connected && this.stale[s] === 0 && this.topBidPx[s]! > 0 && this.topAskPx[s]! > 0
      && this.topBidPx[s]! < this.topAskPx[s]! && (!this.depthEnabled || this.books[s]!.usable);
  }

  usableCount(): number {
    let n = 0;
    for (let s = 0; s < this.nSym; s++) if (this.usableNow[s] === 1) n++;
    return n;
  }

  /** The hot path: one WebSocket frame. */
  onFrame(buf: Buffer, recvNs: number): void {
    this.counters.frames++;
    const msg = this.parser.parse(buf, buf.length);
    const f = this.frame;
    const parsedNs = monoNs();
    this.hist.record(HOP_FRAME_TO_PARSED, parsedNs - recvNs);
    switch (msg) {
      case MSG_QUOTE:
        this.onQuote(f, buf, recvNs, parsedNs);
        break;
      case MSG_DEPTH_DELTA:
      case MSG_DEPTH_SNAPSHOT:
        this.onDepth(f, recvNs);
        break;
      case MSG_TRADE:
        this.counters.trades++;
        break;
      case MSG_CONTROL:
        this.counters.control++;
        break;
      case MSG_SERVER_SHUTDOWN:
        this.counters.control++;
        this.actions.reconnect('serverShutdown');
        break;
      case MSG_ERROR:
      default:
        this.counters.badFrames++;
        this.badByCode[f.errorCode]! += 1;
        this.actions.badFrame(ERR_NAMES[f.errorCode] ?? `code ${f.errorCode}`, buf);
        break;
    }
  }

  private onQuote(f: ParsedFrame, buf: Buffer, recvNs: number, parsedNs: number): void {
    const s = f.symbolId;
    if (f.bidPx >= f.askPx && f.askPx > 0) {
      // A crossed ticker is corrupt data: never publish it as a quote.
      this.counters.crossed++;
      this.counters.badFrames++;
      this.actions.badFrame('crossed top of book', buf);
      return;
    }
    this.counters.quotes++;
    this.topBidPx[s] = f.bidPx;
    this.topBidSz[s] = f.bidSz;
    this.topAskPx[s] = f.askPx;
    this.topAskSz[s] = f.askSz;
    this.topRecvNs[s] = recvNs;
    this.topExchMs[s] = f.exchMs;
    this.topUpdateId[s] = f.updateId;
    this.stale[s] = 0;
    this.refreshState(s, BOOK_REASON_SYNCED, recvNs);
    // One clock read stamps both the board entry and the ring record as published.
    const pubNs = monoNs();
    this.writeBoard(s, recvNs, pubNs);
    this.publishQuote(s, recvNs, parsedNs, pubNs);
  }

  private onDepth(f: ParsedFrame, recvNs: number): void {
    this.counters.depthUpdates++;
    const s = f.symbolId;
    const r = this.books[s]!.onDiff(f);
    if (r === SYNC_APPLIED || r === SYNC_RESET) {
      this.refreshState(s, BOOK_REASON_SYNCED, recvNs);
      this.writeBoard(s, recvNs, monoNs());
    } else if (r === SYNC_GAP || r === SYNC_OVERFLOW || r === SYNC_CROSSED) {
      if (r === SYNC_CROSSED) this.counters.crossed++;
      else this.counters.gaps++;
      this.counters.resyncs++;
      const reason = r === SYNC_CROSSED ? BOOK_REASON_CROSSED : BOOK_REASON_GAP;
      this.refreshState(s, reason, recvNs);
      this.actions.resync(s, reason);
    } else if (r === SYNC_REFETCH) {
      this.actions.resync(s, BOOK_REASON_RESYNC);
    }
  }

  /** REST snapshot for a Binance-style book (via the worker); returns the sync result. */
  onSnapshotApplied(s: number, result: number, nowNs: number): void {
    if (result === SYNC_CROSSED) this.counters.crossed++;
    this.refreshState(s, result === SYNC_CROSSED ? BOOK_REASON_CROSSED : BOOK_REASON_SYNCED, nowNs);
    this.writeBoard(s, nowNs, monoNs());
  }

  setConnected(connected: boolean, nowNs: number): void {
    this.connected = connected;
    if (!connected) {
      for (let s = 0; s < this.nSym; s++) {
        this.books[s]!.reset();
        this.refreshState(s, BOOK_REASON_DISCONNECTED, nowNs);
      }
    }
  }

  /** Timer: marks books whose top has not updated within `staleNs` unusable. */
  checkStale(nowNs: number, staleNs: number): void {
    for (let s = 0; s < this.nSym; s++) {
      if (this.stale[s] === 0 && this.topRecvNs[s]! > 0 && nowNs - this.topRecvNs[s]! > staleNs) {
        this.stale[s] = 1;
        this.counters.staleMarks++;
        this.refreshState(s, BOOK_REASON_STALE, nowNs);
      }
    }
  }

  /** Publishes a BOOK_STATE record and updates the board when usability changed. */
  private refreshState(s: number, reason: number, nowNs: number): void {
    const usable = this.isUsable(s) ? 1 : 0;
    if (usable === this.usableNow[s]) return;
    this.usableNow[s] = usable;
    this.counters.stateChanges++;
    this.board.setUsable(this.venue, s, usable === 1, usable === 1 ? BOOK_REASON_SYNCED : reason);
    const r = this.ring;
    r.claim();
    const d = r.data;
    const o = r.offset;
    for (let i = 0; i < QUOTE_WORDS; i++) d[o + i] = 0;
    d[o + H_KIND] = KIND_BOOK_STATE;
    d[o + H_VENUE] = this.venue;
    d[o + H_MARKET] = this.market;
    d[o + H_SYMBOL] = s;
    d[o + H_RECV_NS] = nowNs;
    d[o + H_FLAGS] = usable === 1 ? FLAG_USABLE : 0;
    d[o + BS_REASON] = usable === 1 ? BOOK_REASON_SYNCED : reason;
    d[o + H_PUB_NS] = monoNs();
    r.publish();
  }

  private publishQuote(s: number, recvNs: number, parsedNs: number, pubNs: number): void {
    const r = this.ring;
    r.claim();
    const d = r.data;
    const o = r.offset;
    d[o + H_KIND] = KIND_QUOTE;
    d[o + H_VENUE] = this.venue;
    d[o + H_MARKET] = this.market;
    d[o + H_SYMBOL] = s;
    d[o + H_SEQ] = this.topUpdateId[s]!;
    d[o + H_EXCH_MS] = this.topExchMs[s]!;
    d[o + H_RECV_NS] = recvNs;
    d[o + H_FLAGS] = this.usableNow[s] === 1 ? FLAG_USABLE : 0;
    d[o + Q_BID_PX] = this.topBidPx[s]!;
    d[o + Q_BID_SZ] = this.topBidSz[s]!;
    d[o + Q_ASK_PX] = this.topAskPx[s]!;
    d[o + Q_ASK_SZ] = this.topAskSz[s]!;
    d[o + H_PUB_NS] = pubNs;
    r.publish();
    this.counters.published++;
    this.hist.record(HOP_PARSED_TO_PUBLISHED, pubNs - parsedNs);
  }

  /** Board entry: ticker touch, then the synced depth book's levels behind it. */
  private writeBoard(s: number, recvNs: number, pubNs: number): void {
    const board = this.board;
    const e = board.entry(this.venue, s);
    const f = board.f64;
    const bidPx = this.topBidPx[s]!;
    const askPx = this.topAskPx[s]!;
    board.beginWrite(e);
    f[e + B_UPDATE_ID] = this.topUpdateId[s]!;
    f[e + B_EXCH_MS] = this.topExchMs[s]!;
    f[e + B_RECV_NS] = recvNs;
    f[e + B_PUB_NS] = pubNs;
    f[e + B_FLAGS] = this.usableNow[s] === 1 ? FLAG_USABLE : 0;
    f[e + B_REASON] = this.usableNow[s] === 1 ? BOOK_REASON_SYNCED : f[e + B_REASON]!;
    f[e + B_BID_PX] = bidPx;
    f[e + B_BID_SZ] = this.topBidSz[s]!;
    f[e + B_ASK_PX] = askPx;
    f[e + B_ASK_SZ] = this.topAskSz[s]!;
    const levels = board.levels;
    const book = this.books[s]!;
    const synced = this.depthEnabled && book.usable;
    f[e + B_NLEVELS] = writeLevels(f, e + B_LEVELS, levels, bidPx, this.topBidSz[s]!, askPx, this.topAskSz[s]!,
      synced ? book.book : null);
    board.endWrite(e);
  }
}

/**
 * Writes up to `levels` levels: the touch (from the ticker, if known), then the depth book's
 * levels strictly behind it on each side. Returns the number of levels written.
 */
export function writeLevels(out: Float64Array, base: number, levels: number, bidPx: number, bidSz: number, askPx: number,
  askSz: number, book: OrderBook | null): number {
  let nb = 0;
  let na = 0;
  if (bidPx > 0) {
    out[base + D_BID_PX] = bidPx;
    out[base + D_BID_SZ] = bidSz;
    nb = 1;
  }
  if (askPx > 0) {
    out[base + D_ASK_PX] = askPx;
    out[base + D_ASK_SZ] = askSz;
    na = 1;
  }
  if (book !== null) {
    for (let i = 0; i < book.bidCount && nb < levels; i++) {
      const px = book.bidPx(i);
      if (nb > 0 && px >= bidPx) continue;
      const o = base + D_LEVEL_WORDS * nb;
      out[o + D_BID_PX] = px;
      out[o + D_BID_SZ] = book.bidSize(i);
      nb++;
    }
    for (let i = 0; i < book.askCount && na < levels; i++) {
      const px = book.askPx(i);
      if (na > 0 && px <= askPx) continue;
      const o = base + D_LEVEL_WORDS * na;
      out[o + D_ASK_PX] = px;
      out[o + D_ASK_SZ] = book.askSize(i);
      na++;
    }
  }
  const n = nb > na ? nb : na;
  for (let i = nb; i < n; i++) {
    out[base + D_LEVEL_WORDS * i + D_BID_PX] = 0;
    out[base + D_LEVEL_WORDS * i + D_BID_SZ] = 0;
  }
  for (let i = na; i < n; i++) {
    out[base + D_LEVEL_WORDS * i + D_ASK_PX] = 0;
    out[base + D_ASK_SZ + D_LEVEL_WORDS * i] = 0;
  }
  return n;
}
