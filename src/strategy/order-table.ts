/**
 * The strategy's own view of its orders, preallocated, struct-of-arrays.
 *
 * Lifecycle of a slot, as the strategy sees an order:
 *
 *   free ──add──▶ LIVE ──venue says final (FILLED/CANCELED/REJECTED)──▶ free
 *                  │
 *                  └─ local deadline (executor EXPIRED, or our cancel unanswered) ──▶ UNKNOWN
 *                                    UNKNOWN ──final venue answer or reconciliation verdict──▶ free
 *                                       │ unknown for risk.reconcile_after_ms: a reconciliation
 *                                       └─ request to the executor, repeated with back-off
 *
 * Only the venue (or a reconciliation verdict) frees a slot: an UNKNOWN order may still fill,
 * so it keeps its slot, its reservation and its place in its round. Slots come from a free
 * list, not from the order id, so one order that never answers costs one slot, never a block
 * of future ids (the old `id & 255` table froze every symbol ~256 orders after a lost report).
 *
 * Fills are booked at their own price and fee, and deduplicated by cumulative quantity: a
 * report covers the interval (cumQty − lastQty, cumQty] of the order's fill. One above the
 * highest cumQty seen is new; one that starts above it shows reports before it are missing
 * (lost, or reordered behind it), and that gap is kept (up to GAPS_PER_ORDER per order) so
 * the missing report is booked when it comes, at its own price, while a duplicate (outside
 * every gap) adds nothing. A quantity is never booked at another report's price: money stays
 * exact. A gap that cannot be kept (more than GAPS_PER_ORDER at once) is left to the final
 * answer's cumQty: the order stays unknown until a reconciliation verdict books it.
 */
export const ORDER_SLOTS = 256;
/** Fill gaps (missing reports) tracked per order; more are settled by a verdict. */
export const GAPS_PER_ORDER = 4;
/** Quantities closer than this are equal (sums of partial fills carry float noise). */
export const FILL_EPS = 1e-12;

export const OS_FREE = 0;
export const OS_LIVE = 1;
export const OS_UNKNOWN = 2;

export class OrderTable {
  readonly capacity: number;
  readonly id: Float64Array;
  readonly pairId: Float64Array;
  readonly venue: Int32Array;
  readonly symbol: Int32Array;
  readonly side: Int32Array;
  readonly role: Int32Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  /** Base filled so far, and its quote amount (for the average price). */
  readonly filled: Float64Array;
  readonly filledQuote: Float64Array;
  /**
   * Fees booked so far, per unit: in base and in quote (an order's fees can change unit midway:
   * a commission in a third asset turns them to quote, fee-units.ts). A verdict's total, in one
   * unit, minus these restated in that unit is what is new (order-flow.ts bookedFeeIn).
   */
  readonly feeBookedBase: Float64Array;
  readonly feeBookedQuote: Float64Array;
  /** Highest cumQty a fill report has shown (the order's fill is known up to here, gaps aside). */
  readonly maxCum: Float64Array;
  /** Open gaps (lo, hi] below maxCum whose fill reports have not come: GAPS_PER_ORDER pairs per slot. */
  readonly gaps: Float64Array;
  readonly gapCount: Uint8Array;
  readonly deadlineNs: Float64Array;
  /** 0 = no cancel sent; otherwise when it was sent (ns). */
  readonly cancelNs: Float64Array;
  /** When the order became UNKNOWN (0 while LIVE). */
  readonly unknownNs: Float64Array;
  /**
   * A final answer that reported more fill (cumQty) than was booked: the fill report is
   * missing or behind. The order stays UNKNOWN until fills reach this quantity (or a verdict).
   */
  readonly finalCum: Float64Array;
  /** 1 once an unresolved-order alert was raised for it. */
  readonly escalated: Uint8Array;
  /** Reconciliation requests sent for it, and when the next may go (order-flow.ts). */
  readonly verdictAsks: Uint16Array;
  readonly verdictAskNs: Float64Array;
  /** Quote (buy) or base (sell) still reserved for the unfilled rest. */
  readonly reserved: Float64Array;
  readonly state: Uint8Array;
  private readonly freeList: Int32Array;
  private freeTop: number;
  liveCount = 0;
  unknownCount = 0;

