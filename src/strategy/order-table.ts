/**
 * The strategy's own view of its live orders, preallocated: slot = orderId & (SLOTS − 1).
 * Order ids grow by one per order and only a handful are live at a time (two legs and a hedge
 * per symbol), so a slot is free again long before its id wraps around to it; `add` refuses
 * (returns -1) rather than overwrite a live order.
 */
export const ORDER_SLOTS = 256;
const MASK = ORDER_SLOTS - 1;

export class OrderTable {
  readonly id = new Float64Array(ORDER_SLOTS);
  readonly pairId = new Float64Array(ORDER_SLOTS);
  readonly venue = new Int32Array(ORDER_SLOTS);
  readonly symbol = new Int32Array(ORDER_SLOTS);
  readonly side = new Int32Array(ORDER_SLOTS);
  readonly role = new Int32Array(ORDER_SLOTS);
  readonly price = new Float64Array(ORDER_SLOTS);
  readonly qty = new Float64Array(ORDER_SLOTS);
  readonly filled = new Float64Array(ORDER_SLOTS);
  readonly deadlineNs = new Float64Array(ORDER_SLOTS);
  /** 0 = no cancel sent; otherwise when it was sent (ns). */
  readonly cancelNs = new Float64Array(ORDER_SLOTS);
  readonly live = new Uint8Array(ORDER_SLOTS);
  /**
   * 1 once the strategy gave up waiting for a terminal report (order_timeout after the cancel):
   * the round treats the order as done, but the slot stays so a late fill is still booked.
   */
  readonly forcedExpired = new Uint8Array(ORDER_SLOTS);
  liveCount = 0;

  /** True if `n` more orders can be added starting at `firstId` (ids consecutive). */
  hasRoom(firstId: number, n: number): boolean {
    for (let i = 0; i < n; i++) if (this.live[(firstId + i) & MASK] === 1) return false;
    return true;
  }

  add(orderId: number, pairId: number, venue: number, symbol: number, side: number, role: number, price: number, qty: number, deadlineNs: number): number {
    const k = orderId & MASK;
    if (this.live[k] === 1) return -1;
    this.id[k] = orderId;
    this.pairId[k] = pairId;
    this.venue[k] = venue;
    this.symbol[k] = symbol;
    this.side[k] = side;
    this.role[k] = role;
    this.price[k] = price;
    this.qty[k] = qty;
    this.filled[k] = 0;
    this.deadlineNs[k] = deadlineNs;
    this.cancelNs[k] = 0;
    this.forcedExpired[k] = 0;
    this.live[k] = 1;
    this.liveCount++;
    return k;
  }

  /** Slot of a live order, or -1 (unknown, or already terminal). */
  find(orderId: number): number {
    const k = orderId & MASK;
    return this.live[k] === 1 && this.id[k] === orderId ? k : -1;
  }

  release(k: number): void {
    if (this.live[k] === 1) {
      this.live[k] = 0;
      this.liveCount--;
    }
  }
}
