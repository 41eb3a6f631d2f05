/**
 * Bybit v5 account endpoints on the simulator (bybit docs v5/account/wallet-balance,
 * v5/order/open-order, v5/order/cancel-all, v5/order/execution, v5/order/order-list,
 * v5/account/fee-rate, v5/user/apikey-info), signed like the order endpoint (timestamp +
 * apiKey + recvWindow + query string or body):
 *
 *   GET  /v5/account/wallet-balance?accountType=UNIFIED[&coin=A,B]
 *   GET  /v5/order/realtime          (order-entry-bybit.ts; honours delayed visibility)
 *   POST /v5/order/cancel-all        {"category":"spot"[,"symbol":…]}
 *   GET  /v5/execution/list?category=spot[&symbol&orderId&orderLinkId&startTime&endTime&limit]
 *   GET  /v5/order/history?category=spot[&symbol&orderId&orderLinkId&startTime&endTime&limit]
 *   GET  /v5/account/fee-rate?category=spot[&symbol]
 *   GET  /v5/user/query-api          key permissions (readOnly, Spot: SpotTrade, Wallet: Withdraw?)
 *
 * Every answer carries X-Bapi-Limit / -Status / -Reset-Timestamp per key and endpoint; beyond
 * the limit retCode 10006. `rate_storm` and `forbidden` faults refuse first (order-faults.ts).
 */
import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { readBody } from './http-util.js';
import { BybitReject, authHeaders, authenticate, handle, row, type Auth } from './order-entry-bybit.js';
import type { SimOrder } from './order-entry-book.js';
import { sendKeepAlive, serverMs, type OrderEntryContext } from './order-entry.js';
import { gateAnswer } from './order-faults.js';
import { executionRows, walletRow } from './private-bybit.js';

/** Gate (faults), per-key usage headers, then the handler: every Bybit signed request's path. */
export function serveBybit(ctx: OrderEntryContext, res: HttpResponse, apiKey: string, group: string, limitPerS: number,
  f: () => { result: unknown; headers?: Array<[string, string]> }): void {
  const now = serverMs(ctx.clock);
  const gated = gateAnswer(ctx.acct.faults, now);
  if (gated !== null) {
    sendKeepAlive(res, gated.http, gated.body, gated.headers);
    return;
  }
  const usage = ctx.acct.bybitUsage.request(now, apiKey, group, limitPerS);
  const out = usage.over
    ? handle(ctx, () => {
      throw new BybitReject(10006, 'Too many visits!');
    })
    : handle(ctx, f);
  sendKeepAlive(res, '200 OK', out.body, [...usage.headers, ...out.headers]);
}

function spotOnly(p: URLSearchParams | Record<string, unknown>): void {
  const c = p instanceof URLSearchParams ? p.get('category') : p['category'];
  if (c !== 'spot') throw new BybitReject(10001, 'params error: category only supports spot in this simulator');
}

function matches(o: SimOrder, p: URLSearchParams): boolean {
  const symbol = p.get('symbol');
  const id = p.get('orderId');
  const link = p.get('orderLinkId');
  const start = p.has('startTime') ? Number(p.get('startTime')) : -Infinity;
  const end = p.has('endTime') ? Number(p.get('endTime')) : Infinity;
  return (!symbol || o.symbol === symbol) && (!id || (o.venueOrderId ?? String(o.orderId)) === id) && (!link || o.clientOrderId === link) &&
    o.createdMs >= start && o.createdMs <= end;
}

function limitOf(p: URLSearchParams, max: number): number {
  const l = p.has('limit') ? Number(p.get('limit')) : 50;
  if (!Number.isInteger(l) || l < 1) throw new BybitReject(10001, 'params error: limit invalid');
  return Math.min(l, max);
}

/**
 * One page of a list, as the venue pages it: `limit` rows from the `cursor` (opaque to the
 * client; here the offset, prefixed), `nextPageCursor` '' on the last page.
 */
function pageOf<T>(rows: readonly T[], p: URLSearchParams, limit: number): { list: T[]; nextPageCursor: string } {
  const c = p.get('cursor') ?? '';
  const from = c === '' ? 0 : Number(c.replace(/^page:/, ''));
  if (!Number.isInteger(from) || from < 0 || (c !== '' && !c.startsWith('page:'))) throw new BybitReject(10001, 'params error: cursor invalid');
  const list = rows.slice(from, from + limit);
  return { list, nextPageCursor: from + limit < rows.length ? `page:${from + limit}` : '' };
}

