/**
 * Bybit v5 `orderbook.N.<SYM>` book, per VENUES.md B:
 *   - a `snapshot` (at any time), or any message with u = 1 (service restart), replaces the book
 *   - a `delta` sets levels: size 0 deletes, an unknown price inserts, a known one updates
 *   - a delta before any snapshot is ignored and counted
 *   - `u` must grow: u <= previous u is a duplicate (IGNORED). In strict mode (default: the
 *     simulator guarantees it, and the real linear archive shows it) u must be exactly
 *     previous u + 1, otherwise GAP; lenient mode accepts any larger u. That +1 step is an
 *     observation, not a documented guarantee, hence the switch.
 *   - `seq` (cross sequence) must not decrease, otherwise GAP
 *   - a crossed book after an update -> CROSSED
 * GAP and CROSSED drop the book; deltas are then ignored until the next snapshot (the caller
 * resubscribes to get one).
 */
import { OrderBook, BOOK_ASK, BOOK_BID, DEFAULT_BOOK_CAPACITY } from '../order-book.js';
import type { ParsedFrame } from '../parsed-frame.js';
import { SYNC_APPLIED, SYNC_CROSSED, SYNC_GAP, SYNC_IGNORED, SYNC_RESET, type DepthSnapshot, type SyncCounters } from '../sync-result.js';

export interface BybitBookSyncOptions {
  bookCapacity?: number;
  /** Require delta u = previous u + 1 (default true). */
  strictUpdateIds?: boolean;
}

export class BybitBookSync implements SyncCounters {
  readonly book: OrderBook;
  readonly strict: boolean;
  hasSnapshot = false;
  lastU = -1;
  lastSeq = -1;

  applied = 0;
  buffered = 0; // Bybit needs no buffering; kept for the common counter shape
  ignored = 0;
  gaps = 0;
  crossed = 0;
  resyncs = 0;
  snapshots = 0;
  deltasBeforeSnapshot = 0;

  constructor(opts: BybitBookSyncOptions = {}) {
    this.book = new OrderBook(opts.bookCapacity ?? DEFAULT_BOOK_CAPACITY);
    this.strict = opts.strictUpdateIds ?? true;
  }

  get usable(): boolean {
    return this.hasSnapshot;
  }

  reset(): void {
    this.book.clear();
    this.hasSnapshot = false;
    this.lastU = -1;
    this.lastSeq = -1;
  }

  /** One orderbook frame (MSG_DEPTH_SNAPSHOT or MSG_DEPTH_DELTA) for this book's topic. */
  onDiff(f: ParsedFrame): number {
    const book = this.book;
    if (f.snapshot === 1 || f.updateId === 1) {
      book.clear();
      book.setMany(BOOK_BID, f.bidsPx, f.bidsSz, f.nBids);
      book.setMany(BOOK_ASK, f.asksPx, f.asksSz, f.nAsks);
      this.lastU = f.updateId;
      this.lastSeq = f.crossSeq;
      this.hasSnapshot = true;
      this.snapshots++;
      return this.checkCrossed(SYNC_RESET);
    }
    if (!this.hasSnapshot) {
      this.deltasBeforeSnapshot++;
      this.ignored++;
      return SYNC_IGNORED;
    }
    const u = f.updateId;
    if (u <= this.lastU) {
      this.ignored++;
      return SYNC_IGNORED;
    }
    if ((this.strict && u !== this.lastU + 1) || (f.crossSeq >= 0 && f.crossSeq < this.lastSeq)) {
      this.gaps++;
      this.drop();
      return SYNC_GAP;
    }
    book.setMany(BOOK_BID, f.bidsPx, f.bidsSz, f.nBids);
    book.setMany(BOOK_ASK, f.asksPx, f.asksSz, f.nAsks);
    this.lastU = u;
    if (f.crossSeq >= 0) this.lastSeq = f.crossSeq;
    return this.checkCrossed(SYNC_APPLIED);
  }

  /** A REST snapshot (`/v5/market/orderbook`): replaces the book like a WS snapshot. */
  onSnapshot(snap: DepthSnapshot): number {
    const book = this.book;
    book.clear();
    for (const [px, sz] of snap.bids) book.set(BOOK_BID, px, sz);
    for (const [px, sz] of snap.asks) book.set(BOOK_ASK, px, sz);
    this.lastU = snap.lastUpdateId;
    this.lastSeq = -1;
    this.hasSnapshot = true;
    this.snapshots++;
    return this.checkCrossed(SYNC_RESET);
  }

  private checkCrossed(ok: number): number {
    if (this.book.isCrossed()) {
      this.crossed++;
      this.drop();
      return SYNC_CROSSED;
    }
    this.applied++;
    return ok;
  }

  private drop(): void {
    this.book.clear();
    this.hasSnapshot = false;
    this.resyncs++;
  }
}
