/**
 * One arbitrage round on one symbol, as a state machine. One preallocated Round per symbol,
 * reset and reused (one round at a time per symbol), so opening a round allocates nothing.
 *
 *   idle ──pair sent──▶ legs ──both legs final, residual──▶ hedging ──hedge_timeout / stop──▶ unwinding
 *                        │  └─first fill + hedge_timeout,          │                            │
 *                        │    or stop-loss, twin still out ──▶ hedging / unwinding              │
 *                        └──────────── flat and every order final ──▶ closed (idle) ◀───────────┘
 *   hedging / unwinding ──no venue left to close the residual──▶ abandoned
 *   unwinding ──no venue able to take the unwind (balance, book, back-off) for UNWIND_WAIT_NS──▶ abandoned
 *   abandoned ──operator resume (unwind_failed) or the order resolved──▶ hedging / unwinding
 *
 * A round closes only when every one of its orders has a final venue answer (or verdict) and
 * its residual is flat or dust: an order whose status is unknown may still fill, and its fill
 * must land in a round that hedges it. A late fill re-opens the residual of the round it
 * belongs to (which is still open, by that rule).
 */
import { VENUE_COUNT } from '../core/records.js';

export const RS_IDLE = 0;
export const RS_LEGS = 1;
export const RS_HEDGING = 2;
export const RS_UNWINDING = 3;
export const RS_ABANDONED = 4;
export const ROUND_STATE_NAMES: readonly RoundStateName[] = ['idle', 'legs', 'hedging', 'unwinding', 'abandoned'];
export type RoundStateName = 'idle' | 'legs' | 'hedging' | 'unwinding' | 'abandoned' | 'closed';

export class Round {
  phase = RS_IDLE;
  pairId = 0;
  symbol: number;
  buyVenue = 0;
  sellVenue = 0;
  qty = 0;
  buyPx = 0;
  sellPx = 0;
  edgeBps = 0;
  openNs = 0;
  buyOrderId = 0;
  sellOrderId = 0;
  /** The leg is out and not yet final nor unknown. */
  buyLive = false;
  sellLive = false;
  /** Orders of this round without a final answer (LIVE or UNKNOWN), legs and hedges. */
  pending = 0;
  buyFilled = 0;
  buyQuote = 0;
  buyFeeQ = 0;
  sellFilled = 0;
  sellQuote = 0;
  sellFeeQ = 0;
  /** First fill of the round: the hedge timer and the stop-loss start here (0 = none yet). */
  firstFillNs = 0;
  hedgeStartNs = 0;
  hedgeOrderId = 0;
  /** A hedge/unwind is out (LIVE); an UNKNOWN one no longer blocks the next. */
  hedgeLive = false;
  hedgeAttempts = 0;
  unwindAttempts = 0;
  /** Earliest time of the next residual order sent from the timer. */
  nextRetryNs = 0;
  /** Since when no venue could take the residual order (0 = one went out, or none was due). */
  waitSinceNs = 0;
  /** The residual order waits for the order-rate budget: entries leave it room (decision.ts). */
  rateWait = false;
  stopLossFired = false;
  residualReported = false;
  /** Rejected hedges/unwinds per venue in this round (bounded; then that venue is skipped). */
  readonly venueRejects = new Int32Array(VENUE_COUNT);
  hedgeBuyQty = 0;
  hedgeBuyQuote = 0;
  hedgeSellQty = 0;
  hedgeSellQuote = 0;
  hedgeFeeQ = 0;
  // results, filled by computePnl()
  pnl = 0;
  leggingPnl = 0;
  fees = 0;

  constructor(symbol: number) {
    this.symbol = symbol;
  }

  get active(): boolean {
    return this.phase !== RS_IDLE;
  }

  get state(): RoundStateName {
    return ROUND_STATE_NAMES[this.phase]!;
  }

  get unwindMode(): boolean {
    return this.phase === RS_UNWINDING;
  }

  get legsDone(): boolean {
    return !this.buyLive && !this.sellLive;
  }

