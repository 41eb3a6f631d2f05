/**
 * Binance spot account endpoints on the simulator (binance-spot-api-docs rest-api.md
 * "Account endpoints", "Trading endpoints"), signed like the order endpoint (same API key,
 * signature and recvWindow checks, same error codes):
 *
 *   GET    /api/v3/account             weight 20  balances, commission rates, canTrade/canWithdraw
 *   GET    /api/v3/openOrders          weight 6 (80 without symbol)
 *   DELETE /api/v3/openOrders          weight 1   cancel-all of a symbol (-2011 when none is open)
 *   GET    /api/v3/myTrades            weight 20  symbol required; orderId, startTime, endTime, fromId, limit
 *   GET    /api/v3/allOrders           weight 20  symbol required; orderId, startTime, endTime, limit
 *   GET    /api/v3/account/commission  weight 20  standard/tax commission and the BNB discount
 *
 * Every answer carries X-MBX-USED-WEIGHT-1M; past 6000 a minute the answer is HTTP 429 -1003
 * with Retry-After. A `rate_storm` or `forbidden` fault refuses requests first (order-faults.ts).
 * The simulator never rests an order (IOC/FOK only), so openOrders is always empty.
 */
import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { formatPadded } from './decimal-format.js';
import { VENUE_BINANCE } from './instruments.js';
import { BinanceReject, authenticate, bad, handle, mandatory, orderFields } from './order-entry-binance.js';
import type { SimOrder } from './order-entry-book.js';
import { sendKeepAlive, serverMs, type OrderEntryContext } from './order-entry.js';
import { gateAnswer } from './order-faults.js';
import { BNB_DISCOUNT, type SimTrade } from './account-ledger.js';

/** Gate (faults), weight (usage headers), then the handler: the path every Binance signed request takes. */
export function serveBinance(ctx: OrderEntryContext, res: HttpResponse, weight: number, f: () => string): void {
  const now = serverMs(ctx.clock);
  const gated = gateAnswer(ctx.acct.faults, now);
  const out = gated ?? weighed(ctx, now, weight, f);
  sendKeepAlive(res, out.http, out.body, out.headers);
}

/** The handler's answer with the weight header, or HTTP 429 -1003 when the minute's weight is spent. */
export function weighed(ctx: OrderEntryContext, now: number, weight: number, f: () => string): { http: string; body: string; headers: Array<[string, string]> } {
  const usage = ctx.acct.binanceUsage.request(now, weight);
  if (usage === null) {
    return { http: '429 Too Many Requests', body: JSON.stringify({ code: -1003, msg: 'Too many requests; current limit of IP is 6000 requests per minute.' }),
      headers: [['Retry-After', String(ctx.acct.binanceUsage.retryAfterS(now))]] };
  }
  const out = handle(f);
  return { ...out, headers: [...usage, ...out.headers] };
}

function symbolParam(ctx: OrderEntryContext, p: Map<string, string>, required: boolean): string | null {
  const symbol = p.get('symbol');
  if (!symbol) {
    if (required) throw mandatory('symbol');
    return null;
  }
  if (ctx.gen.symbols.indexOf(symbol) < 0) throw bad(-1121, 'Invalid symbol.');
  return symbol;
}

function limitParam(p: Map<string, string>): number {
  const l = p.has('limit') ? Number(p.get('limit')) : 500;
  if (!Number.isInteger(l) || l < 1) throw bad(-1100, "Illegal characters found in parameter 'limit'.");
  return Math.min(l, 1000);
}

function timeRange(p: Map<string, string>): [number, number] {
  const start = p.has('startTime') ? Number(p.get('startTime')) : -Infinity;
  const end = p.has('endTime') ? Number(p.get('endTime')) : Infinity;
  if (Number.isNaN(start) || Number.isNaN(end)) throw bad(-1100, "Illegal characters found in parameter 'startTime' or 'endTime'.");
  if (Number.isFinite(start) && Number.isFinite(end) && end - start > 24 * 3600_000) throw bad(-1127, 'More than 24 hours between startTime and endTime.');
  return [start, end];
}

export function tradeJson(t: SimTrade): Record<string, unknown> {
  const o = t.order;
  return {
    symbol: o.symbol, id: t.tradeId, orderId: o.orderId, orderListId: -1, price: formatPadded(t.priceTicks, t.tickDecimals, 8),
    qty: formatPadded(t.lots, t.stepDecimals, 8), quoteQty: t.quoteQty.toFixed(8), commission: t.commission.toFixed(8),
    commissionAsset: t.commissionAsset, time: t.time, isBuyer: o.isBuy, isMaker: false, isBestMatch: true,
  };
}

export function orderJson(ctx: OrderEntryContext, o: SimOrder): Record<string, unknown> {
  const book = ctx.gen.book(VENUE_BINANCE, ctx.gen.symbols.indexOf(o.symbol));
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, ...orderFields(o, book.tickDecimals, book.stepDecimals),
    stopPrice: '0.00000000', icebergQty: '0.00000000', time: o.createdMs, updateTime: o.createdMs, isWorking: false,
    workingTime: o.createdMs, origQuoteOrderQty: '0.00000000', selfTradePreventionMode: 'NONE',
  };
}

