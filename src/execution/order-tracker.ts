/**
 * OrderTracker: every live order's state in a preallocated pool of slots, struct-of-arrays
 * (one Float64Array per field, indexed by slot) so updating an order on the hot path
 * allocates nothing. A free list hands out slots; orderId → slot is a Map (touched once per
 * order, not per quote).
 *
 * Status changes go through the order state machine (order-state.ts). An illegal transition
 * (a fill after a final status, a duplicate ack, ...) never throws: it is counted, per
 * (from, reported) pair, the last one is remembered for the log, and the order is left as it
 * was.
 *
 * Slots are reused: after `release(slot)` the same index may describe another order, so
 * anything that holds a slot across time (a scheduled event) keeps the orderId too and checks
 * `orderId[slot]` before acting.
 */
import { ST_EXPIRED, ST_NEW, ST_SENT } from '../core/records.js';
import { STATUS_COUNT, canExpire, isFinalStatus, nextStatus } from './order-state.js';

/** Called by expireDue for each order that passed its deadline (already moved to EXPIRED). */
export type ExpireHandler = (slot: number) => void;

export class OrderTracker {
  readonly capacity: number;

  // ---- fields, indexed by slot --------------------------------------------------------------
  readonly orderId: Float64Array;
  readonly pairId: Float64Array;
  readonly venue: Float64Array;
  readonly symbol: Float64Array;
  readonly side: Float64Array;
  readonly tif: Float64Array;
  readonly role: Float64Array;
  /** Limit price. */
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly cumQty: Float64Array;
  /** Volume-weighted average fill price (0 until a fill). */
  readonly avgPx: Float64Array;
  /** Fees paid so far, in feeAsset units. */
  readonly fees: Float64Array;
  readonly feeAsset: Float64Array;
  readonly status: Float64Array;
  /** Last venue error code (0 = none). */
  readonly errorCode: Float64Array;
  /** Strategy decision time (intent). */
  readonly intentNs: Float64Array;
  readonly sentNs: Float64Array;
  /** First venue answer received (ack, fill or reject). */
  readonly ackNs: Float64Array;
  /** Final status reached (or expired). */
  readonly doneNs: Float64Array;
  /** Must be resolved by then; 0 = no deadline. */
  readonly deadlineNs: Float64Array;
  /** Feed receive time of the quote that triggered the order (tick-to-order timing). */
  readonly tickRecvNs: Float64Array;
  /** 1 while the slot holds an order. */
  readonly inUse: Uint8Array;

  // ---- counters -------------------------------------------------------------------------------
  /** Illegal transitions, by from * STATUS_COUNT + reported. */
  readonly illegalByPair = new Float64Array(STATUS_COUNT * STATUS_COUNT);
  illegalTransitions = 0;
  lastIllegalOrderId = 0;
  lastIllegalFrom = -1;
  lastIllegalReported = -1;
  /** open() calls refused because every slot was taken. */
  poolExhausted = 0;
  /** open() calls with an orderId already live. */
  duplicateOrderIds = 0;
  expired = 0;

