/**
 * A local order-rate limit: at most `limit` sends in any `windowMs` window (Binance spot
 * ORDERS 100 / 10 s, Bybit spot create 20 / s, VENUES.md C). Sliding window over the last
 * `limit` send times in a ring: a send is allowed when the oldest of them left the window.
 * Time comes in as an argument.
 */
export class OrderRateLimiter {
  private readonly times: Float64Array;
  private head = 0;
  /** Sends refused, for the worker's counters. */
  refused = 0;

  constructor(readonly limit: number, readonly windowMs: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`rate limit must be a positive integer, got ${limit}`);
    if (!(windowMs > 0)) throw new RangeError(`rate window must be positive, got ${windowMs}`);
    this.times = new Float64Array(limit).fill(-Infinity);
  }

  /** Whether a send at nowMs would be allowed (nothing taken, nothing counted). */
  canAcquire(nowMs: number): boolean {
    return !(this.times[this.head]! > nowMs - this.windowMs);
  }

  /** Takes one send from the budget at nowMs; false (and counted) when none is left. */
  tryAcquire(nowMs: number): boolean {
    if (this.times[this.head]! > nowMs - this.windowMs) {
      this.refused++;
      return false;
    }
    this.times[this.head] = nowMs;
    this.head = (this.head + 1) % this.limit;
    return true;
  }
}

/** Documented venue order-rate limits (VENUES.md C). */
export const BINANCE_ORDER_LIMIT = { limit: 100, windowMs: 10_000 } as const;
export const BYBIT_ORDER_LIMIT = { limit: 20, windowMs: 1000 } as const;
