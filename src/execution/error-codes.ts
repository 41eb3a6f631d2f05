/**
 * Error codes the executors put in REPORT records (R_ERROR). Venue rejections carry the
 * venue's own code (VENUES.md: Binance -2010 NEW_ORDER_REJECTED "Account has insufficient
 * balance...", Bybit spot 170131 "balance insufficient"); conditions only the dry-run or the
 * local executor can produce use negative codes below -9000, outside every venue's range.
 */
import { VENUE_BINANCE, VENUE_BYBIT } from '../core/records.js';

export const ERR_NONE = 0;
/** Dry-run: no usable book for the order's (venue, symbol) when it arrived. */
export const ERR_DRY_NO_BOOK = -9001;
/** Dry-run: rejection injected by the fault options. */
export const ERR_DRY_INJECTED = -9002;
/** Dry-run: event queue or order pool full (order refused locally, never sent). */
export const ERR_LOCAL_CAPACITY = -9003;
/** Order timed out locally; its venue status is unknown (EXPIRED reports). */
export const ERR_LOCAL_TIMEOUT = -9004;
/** Invalid order parameters (qty or price not positive, unknown side, venue or symbol). */
export const ERR_LOCAL_INVALID = -9005;

const BINANCE_NEW_ORDER_REJECTED = -2010;
const BYBIT_SPOT_BALANCE_INSUFFICIENT = 170131;

/** The code a venue uses to reject an order for lack of balance. */
export function insufficientBalanceCode(venue: number): number {
  if (venue === VENUE_BINANCE) return BINANCE_NEW_ORDER_REJECTED;
  if (venue === VENUE_BYBIT) return BYBIT_SPOT_BALANCE_INSUFFICIENT;
  return BINANCE_NEW_ORDER_REJECTED;
}
