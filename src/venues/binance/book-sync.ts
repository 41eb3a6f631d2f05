/**
 * Binance local order book from diff-depth events plus a REST snapshot, following
 * VENUES.md A "Local order book procedure" (spot) and the USD-M `pu` rule (futures).
 *
 * State AWAITING_SNAPSHOT: diff events are buffered (levels copied into a preallocated pool;
 * a break in the buffered chain restarts the buffer from the breaking event; pool overflow
 * empties it and returns OVERFLOW). The caller fetches the REST snapshot and calls onSnapshot:
 *   - lastUpdateId < first buffered U           -> REFETCH (snapshot older than the buffer)
 *   - book := snapshot, book id := lastUpdateId, buffered events replayed by the live rules
 *   - the first kept event does not straddle    -> REFETCH (buffer kept, book not usable)
 * State SYNCED, each event (spot):
 *   - u <= id -> IGNORED;  U > id + 1 -> GAP;  else apply, id := u
 *   (the doc drops `u <= lastUpdateId` at the snapshot and ignores `u < id` live; `u == id`
 *   can only be a duplicate of the event just applied, so it is ignored in both places.)
 * Futures:
 *   - first event after the snapshot: u < lastUpdateId -> IGNORED; it must have
 *     U <= lastUpdateId <= u, else resync
 *   - afterwards: u <= id -> IGNORED (duplicate); pu != id -> GAP; else apply, id := u
 * GAP and CROSSED discard the book and go back to AWAITING_SNAPSHOT; the event that revealed
 * a gap becomes the first buffered event of the next attempt. The caller fetches a snapshot.
 */
import { OrderBook, BOOK_ASK, BOOK_BID, DEFAULT_BOOK_CAPACITY } from '../order-book.js';
import type { ParsedFrame } from '../parsed-frame.js';
import {
  SYNC_APPLIED,
  SYNC_BUFFERED,
  SYNC_CROSSED,
  SYNC_GAP,
  SYNC_IGNORED,
  SYNC_OVERFLOW,
  SYNC_REFETCH,
  SYNC_RESET,
  type SyncCounters,
} from '../sync-result.js';

export const STATE_AWAITING_SNAPSHOT = 0;
export const STATE_SYNCED = 1;

export const BINANCE_SPOT = 0;
export const BINANCE_FUTURES = 1;

export interface BinanceBookSyncOptions {
  /** Levels per side (default 6000: a 5000-level spot snapshot fits). */
  bookCapacity?: number;
  /** Diff events buffered while waiting for the snapshot (default 2048). */
  maxBufferedEvents?: number;
  /** Total levels across buffered events (default 262144). */
  maxBufferedLevels?: number;
}

// outcome of the sequencing rules for one event
const STEP_APPLY = 0;
const STEP_IGNORE = 1;
const STEP_GAP = 2;

export class BinanceBookSync implements SyncCounters {
  readonly book: OrderBook;
  readonly flavour: number;
  state = STATE_AWAITING_SNAPSHOT;
  /** Book update id (last applied `u`, or the snapshot's lastUpdateId). */
  bookId = -1;
  /** True between a snapshot and the first event applied on top of it. */
  private firstPending = false;

  // buffered events (struct of arrays) and their levels
  private readonly maxEvents: number;
  private readonly maxLevels: number;
  private readonly evFirst: Float64Array;
  private readonly evLast: Float64Array;
  private readonly evPrev: Float64Array;
  private readonly evStart: Int32Array;
  private readonly evBids: Int32Array;
  private readonly evAsks: Int32Array;
  private readonly lvlPx: Float64Array;
  private readonly lvlSz: Float64Array;
  private nEvents = 0;
  private nLevels = 0;

  applied = 0;
  buffered = 0;
  ignored = 0;
  gaps = 0;
  crossed = 0;
  resyncs = 0;
  snapshots = 0;
  refetches = 0;
  overflows = 0;

