/**
 * Binance spot order entry on the simulator (VENUES.md C; binance-spot-api-docs rest-api.md,
 * errors.md, filters.md): `POST /api/v3/order` (LIMIT with IOC or FOK) and `GET /api/v3/order`.
 *
 * Checks, in order: API key (-2014 missing/malformed, -2015 unknown), signature over query
 * string + body with no separator (-1102 missing, -1022 invalid), timestamp inside recvWindow
 * (-1021; recvWindow > 60000: -1131), symbol (-1121), side/type/timeInForce (-1117/-1116/-1115),
 * number syntax and precision (-1100/-1111), filters (-1013 "Filter failure: PRICE_FILTER" /
 * LOT_SIZE / NOTIONAL), duplicate client id (-2010 "Duplicate order sent."), order rate
 * 100 / 10 s (HTTP 429, -1015), balance (-2010 "Account has insufficient balance for requested
 * action."). Then the order fills IOC against the current book and the answer is the FULL
 * response (status FILLED or EXPIRED), or ACK / RESULT if asked.
 */
import { verifyBinanceSignature } from './sim-signature.js';
import { arrivalStamp, orderArrival } from './ws-api-faults.js';
import type { TemplatedApp } from 'uWebSockets.js';
import { serveFaultedOrder } from './order-faults.js';
import { serveBinance, weighed } from './rest-account-binance.js';
import { percentEncodeNonAscii } from '../venues/binance/sign.js';
import { formatPadded } from './decimal-format.js';
import { readBody } from './http-util.js';
import { VENUE_BINANCE } from './instruments.js';
import { decimalsIn, fillAndSettle, parseUnits, type SimAccount, type SimOrder } from './order-entry-book.js';
import { sendKeepAlive, serverMs, type OrderEntryContext } from './order-entry.js';

const ORDER_LIMIT = 100;
const ORDER_WINDOW_MS = 10_000;
const MAX_RECV_WINDOW = 60_000;
const ASSET_PRECISION = 8;
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export class BinanceReject {
  constructor(readonly http: string, readonly code: number, readonly msg: string, readonly headers: Array<[string, string]> = []) {}
}

export const bad = (code: number, msg: string): BinanceReject => new BinanceReject('400 Bad Request', code, msg);
export const mandatory = (p: string): BinanceReject => bad(-1102, `Mandatory parameter '${p}' was not sent, was empty/null, or malformed.`);

/** Removes `signature=…` from a urlencoded string; returns [rest, signature or null]. */
export function splitSignature(s: string): [string, string | null] {
  if (s === '') return ['', null];
  let sig: string | null = null;
  const kept: string[] = [];
  for (const part of s.split('&')) {
    if (part.startsWith('signature=')) sig = part.slice(10);
    else kept.push(part);
  }
  return [kept.join('&'), sig];
}

function params(query: string, body: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const src of [query, body]) {
    if (src === '') continue;
    for (const [k, v] of new URLSearchParams(src)) m.set(k, v);
  }
  return m;
}

let nextOrderId = 5_000_000;

/** After a state file was read back: order ids above `maxId` only. */
export function reserveBinanceOrderIds(maxId: number): void {
  if (maxId > nextOrderId) nextOrderId = maxId;
}

export function registerBinanceOrderEntry(app: TemplatedApp, ctx: OrderEntryContext): void {
  app.post('/api/v3/order', (res, req) => {
    const arrived = arrivalStamp();
    const query = req.getQuery() ?? '';
    const apiKey = req.getHeader('x-mbx-apikey');
    readBody(res, 64 * 1024, (body) => {
      if (body === null) return;
      if (orderArrival.hook !== null) orderArrival.hook('binance', new URLSearchParams(query + '&' + body).get('newClientOrderId') ?? '', arrived);
      const now = serverMs(ctx.clock);
      // The gate and any armed order fault (order-faults.ts): the answer may be lost, late or an error.
      serveFaultedOrder(res, 'binance', ctx.acct.faults, now, () => orderAnswer(ctx, () => newOrder(ctx, apiKey, query, body), apiKey, now),
        (st, b, h) => sendKeepAlive(res, st, b, h));
    });
  });
  app.get('/api/v3/order', (res, req) => {
    const query = req.getQuery() ?? '';
    const apiKey = req.getHeader('x-mbx-apikey');
    serveBinance(ctx, res, 4, () => queryOrder(ctx, apiKey, query));
  });
}

/** An order request's answer through the usage counters: weight, then the order-count headers. */
function orderAnswer(ctx: OrderEntryContext, f: () => string, apiKey: string, now: number): { http: string; body: string; headers: Array<[string, string]> } {
  const out = weighed(ctx, now, 1, f);
  return out.http.startsWith('429') ? out : { ...out, headers: [...out.headers, ...ctx.acct.binanceUsage.order(now, apiKey)] };
}

export function handle(f: () => string): { http: string; body: string; headers: Array<[string, string]> } {
  try {
    return { http: '200 OK', body: f(), headers: [] };
  } catch (e) {
    if (!(e instanceof BinanceReject)) throw e;
    return { http: e.http, body: JSON.stringify({ code: e.code, msg: e.msg }), headers: e.headers };
  }
}

