/**
 * What the strategy did and why it did not: plain numeric fields, read by the status line,
 * the monitor and the report. `skip*` count opportunities (edge ≥ min_spread_bps) that were
 * not traded, by the first reason found.
 */
export class StrategyStats {
  quotes = 0;
  ignoredQuotes = 0; // venue or symbol id out of range
  opportunities = 0;
  pairsSent = 0;
  ordersSent = 0;
  cancelsSent = 0;
  reports = 0;
  unknownReports = 0;
  rejects = 0;
  lastRejectCode = 0;
  skipHalted = 0;
  skipPairOpen = 0;
  skipInventoryBias = 0; // edge ≥ min_spread_bps but below the direction's rebalancing-skewed requirement
  skipNoInventory = 0;
  skipMinQty = 0;
  skipMinNotional = 0;
  skipBreakEven = 0;
  skipOrderTable = 0;
  skipBreaker = 0; // a venue's circuit breaker is open
  skipTakenLevel = 0; // the touch is a level we already took and the market has not cleared (taken-levels.ts)
  sinkFull = 0;
  leggedRounds = 0;
  dustResiduals = 0;
  dustAdopted = 0; // rounds opened to hedge the dust of earlier rounds once it added up to a tradable amount
  hedgesSent = 0;
  unwindsSent = 0;
  hedgeWaits = 0; // residual open but no usable book / balance to hedge on yet
  lateFills = 0; // fills on orders whose status had become unknown
  duplicateFills = 0; // reports whose cumQty added nothing (a duplicate or reordered report)
  verdicts = 0; // reconciliation verdicts applied
  verdictRequests = 0; // reconciliation requests sent for orders of unknown status
  verdictRequestsRefused = 0; // requests the sink could not send (asked again later)
  verdictsNoRecord = 0; // "no record of that order" answers (the order stays unknown, alerted)
  staleVerdicts = 0; // verdicts for an order already settled (or not unknown): ignored
  fillGaps = 0; // final answers reporting more fill than booked (a fill report missing or behind)
  fillMismatches = 0; // final answers reporting less fill than the fill reports did (held for a verdict)
  badReports = 0; // reports or verdicts with a fill but no usable price, or a NaN/negative amount: not applied (unknown until a verdict)
  roundsAbandoned = 0;
  roundsClosed = 0;
  roundsWon = 0;
  inventoryLowEvents = 0;
  transfersStarted = 0; // simulated transfers (dry-run, backtest)
  transfersDone = 0;
}

/** Realized results, in quote. realized = roundPnl + leggingPnl − transferFees. */
export class PnlTotals {
  realized = 0;
  roundPnl = 0;
  leggingPnl = 0;
  fees = 0;
  /** Simulated transfer fees, in quote (a base fee at the mid when the transfer landed). */
  transferFees = 0;
}
