/**
 * The executor's memory of orders it has settled (the venue's final word), kept after their
 * tracker slot is freed, so a reconciliation request for an order whose final report never
 * reached the strategy (the report backlog overflowed, the report ring was lost) is answered
 * from what the venue said, not from a guess.
 *
 * A preallocated ring of `capacity` entries, struct-of-arrays: the oldest is overwritten once
 * it is full (an order that old is answered "no record", and the strategy keeps it unknown
 * and alerts). Written once per final order, read once per reconciliation request (a scan
 * from the newest: requests are rare, a Map would allocate per order).
 */

/** Orders remembered: above the 4096 reports the report sink's backlog can hold. */
export const SETTLED_MEMORY = 8192;

export class SettledOrders {
  readonly capacity: number;
  readonly orderId: Float64Array;
  readonly venue: Float64Array;
  readonly status: Float64Array;
  readonly cumQty: Float64Array;
  readonly cumQuote: Float64Array;
  readonly cumFee: Float64Array;
  readonly feeAsset: Float64Array;
  private next = 0;
  private count = 0;

  constructor(capacity = SETTLED_MEMORY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`settled-order memory needs a positive size, got ${capacity}`);
    this.capacity = capacity;
    this.orderId = new Float64Array(capacity);
    this.venue = new Float64Array(capacity);
    this.status = new Float64Array(capacity);
    this.cumQty = new Float64Array(capacity);
    this.cumQuote = new Float64Array(capacity);
    this.cumFee = new Float64Array(capacity);
    this.feeAsset = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Remembers one order's final state (status, cumulative quantity, quote amount, fee). */
  add(orderId: number, venue: number, status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number): void {
    const i = this.next;
    this.orderId[i] = orderId;
    this.venue[i] = venue;
    this.status[i] = status;
    this.cumQty[i] = cumQty;
    this.cumQuote[i] = cumQuote;
    this.cumFee[i] = cumFee;
    this.feeAsset[i] = feeAsset;
    this.next = (i + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Entry index of `orderId` (the newest if several), or -1 when it is not remembered. */
  find(orderId: number): number {
    const cap = this.capacity;
    for (let n = 1; n <= this.count; n++) {
      const i = (this.next - n + cap) % cap;
      if (this.orderId[i] === orderId) return i;
    }
    return -1;
  }
}
