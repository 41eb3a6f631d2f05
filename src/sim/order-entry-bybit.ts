/**
 * Bybit v5 spot order entry on the simulator (VENUES.md C; bybit docs v5/order/create-order,
 * v5/order/open-order, v5/guide, v5/error): `POST /v5/order/create` (Limit, IOC or FOK) and
 * `GET /v5/order/realtime`.
 *
 * Every answer is HTTP 200 with a retCode, as the venue's are. Checks: API key (10003),
 * timestamp inside recv_window (10002), signature over timestamp + apiKey + recvWindow +
 * (exact body | query string) (10004), parameters (10001), symbol (170121), decimals
 * (170134 price, 170137 quantity), minimums (170136 quantity, 170140 order value), duplicate
 * orderLinkId (170141), 20 orders / s per key (10006 with X-Bapi-Limit-* headers), balance
 * (170131). The create answer is the bare acknowledgement; the order has already been matched
 * IOC against the current book, and the realtime query shows its final state (Filled,
 * PartiallyFilledCanceled, Cancelled).
 */
import type { TemplatedApp } from 'uWebSockets.js';
import { serveFaultedOrder } from './order-faults.js';
import { serveBybit } from './rest-account-bybit.js';
import { bybitRestSignature } from '../venues/bybit/sign.js';
import { formatShortest } from './decimal-format.js';
import { readBody } from './http-util.js';
import { VENUE_BYBIT } from './instruments.js';
import { decimalsIn, fillAndSettle, parseUnits, type SimAccount, type SimOrder } from './order-entry-book.js';
import { sendKeepAlive, serverMs, type OrderEntryContext } from './order-entry.js';
import { arrivalStamp, orderArrival } from './ws-api-faults.js';

const ORDER_LIMIT = 20;
const ORDER_WINDOW_MS = 1000;

export class BybitReject {
  constructor(readonly code: number, readonly msg: string, readonly headers: Array<[string, string]> = []) {}
}

export interface Auth {
  apiKey: string;
  ts: string;
  sign: string;
  recvWindow: string;
}

let nextOrderSeq = 1_700_000_000_000_000_000n;

/** After a state file was read back: order ids above `maxId` only. */
export function reserveBybitOrderIds(maxId: string): void {
  const m = BigInt(maxId);
  if (m > nextOrderSeq) nextOrderSeq = m;
}

export function registerBybitOrderEntry(app: TemplatedApp, ctx: OrderEntryContext): void {
  app.post('/v5/order/create', (res, req) => {
    const arrived = arrivalStamp();
    const auth = authHeaders(req);
    readBody(res, 64 * 1024, (body) => {
      if (body === null) return;
      if (orderArrival.hook !== null) orderArrival.hook('bybit', /"orderLinkId"\s*:\s*"([^"]*)"/.exec(body)?.[1] ?? '', arrived);
      const now = serverMs(ctx.clock);
      // The gate and any armed order fault (order-faults.ts): the answer may be lost, late or an error.
      serveFaultedOrder(res, 'bybit', ctx.acct.faults, now, () => { const out = handle(ctx, () => create(ctx, auth, body)); return { http: '200 OK', body: out.body, headers: out.headers }; },
        (st, b, h) => sendKeepAlive(res, st, b, h));
    });
  });
  app.get('/v5/order/realtime', (res, req) => {
    const auth = authHeaders(req);
    const query = req.getQuery() ?? '';
    serveBybit(ctx, res, auth.apiKey, '/v5/order/realtime', 50, () => realtime(ctx, auth, query));
  });
}

export function authHeaders(req: { getHeader(k: string): string }): Auth {
  return {
    apiKey: req.getHeader('x-bapi-api-key'), ts: req.getHeader('x-bapi-timestamp'), sign: req.getHeader('x-bapi-sign'),
    recvWindow: req.getHeader('x-bapi-recv-window'),
  };
}

export function handle(ctx: OrderEntryContext, f: () => { result: unknown; headers?: Array<[string, string]> }): { body: string; headers: Array<[string, string]> } {
  const time = serverMs(ctx.clock);
  try {
    const r = f();
    return { body: JSON.stringify({ retCode: 0, retMsg: 'OK', result: r.result, retExtInfo: {}, time }), headers: r.headers ?? [] };
  } catch (e) {
    if (!(e instanceof BybitReject)) throw e;
    return { body: JSON.stringify({ retCode: e.code, retMsg: e.msg, result: {}, retExtInfo: {}, time }), headers: e.headers };
  }
}

