/**
 * The top-`depth` window of a book, as a Bybit `orderbook.{depth}` topic shows it, and the
 * changes to that window not yet sent. When levels are inserted above, the worst visible
 * levels fall out of the window and must be sent as deletions; when levels above are removed,
 * deeper levels come into it and must be sent with their sizes. Both follow from comparing
 * the window's worst price (its bound) before and after each update.
 */
import type { BookSide } from './book-side.js';
import type { UpdateBatch } from './update-batch.js';

export class DepthView {
  /** Worst visible price per side [bid, ask]; NaN when the side is empty. */
  private readonly bound = new Float64Array(2);
  readonly pendingBids = new Map<number, number>();
  readonly pendingAsks = new Map<number, number>();

  constructor(readonly depth: number, private readonly bids: BookSide, private readonly asks: BookSide) {
    this.bound[0] = this.boundOf(bids);
    this.bound[1] = this.boundOf(asks);
  }

  get hasPending(): boolean {
    return this.pendingBids.size > 0 || this.pendingAsks.size > 0;
  }

  clearPending(): void {
    this.pendingBids.clear();
    this.pendingAsks.clear();
  }

  /** Folds the changes [first, end) of `batch` (already applied to the book) into the pending set. */
  apply(batch: UpdateBatch, first: number, end: number): void {
    this.applySide(0, this.bids, this.pendingBids, batch, first, end);
    this.applySide(1, this.asks, this.pendingAsks, batch, first, end);
  }

  private boundOf(side: BookSide): number {
    const n = this.depth < side.count ? this.depth : side.count;
    return n > 0 ? side.prices[n - 1]! : NaN;
  }

  private applySide(sideId: number, side: BookSide, pending: Map<number, number>, batch: UpdateBatch, first: number, end: number): void {
    const oldB = this.bound[sideId]!;
    const newB = this.boundOf(side);
    const sign = side.sign;
    let touched = false;
    for (let j = first; j < end; j++) {
      if (batch.cSide[j] !== sideId) continue;
      touched = true;
      const p = batch.cPrice[j]!;
      const q = batch.cLots[j]!;
      // NaN bounds compare false: nothing is visible on an empty side.
      if (q > 0) {
        if (sign * p >= sign * newB) pending.set(p, q);
      } else if (sign * p >= sign * oldB) {
        pending.set(p, 0);
      }
    }
    if (!touched || oldB === newB) {
      this.bound[sideId] = newB;
      return;
    }
    if (oldB !== oldB) {
      // Was empty: everything now visible was covered by the changes above.
    } else if (newB === newB && sign * newB < sign * oldB) {
      // Window reaches deeper: levels below the old bound down to the new one came into view.
      for (let i = side.position(oldB); i < side.count; i++) {
        const p = side.prices[i]!;
        if (sign * p < sign * newB) break;
        if (p !== oldB) pending.set(p, side.lots[i]!);
      }
    } else if (newB === newB) {
      // Window shrank: levels below the new bound down to the old one fell out of view.
      for (let i = side.position(newB) + 1; i < side.count; i++) {
        const p = side.prices[i]!;
        if (sign * p < sign * oldB) break;
        pending.set(p, 0);
      }
    }
    this.bound[sideId] = newB;
  }
}
