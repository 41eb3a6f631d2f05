/**
 * One side of a simulated order book: price levels (integer ticks) with quantities (integer
 * lots), kept sorted best first in preallocated typed arrays. Bids are sorted descending,
 * asks ascending; `sign` folds both into "larger key = better" so one code path serves both.
 */
export class BookSide {
  readonly prices: Float64Array;
  readonly lots: Float64Array;
  count = 0;
  /** +1 for bids (higher is better), -1 for asks. */
  readonly sign: number;

  constructor(capacity: number, isBid: boolean) {
    this.prices = new Float64Array(capacity);
    this.lots = new Float64Array(capacity);
    this.sign = isBid ? 1 : -1;
  }

  get capacity(): number {
    return this.prices.length;
  }

  /** Best price, or NaN when empty. */
  best(): number {
    return this.count > 0 ? this.prices[0]! : NaN;
  }

  bestLots(): number {
    return this.count > 0 ? this.lots[0]! : 0;
  }

  worst(): number {
    return this.count > 0 ? this.prices[this.count - 1]! : NaN;
  }

  /** True when price `a` is strictly better than price `b` on this side. */
  better(a: number, b: number): boolean {
    return this.sign * a > this.sign * b;
  }

  /** Index where `price` is or would be inserted (first level not better than it). */
  position(price: number): number {
    const key = this.sign * price;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sign * this.prices[mid]! > key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sets a level's quantity; 0 removes it. Returns false when the side is full (insert refused). */
  set(price: number, lots: number): boolean {
    const i = this.position(price);
    const exists = i < this.count && this.prices[i] === price;
    if (lots <= 0) {
      if (!exists) return true;
      this.prices.copyWithin(i, i + 1, this.count);
      this.lots.copyWithin(i, i + 1, this.count);
      this.count--;
      return true;
    }
    if (exists) {
      this.lots[i] = lots;
      return true;
    }
    if (this.count === this.prices.length) return false;
    this.prices.copyWithin(i + 1, i, this.count);
    this.lots.copyWithin(i + 1, i, this.count);
    this.prices[i] = price;
    this.lots[i] = lots;
    this.count++;
    return true;
  }

  /** Lots at a price, 0 if absent. */
  lotsAt(price: number): number {
    const i = this.position(price);
    return i < this.count && this.prices[i] === price ? this.lots[i]! : 0;
  }
}
