/**
 * Bybit v5 spot order entry, pure parts (VENUES.md C; bybit docs v5/order/create-order,
 * v5/order/open-order, v5/guide): `POST /v5/order/create` (Limit IOC) and
 * `GET /v5/order/realtime?category=spot&orderLinkId=…`, signed per the v5 rule
 * (timestamp + apiKey + recvWindow + exact body or query string), and the mapping of answers.
 *
 * The create answer is only an acknowledgement: fills are confirmed by querying the order
 * (cumExecQty, avgPrice, cumExecFee, orderStatus).
 */
import { bybitRestHeaders } from '../../venues/bybit/sign.js';
import { ASSET_BASE, ASSET_QUOTE, ST_ACKED, ST_CANCELED, ST_FILLED, ST_REJECTED } from '../../core/records.js';
import { ERR_LIVE_BAD_RESPONSE, ERR_LIVE_VENUE_REJECTED } from './live-errors.js';
import { UPD_ACK, finalUpdate, type Credentials, type LiveOrder, type OrderUpdate } from './order-types.js';
import { splitSymbol, type SignedRequest } from './binance-order.js';
import { executorFee, type RateInQuote } from './fee-units.js';

export const BYBIT_CREATE_PATH = '/v5/order/create';
export const BYBIT_REALTIME_PATH = '/v5/order/realtime';

/** The exact JSON body of a spot Limit IOC order; it is what gets signed and sent. */
export function bybitCreateBody(o: LiveOrder): string {
  return JSON.stringify({
    category: 'spot', symbol: o.symbol, side: o.side === 'BUY' ? 'Buy' : 'Sell', orderType: 'Limit',
    qty: o.qty, price: o.price, timeInForce: 'IOC', orderLinkId: o.clientOrderId, isLeverage: 0,
  });
}

export function buildBybitCreate(o: LiveOrder, creds: Credentials, recvWindowMs: number, timestampMs: number): SignedRequest {
  const body = bybitCreateBody(o);
  return { method: 'POST', pathAndQuery: BYBIT_CREATE_PATH, body, headers: bybitRestHeaders(creds.secretKey, creds.apiKey, timestampMs, recvWindowMs, body) };
}

export function buildBybitQuery(clientOrderId: string, creds: Credentials, recvWindowMs: number, timestampMs: number): SignedRequest {
  const query = `category=spot&orderLinkId=${encodeURIComponent(clientOrderId)}`;
  const headers = bybitRestHeaders(creds.secretKey, creds.apiKey, timestampMs, recvWindowMs, query);
  delete headers['Content-Type'];
  return { method: 'GET', pathAndQuery: `${BYBIT_REALTIME_PATH}?${query}`, body: null, headers };
}

/** `GET /v5/order/history?category=spot&orderLinkId=…`: the order history, the second look before "not placed". */
export function buildBybitHistoryQuery(clientOrderId: string, creds: Credentials, recvWindowMs: number, timestampMs: number): SignedRequest {
  const query = `category=spot&orderLinkId=${encodeURIComponent(clientOrderId)}`;
  const headers = bybitRestHeaders(creds.secretKey, creds.apiKey, timestampMs, recvWindowMs, query);
  delete headers['Content-Type'];
  return { method: 'GET', pathAndQuery: `/v5/order/history?${query}`, body: null, headers };
}

/** Bybit's non-VIP spot taker rate (VENUES.md), for callers that do not pass the account's. */
export const BYBIT_SPOT_TAKER_DEFAULT = 0.001;

// ---- answers ----------------------------------------------------------------------------------

export const BB_OK = 0;
/** Status unknown: HTTP 5xx, retCode 10016 (server error), or no answer. */
export const BB_UNKNOWN = 1;
/** Rate limited: HTTP 429/403, retCode 10006 / 10018 / 170005 / 170222. */
export const BB_RATE_LIMITED = 2;
export const BB_REJECTED = 3;
export const BB_BAD = 4;

interface BybitEnvelope {
  retCode?: unknown;
  retMsg?: unknown;
  result?: unknown;
}

const RATE_CODES = new Set([10006, 10018, 170005, 170222]);

export function classifyBybitAnswer(httpStatus: number, body: unknown): number {
  if (httpStatus === 429 || httpStatus === 403) return BB_RATE_LIMITED;
  if (httpStatus >= 500) return BB_UNKNOWN;
  if (typeof body !== 'object' || body === null) return BB_BAD;
  const code = (body as BybitEnvelope).retCode;
  if (typeof code !== 'number') return BB_BAD;
  if (code === 0) return BB_OK;
  if (code === 10016) return BB_UNKNOWN;
  if (RATE_CODES.has(code)) return BB_RATE_LIMITED;
  return BB_REJECTED;
}

export function bybitRetOf(body: unknown): { code: number; msg: string } {
  const b = (body ?? {}) as BybitEnvelope;
  return { code: typeof b.retCode === 'number' ? b.retCode : 0, msg: typeof b.retMsg === 'string' ? b.retMsg : '' };
}

/** orderId from a create answer (`result.orderId`), '' when absent. */
export function bybitCreateOrderId(body: unknown): string {
  const r = (body as BybitEnvelope | null)?.result as { orderId?: unknown } | undefined;
  return typeof r?.orderId === 'string' ? r.orderId : '';
}

interface BybitOrderRow {
  orderId?: string;
  orderLinkId?: string;
  orderStatus?: string;
  cumExecQty?: string;
  cumExecValue?: string;
  avgPrice?: string;
  cumExecFee?: string;
  /** Spot: fee per coin (the field to read; cumExecFee is deprecated for spot). */
  cumFeeDetail?: Record<string, string | number>;
  symbol?: string;
  rejectReason?: string;
}

