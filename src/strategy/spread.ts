/**
 * The arbitrage edge of one direction: buy on one venue, sell on the other, both as takers.
 *
 *   edge_bps = (sellBid·(1 − fee_sell) − buyAsk·(1 + fee_buy)) / buyAsk · 1e4 − slippage·1e4
 *
 * Fees are fractions (10 bps = 0.001). For spot the buy fee is charged in base, which costs the
 * same as paying it in quote at the fill price, so one formula serves both.
 */

/** Net edge of buying at `buyAsk` and selling at `sellBid`, in bps, after fees and slippage. */
export function edgeBps(buyAsk: number, sellBid: number, feeBuy: number, feeSell: number, slippage: number): number {
  return ((sellBid * (1 - feeSell) - buyAsk * (1 + feeBuy)) / buyAsk) * 1e4 - slippage * 1e4;
}

/**
 * Edge if both legs fill at their limit prices (the worst an IOC can do), after fees, no
 * slippage term (the limits already carry it). ≥ 0 means the pair cannot lose on price.
 */
export function worstCaseEdgeBps(buyLimit: number, sellLimit: number, feeBuy: number, feeSell: number): number {
  return ((sellLimit * (1 - feeSell) - buyLimit * (1 + feeBuy)) / buyLimit) * 1e4;
}

/** |price − reference| in bps of the reference. */
export function deviationBps(price: number, reference: number): number {
  return (Math.abs(price - reference) / reference) * 1e4;
}

/** Float noise allowance when comparing an edge to a bps threshold. */
export const BPS_EPSILON = 1e-9;
