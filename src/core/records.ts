/**
 * Every fixed binary record that crosses a thread boundary, declared once.
 *
 * A record is a slot of `*_WORDS` float64 words inside a ring (see ring.ts). All fields are
 * float64 so one Float64Array view serves every record and integers up to 2^53 (update ids,
 * order ids, nanosecond timestamps) stay exact.
 *
 * Common header, shared by every kind (word offsets):
 *
 *   0        1       2        3        4       5          6         7        8
 *   +--------+-------+--------+--------+-------+----------+---------+--------+-------+
 *   | KIND   | VENUE | MARKET | SYMBOL | SEQ   | EXCH_MS  | RECV_NS | PUB_NS | FLAGS |
 *   +--------+-------+--------+--------+-------+----------+---------+--------+-------+
 *
 * EXCH_MS  exchange event time, wall-clock ms since the epoch (0 when the venue sends none,
 *          e.g. Binance spot bookTicker).
 * RECV_NS  local receive time of the frame that produced the record, monotonic ns (clock.ts).
 * PUB_NS   when the record was published into its ring, monotonic ns.
 */

// ---- record kinds -------------------------------------------------------------------------
export const KIND_QUOTE = 1;
export const KIND_DEPTH = 2;
export const KIND_TRADE = 3;
export const KIND_BOOK_STATE = 4; // a book became usable / unusable (gap, crossed, stale, reconnect)
export const KIND_INTENT = 10;
export const KIND_REPORT = 11;
export const KIND_VERDICT = 12; // reconciliation verdict on the report ring (V_* fields below)

// ---- venue and market ids -----------------------------------------------------------------
export const VENUE_BINANCE = 0;
export const VENUE_BYBIT = 1;
export const VENUE_COUNT = 2;
export const VENUE_NAMES: readonly string[] = ['binance', 'bybit'];

export const MARKET_SPOT = 0;
export const MARKET_LINEAR = 1; // Binance USD-M futures / Bybit linear
export const MARKET_NAMES: readonly string[] = ['spot', 'linear'];

export function venueId(name: string): number {
  const i = VENUE_NAMES.indexOf(name.toLowerCase());
  if (i < 0) throw new RangeError(`unknown venue "${name}" (known: ${VENUE_NAMES.join(', ')})`);
  return i;
}

export function marketId(name: string): number {
  const i = MARKET_NAMES.indexOf(name.toLowerCase());
  if (i < 0) throw new RangeError(`unknown market "${name}" (known: ${MARKET_NAMES.join(', ')})`);
  return i;
}

// ---- common header ------------------------------------------------------------------------
export const H_KIND = 0;
export const H_VENUE = 1;
export const H_MARKET = 2;
export const H_SYMBOL = 3;
export const H_SEQ = 4;
export const H_EXCH_MS = 5;
export const H_RECV_NS = 6;
export const H_PUB_NS = 7;
export const H_FLAGS = 8;
export const HEADER_WORDS = 9;

// FLAGS bits (quote / depth / book state)
export const FLAG_USABLE = 1; // book is in sync and fresh; the strategy may trade on it
export const FLAG_SNAPSHOT = 2; // record came from a snapshot (reset), not a delta
export const FLAG_FROM_DEPTH = 4; // top of book derived from a depth book rather than a ticker

// ---- quote: top of book -------------------------------------------------------------------
export const Q_BID_PX = 9;
export const Q_BID_SZ = 10;
export const Q_ASK_PX = 11;
export const Q_ASK_SZ = 12;
export const QUOTE_WORDS = 16; // 128 bytes: two cache lines

// ---- depth: top N levels, N chosen per ring ------------------------------------------------
// Level i occupies 4 words from D_LEVELS + 4*i: bid px, bid sz, ask px, ask sz.
// A missing level is written as px 0, sz 0.
export const D_LEVEL_COUNT = 9;
export const D_LEVELS = 10;
export const D_BID_PX = 0;
export const D_BID_SZ = 1;
export const D_ASK_PX = 2;
export const D_ASK_SZ = 3;
export const D_LEVEL_WORDS = 4;
export function depthWords(levels: number): number {
  const raw = D_LEVELS + D_LEVEL_WORDS * levels;
  return (raw + 7) & ~7; // keep slots a multiple of 64 bytes
}

// ---- trade ---------------------------------------------------------------------------------
export const T_PRICE = 9;
export const T_QTY = 10;
export const T_TAKER_SIDE = 11; // SIDE_BUY / SIDE_SELL of the aggressor
export const TRADE_WORDS = 16;

// ---- book state ------------------------------------------------------------------------------
// FLAGS carries FLAG_USABLE (set = usable again). REASON says why it changed.
export const BS_REASON = 9;
export const BOOK_REASON_SYNCED = 0;
export const BOOK_REASON_GAP = 1;
export const BOOK_REASON_CROSSED = 2;
export const BOOK_REASON_STALE = 3;
export const BOOK_REASON_DISCONNECTED = 4;
export const BOOK_REASON_RESYNC = 5;
export const BOOK_REASON_NAMES: readonly string[] = ['synced', 'gap', 'crossed', 'stale', 'disconnected', 'resync'];
export const BOOK_STATE_WORDS = 16;