/** API key, signature and timestamp: the SIGNED endpoint security checks. */
export function authenticate(ctx: OrderEntryContext, apiKey: string, query: string, body: string): { account: SimAccount; p: Map<string, string> } {
  if (apiKey === '') throw new BinanceReject('401 Unauthorized', -2014, 'API-key format invalid.');
  const account = ctx.accounts.get(apiKey);
  if (account === undefined) throw new BinanceReject('401 Unauthorized', -2015, 'Invalid API-key, IP, or permissions for action.');
  const [q, qSig] = splitSignature(query);
  const [b, bSig] = splitSignature(body);
  const sig = qSig ?? bSig;
  if (sig === null || sig === '') throw mandatory('signature');
  if (!verifyBinanceSignature(account, percentEncodeNonAscii(q) + percentEncodeNonAscii(b), sig, true)) {
    throw bad(-1022, 'Signature for this request is not valid.');
  }
  const p = params(q, b);
  checkTimestamp(ctx, p);
  return { account, p };
}

/** timestamp and recvWindow rules shared by REST and the WebSocket API (-1021, -1131). */
export function checkTimestamp(ctx: OrderEntryContext, p: Map<string, string>): void {
  const tsText = p.get('timestamp');
  if (tsText === undefined || tsText === '') throw mandatory('timestamp');
  let ts = Number(tsText);
  if (!Number.isFinite(ts)) throw bad(-1100, "Illegal characters found in parameter 'timestamp'; legal range is '^[0-9]{1,20}$'.");
  if (ts > 1e14) ts = ts / 1000; // microseconds
  const recvWindow = p.has('recvWindow') ? Number(p.get('recvWindow')) : 5000;
  if (!Number.isFinite(recvWindow) || recvWindow <= 0) throw bad(-1100, "Illegal characters found in parameter 'recvWindow'.");
  if (recvWindow > MAX_RECV_WINDOW) throw bad(-1131, 'recvWindow must be less than 60000');
  const now = serverMs(ctx.clock);
  if (ts >= now + 1000) throw bad(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (now - ts > recvWindow) throw bad(-1021, 'Timestamp for this request is outside of the recvWindow.');
}

function newOrder(ctx: OrderEntryContext, apiKey: string, query: string, body: string): string {
  const { account, p } = authenticate(ctx, apiKey, query, body);
  return JSON.stringify(placeOrder(ctx, account, apiKey, p));
}

/** A new order after authentication (REST and WebSocket API): the answer's object. */
export function placeOrder(ctx: OrderEntryContext, account: SimAccount, apiKey: string, p: Map<string, string>): unknown {
  const symbol = p.get('symbol');
  if (!symbol) throw mandatory('symbol');
  const si = ctx.gen.symbols.indexOf(symbol);
  if (si < 0) throw bad(-1121, 'Invalid symbol.');
  const side = p.get('side');
  if (!side) throw mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw bad(-1117, 'Invalid side.');
  const type = p.get('type');
  if (!type) throw mandatory('type');
  if (type !== 'LIMIT') throw bad(-1116, 'Invalid orderType.');
  const tif = p.get('timeInForce');
  if (!tif) throw mandatory('timeInForce');
  // The simulator never rests an order: IOC and FOK only.
  if (tif !== 'IOC' && tif !== 'FOK') throw bad(-1115, 'Invalid timeInForce.');
  const qtyText = p.get('quantity');
  if (!qtyText) throw mandatory('quantity');
  const priceText = p.get('price');
  if (!priceText) throw mandatory('price');
  const respType = p.get('newOrderRespType') ?? 'FULL';
  if (respType !== 'ACK' && respType !== 'RESULT' && respType !== 'FULL') throw bad(-1100, "Illegal characters found in parameter 'newOrderRespType'.");
  const clientId = p.get('newClientOrderId') ?? `sim${nextOrderId + 1}x${Math.floor(Math.random() * 1e9).toString(36)}`;
  if (!CLIENT_ID.test(clientId)) throw bad(-1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");

  const book = ctx.gen.book(VENUE_BINANCE, si);
  const spec = ctx.gen.specs[si]!;
  if (!/^\d{1,20}(\.\d{1,20})?$/.test(priceText)) throw bad(-1100, "Illegal characters found in parameter 'price'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
  if (!/^\d{1,20}(\.\d{1,20})?$/.test(qtyText)) throw bad(-1100, "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
  if (decimalsIn(priceText) > ASSET_PRECISION && Number.isNaN(parseUnits(priceText, ASSET_PRECISION))) throw bad(-1111, "Parameter 'price' has too much precision.");
  if (decimalsIn(qtyText) > ASSET_PRECISION && Number.isNaN(parseUnits(qtyText, ASSET_PRECISION))) throw bad(-1111, "Parameter 'quantity' has too much precision.");
  const priceTicks = parseUnits(priceText, book.tickDecimals);
  if (!(priceTicks > 0)) throw bad(-1013, 'Filter failure: PRICE_FILTER');
  const lots = parseUnits(qtyText, book.stepDecimals);
  if (!(lots > 0)) throw bad(-1013, 'Filter failure: LOT_SIZE');
  const notional = priceTicks * book.tickUnit * lots * book.stepUnit;
  if (notional < spec.binance.minNotional) throw bad(-1013, 'Filter failure: NOTIONAL');
  if (ctx.orders.has(apiKey, clientId)) throw bad(-2010, 'Duplicate order sent.');
  const now = serverMs(ctx.clock);
  if (!account.takeOrderSlot(now, ORDER_LIMIT, ORDER_WINDOW_MS)) {
    const retry = Math.max(1, Math.ceil((account.windowResetMs(ORDER_WINDOW_MS) - now) / 1000));
    throw new BinanceReject('429 Too Many Requests', -1015, 'Too many new orders; current limit is 100 orders per TEN_SECONDS.', [['Retry-After', String(retry)]]);
  }
  const isBuy = side === 'BUY';
  const base = spec.baseAsset;
  const quote = spec.quoteAsset;
  if (isBuy ? account.balance(quote, true) < notional : account.balance(base, false) < lots * book.stepUnit) {
    throw bad(-2010, 'Account has insufficient balance for requested action.');
  }
  const { match: m, fee } = fillAndSettle(book, account, base, quote, isBuy, priceTicks, lots, tif === 'FOK', ctx.takerFeeRate);
  const order: SimOrder = {
    orderId: ++nextOrderId, clientOrderId: clientId, apiKey, symbol, isBuy, tif, priceText, qtyText, priceTicks, lots,
    filledLots: m.filledLots, notionalUnits: m.notionalUnits, fee,
    status: m.filledLots === lots ? 'FILLED' : 'EXPIRED', createdMs: now, fills: m,
  };
  ctx.orders.add(order);
  const ack = { symbol, orderId: order.orderId, orderListId: -1, clientOrderId: clientId, transactTime: now };
  if (respType === 'ACK') return ack;
  const result = { ...ack, ...orderFields(order, book.tickDecimals, book.stepDecimals), workingTime: now, selfTradePreventionMode: 'NONE' };
  if (respType === 'RESULT') return result;
  // Trades as the ledger recorded them: the same ids and commissions myTrades and the stream show.
  const fills = ctx.acct.ledger.tradesOf(order).map((t) => ({
    price: formatPadded(t.priceTicks, book.tickDecimals, 8), qty: formatPadded(t.lots, book.stepDecimals, 8),
    commission: fmt8(t.commission), commissionAsset: t.commissionAsset, tradeId: t.tradeId,
  }));
  return { ...result, fills };
}

function fmt8(x: number): string {
  return formatPadded(Math.round(x * 1e8), 8, 8);
}

/** The order fields RESULT answers and the query share (price … side). */
export function orderFields(o: SimOrder, tickDecimals: number, stepDecimals: number): Record<string, unknown> {
  const quoteDecimals = tickDecimals + stepDecimals;
  const cumQuote = quoteDecimals <= 8 ? formatPadded(o.notionalUnits, quoteDecimals, 8) : fmt8(o.notionalUnits / 10 ** quoteDecimals);
  return {
    price: formatPadded(o.priceTicks, tickDecimals, 8), origQty: formatPadded(o.lots, stepDecimals, 8),
    executedQty: formatPadded(o.filledLots, stepDecimals, 8), origQuoteOrderQty: '0.00000000', cummulativeQuoteQty: cumQuote,
    status: o.status, timeInForce: o.tif, type: 'LIMIT', side: o.isBuy ? 'BUY' : 'SELL',
  };
}

function queryOrder(ctx: OrderEntryContext, apiKey: string, query: string): string {
  const { p } = authenticate(ctx, apiKey, query, '');
  return JSON.stringify(orderStatus(ctx, apiKey, p));
}

/** An order's status after authentication (REST GET /api/v3/order, WebSocket API order.status). */
export function orderStatus(ctx: OrderEntryContext, apiKey: string, p: Map<string, string>): unknown {
  const symbol = p.get('symbol');
  if (!symbol) throw mandatory('symbol');
  const si = ctx.gen.symbols.indexOf(symbol);
  if (si < 0) throw bad(-1121, 'Invalid symbol.');
  const id = p.get('orderId');
  const clientId = p.get('origClientOrderId');
  if (!id && !clientId) throw bad(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  const o = id ? ctx.orders.byId(apiKey, id) : ctx.orders.byClient(apiKey, clientId!);
  if (o === undefined || o.symbol !== symbol || !ctx.acct.ledger.visible(o, serverMs(ctx.clock))) throw bad(-2013, 'Order does not exist.');
  const book = ctx.gen.book(VENUE_BINANCE, si);
  return {
    symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, ...orderFields(o, book.tickDecimals, book.stepDecimals),
    stopPrice: '0.00000000', icebergQty: '0.00000000', time: o.createdMs, updateTime: o.createdMs, isWorking: false,
    workingTime: o.createdMs, selfTradePreventionMode: 'NONE',
  };
}