export function authenticate(ctx: OrderEntryContext, a: Auth, signed: string): SimAccount {
  if (a.apiKey === '') throw new BybitReject(10003, 'API key is invalid.');
  const account = ctx.accounts.get(a.apiKey);
  if (account === undefined) throw new BybitReject(10003, 'API key is invalid.');
  checkTimestamp(ctx, a.ts, a.recvWindow);
  const expected = bybitRestSignature(account.secretKey, a.ts, a.apiKey, a.recvWindow === '' ? '' : a.recvWindow, signed);
  if (a.sign.toLowerCase() !== expected) throw new BybitReject(10004, 'error sign! origin_string[' + a.ts + a.apiKey + a.recvWindow + signed + ']');
  return account;
}

/** X-BAPI-TIMESTAMP inside X-BAPI-RECV-WINDOW (REST headers, or the /v5/trade request header): 10002. */
export function checkTimestamp(ctx: OrderEntryContext, tsText: string, recvWindowText: string): void {
  const recvWindow = recvWindowText === '' ? 5000 : Number(recvWindowText);
  const ts = Number(tsText);
  const now = serverMs(ctx.clock);
  if (tsText === '' || !Number.isFinite(ts) || !Number.isFinite(recvWindow) || !(now - recvWindow <= ts && ts < now + 1000)) {
    throw new BybitReject(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${tsText}],server_timestamp[${now}],recv_window[${recvWindow}]`);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function create(ctx: OrderEntryContext, a: Auth, body: string): { result: unknown; headers: Array<[string, string]> } {
  const account = authenticate(ctx, a, body);
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(body) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null) throw new Error('not an object');
  } catch {
    throw new BybitReject(10001, 'params error: request body is not valid JSON');
  }
  return placeOrder(ctx, account, a.apiKey, o);
}

/** A create after authentication (REST and the /v5/trade WebSocket): the ack and limit headers. */
export function placeOrder(ctx: OrderEntryContext, account: SimAccount, apiKey: string, o: Record<string, unknown>): { result: { orderId: string; orderLinkId: string }; headers: Array<[string, string]> } {
  const a = { apiKey };
  if (o.category !== 'spot') throw new BybitReject(10001, 'params error: category only supports spot in this simulator');
  const symbol = str(o.symbol);
  if (!symbol) throw new BybitReject(10001, 'params error: symbol is empty');
  const si = ctx.gen.symbols.indexOf(symbol);
  if (si < 0) throw new BybitReject(170121, 'Invalid symbol.');
  const side = o.side;
  if (side !== 'Buy' && side !== 'Sell') throw new BybitReject(10001, 'params error: side invalid');
  if (o.orderType !== 'Limit') throw new BybitReject(10001, 'params error: orderType only supports Limit in this simulator');
  const tif = o.timeInForce ?? 'GTC';
  if (tif !== 'IOC' && tif !== 'FOK') throw new BybitReject(10001, 'params error: timeInForce only supports IOC and FOK in this simulator');
  const qtyText = str(o.qty);
  const priceText = str(o.price);
  if (!qtyText || !/^\d+(\.\d+)?$/.test(qtyText)) throw new BybitReject(10001, 'params error: qty invalid');
  if (!priceText || !/^\d+(\.\d+)?$/.test(priceText)) throw new BybitReject(10001, 'params error: price invalid');
  const linkId = str(o.orderLinkId) ?? '';
  if (linkId.length > 36 || !/^[A-Za-z0-9_-]*$/.test(linkId)) throw new BybitReject(10001, 'params error: orderLinkId invalid');
  const book = ctx.gen.book(VENUE_BYBIT, si);
  const spec = ctx.gen.specs[si]!;
  const priceTicks = parseUnits(priceText, book.tickDecimals);
  if (Number.isNaN(priceTicks) && decimalsIn(priceText) > book.tickDecimals) throw new BybitReject(170134, 'Order price has too many decimals.');
  if (!(priceTicks > 0)) throw new BybitReject(10001, 'params error: price invalid');
  const lots = parseUnits(qtyText, book.stepDecimals);
  if (Number.isNaN(lots) && decimalsIn(qtyText) > book.stepDecimals) throw new BybitReject(170137, 'Order quantity has too many decimals.');
  if (!(lots > 0)) throw new BybitReject(170136, 'Order quantity is lower than the minimum.');
  const notional = priceTicks * book.tickUnit * lots * book.stepUnit;
  if (notional < spec.bybit.minNotional) throw new BybitReject(170140, 'Order value exceeded lower limit.');
  if (linkId !== '' && ctx.orders.has(a.apiKey, linkId)) throw new BybitReject(170141, 'Duplicate clientOrderId.');
  const now = serverMs(ctx.clock);
  if (!account.takeOrderSlot(now, ORDER_LIMIT, ORDER_WINDOW_MS)) {
    throw new BybitReject(10006, 'Too many visits!', limitHeaders(account, now));
  }
  const isBuy = side === 'Buy';
  const base = spec.baseAsset;
  const quote = spec.quoteAsset;
  if (isBuy ? account.balance(quote, true) < notional : account.balance(base, false) < lots * book.stepUnit) {
    throw new BybitReject(170131, 'Insufficient balance.');
  }
  const { match: m, fee } = fillAndSettle(book, account, base, quote, isBuy, priceTicks, lots, tif === 'FOK', ctx.takerFeeRate);
  const orderId = String(++nextOrderSeq);
  const order: SimOrder = {
    orderId: Number(orderId.slice(-15)), clientOrderId: linkId === '' ? orderId : linkId, apiKey: a.apiKey, symbol, isBuy, tif,
    priceText, qtyText, priceTicks, lots, filledLots: m.filledLots, notionalUnits: m.notionalUnits,
    fee,
    status: m.filledLots === lots ? 'Filled' : m.filledLots > 0 ? 'PartiallyFilledCanceled' : 'Cancelled', createdMs: now, fills: m,
    venueOrderId: orderId,
  };
  ctx.orders.add(order);
  return { result: { orderId, orderLinkId: linkId }, headers: limitHeaders(account, now) };
}

function limitHeaders(account: SimAccount, now: number): Array<[string, string]> {
  const left = Math.max(0, ORDER_LIMIT - account.recentOrders.length);
  const reset = account.windowResetMs(ORDER_WINDOW_MS) || now;
  return [['X-Bapi-Limit', String(ORDER_LIMIT)], ['X-Bapi-Limit-Status', String(left)], ['X-Bapi-Limit-Reset-Timestamp', String(reset)]];
}

function realtime(ctx: OrderEntryContext, a: Auth, query: string): { result: unknown } {
  authenticate(ctx, a, query);
  const p = new URLSearchParams(query);
  if (p.get('category') !== 'spot') throw new BybitReject(10001, 'params error: category only supports spot in this simulator');
  const linkId = p.get('orderLinkId');
  const id = p.get('orderId');
  let o: SimOrder | undefined;
  if (linkId) o = ctx.orders.byClient(a.apiKey, linkId);
  else if (id) o = ctx.orders.byId(a.apiKey, String(Number(id.slice(-15))));
  const symbol = p.get('symbol');
  if (o !== undefined && symbol && o.symbol !== symbol) o = undefined;
  if (o !== undefined && !ctx.acct.ledger.visible(o, serverMs(ctx.clock))) o = undefined;
  const list = o === undefined ? [] : [row(ctx, o)];
  return { result: { category: 'spot', list, nextPageCursor: '' } };
}

export function row(ctx: OrderEntryContext, o: SimOrder): Record<string, unknown> {
  const si = ctx.gen.symbols.indexOf(o.symbol);
  const book = ctx.gen.book(VENUE_BYBIT, si);
  const quoteDecimals = book.tickDecimals + book.stepDecimals;
  const cumValue = formatShortest(o.notionalUnits, quoteDecimals);
  const avg = o.filledLots > 0 ? String(Number((o.notionalUnits * book.tickUnit / o.filledLots).toFixed(book.tickDecimals + 4))) : '0';
  return {
    orderId: o.venueOrderId ?? String(o.orderId), orderLinkId: o.clientOrderId, blockTradeId: '', symbol: o.symbol,
    price: o.priceText, qty: o.qtyText, side: o.isBuy ? 'Buy' : 'Sell', isLeverage: '0', positionIdx: 0, orderStatus: o.status,
    createType: 'CreateByUser', cancelType: o.status === 'Filled' ? 'UNKNOWN' : 'CancelByUser', rejectReason: 'EC_NoError',
    avgPrice: avg, leavesQty: '0', leavesValue: '0', cumExecQty: formatShortest(o.filledLots, book.stepDecimals), cumExecValue: cumValue,
    cumExecFee: String(Number(o.fee.toFixed(10))), cumFeeDetail: feeDetail(ctx, o), timeInForce: o.tif, orderType: 'Limit', stopOrderType: '', orderIv: '',
    marketUnit: '', triggerPrice: '0', takeProfit: '0', stopLoss: '0', tpslMode: '', ocoTriggerBy: '', tpLimitPrice: '',
    slLimitPrice: '', tpTriggerBy: '', slTriggerBy: '', triggerDirection: 0, triggerBy: '', lastPriceOnCreated: '',
    basePrice: '', reduceOnly: false, closeOnTrigger: false, placeType: '', smpType: 'None', smpGroup: 0, smpOrderId: '',
    createdTime: String(o.createdMs), updatedTime: String(o.createdMs),
  };
}

/** Spot fee per coin (the field to read; cumExecFee is deprecated for spot). */
function feeDetail(ctx: OrderEntryContext, o: SimOrder): Record<string, string> {
  const d: Record<string, number> = {};
  for (const t of ctx.acct.ledger.tradesOf(o)) d[t.commissionAsset] = (d[t.commissionAsset] ?? 0) + t.commission;
  const out: Record<string, string> = {};
  for (const k of Object.keys(d)) out[k] = String(Number(d[k]!.toFixed(10)));
  return out;
}
