/**
 * An L2 order book with a fixed capacity per side and no allocation after construction.
 *
 * Each side is a pair of Float64Arrays (key, size) kept sorted ascending by key, where
 * key = price for bids and key = -price for asks. The best level is therefore the LAST one on
 * both sides: most updates land near the touch, and inserting or deleting there moves only the
 * few levels above it (copyWithin), not the whole deep tail. Lookup is a binary search.
 *
 * When a side is full, a new level that is better than the worst one pushes the worst out;
 * one that is worse is dropped. Either way `overflowDropped` counts it.
 */
import { D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVELS, D_LEVEL_COUNT, D_LEVEL_WORDS } from '../core/records.js';

export const BOOK_BID = 0;
export const BOOK_ASK = 1;

export const DEFAULT_BOOK_CAPACITY = 6000;

export class OrderBook {
  readonly capacity: number;
  private readonly bidKey: Float64Array;
  private readonly bidSz: Float64Array;
  private readonly askKey: Float64Array;
  private readonly askSz: Float64Array;
  bidCount = 0;
  askCount = 0;
  /** Levels lost because a side was full. */
  overflowDropped = 0;
  /** Deletions (size 0) of a price the book did not hold: normal on Binance, counted. */
  removedUnknown = 0;

  constructor(capacity: number = DEFAULT_BOOK_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`order book capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.bidKey = new Float64Array(capacity);
    this.bidSz = new Float64Array(capacity);
    this.askKey = new Float64Array(capacity);
    this.askSz = new Float64Array(capacity);
  }

  clear(): void {
    this.bidCount = 0;
    this.askCount = 0;
  }

  /** Set the size at a price (absolute); size 0 removes the level. */
  set(side: number, px: number, sz: number): void {
    if (side === BOOK_BID) this.bidCount = this.setIn(this.bidKey, this.bidSz, this.bidCount, px, sz);
    else this.askCount = this.setIn(this.askKey, this.askSz, this.askCount, -px, sz);
  }

  /** Apply n levels from parallel arrays to one side. */
  setMany(side: number, px: Float64Array, sz: Float64Array, n: number): void {
    for (let i = 0; i < n; i++) this.set(side, px[i], sz[i]);
  }

  private setIn(keys: Float64Array, sizes: Float64Array, n: number, key: number, sz: number): number {
    // lower bound: first index with keys[i] >= key
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && keys[lo] === key) {
      if (sz === 0) {
        keys.copyWithin(lo, lo + 1, n);
        sizes.copyWithin(lo, lo + 1, n);
        return n - 1;
      }
      sizes[lo] = sz;
      return n;
    }
    if (sz === 0) {
      this.removedUnknown++;
      return n;
    }
    if (n === this.capacity) {
      this.overflowDropped++;
      if (lo === 0) return n; // worse than every level held: drop the new one
      // drop the worst (index 0) and insert at lo - 1
      keys.copyWithin(0, 1, lo);
      sizes.copyWithin(0, 1, lo);
      keys[lo - 1] = key;
      sizes[lo - 1] = sz;
      return n;
    }
    keys.copyWithin(lo + 1, lo, n);
    sizes.copyWithin(lo + 1, lo, n);
    keys[lo] = key;
    sizes[lo] = sz;
    return n + 1;
  }

  /** Size held at a price (0 if none). */
  sizeAt(side: number, px: number): number {
    const keys = side === BOOK_BID ? this.bidKey : this.askKey;
    const sizes = side === BOOK_BID ? this.bidSz : this.askSz;
    const n = side === BOOK_BID ? this.bidCount : this.askCount;
    const key = side === BOOK_BID ? px : -px;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && keys[lo] === key ? sizes[lo] : 0;
  }

  /** i-th best bid price (0 = best); 0 when absent. */
  bidPx(i: number): number {
    return i < this.bidCount ? this.bidKey[this.bidCount - 1 - i] : 0;
  }
  bidSize(i: number): number {
    return i < this.bidCount ? this.bidSz[this.bidCount - 1 - i] : 0;
  }
  askPx(i: number): number {
    return i < this.askCount ? -this.askKey[this.askCount - 1 - i] : 0;
  }
  askSize(i: number): number {
    return i < this.askCount ? this.askSz[this.askCount - 1 - i] : 0;
  }

  bestBid(): number {
    return this.bidPx(0);
  }
  bestBidSize(): number {
    return this.bidSize(0);
  }
  bestAsk(): number {
    return this.askPx(0);
  }
  bestAskSize(): number {
    return this.askSize(0);
  }

  /** Both sides present and best bid >= best ask. */
  isCrossed(): boolean {
    return this.bidCount > 0 && this.askCount > 0 && this.bidKey[this.bidCount - 1] >= -this.askKey[this.askCount - 1];
  }

  /**
   * Write the top n levels into a depth record at `offset` (records.ts layout: level i at
   * D_LEVELS + 4*i = bid px, bid sz, ask px, ask sz; a missing level is 0, 0) and set
   * D_LEVEL_COUNT = n. Returns the number of levels present on the deeper of the two sides.
   */
  topN(n: number, out: Float64Array, offset: number): number {
    const bc = this.bidCount;
    const ac = this.askCount;
    const bk = this.bidKey;
    const bs = this.bidSz;
    const ak = this.askKey;
    const as = this.askSz;
    for (let i = 0; i < n; i++) {
      const o = offset + D_LEVELS + D_LEVEL_WORDS * i;
      if (i < bc) {
        out[o + D_BID_PX] = bk[bc - 1 - i];
        out[o + D_BID_SZ] = bs[bc - 1 - i];
      } else {
        out[o + D_BID_PX] = 0;
        out[o + D_BID_SZ] = 0;
      }
      if (i < ac) {
        out[o + D_ASK_PX] = -ak[ac - 1 - i];
        out[o + D_ASK_SZ] = as[ac - 1 - i];
      } else {
        out[o + D_ASK_PX] = 0;
        out[o + D_ASK_SZ] = 0;
      }
    }
    out[offset + D_LEVEL_COUNT] = n;
    const deeper = bc > ac ? bc : ac;
    return deeper < n ? deeper : n;
  }
}
