/**
 * Binance spot REST order entry, pure parts (VENUES.md C; binance-spot-api-docs rest-api.md):
 * request builders for `POST /api/v3/order` (LIMIT IOC, FULL response) and `GET /api/v3/order`,
 * signed with the venue's REST rule (HMAC-SHA256 over query string + body, no separator), and
 * the mapping of answers to order updates.
 *
 * Parameters go in the body (application/x-www-form-urlencoded) for POST and in the query for
 * GET; `signature` is appended last to the part that carries the parameters.
 */
import { binanceQueryString, binanceRestSignature, percentEncodeNonAscii, type SignParams } from '../../venues/binance/sign.js';
import { ed25519Base64 } from './signer.js';
import { ASSET_BASE, ASSET_QUOTE, ST_ACKED, ST_CANCELED, ST_FILLED, ST_REJECTED } from '../../core/records.js';
import { ERR_LIVE_BAD_RESPONSE } from './live-errors.js';
import { UPD_ACK, finalUpdate, type Credentials, type LiveOrder, type OrderUpdate } from './order-types.js';
import { executorFee, type FeeFill, type RateInQuote } from './fee-units.js';

export const BINANCE_ORDER_PATH = '/api/v3/order';

export interface SignedRequest {
  method: 'GET' | 'POST';
  /** Path plus signed query (GET) or bare path (POST). */
  pathAndQuery: string;
  body: string | null;
  headers: Record<string, string>;
}

/** Parameters of a new LIMIT IOC order, in the order they are sent and signed. */
export function binanceNewOrderParams(o: LiveOrder, recvWindowMs: number, timestampMs: number): SignParams {
  return {
    symbol: o.symbol, side: o.side, type: 'LIMIT', timeInForce: 'IOC', quantity: o.qty, price: o.price,
    newClientOrderId: o.clientOrderId, newOrderRespType: 'FULL', recvWindow: recvWindowMs, timestamp: timestampMs,
  };
}

/**
 * A signed request with every parameter in one place: the body for POST, the query for GET.
 * The signature covers exactly the bytes sent (the query string, or the body, before
 * `&signature=`).
 */
export function binanceSignedRequest(method: 'GET' | 'POST', path: string, params: SignParams, creds: Credentials): SignedRequest {
  const payload = binanceQueryString(params);
  // Ed25519: base64 over the same bytes, URL-encoded as a parameter value (it holds + / =).
  const sig = creds.keyType === 'ed25519' && creds.privateKey !== undefined
    ? encodeURIComponent(ed25519Base64(creds.privateKey, percentEncodeNonAscii(payload)))
    : binanceRestSignature(creds.secretKey, method === 'GET' ? payload : '', method === 'POST' ? payload : '');
  const signed = `${payload}&signature=${sig}`;
  const headers: Record<string, string> = { 'X-MBX-APIKEY': creds.apiKey };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return { method, pathAndQuery: path, body: signed, headers };
  }
  return { method, pathAndQuery: `${path}?${signed}`, body: null, headers };
}

export function buildBinanceNewOrder(o: LiveOrder, creds: Credentials, recvWindowMs: number, timestampMs: number): SignedRequest {
  return binanceSignedRequest('POST', BINANCE_ORDER_PATH, binanceNewOrderParams(o, recvWindowMs, timestampMs), creds);
}

/** `GET /api/v3/order?symbol=…&origClientOrderId=…`: the order's status, to reconcile an unknown outcome. */
export function buildBinanceQueryOrder(symbol: string, clientOrderId: string, creds: Credentials, recvWindowMs: number,
  timestampMs: number): SignedRequest {
  return binanceSignedRequest('GET', BINANCE_ORDER_PATH,
    { symbol, origClientOrderId: clientOrderId, recvWindow: recvWindowMs, timestamp: timestampMs }, creds);
}

/** `GET /api/v3/allOrders?symbol=…&startTime=…`: the order history, the second look before "not placed". */
export function buildBinanceAllOrders(symbol: string, startTimeMs: number, creds: Credentials, recvWindowMs: number, timestampMs: number): SignedRequest {
  return binanceSignedRequest('GET', '/api/v3/allOrders', { symbol, startTime: startTimeMs, recvWindow: recvWindowMs, timestamp: timestampMs }, creds);
}

// ---- answers ----------------------------------------------------------------------------------

/** How an HTTP answer from Binance order entry reads. */
export const BN_OK = 0;
/** Status unknown (HTTP 5xx, -1007 TIMEOUT): query the order. */
export const BN_UNKNOWN = 1;
/** Rate limited (429) or IP-banned (418): back off for Retry-After. */
export const BN_RATE_LIMITED = 2;
/** Rejected with a venue code (4xx with {code,msg}). */
export const BN_REJECTED = 3;
/** Answer not readable. */
export const BN_BAD = 4;

export interface BinanceError {
  code: number;
  msg: string;
}