  open(pairId: number, buyVenue: number, sellVenue: number, qty: number, buyPx: number, sellPx: number, edgeBps: number, nowNs: number, buyOrderId: number, sellOrderId: number): void {
    this.phase = RS_LEGS;
    this.pairId = pairId;
    this.buyVenue = buyVenue;
    this.sellVenue = sellVenue;
    this.qty = qty;
    this.buyPx = buyPx;
    this.sellPx = sellPx;
    this.edgeBps = edgeBps;
    this.openNs = nowNs;
    this.buyOrderId = buyOrderId;
    this.sellOrderId = sellOrderId;
    this.buyLive = buyOrderId > 0;
    this.sellLive = sellOrderId > 0;
    this.pending = 0;
    this.buyFilled = this.buyQuote = this.buyFeeQ = 0;
    this.sellFilled = this.sellQuote = this.sellFeeQ = 0;
    this.firstFillNs = 0;
    this.hedgeStartNs = 0;
    this.hedgeOrderId = 0;
    this.hedgeLive = false;
    this.hedgeAttempts = this.unwindAttempts = 0;
    this.nextRetryNs = 0;
    this.waitSinceNs = 0;
    this.rateWait = false;
    this.stopLossFired = false;
    this.residualReported = false;
    this.venueRejects.fill(0);
    this.hedgeBuyQty = this.hedgeBuyQuote = this.hedgeSellQty = this.hedgeSellQuote = this.hedgeFeeQ = 0;
    this.pnl = this.leggingPnl = this.fees = 0;
  }

  close(): void {
    this.phase = RS_IDLE;
  }

  /** Base bought minus base sold by the legs alone: the residual the legs left. */
  legResidual(): number {
    return this.buyFilled - this.sellFilled;
  }

  /** Residual still open after hedges: > 0 long (must sell), < 0 short (must buy). */
  openResidual(): number {
    return this.buyFilled + this.hedgeBuyQty - (this.sellFilled + this.hedgeSellQty);
  }

  /**
   * Price the residual was opened at: the leg that filled more; for a residual that only
   * hedge-side fills made (a late fill booked after the legs matched), their average price.
   */
  residualEntryPx(): number {
    const r = this.legResidual();
    if (r > 1e-12) return this.buyQuote / this.buyFilled;
    if (r < -1e-12) return this.sellQuote / this.sellFilled;
    const open = this.openResidual();
    if (open > 0 && this.hedgeBuyQty > 0) return this.hedgeBuyQuote / this.hedgeBuyQty;
    if (open < 0 && this.hedgeSellQty > 0) return this.hedgeSellQuote / this.hedgeSellQty;
    return 0;
  }

  /** All cash of the round (sells − buys − fees) plus its open base at `mark`: PnL marked to market. */
  markedPnl(mark: number): number {
    const cash = this.sellQuote + this.hedgeSellQuote - this.buyQuote - this.hedgeBuyQuote - this.buyFeeQ - this.sellFeeQ - this.hedgeFeeQ;
    const open = this.openResidual();
    return open === 0 ? cash : cash + open * mark;
  }

  /**
   * Split the round's result: `pnl` for the matched quantity (both legs' prices, their fees
   * pro rata), `leggingPnl` for the residual (hedge cash against the leg's average price, the
   * hedges' fees, the residual's share of the leg fees). An unhedged dust residual is not
   * marked: it stays in inventory.
   */
  computePnl(): void {
    const m = Math.min(this.buyFilled, this.sellFilled);
    // Legs equal up to float noise from summing partial fills count as fully matched.
    const even = Math.abs(this.buyFilled - this.sellFilled) <= 1e-12;
    const buyShare = even ? 1 : this.buyFilled > 0 ? m / this.buyFilled : 0;
    const sellShare = even ? 1 : this.sellFilled > 0 ? m / this.sellFilled : 0;
    const matchedFees = this.buyFeeQ * buyShare + this.sellFeeQ * sellShare;
    this.pnl = this.sellQuote * sellShare - this.buyQuote * buyShare - matchedFees;
    const residualLegFees = this.buyFeeQ + this.sellFeeQ - matchedFees;
    const hedgeCash = this.hedgeSellQuote - this.hedgeBuyQuote;
    const hedgedNetBase = this.hedgeBuyQty - this.hedgeSellQty;
    const entry = even ? 0 : this.residualEntryPx();
    this.leggingPnl = hedgeCash === 0 && hedgedNetBase === 0 && residualLegFees === 0 && this.hedgeFeeQ === 0
      ? 0
      : hedgeCash + hedgedNetBase * entry - this.hedgeFeeQ - residualLegFees;
    this.fees = this.buyFeeQ + this.sellFeeQ + this.hedgeFeeQ;
  }
}