  constructor(flavour: number = BINANCE_SPOT, opts: BinanceBookSyncOptions = {}) {
    this.flavour = flavour;
    this.book = new OrderBook(opts.bookCapacity ?? DEFAULT_BOOK_CAPACITY);
    this.maxEvents = opts.maxBufferedEvents ?? 2048;
    this.maxLevels = opts.maxBufferedLevels ?? 262144;
    this.evFirst = new Float64Array(this.maxEvents);
    this.evLast = new Float64Array(this.maxEvents);
    this.evPrev = new Float64Array(this.maxEvents);
    this.evStart = new Int32Array(this.maxEvents);
    this.evBids = new Int32Array(this.maxEvents);
    this.evAsks = new Int32Array(this.maxEvents);
    this.lvlPx = new Float64Array(this.maxLevels);
    this.lvlSz = new Float64Array(this.maxLevels);
  }

  get usable(): boolean {
    return this.state === STATE_SYNCED;
  }

  /** Number of diff events waiting for a snapshot. */
  get bufferedEvents(): number {
    return this.nEvents;
  }

  /** First `U` of the buffer (-1 when empty): a snapshot must be at least this recent. */
  get firstBufferedU(): number {
    return this.nEvents > 0 ? this.evFirst[0] : -1;
  }

  /** Forget book and buffer (reconnect). */
  reset(): void {
    this.book.clear();
    this.state = STATE_AWAITING_SNAPSHOT;
    this.bookId = -1;
    this.firstPending = false;
    this.nEvents = 0;
    this.nLevels = 0;
  }

  /** One depthUpdate frame (MSG_DEPTH_DELTA) for this book's symbol. */
  onDiff(f: ParsedFrame): number {
    if (this.state !== STATE_SYNCED) return this.bufferEvent(f);
    const step = this.step(f.firstUpdateId, f.updateId, f.prevUpdateId);
    if (step === STEP_IGNORE) {
      this.ignored++;
      return SYNC_IGNORED;
    }
    if (step === STEP_GAP) {
      this.gaps++;
      this.discard();
      this.bufferEvent(f);
      return SYNC_GAP;
    }
    const book = this.book;
    book.setMany(BOOK_BID, f.bidsPx, f.bidsSz, f.nBids);
    book.setMany(BOOK_ASK, f.asksPx, f.asksSz, f.nAsks);
    return this.afterApply(f.updateId);
  }

  /**
   * The REST snapshot (`GET /api/v3/depth` or `/fapi/v1/depth`). Returns RESET when the book is
   * usable, REFETCH when a newer snapshot is needed, CROSSED if the result is crossed.
   */
  onSnapshot(lastUpdateId: number, bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): number {
    if (this.nEvents > 0 && lastUpdateId < this.evFirst[0]) {
      this.refetches++;
      return SYNC_REFETCH;
    }
    const book = this.book;
    book.clear();
    for (let i = 0; i < bids.length; i++) book.set(BOOK_BID, bids[i][0], bids[i][1]);
    for (let i = 0; i < asks.length; i++) book.set(BOOK_ASK, asks[i][0], asks[i][1]);
    this.bookId = lastUpdateId;
    this.state = STATE_SYNCED;
    this.firstPending = true;
    this.snapshots++;
    // replay the buffer through the live rules
    for (let i = 0; i < this.nEvents; i++) {
      const wasFirst = this.firstPending;
      const step = this.step(this.evFirst[i], this.evLast[i], this.evPrev[i]);
      if (step === STEP_IGNORE) {
        this.ignored++;
        continue;
      }
      if (step === STEP_GAP) {
        // The first kept event does not straddle the snapshot: the buffer is fine, the
        // snapshot is not. Keep the buffer, drop the book, ask for another snapshot.
        book.clear();
        this.state = STATE_AWAITING_SNAPSHOT;
        this.bookId = -1;
        this.firstPending = false;
        if (wasFirst) {
          this.refetches++;
          return SYNC_REFETCH;
        }
        this.gaps++;
        this.resyncs++;
        this.nEvents = 0;
        this.nLevels = 0;
        return SYNC_GAP;
      }
      const s = this.evStart[i];
      const nb = this.evBids[i];
      const na = this.evAsks[i];
      for (let j = 0; j < nb; j++) book.set(BOOK_BID, this.lvlPx[s + j], this.lvlSz[s + j]);
      for (let j = 0; j < na; j++) book.set(BOOK_ASK, this.lvlPx[s + nb + j], this.lvlSz[s + nb + j]);
      this.bookId = this.evLast[i];
      this.firstPending = false;
      this.applied++;
    }
    this.nEvents = 0;
    this.nLevels = 0;
    if (book.isCrossed()) {
      this.crossed++;
      this.discard();
      return SYNC_CROSSED;
    }
    return SYNC_RESET;
  }

