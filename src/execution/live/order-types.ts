/**
 * What the live order clients and the live executor exchange: one order as the venue sees it
 * (strings already formatted to the symbol's tick and step) and the updates a client reports
 * for it. Off the hot path: one object per order, not per quote.
 */

export interface Credentials {
  apiKey: string;
  /** HMAC secret ('' for an Ed25519 key). */
  secretKey: string;
  /** Default 'hmac'. */
  keyType?: 'hmac' | 'ed25519';
  /** The Ed25519 private key (keyType 'ed25519'). */
  privateKey?: import('node:crypto').KeyObject;
}

/** An IOC limit order ready for the wire. */
export interface LiveOrder {
  orderId: number;
  /** newClientOrderId (Binance) / orderLinkId (Bybit): ≤ 36 chars of [A-Za-z0-9_-]. */
  clientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  price: string;
  qty: string;
  /**
   * Set by the executor once a venue final settled the order from elsewhere (the private
   * stream, a gap-fill): a client still looking at it stops (its answer would be a late copy).
   */
  settled?: boolean;
  /** The venue id the executor sent it to (journal lines of answers that come after its slot was freed). */
  venue?: number;
}

/** The venue accepted the order; it is not final yet (Bybit's async ack, Binance NEW). */
export const UPD_ACK = 1;
/** The order reached a final state at the venue. */
export const UPD_FINAL = 2;

/** One thing a client learned about an order. Quantities and fees are cumulative. */
export interface OrderUpdate {
  kind: typeof UPD_ACK | typeof UPD_FINAL;
  /** ST_FILLED | ST_CANCELED | ST_REJECTED for UPD_FINAL; ST_ACKED for UPD_ACK. */
  status: number;
  cumQty: number;
  /** Average fill price over cumQty (0 when nothing filled). */
  avgPx: number;
  /** Cumulative fee, in feeAsset (ASSET_BASE / ASSET_QUOTE). */
  cumFee: number;
  feeAsset: number;
  /** Venue (or ERR_LIVE_*) code when rejected; 0 otherwise. */
  errorCode: number;
  /** Venue message for logs (never contains secrets). */
  message: string;
  venueOrderId: string;
  /** The venue's status word, for logs ("FILLED", "PartiallyFilledCanceled"). */
  venueStatus: string;
  /**
   * A final with filled quantity whose row states no fee (Bybit `cumFeeDetail` empty or absent
   * and no `cumExecFee`): its fee must come from the order's executions, never be read as 0
   * (live-executor.ts holds such a final until the ledger has them). Absent = false.
   */
  feeMissing?: boolean;
  /**
   * Which venue word brought a final (journal `venue_order` line): the order's own answer, its
   * query (order query, order history, trades), the private stream, or the reconnect gap-fill.
   * Absent = the answer.
   */
  source?: FinalSource;
}

/** Where a venue final came from (docs/report.md `venue_order`). */
export type FinalSource = 'answer' | 'query' | 'stream' | 'gapfill';

export type UpdateListener = (order: LiveOrder, update: OrderUpdate) => void;

/** Counters every client keeps (exported as worker stats). */
export interface ClientCounters {
  requests: number;
  http_errors: number;
  transport_errors: number;
  timeouts: number;
  rejects: number;
  unknown_status: number;
  reconcile_queries: number;
  rate_limited: number;
  fee_other_asset: number;
  bad_responses: number;
  /** Orders sent over the WebSocket order API / over REST. */
  ws_orders: number;
  rest_orders: number;
  /** WebSocket order API: sessions ready (logged on), lost, and switches between WS and REST. */
  ws_sessions: number;
  ws_disconnects: number;
  ws_stalls: number;
  failover_to_rest: number;
  back_to_ws: number;
  /** In-flight WS orders settled by the venue's order query after a lost answer. */
  ws_resolved_by_query: number;
  key_rejected: number;
  /** Unknown-status orders called "not placed" (unknown-order.ts rule: past timestamp + recvWindow + skew, no trace in query and history). */
  not_placed: number;
}

export function newClientCounters(): ClientCounters {
  return {
    requests: 0, http_errors: 0, transport_errors: 0, timeouts: 0, rejects: 0, unknown_status: 0,
    reconcile_queries: 0, rate_limited: 0, fee_other_asset: 0, bad_responses: 0, ws_orders: 0, rest_orders: 0, ws_sessions: 0,
    ws_disconnects: 0, ws_stalls: 0, failover_to_rest: 0, back_to_ws: 0, ws_resolved_by_query: 0, key_rejected: 0, not_placed: 0,
  };
}

/** A venue order client: places one order and reports what happens to it until it is final. */
export interface VenueOrderClient {
  readonly venue: number;
  readonly counters: ClientCounters;
  /**
   * Sends the order; calls `listener` once per update (an ack and/or a final). The promise
   * settles when the client is done with the order (final or given up); it never rejects.
   */
  place(order: LiveOrder, listener: UpdateListener): Promise<void>;
  /** Wall-clock ms until which the venue asked us not to send (Retry-After); 0 = none. */
  backoffUntilMs(): number;
  /** Why new entries to this venue are halted (the venue refused the key), null when they are not. */
  haltReason?(): string | null;
  /**
   * Looks at an order whose outcome is still unknown again (order query, then history; never a
   * resend), reporting through `listener` as `place` does. Absent: the executor cannot look again.
   */
  resolve?(order: LiveOrder, listener: UpdateListener): Promise<void>;
  /** Builds (and signs) one request without sending it, to keep the send path cached (LiveExecutor.keepWarm). */
  keepWarm?(): void;
}

export function finalUpdate(status: number, cumQty: number, avgPx: number, cumFee: number, feeAsset: number,
  errorCode: number, message: string, venueOrderId: string, venueStatus: string): OrderUpdate {
  return { kind: UPD_FINAL, status, cumQty, avgPx, cumFee, feeAsset, errorCode, message, venueOrderId, venueStatus };
}