export function registerBybitAccountRest(app: TemplatedApp, ctx: OrderEntryContext): void {
  const acct = ctx.acct;
  const get = (path: string, limitPerS: number, f: (a: Auth, p: URLSearchParams) => unknown): void => {
    app.get(path, (res, req) => {
      const a = authHeaders(req);
      const query = req.getQuery() ?? '';
      serveBybit(ctx, res, a.apiKey, path, limitPerS, () => {
        authenticate(ctx, a, query);
        return { result: f(a, new URLSearchParams(query)) };
      });
    });
  };

  get('/v5/account/wallet-balance', 50, (a, p) => {
    const account = ctx.accounts.get(a.apiKey)!;
    const type = p.get('accountType');
    if (type !== 'UNIFIED') throw new BybitReject(10001, 'accountType only support UNIFIED.');
    const coin = p.get('coin');
    const coins = coin ? coin.split(',') : acct.ledger.assets();
    return { list: [walletRow(account, coins, (c) => acct.ledger.isQuote(c))] };
  });

  get('/v5/execution/list', 50, (a, p) => {
    spotOnly(p);
    const now = serverMs(ctx.clock);
    const limit = limitOf(p, 100);
    const rows: Record<string, unknown>[] = [];
    const orders = ctx.orders.list(a.apiKey).filter((o) => matches(o, p) && acct.ledger.visible(o, now));
    for (const o of orders) {
      const d = acct.ledger.decimals(o.symbol);
      for (const r of executionRows(o, acct.ledger.tradesOf(o), d.tick, d.step, acct.takerFeeRate)) {
        rows.push({ ...r, tradeIv: '', markIv: '', markPrice: '', indexPrice: '', underlyingPrice: '', blockTradeId: '', closedSize: '' });
      }
    }
    // Newest first, as the venue lists them.
    rows.reverse();
    return { category: 'spot', ...pageOf(rows, p, limit) };
  });

  get('/v5/order/history', 50, (a, p) => {
    spotOnly(p);
    const now = serverMs(ctx.clock);
    const limit = limitOf(p, 50);
    const page = pageOf(ctx.orders.list(a.apiKey).filter((o) => matches(o, p) && acct.ledger.visible(o, now)).reverse(), p, limit);
    return { category: 'spot', list: page.list.map((o) => row(ctx, o)), nextPageCursor: page.nextPageCursor };
  });

  get('/v5/account/fee-rate', 10, (_a, p) => {
    spotOnly(p);
    const symbol = p.get('symbol');
    const symbols = symbol ? [symbol] : ctx.gen.symbols;
    return { list: symbols.map((s) => ({ symbol: s, takerFeeRate: String(acct.takerFeeRate), makerFeeRate: String(acct.makerFeeRate) })) };
  });

  get('/v5/user/query-api', 10, (a) => {
    const wallet = ['AccountTransfer', 'SubMemberTransfer'];
    if (acct.canWithdraw.has(a.apiKey)) wallet.push('Withdraw');
    return {
      id: '13770661', note: 'xarb-sim', apiKey: a.apiKey, readOnly: 0, secret: '', type: 1,
      permissions: { ContractTrade: [], Spot: ['SpotTrade'], Wallet: wallet, Options: [], Derivatives: [], CopyTrading: [], BlockTrade: [],
        Exchange: [], NFT: [], Affiliate: [] },
      ips: ['127.0.0.1'], deadlineDay: 90, expiredAt: '', createdAt: '2026-01-01T00:00:00Z', unified: 0, uta: 1, userID: 24617703,
      inviterID: 0, vipLevel: 'No VIP', mktMakerLevel: '0', affiliateID: 0, rsaPublicKey: '', isMaster: true, parentUid: '0', kycLevel: 'LEVEL_1',
      kycRegion: '',
    };
  });

  app.post('/v5/order/cancel-all', (res, req) => {
    const a = authHeaders(req);
    readBody(res, 16 * 1024, (body) => {
      if (body === null) return;
      serveBybit(ctx, res, a.apiKey, 'cancel-all', 20, () => {
        authenticate(ctx, a, body);
        let o: Record<string, unknown>;
        try {
          o = JSON.parse(body) as Record<string, unknown>;
        } catch {
          throw new BybitReject(10001, 'params error: request body is not valid JSON');
        }
        spotOnly(o);
        const symbol = typeof o['symbol'] === 'string' ? o['symbol'] : null;
        const open = ctx.orders.list(a.apiKey).filter((x) => (symbol === null || x.symbol === symbol) && (x.status === 'New' || x.status === 'PartiallyFilled'));
        for (const x of open) x.status = x.filledLots > 0 ? 'PartiallyFilledCanceled' : 'Cancelled';
        return { result: { list: open.map((x) => ({ orderId: x.venueOrderId ?? String(x.orderId), orderLinkId: x.clientOrderId })), success: '1' } };
      });
    });
  });
}