export function classifyBinanceAnswer(httpStatus: number, body: unknown): number {
  const err = binanceErrorOf(body);
  if (httpStatus === 429 || httpStatus === 418) return BN_RATE_LIMITED;
  if (httpStatus >= 500) return BN_UNKNOWN;
  if (err !== null) {
    if (err.code === -1007) return BN_UNKNOWN;
    if (err.code === -1003 || err.code === -1015) return BN_RATE_LIMITED;
    return BN_REJECTED;
  }
  if (httpStatus >= 200 && httpStatus < 300 && typeof body === 'object' && body !== null) return BN_OK;
  return BN_BAD;
}

export function binanceErrorOf(body: unknown): BinanceError | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { code?: unknown; msg?: unknown };
  if (typeof b.code !== 'number' || b.code === 0) return null;
  return { code: b.code, msg: typeof b.msg === 'string' ? b.msg : '' };
}

/** Parses a body as JSON; null when it is not JSON (an HTML error page from a proxy, say). */
export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

interface BinanceOrderBody {
  symbol?: string;
  orderId?: number;
  clientOrderId?: string;
  status?: string;
  executedQty?: string;
  cummulativeQuoteQty?: string;
  fills?: Array<{ price?: string; qty?: string; commission?: string; commissionAsset?: string }>;
}

export interface FeeAssets {
  base: string;
  quote: string;
}

/** Base/quote asset names of a symbol, for commissionAsset (…USDT, …USDC, …BTC). */
export function splitSymbol(symbol: string): FeeAssets {
  for (const q of ['USDT', 'USDC', 'FDUSD', 'BUSD', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY']) {
    if (symbol.length > q.length && symbol.endsWith(q)) return { base: symbol.slice(0, -q.length), quote: q };
  }
  return { base: symbol, quote: '' };
}

/**
 * Maps a successful order body (FULL, RESULT, or the GET /api/v3/order answer) to an update.
 * FILLED → FILLED; EXPIRED / EXPIRED_IN_MATCH / CANCELED (the IOC remainder withdrawn) →
 * CANCELED with whatever filled; REJECTED → REJECTED; NEW / PARTIALLY_FILLED / PENDING_NEW →
 * an ack (not final). Fees come from FULL fills (fee-units.ts: in the received asset, or, when
 * a commission is in another asset such as BNB, the order's fees converted to quote at
 * `rateInQuote`, flagged by `feeOtherAsset`; never 0); an answer without fills (query)
 * estimates them at `takerFeeRate` in the received asset.
 */
export function mapBinanceOrder(body: unknown, side: 'BUY' | 'SELL', takerFeeRate: number,
  rateInQuote: RateInQuote = () => undefined): { update: OrderUpdate; feeOtherAsset: boolean } {
  const b = body as BinanceOrderBody;
  const status = typeof b.status === 'string' ? b.status : '';
  const cumQty = Number(b.executedQty ?? 0);
  const quoteQty = Number(b.cummulativeQuoteQty ?? 0);
  const venueOrderId = b.orderId === undefined ? '' : String(b.orderId);
  if (!Number.isFinite(cumQty) || !Number.isFinite(quoteQty) || status === '') {
    return { update: finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ERR_LIVE_BAD_RESPONSE, 'order body without status or quantities', venueOrderId, status), feeOtherAsset: false };
  }
  const avgPx = cumQty > 0 ? quoteQty / cumQty : 0;
  // Spot fees are charged in the received asset: base on a buy, quote on a sell.
  let feeAsset = side === 'BUY' ? ASSET_BASE : ASSET_QUOTE;
  let cumFee = 0;
  let feeOtherAsset = false;
  if (Array.isArray(b.fills)) {
    const fills: FeeFill[] = b.fills.map((f) => ({ fee: Number(f.commission ?? 0), feeAsset: f.commissionAsset ?? '', price: Number(f.price ?? 0), qty: Number(f.qty ?? 0) }));
    const fee = executorFee(fills.filter((f) => f.fee > 0), side, splitSymbol(b.symbol ?? ''), rateInQuote, takerFeeRate);
    cumFee = fee.cumFee;
    feeAsset = fee.feeAsset;
    feeOtherAsset = fee.converted;
  } else if (cumQty > 0) {
    cumFee = (feeAsset === ASSET_BASE ? cumQty : quoteQty) * takerFeeRate;
  }
  let update: OrderUpdate;
  switch (status) {
    case 'FILLED':
      update = finalUpdate(ST_FILLED, cumQty, avgPx, cumFee, feeAsset, 0, '', venueOrderId, status);
      break;
    case 'EXPIRED':
    case 'EXPIRED_IN_MATCH':
    case 'CANCELED':
      update = finalUpdate(ST_CANCELED, cumQty, avgPx, cumFee, feeAsset, 0, '', venueOrderId, status);
      break;
    case 'REJECTED':
      update = finalUpdate(ST_REJECTED, cumQty, avgPx, cumFee, feeAsset, -2010, 'order rejected by the matching engine', venueOrderId, status);
      break;
    default: // NEW, PARTIALLY_FILLED, PENDING_NEW, PENDING_CANCEL: still live
      update = { kind: UPD_ACK, status: ST_ACKED, cumQty, avgPx, cumFee, feeAsset, errorCode: 0, message: '', venueOrderId, venueStatus: status };
  }
  return { update, feeOtherAsset };
}
