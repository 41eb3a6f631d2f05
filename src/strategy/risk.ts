/**
 * Risk bookkeeping that does not depend on the arbitrage logic: counters of every breach, the
 * order-rate sliding window, and the drawdown tracker. The decisions themselves (which order is
 * denied, what gets unwound) live in arbitrage.ts, where the context is.
 */

/** One counter per rule; plain numeric fields so a status line can read them directly. */
export class RiskCounters {
  drawdownHalts = 0;
  stopLossTriggers = 0;
  positionLimitDenials = 0;
  rateLimitDenials = 0;
  priceBandDenials = 0;
  staleBookDenials = 0;
  unusableBookDenials = 0;
  killSwitchHalts = 0;
  orderTimeouts = 0;
  forcedExpiries = 0;
  hedgeTimeouts = 0;
  unwindFailures = 0;
  feedLagDenials = 0;
  orderTableHalts = 0;
  unresolvedOrderAlerts = 0;
  breakerTrips = 0;
  breakerDenials = 0;
  abandonedRounds = 0;
}

const NS_PER_S = 1e9;

/**
 * At most `max` orders in any 1-second window: the last `max` send times in a ring. An order
 * may go if fewer than `max` sends happened in (now − 1 s, now].
 */
export class OrderRateLimiter {
  private readonly times: Float64Array;
  private head = 0; // next write position
  private count = 0;

  constructor(readonly max: number) {
    this.times = new Float64Array(max);
  }

  /** Sends inside the window ending at nowNs. */
  inWindow(nowNs: number): number {
    let n = 0;
    const from = nowNs - NS_PER_S;
    for (let i = 0; i < this.count; i++) if (this.times[i]! > from) n++;
    return n;
  }

  canSend(n: number, nowNs: number): boolean {
    return this.inWindow(nowNs) + n <= this.max;
  }

  record(nowNs: number): void {
    this.times[this.head] = nowNs;
    this.head = (this.head + 1) % this.max;
    if (this.count < this.max) this.count++;
  }
}

/**
 * Drawdown of the strategy's own PnL (realized, plus every open round marked to market), as a
 * fraction of the starting equity: what `max_drawdown` halts on. Inventory held since the
 * start moves equity but is not a trading loss, so it does not count here.
 */
export class PnlDrawdown {
  startEquity = NaN;
  peakPnl = 0;
  lastPnl = 0;
  maxDrawdown = 0;

  /** Feed the current PnL (and the equity, until a start is known); returns the drawdown fraction. */
  update(pnl: number, equity: number): number {
    if (Number.isNaN(this.startEquity) && !Number.isNaN(equity)) this.startEquity = equity;
    this.lastPnl = pnl;
    if (pnl > this.peakPnl) this.peakPnl = pnl;
    const dd = this.startEquity > 0 ? (this.peakPnl - pnl) / this.startEquity : 0;
    if (dd > this.maxDrawdown) this.maxDrawdown = dd;
    return dd;
  }

  /** Forget the old peak (after an operator resumes a drawdown halt). */
  rebase(): void {
    this.peakPnl = this.lastPnl;
  }
}

/**
 * Peak-to-trough drawdown of equity (marked to market, inventory included), for reports, as a fraction of the starting equity. The start is the
 * first equity that could be valued (every held symbol has a price).
 */
export class DrawdownTracker {
  startEquity = NaN;
  peakEquity = NaN;
  lastEquity = NaN;
  maxDrawdown = 0;

  /** Feed the current equity; returns the current drawdown fraction (0 when unknown). */
  update(equity: number): number {
    if (Number.isNaN(equity)) return 0;
    this.lastEquity = equity;
    if (Number.isNaN(this.startEquity)) {
      this.startEquity = equity;
      this.peakEquity = equity;
    }
    if (equity > this.peakEquity) this.peakEquity = equity;
    const dd = this.startEquity > 0 ? (this.peakEquity - equity) / this.startEquity : 0;
    if (dd > this.maxDrawdown) this.maxDrawdown = dd;
    return dd;
  }

  /** Forget the old peak (after an operator resumes trading). */
  rebase(): void {
    if (!Number.isNaN(this.lastEquity)) this.peakEquity = this.lastEquity;
  }
}