// ---- sides, time in force, order actions --------------------------------------------------------
export const SIDE_BUY = 1;
export const SIDE_SELL = -1;
export const TIF_IOC = 1;
export const TIF_GTC = 2;
export const TIF_FOK = 3;
export const ACTION_NEW = 1;
export const ACTION_CANCEL = 2;
/** Reconciliation request: "what became of order I_ORDER_ID?" (answered by a KIND_VERDICT record). */
export const ACTION_RECONCILE = 3;
export const ROLE_LEG_BUY = 1; // the buying leg of an arbitrage pair
export const ROLE_LEG_SELL = 2; // the selling leg
export const ROLE_HEDGE = 3; // residual hedge after legging
export const ROLE_UNWIND = 4; // flatten (stop-loss, kill switch, shutdown)

// ---- order intent: strategy -> executor ---------------------------------------------------------
// Header SEQ = intent sequence; EXCH_MS = exchange time of the quote that triggered it;
// RECV_NS = feed receive time of that quote (tick-to-order starts here); PUB_NS = intent published.
export const I_ORDER_ID = 9; // client order id (numeric, unique per run)
export const I_PAIR_ID = 10; // arbitrage round id; both legs share it
export const I_ACTION = 11;
export const I_SIDE = 12;
export const I_PRICE = 13;
export const I_QTY = 14;
export const I_TIF = 15;
export const I_ROLE = 16;
export const I_DECISION_NS = 17; // when the strategy decided
export const I_DEADLINE_NS = 18; // order must be resolved by then (order_timeout_ms)
export const INTENT_WORDS = 24;

// ---- execution report: executor -> strategy -----------------------------------------------------
// Header RECV_NS = feed receive time copied from the intent (end-to-end timing);
// PUB_NS = report published. One report per state change of an order.
export const R_ORDER_ID = 9;
export const R_PAIR_ID = 10;
export const R_STATUS = 11;
export const R_SIDE = 12;
export const R_PRICE = 13; // limit price of the order
export const R_LAST_PX = 14; // price of this fill (0 if none)
export const R_LAST_QTY = 15; // quantity of this fill (0 if none)
export const R_CUM_QTY = 16; // cumulative filled quantity
export const R_FEE = 17; // fee of this fill, in FEE_ASSET units
export const R_FEE_ASSET = 18; // ASSET_BASE / ASSET_QUOTE
export const R_ERROR = 19; // venue error code when rejected (0 otherwise)
export const R_ROLE = 20;
export const R_SENT_NS = 21; // order left the executor (intent -> sent)
export const R_ACK_NS = 22; // venue answer received (sent -> ack)
export const R_QTY = 23; // original order quantity
export const REPORT_WORDS = 24;

// ---- reconciliation verdict: executor -> strategy, on the report ring ----------------------------
// The answer to an ACTION_RECONCILE intent (header KIND = KIND_VERDICT, VENUE and SYMBOL of the
// order). V_VERDICT says what the executor knows: VERDICT_FINAL (the venue's final word, with
// the order's cumulative quantity, quote amount and fee as the venue states them) or
// VERDICT_NO_RECORD (the executor has no record of the order: the strategy keeps it unknown).
export const V_ORDER_ID = 9;
export const V_VERDICT = 10;
export const V_STATUS = 11; // ST_FILLED | ST_CANCELED | ST_REJECTED (VERDICT_FINAL)
export const V_CUM_QTY = 12;
export const V_CUM_QUOTE = 13;
export const V_CUM_FEE = 14; // in V_FEE_ASSET units
export const V_FEE_ASSET = 15;
export const VERDICT_FINAL = 1;
export const VERDICT_NO_RECORD = 2;

export const ASSET_BASE = 0;
export const ASSET_QUOTE = 1;

// Order status, shared by the dry-run fill simulator and live executors.
export const ST_NEW = 0; // created, not yet sent
export const ST_SENT = 1;
export const ST_ACKED = 2; // accepted by the venue, resting or being matched
export const ST_PARTIAL = 3; // partially filled, still live
export const ST_FILLED = 4; // terminal
export const ST_CANCELED = 5; // terminal (IOC remainder expired counts as canceled)
export const ST_REJECTED = 6; // terminal
export const ST_EXPIRED = 7; // terminal: timed out locally; status unknown until reconciled
export const STATUS_NAMES: readonly string[] = ['new', 'sent', 'acked', 'partial', 'filled', 'canceled', 'rejected', 'expired'];

export function isTerminalStatus(st: number): boolean {
  return st >= ST_FILLED;
}

/** Copy `words` float64 words between two record views (no allocation). */
export function copyRecord(src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number, words: number): void {
  for (let i = 0; i < words; i++) dst[dstOff + i] = src[srcOff + i];
}