  constructor(capacity = ORDER_SLOTS) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`order table needs at least 2 slots, got ${capacity}`);
    this.capacity = capacity;
    this.id = new Float64Array(capacity);
    this.pairId = new Float64Array(capacity);
    this.venue = new Int32Array(capacity);
    this.symbol = new Int32Array(capacity);
    this.side = new Int32Array(capacity);
    this.role = new Int32Array(capacity);
    this.price = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
    this.filled = new Float64Array(capacity);
    this.filledQuote = new Float64Array(capacity);
    this.feeBookedBase = new Float64Array(capacity);
    this.feeBookedQuote = new Float64Array(capacity);
    this.maxCum = new Float64Array(capacity);
    this.gaps = new Float64Array(capacity * GAPS_PER_ORDER * 2);
    this.gapCount = new Uint8Array(capacity);
    this.deadlineNs = new Float64Array(capacity);
    this.cancelNs = new Float64Array(capacity);
    this.unknownNs = new Float64Array(capacity);
    this.escalated = new Uint8Array(capacity);
    this.verdictAsks = new Uint16Array(capacity);
    this.verdictAskNs = new Float64Array(capacity);
    this.finalCum = new Float64Array(capacity);
    this.reserved = new Float64Array(capacity);
    this.state = new Uint8Array(capacity);
    this.freeList = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeList[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  /** Slots free for new orders. */
  get free(): number {
    return this.freeTop;
  }

  /** Takes a slot (LIVE). Returns it, or -1 when the table is full. */
  add(orderId: number, pairId: number, venue: number, symbol: number, side: number, role: number, price: number, qty: number, deadlineNs: number, reserved: number): number {
    if (this.freeTop === 0) return -1;
    const k = this.freeList[--this.freeTop]!;
    this.id[k] = orderId;
    this.pairId[k] = pairId;
    this.venue[k] = venue;
    this.symbol[k] = symbol;
    this.side[k] = side;
    this.role[k] = role;
    this.price[k] = price;
    this.qty[k] = qty;
    this.filled[k] = 0;
    this.filledQuote[k] = 0;
    this.feeBookedBase[k] = 0;
    this.feeBookedQuote[k] = 0;
    this.maxCum[k] = 0;
    this.gapCount[k] = 0;
    this.deadlineNs[k] = deadlineNs;
    this.cancelNs[k] = 0;
    this.unknownNs[k] = 0;
    this.escalated[k] = 0;
    this.verdictAsks[k] = 0;
    this.verdictAskNs[k] = 0;
    this.finalCum[k] = -1;
    this.reserved[k] = reserved;
    this.state[k] = OS_LIVE;
    this.liveCount++;
    return k;
  }

  /** Slot of an order the venue has not finished (LIVE or UNKNOWN), or -1. */
  find(orderId: number): number {
    const st = this.state;
    const id = this.id;
    for (let k = 0; k < this.capacity; k++) if (st[k] !== OS_FREE && id[k] === orderId) return k;
    return -1;
  }

  /** Notes a gap (lo, hi] in order k's fill reports; false when no room is left to track it. */
  addGap(k: number, lo: number, hi: number): boolean {
    const n = this.gapCount[k]!;
    if (n >= GAPS_PER_ORDER) return false;
    const i = (k * GAPS_PER_ORDER + n) * 2;
    this.gaps[i] = lo;
    this.gaps[i + 1] = hi;
    this.gapCount[k] = n + 1;
    return true;
  }

  /**
   * A report covering (start, cum] below maxCum: true if it lies inside an open gap (the
   * missing report, late), which then shrinks or splits; false for a duplicate.
   */
  takeGap(k: number, start: number, cum: number): boolean {
    const g = this.gaps;
    const base = k * GAPS_PER_ORDER * 2;
    const n = this.gapCount[k]!;
    for (let j = 0; j < n; j++) {
      const i = base + j * 2;
      const lo = g[i]!;
      const hi = g[i + 1]!;
      if (start < lo - FILL_EPS || cum > hi + FILL_EPS) continue;
      const leftEmpty = start <= lo + FILL_EPS;
      const rightEmpty = cum >= hi - FILL_EPS;
      if (leftEmpty && rightEmpty) {
        // Closed: the last gap moves into its place.
        const last = base + (n - 1) * 2;
        g[i] = g[last]!;
        g[i + 1] = g[last + 1]!;
        this.gapCount[k] = n - 1;
      } else if (leftEmpty) {
        g[i] = cum;
      } else if (rightEmpty) {
        g[i + 1] = start;
      } else {
        // From the middle: two pieces. The right one gets a new entry if there is room; if
        // not, its report will find no gap and the final answer's cumQty asks for a verdict.
        g[i + 1] = start;
        this.addGap(k, cum, hi);
      }
      return true;
    }
    return false;
  }

  markUnknown(k: number, nowNs: number): void {
    if (this.state[k] !== OS_LIVE) return;
    this.state[k] = OS_UNKNOWN;
    this.unknownNs[k] = nowNs;
    this.unknownCount++;
  }

  release(k: number): void {
    const s = this.state[k];
    if (s === OS_FREE) return;
    if (s === OS_UNKNOWN) this.unknownCount--;
    this.state[k] = OS_FREE;
    this.liveCount--;
    this.freeList[this.freeTop++] = k;
  }
}