export function registerBinanceAccountRest(app: TemplatedApp, ctx: OrderEntryContext): void {
  const route = (method: 'get' | 'del', path: string, weight: (p: URLSearchParams) => number, f: (apiKey: string, query: string) => string): void => {
    app[method](path, (res, req) => {
      const query = req.getQuery() ?? '';
      const apiKey = req.getHeader('x-mbx-apikey');
      serveBinance(ctx, res, weight(new URLSearchParams(query)), () => f(apiKey, query));
    });
  };
  const acct = ctx.acct;
  const visible = (o: SimOrder, now: number): boolean => acct.ledger.visible(o, now);

  route('get', '/api/v3/account', () => 20, (apiKey, query) => {
    const { account, p } = authenticate(ctx, apiKey, query, '');
    const omitZero = p.get('omitZeroBalances') === 'true';
    const rate = acct.takerFeeRate.toFixed(8);
    const balances = acct.ledger.assets().map((a) => ({ asset: a, free: account.balance(a, acct.ledger.isQuote(a)).toFixed(8), locked: '0.00000000' }))
      .filter((b) => !omitZero || Number(b.free) !== 0);
    const canWithdraw = acct.canWithdraw.has(apiKey);
    return JSON.stringify({
      makerCommission: Math.round(acct.makerFeeRate * 1e4), takerCommission: Math.round(acct.takerFeeRate * 1e4), buyerCommission: 0, sellerCommission: 0,
      commissionRates: { maker: acct.makerFeeRate.toFixed(8), taker: rate, buyer: '0.00000000', seller: '0.00000000' },
      canTrade: true, canWithdraw, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false,
      updateTime: serverMs(ctx.clock), accountType: 'SPOT', balances, permissions: ['SPOT'], uid: 354937868,
    });
  });

  route('get', '/api/v3/openOrders', (q) => (q.has('symbol') ? 6 : 80), (apiKey, query) => {
    const { p } = authenticate(ctx, apiKey, query, '');
    const symbol = symbolParam(ctx, p, false);
    const now = serverMs(ctx.clock);
    const open = ctx.orders.list(apiKey).filter((o) => (symbol === null || o.symbol === symbol) && visible(o, now) &&
      (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'));
    return JSON.stringify(open.map((o) => orderJson(ctx, o)));
  });

  route('del', '/api/v3/openOrders', () => 1, (apiKey, query) => {
    const { p } = authenticate(ctx, apiKey, query, '');
    const symbol = symbolParam(ctx, p, true)!;
    const open = ctx.orders.list(apiKey).filter((o) => o.symbol === symbol && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'));
    if (open.length === 0) throw new BinanceReject('400 Bad Request', -2011, 'Unknown order sent.');
    for (const o of open) o.status = 'CANCELED';
    return JSON.stringify(open.map((o) => ({ origClientOrderId: o.clientOrderId, ...orderJson(ctx, o) })));
  });

  route('get', '/api/v3/myTrades', () => 20, (apiKey, query) => {
    const { p } = authenticate(ctx, apiKey, query, '');
    const symbol = symbolParam(ctx, p, true)!;
    const limit = limitParam(p);
    const [start, end] = timeRange(p);
    const orderId = p.has('orderId') ? Number(p.get('orderId')) : null;
    const fromId = p.has('fromId') ? Number(p.get('fromId')) : null;
    if (fromId !== null && (p.has('startTime') || p.has('endTime'))) throw bad(-1128, 'Combination of optional parameters invalid.');
    let rows = acct.ledger.tradesFor(apiKey, symbol, serverMs(ctx.clock))
      .filter((t) => (orderId === null || t.order.orderId === orderId) && (fromId === null || t.tradeId >= fromId) && t.time >= start && t.time <= end);
    // With a time range and no fromId the venue returns the most recent trades of the range.
    rows = fromId === null && p.has('endTime') && !p.has('startTime') ? rows.slice(-limit) : rows.slice(0, limit);
    return JSON.stringify(rows.map(tradeJson));
  });

  route('get', '/api/v3/allOrders', () => 20, (apiKey, query) => {
    const { p } = authenticate(ctx, apiKey, query, '');
    const symbol = symbolParam(ctx, p, true)!;
    const limit = limitParam(p);
    const [start, end] = timeRange(p);
    const fromOrder = p.has('orderId') ? Number(p.get('orderId')) : null;
    const now = serverMs(ctx.clock);
    const rows = ctx.orders.list(apiKey).filter((o) => o.symbol === symbol && visible(o, now) && (fromOrder === null || o.orderId >= fromOrder) &&
      o.createdMs >= start && o.createdMs <= end);
    return JSON.stringify((fromOrder === null && !p.has('startTime') ? rows.slice(-limit) : rows.slice(0, limit)).map((o) => orderJson(ctx, o)));
  });

  route('get', '/api/v3/account/commission', () => 20, (apiKey, query) => {
    const { p } = authenticate(ctx, apiKey, query, '');
    const symbol = symbolParam(ctx, p, true)!;
    const f8 = (x: number): string => x.toFixed(8);
    return JSON.stringify({
      symbol,
      standardCommission: { maker: f8(acct.makerFeeRate), taker: f8(acct.takerFeeRate), buyer: f8(0), seller: f8(0) },
      specialCommission: { maker: f8(0), taker: f8(0), buyer: f8(0), seller: f8(0) },
      taxCommission: { maker: f8(0), taker: f8(0), buyer: f8(0), seller: f8(0) },
      discount: { enabledForAccount: acct.ledger.paysFeesInBnb(apiKey), enabledForSymbol: true, discountAsset: 'BNB', discount: f8(BNB_DISCOUNT) },
    });
  });
}