  /** The sequencing rules of VENUES.md for one event against the current book id. */
  private step(first: number, last: number, prev: number): number {
    const id = this.bookId;
    if (this.flavour === BINANCE_FUTURES) {
      if (this.firstPending) {
        if (last < id) return STEP_IGNORE;
        return first <= id && id <= last ? STEP_APPLY : STEP_GAP;
      }
      if (last <= id) return STEP_IGNORE;
      return prev === id ? STEP_APPLY : STEP_GAP;
    }
    if (last <= id) return STEP_IGNORE;
    return first > id + 1 ? STEP_GAP : STEP_APPLY;
  }

  private afterApply(u: number): number {
    this.bookId = u;
    this.firstPending = false;
    if (this.book.isCrossed()) {
      this.crossed++;
      this.discard();
      return SYNC_CROSSED;
    }
    this.applied++;
    return SYNC_APPLIED;
  }

  /** Drop the book and any buffer; wait for a new snapshot. */
  private discard(): void {
    this.book.clear();
    this.state = STATE_AWAITING_SNAPSHOT;
    this.bookId = -1;
    this.firstPending = false;
    this.nEvents = 0;
    this.nLevels = 0;
    this.resyncs++;
  }

  private bufferEvent(f: ParsedFrame): number {
    const n = this.nEvents;
    if (n > 0) {
      const lastU = this.evLast[n - 1];
      if (f.updateId <= lastU) {
        this.ignored++;
        return SYNC_IGNORED; // duplicate of a buffered event
      }
      const broken = this.flavour === BINANCE_FUTURES ? f.prevUpdateId !== lastU : f.firstUpdateId > lastU + 1;
      if (broken) {
        // events were lost while buffering: only events from here on can follow a snapshot
        this.gaps++;
        this.nEvents = 0;
        this.nLevels = 0;
      }
    }
    const nb = f.nBids;
    const na = f.nAsks;
    if (this.nEvents === this.maxEvents || this.nLevels + nb + na > this.maxLevels) {
      this.overflows++;
      this.resyncs++;
      this.nEvents = 0;
      this.nLevels = 0;
      return SYNC_OVERFLOW;
    }
    const i = this.nEvents;
    const s = this.nLevels;
    this.evFirst[i] = f.firstUpdateId;
    this.evLast[i] = f.updateId;
    this.evPrev[i] = f.prevUpdateId;
    this.evStart[i] = s;
    this.evBids[i] = nb;
    this.evAsks[i] = na;
    const px = this.lvlPx;
    const sz = this.lvlSz;
    for (let j = 0; j < nb; j++) {
      px[s + j] = f.bidsPx[j];
      sz[s + j] = f.bidsSz[j];
    }
    for (let j = 0; j < na; j++) {
      px[s + nb + j] = f.asksPx[j];
      sz[s + nb + j] = f.asksSz[j];
    }
    this.nEvents = i + 1;
    this.nLevels = s + nb + na;
    this.buffered++;
    return SYNC_BUFFERED;
  }
}