/** The first row of a realtime answer (`result.list[0]`), or null when the list is empty. */
export function bybitOrderRow(body: unknown): BybitOrderRow | null {
  const r = (body as BybitEnvelope | null)?.result as { list?: unknown } | undefined;
  if (!Array.isArray(r?.list) || r.list.length === 0) return null;
  return r.list[0] as BybitOrderRow;
}

/**
 * Maps an order row: Filled → FILLED; PartiallyFilledCanceled / Cancelled / Deactivated →
 * CANCELED with what filled; Rejected → REJECTED; New / PartiallyFilled / Untriggered → ack.
 * Spot fees: `cumFeeDetail` (coin → fee), normally the received coin (base on a buy, quote on
 * a sell); another coin converts the order's fees to quote (fee-units.ts, at the average
 * price or `rateInQuote`). Rows without it (linear) read `cumExecFee`, in the settle coin. A
 * final with filled quantity and no fee word (an empty `cumFeeDetail`, or neither field) is
 * marked `feeMissing`: its fee comes from the order's executions (live-executor.ts).
 */
export function mapBybitOrderRow(row: BybitOrderRow, side: 'BUY' | 'SELL', rateInQuote: RateInQuote = () => undefined,
  takerFeeRate = BYBIT_SPOT_TAKER_DEFAULT): OrderUpdate {
  const status = typeof row.orderStatus === 'string' ? row.orderStatus : '';
  const cumQty = Number(row.cumExecQty ?? 0);
  const value = Number(row.cumExecValue ?? 0);
  let avgPx = Number(row.avgPrice ?? 0);
  if (!(avgPx > 0) && cumQty > 0 && value > 0) avgPx = value / cumQty;
  let cumFee = Math.abs(Number(row.cumExecFee ?? 0));
  let feeAsset = side === 'BUY' ? ASSET_BASE : ASSET_QUOTE;
  const detail = row.cumFeeDetail;
  const hasDetail = typeof detail === 'object' && detail !== null && !Array.isArray(detail);
  // No fee word at all: an empty cumFeeDetail (spot: cumExecFee is deprecated there, so it does
  // not count beside one), or neither field. Not a fee of 0: the executions carry it (execFee).
  const feeMissing = hasDetail ? Object.keys(detail).length === 0 : (row.cumExecFee === undefined || row.cumExecFee === null || String(row.cumExecFee) === '');
  if (hasDetail) {
    // The row has no per-fill split: the order is one fill at its average price. A coin that is
    // neither base nor quote (and has no rate) is estimated at the taker rate on the order's
    // notional, shared among such coins, so it is never booked as 0.
    const assets = splitSymbol(row.symbol ?? '');
    const entries = Object.entries(detail);
    let third = 0;
    for (const [coin] of entries) if (coin !== assets.base && coin !== assets.quote) third++;
    const share = third > 0 && Number.isFinite(cumQty) ? cumQty / third : 0;
    const fills = entries.map(([coin, fee]) => ({ fee: Math.abs(Number(fee)), feeAsset: coin, price: avgPx,
      qty: coin !== assets.base && coin !== assets.quote ? share : 0 }));
    const fee = executorFee(fills, side, assets, rateInQuote, takerFeeRate);
    cumFee = fee.cumFee;
    feeAsset = fee.feeAsset;
  }
  const venueOrderId = row.orderId ?? '';
  // A final that carries fills must say how much and at what price: a Filled row without a
  // quantity, or any row with filled quantity but no price, is a bad row (counted by the caller,
  // settling nothing), never a fill of 0 or at price 0 (the executions topic still reports them).
  const noQty = row.cumExecQty === undefined || row.cumExecQty === null || String(row.cumExecQty) === '';
  if ((status === 'Filled' && (noQty || !(cumQty > 0))) || (cumQty > 0 && !(avgPx > 0))) {
    return finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ERR_LIVE_BAD_RESPONSE, 'order row with filled quantity but no quantity or price', venueOrderId, status);
  }
  if (!Number.isFinite(cumQty) || !Number.isFinite(avgPx) || !Number.isFinite(cumFee) || status === '') {
    return finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ERR_LIVE_BAD_RESPONSE, 'order row without status or quantities', venueOrderId, status);
  }
  let u: OrderUpdate;
  switch (status) {
    case 'Filled':
      u = finalUpdate(ST_FILLED, cumQty, avgPx, cumFee, feeAsset, 0, '', venueOrderId, status);
      break;
    case 'PartiallyFilledCanceled':
    case 'Cancelled':
    case 'Deactivated':
      u = finalUpdate(ST_CANCELED, cumQty, cumQty > 0 ? avgPx : 0, cumFee, feeAsset, 0, '', venueOrderId, status);
      break;
    case 'Rejected':
      // It may still count filled quantity (the executor applies it before the rejection).
      u = finalUpdate(ST_REJECTED, cumQty, cumQty > 0 ? avgPx : 0, cumFee, feeAsset, ERR_LIVE_VENUE_REJECTED, row.rejectReason ?? 'rejected', venueOrderId, status);
      break;
    default:
      return { kind: UPD_ACK, status: ST_ACKED, cumQty, avgPx, cumFee, feeAsset, errorCode: 0, message: '', venueOrderId, venueStatus: status };
  }
  if (feeMissing && cumQty > 0) u.feeMissing = true;
  return u;
}
