/**
 * One arbitrage round on one symbol: two legs, then, if they filled unequally, hedges or
 * unwinds of the residual. One preallocated Round per symbol, reset and reused (one round at a
 * time per symbol), so opening a round allocates nothing.
 */

export const PHASE_IDLE = 0;
export const PHASE_LEGS = 1; // both legs out, waiting for terminal reports
export const PHASE_HEDGING = 2; // legs done; closing any residual

export class Round {
  phase = PHASE_IDLE;
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
  buyLive = false;
  sellLive = false;
  buyFilled = 0;
  buyQuote = 0;
  buyFeeQ = 0;
  sellFilled = 0;
  sellQuote = 0;
  sellFeeQ = 0;
  // residual handling
  hedgeStartNs = 0;
  hedgeOrderId = 0;
  hedgeLive = false;
  unwindMode = false;
  hedgeAttempts = 0;
  unwindAttempts = 0;
  stopLossFired = false;
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
    return this.phase !== PHASE_IDLE;
  }

  open(pairId: number, buyVenue: number, sellVenue: number, qty: number, buyPx: number, sellPx: number, edgeBps: number, nowNs: number, buyOrderId: number, sellOrderId: number): void {
    this.phase = PHASE_LEGS;
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
    this.buyLive = true;
    this.sellLive = true;
    this.buyFilled = this.buyQuote = this.buyFeeQ = 0;
    this.sellFilled = this.sellQuote = this.sellFeeQ = 0;
    this.hedgeStartNs = 0;
    this.hedgeOrderId = 0;
    this.hedgeLive = false;
    this.unwindMode = false;
    this.hedgeAttempts = this.unwindAttempts = 0;
    this.stopLossFired = false;
    this.hedgeBuyQty = this.hedgeBuyQuote = this.hedgeSellQty = this.hedgeSellQuote = this.hedgeFeeQ = 0;
    this.pnl = this.leggingPnl = this.fees = 0;
  }

  close(): void {
    this.phase = PHASE_IDLE;
  }

  /** Base bought minus base sold by the legs alone: the residual the legs left. */
  legResidual(): number {
    return this.buyFilled - this.sellFilled;
  }

  /** Residual still open after hedges: > 0 long (must sell), < 0 short (must buy). */
  openResidual(): number {
    return this.buyFilled + this.hedgeBuyQty - (this.sellFilled + this.hedgeSellQty);
  }

  /** Price the residual was opened at (the leg that filled more). */
  residualEntryPx(): number {
    const r = this.legResidual();
    if (r > 0) return this.buyQuote / this.buyFilled;
    if (r < 0) return this.sellQuote / this.sellFilled;
    return 0;
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
    this.leggingPnl = hedgeCash === 0 && hedgedNetBase === 0 && residualLegFees === 0 && this.hedgeFeeQ === 0
      ? 0
      : hedgeCash + hedgedNetBase * this.residualEntryPx() - this.hedgeFeeQ - residualLegFees;
    this.fees = this.buyFeeQ + this.sellFeeQ + this.hedgeFeeQ;
  }
}
