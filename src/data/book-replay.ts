/**
 * BookReplay: drives one store file's events through its venue's own frame parser and book
 * sync (src/venues), as the live feed would, and reports each book change.
 *
 *   - top-of-book frames (Binance bookTicker, Bybit orderbook.1)  -> src "ticker"
 *   - diff depth (Binance depthUpdate, Bybit orderbook.N) through BinanceBookSync /
 *     BybitBookSync, and REST snapshot lines through the sync's onSnapshot -> src "depth",
 *     but only while the book is synced; the rest is counted in `unsynced`
 *   - full images the sync does not need (Binance partial depth @depthN) -> src "depth" as is
 */
import { MARKET_NAMES, MARKET_SPOT } from '../core/records.js';
import { SymbolTable } from '../core/symbols.js';
import { BinanceBookSync } from '../venues/binance/book-sync.js';
import { BybitBookSync } from '../venues/bybit/book-sync.js';
import type { OrderBook } from '../venues/order-book.js';
import { MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_ERROR, MSG_QUOTE, type ParsedFrame } from '../venues/parsed-frame.js';
import { venueAdapter } from '../venues/registry.js';
import { SYNC_APPLIED, SYNC_RESET } from '../venues/sync-result.js';
import type { BookSync, FrameParser, VenueAdapter } from '../venues/venue.js';
import { EV_SNAPSHOT, RecordingReader } from './recording-reader.js';
import type { RecordingHeader } from './store.js';

export type BookSource = 'ticker' | 'depth';

/** One book change, as `xarb data cat` prints it. Prices and sizes are numbers. */
export interface BookLine {
  venue: string;
  market: string;
  symbol: string;
  src: BookSource;
  /** Exchange event time, epoch ms; null when the message has none (Binance spot bookTicker). */
  exch_ts: number | null;
  /** Local receive time, epoch ms (from `t` through the file's header). */
  local_ts: number;
  bids: [number, number][];
  asks: [number, number][];
}

export interface ReplayCounters {
  events: number;
  printed: number;
  /** Depth frames or snapshots that left no usable book (before a snapshot, after a gap). */
  unsynced: number;
  /** Frames the parser rejected. */
  parseErrors: number;
  /** Frames that carry no book (trades, acks). */
  other: number;
}

export class BookReplay {
  readonly counters: ReplayCounters = { events: 0, printed: 0, unsynced: 0, parseErrors: 0, other: 0 };
  private readonly adapter: VenueAdapter;
  private readonly parser: FrameParser;
  private readonly sync: BookSync;
  private readonly market: number;

  constructor(
    private readonly header: RecordingHeader,
    private readonly depth: number,
  ) {
    this.adapter = venueAdapter(header.venue);
    const m = MARKET_NAMES.indexOf(header.market);
    this.market = m >= 0 ? m : MARKET_SPOT;
    this.parser = this.adapter.createFrameParser(new SymbolTable([header.symbol]), this.market);
    this.sync = this.adapter.createBookSync(this.market);
  }

  /** The book change caused by the reader's current event, or null. */
  onEvent(r: RecordingReader): BookLine | null {
    this.counters.events++;
    // epoch ms rounded to µs (the reader keeps `t` exact; a printed epoch ms cannot hold ns)
    const local = Math.round(r.wallMs() * 1000) / 1000;
    if (r.kind === EV_SNAPSHOT) return this.onSnapshot(r.snapshotText, local);
    const msg = this.parser.parse(r.frame, r.frameLen);
    const f = this.parser.frame;
    if (msg === MSG_QUOTE) return this.fromFrame(f, 'ticker', local);
    if (msg === MSG_DEPTH_DELTA || (msg === MSG_DEPTH_SNAPSHOT && this.sync instanceof BybitBookSync)) {
      const res = this.sync.onDiff(f);
      if ((res === SYNC_APPLIED || res === SYNC_RESET) && this.sync.usable) return this.fromBook(f.exchMs, local);
      this.counters.unsynced++;
      return null;
    }
    if (msg === MSG_DEPTH_SNAPSHOT) return this.fromFrame(f, 'depth', local);
    if (msg === MSG_ERROR) this.counters.parseErrors++;
    else this.counters.other++;
    return null;
  }

  private onSnapshot(text: string, local: number): BookLine | null {
    let snap;
    try {
      snap = this.adapter.parseSnapshot(text);
    } catch {
      this.counters.parseErrors++;
      return null;
    }
    const s = this.sync;
    const res = s instanceof BinanceBookSync ? s.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks) : (s as BybitBookSync).onSnapshot(snap);
    if (res === SYNC_RESET && s.usable) return this.fromBook(snap.exchMs, local);
    this.counters.unsynced++;
    return null;
  }

  private line(src: BookSource, exchMs: number, local: number): BookLine {
    this.counters.printed++;
    const h = this.header;
    return { venue: h.venue, market: h.market, symbol: h.symbol, src, exch_ts: exchMs > 0 ? exchMs : null, local_ts: local, bids: [], asks: [] };
  }

  private fromBook(exchMs: number, local: number): BookLine {
    const out = this.line('depth', exchMs, local);
    const b: OrderBook = this.sync.book;
    for (let i = 0; i < this.depth && i < b.bidCount; i++) out.bids.push([b.bidPx(i), b.bidSize(i)]);
    for (let i = 0; i < this.depth && i < b.askCount; i++) out.asks.push([b.askPx(i), b.askSize(i)]);
    return out;
  }

  /** Levels as the frame carries them (top of book, or a full partial-depth image). */
  private fromFrame(f: ParsedFrame, src: BookSource, local: number): BookLine {
    const out = this.line(src, f.exchMs, local);
    if (src === 'ticker') {
      if (f.bidPx > 0) out.bids.push([f.bidPx, f.bidSz]);
      if (f.askPx > 0) out.asks.push([f.askPx, f.askSz]);
      return out;
    }
    for (let i = 0; i < this.depth && i < f.nBids; i++) if (f.bidsPx[i]! > 0) out.bids.push([f.bidsPx[i]!, f.bidsSz[i]!]);
    for (let i = 0; i < this.depth && i < f.nAsks; i++) if (f.asksPx[i]! > 0) out.asks.push([f.asksPx[i]!, f.asksSz[i]!]);
    return out;
  }
}