  private readonly freeList: Int32Array;
  private freeTop: number;
  private readonly bySlotId = new Map<number, number>();
  /** No live deadline is earlier than this: lets expireDue skip the scan most of the time. */
  private earliestDeadline = Infinity;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`order tracker capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    const f = (): Float64Array => new Float64Array(capacity);
    this.orderId = f();
    this.pairId = f();
    this.venue = f();
    this.symbol = f();
    this.side = f();
    this.tif = f();
    this.role = f();
    this.price = f();
    this.qty = f();
    this.cumQty = f();
    this.avgPx = f();
    this.fees = f();
    this.feeAsset = f();
    this.status = f();
    this.errorCode = f();
    this.intentNs = f();
    this.sentNs = f();
    this.ackNs = f();
    this.doneNs = f();
    this.deadlineNs = f();
    this.tickRecvNs = f();
    this.inUse = new Uint8Array(capacity);
    this.freeList = new Int32Array(capacity);
    // pop order 0, 1, 2, ... so slot numbers are predictable in tests and dumps
    for (let i = 0; i < capacity; i++) this.freeList[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get liveCount(): number {
    return this.capacity - this.freeTop;
  }

  /** Slot of a live order, or -1. */
  slotOf(orderId: number): number {
    const s = this.bySlotId.get(orderId);
    return s === undefined ? -1 : s;
  }

  /**
   * Takes a slot for a new order in status NEW. Returns the slot, or -1 when the pool is full
   * or the orderId is already live (both counted).
   */
  open(orderId: number, pairId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    tif: number, role: number, intentNs: number, deadlineNs: number, tickRecvNs: number): number {
    if (this.bySlotId.has(orderId)) {
      this.duplicateOrderIds++;
      return -1;
    }
    if (this.freeTop === 0) {
      this.poolExhausted++;
      return -1;
    }
    const s = this.freeList[--this.freeTop]!;
    this.bySlotId.set(orderId, s);
    this.inUse[s] = 1;
    this.orderId[s] = orderId;
    this.pairId[s] = pairId;
    this.venue[s] = venue;
    this.symbol[s] = symbol;
    this.side[s] = side;
    this.tif[s] = tif;
    this.role[s] = role;
    this.price[s] = price;
    this.qty[s] = qty;
    this.cumQty[s] = 0;
    this.avgPx[s] = 0;
    this.fees[s] = 0;
    this.feeAsset[s] = 0;
    this.status[s] = ST_NEW;
    this.errorCode[s] = 0;
    this.intentNs[s] = intentNs;
    this.sentNs[s] = 0;
    this.ackNs[s] = 0;
    this.doneNs[s] = 0;
    this.deadlineNs[s] = deadlineNs;
    this.tickRecvNs[s] = tickRecvNs;
    if (deadlineNs > 0 && deadlineNs < this.earliestDeadline) this.earliestDeadline = deadlineNs;
    return s;
  }

  /** Returns the slot to the pool. The caller is done with the order (final and reported). */
  release(slot: number): void {
    if (this.inUse[slot] !== 1) return;
    this.inUse[slot] = 0;
    this.bySlotId.delete(this.orderId[slot]!);
    this.freeList[this.freeTop++] = slot;
  }

  /**
   * Applies a reported status. Returns the resulting status, or -1 when the transition is
   * illegal (counted; the order is unchanged). Stamps sentNs on SENT, ackNs on the first venue
   * answer, doneNs on a final status or expiry.
   */
  transition(slot: number, reported: number, nowNs: number): number {
    const from = this.status[slot]!;
    const to = nextStatus(from, reported);
    if (to < 0 || this.inUse[slot] !== 1) {
      this.countIllegal(slot, from, reported);
      return -1;
    }
    this.status[slot] = to;
    if (reported === ST_SENT) {
      this.sentNs[slot] = nowNs;
    } else if (from !== ST_NEW && reported !== ST_EXPIRED && this.ackNs[slot] === 0) {
      this.ackNs[slot] = nowNs; // first answer from the venue (a local expiry is not one)
    }
    if (isFinalStatus(to) || (to === ST_EXPIRED && from !== ST_EXPIRED)) this.doneNs[slot] = nowNs;
    return to;
  }

  /**
   * Adds one fill (lastQty at lastPx, paying `fee` in `feeAsset`): cumQty, average price and
   * fees. Status is not touched: report it with transition().
   */
  applyFill(slot: number, lastPx: number, lastQty: number, fee: number, feeAsset: number): void {
    if (!(lastQty > 0)) return;
    const prev = this.cumQty[slot]!;
    const cum = prev + lastQty;
    this.avgPx[slot] = (this.avgPx[slot]! * prev + lastPx * lastQty) / cum;
    this.cumQty[slot] = cum;
    this.fees[slot]! += fee;
    this.feeAsset[slot] = feeAsset;
  }

  /**
   * Moves every order still out at the venue (SENT, ACKED, PARTIAL) whose deadline is <=
   * nowNs to EXPIRED and calls onExpire(slot) for each. Returns how many expired. Cheap when
   * nothing is due (one comparison).
   */
  expireDue(nowNs: number, onExpire: ExpireHandler | null): number {
    if (nowNs < this.earliestDeadline) return 0;
    let n = 0;
    let earliest = Infinity;
    const cap = this.capacity;
    for (let s = 0; s < cap; s++) {
      if (this.inUse[s] !== 1) continue;
      const d = this.deadlineNs[s]!;
      if (d <= 0) continue;
      const st = this.status[s]!;
      if (!canExpire(st)) {
        if (st === ST_NEW && d < earliest) earliest = d;
        continue;
      }
      if (d <= nowNs) {
        this.status[s] = ST_EXPIRED;
        this.doneNs[s] = nowNs;
        this.expired++;
        n++;
        if (onExpire !== null) onExpire(s);
      } else if (d < earliest) {
        earliest = d;
      }
    }
    this.earliestDeadline = earliest;
    return n;
  }

  private countIllegal(slot: number, from: number, reported: number): void {
    this.illegalTransitions++;
    const f = from >= 0 && from < STATUS_COUNT ? from : 0;
    const r = reported >= 0 && reported < STATUS_COUNT ? reported : 0;
    this.illegalByPair[f * STATUS_COUNT + r]! += 1;
    this.lastIllegalOrderId = this.orderId[slot]!;
    this.lastIllegalFrom = from;
    this.lastIllegalReported = reported;
  }
}
