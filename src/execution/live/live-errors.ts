/**
 * Error codes only the live executor produces, put in REPORT records (R_ERROR) next to the
 * venues' own codes. Like error-codes.ts they sit below -9000, outside every venue's range;
 * this block is -91xx. Venue rejections keep the venue's code (Binance -2010, Bybit 170131...).
 */
/** Refused locally: the venue's order-rate budget (Binance 100/10 s, Bybit 20/s) is used up. */
export const ERR_LIVE_RATE_LIMITED = -9101;
/** Refused locally: the venue answered 429/418 (or Bybit 10006) and its Retry-After has not passed. */
export const ERR_LIVE_BACKOFF = -9102;
/** The request failed on the wire and reconciliation never found the order. */
export const ERR_LIVE_TRANSPORT = -9103;
/** The venue answered something the executor could not read. */
export const ERR_LIVE_BAD_RESPONSE = -9104;
/** No client for the venue (missing credentials or URL) or no filter for the symbol. */
export const ERR_LIVE_NOT_CONFIGURED = -9105;
/** The order's status stayed unknown after every reconciliation attempt. */
export const ERR_LIVE_UNRESOLVED = -9106;

/** The venue rejected the order after acknowledging it (Bybit orderStatus Rejected carries no code). */
export const ERR_LIVE_VENUE_REJECTED = -9107;

/** Refused locally: the venue refused the API key or its signature; entries on it are halted. */
export const ERR_LIVE_KEY_REJECTED = -9108;

/** Refused locally with its twin: the other leg of the pair failed a pre-send check (pre-send.ts). */
export const ERR_LIVE_PAIR_REFUSED = -9109;

/** Refused locally: the executor halted new entries (balance drift, too many unresolved orders). */
export const ERR_LIVE_ENTRIES_HALTED = -9110;

/** Refused locally: the quantity or notional is below the symbol's minimum (LOT_SIZE minQty, NOTIONAL). */
export const ERR_LIVE_BELOW_MIN = -9111;

/**
 * Refused locally: the symbol's filters cannot form the order (a tick or step that is not a
 * positive number of at most 12 decimals, or a price or quantity too large to write exactly).
 */
export const ERR_LIVE_BAD_FILTER = -9112;

/** Key and signature errors that halt entries on a venue (issue #8). */
export const BINANCE_KEY_ERRORS: ReadonlySet<number> = new Set([-1022, -2014, -2015]);
export const BYBIT_KEY_ERRORS: ReadonlySet<number> = new Set([10003, 10004]);

export const LIVE_ERROR_NAMES: Readonly<Record<number, string>> = {
  [ERR_LIVE_RATE_LIMITED]: 'local order-rate limit',
  [ERR_LIVE_BACKOFF]: 'venue rate-limit back-off',
  [ERR_LIVE_TRANSPORT]: 'transport failure',
  [ERR_LIVE_BAD_RESPONSE]: 'unreadable venue response',
  [ERR_LIVE_NOT_CONFIGURED]: 'venue or symbol not configured',
  [ERR_LIVE_UNRESOLVED]: 'order status unresolved',
  [ERR_LIVE_VENUE_REJECTED]: 'rejected by the venue after its ack',
  [ERR_LIVE_KEY_REJECTED]: 'venue halted: API key refused',
  [ERR_LIVE_PAIR_REFUSED]: 'refused with its twin leg',
  [ERR_LIVE_ENTRIES_HALTED]: 'entries halted by the executor',
  [ERR_LIVE_BELOW_MIN]: 'below the symbol minimum',
  [ERR_LIVE_BAD_FILTER]: 'symbol filter cannot form the order',
};

/** A live-mode setup problem (credentials, URLs, filters): found at start, before any order. */
export class LiveConfigError extends Error {
  override readonly name = 'LiveConfigError';
}

/** A request that never got an HTTP answer (timeout, connection refused or reset). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(message: string, readonly timedOut: boolean) {
    super(message);
  }
}
