/**
 * Binance spot account queries over REST (binance-spot-api-docs rest-api.md), signed with
 * the same HMAC as orders (sign.ts): account, openOrders, cancel-all (DELETE openOrders),
 * myTrades, allOrders, account/commission, and one order by client id. For reconciliation at
 * start, the gap-fill after a private-stream reconnect and the kill switch's cancel-all.
 *
 * `onAnswer` sees every answer's status and headers (X-MBX-USED-WEIGHT-1M, Retry-After) so
 * the budget tracker counts query traffic too.
 */
import type { KeyObject } from 'node:crypto';
import { binanceQueryString, binanceSignedQuery, percentEncodeNonAscii } from './sign.js';
import { ed25519Base64 } from '../../execution/live/signer.js';
import { AccountRestError, RestPool, jsonOf, type RestAnswer } from '../account-rest-http.js';
import { fillFromMyTrade } from './user-data.js';
import type { VenueFill } from '../../execution/fill-ledger.js';
import { fillView, type VenueFillView, type VenueOrderView, type VenueSnapshot } from '../../execution/reconcile.js';

export interface AccountRestOptions {
  baseUrl: string;
  apiKey: string;
  secretKey: string;
  recvWindowMs: number;
  /** Venue-aligned wall clock (local wall + measured offset, clock-offset.ts). */
  venueNowMs: () => number;
  timeoutMs: number;
  onAnswer?: (path: string, a: RestAnswer) => void;
  /**
   * Awaited before each request (before it is timestamped and signed): the venue's rules hold
   * it while the venue asked for silence or the query budget is spent (venue-rules.ts).
   */
  beforeRequest?: (path: string) => Promise<void>;
  /** Binance Ed25519 key: requests are signed with it (base64, URL-encoded) instead of the HMAC secret. */
  ed25519Key?: KeyObject;
  /** Rows asked per history page (default and cap: the venue's maximum; tests page with fewer). */
  pageLimit?: number;
}

/**
 * History queries read page after page until a short page (or an empty cursor); a window
 * needing more than this many pages is an error (the caller logs it and retries), never a
 * silently truncated history.
 */
export const MAX_HISTORY_PAGES = 200;

export class HistoryTooLongError extends Error {
  constructor(what: string) {
    super(`${what}: more than ${MAX_HISTORY_PAGES} pages, not read to the end`);
  }
}

export interface BinanceAccountInfo {
  balances: Map<string, number>;
  free: Map<string, number>;
  canTrade: boolean;
  canWithdraw: boolean;
  takerRate: number;
  makerRate: number;
}

export interface BinanceCommission {
  taker: number;
  maker: number;
  bnbDiscountEnabled: boolean;
  bnbDiscount: number;
}

type Row = Record<string, unknown>;
const n = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN);

/** An allOrders / openOrders / order row as a VenueOrderView. */
export function binanceOrderView(r: Row): VenueOrderView {
  const status = String(r['status']);
  return {
    venue: 'binance', symbol: String(r['symbol']), orderId: String(r['orderId']), clientOrderId: String(r['clientOrderId']),
    side: r['side'] === 'BUY' ? 'buy' : 'sell', price: n(r['price']), qty: n(r['origQty']), cumQty: n(r['executedQty']), status,
    open: status === 'NEW' || status === 'PARTIALLY_FILLED' || status === 'PENDING_NEW', timeMs: n(r['time'] ?? r['transactTime']),
  };
}

/** The largest numeric `key` of the rows (-1 when none). */
function maxOf(rows: readonly Row[], key: string): number {
  let m = -1;
  for (const r of rows) {
    const v = Number(r[key]);
    if (v > m) m = v;
  }
  return m;
}

export class BinanceAccountRest {
  private readonly pool: RestPool;

  constructor(private readonly opts: AccountRestOptions) {
    this.pool = new RestPool(opts.baseUrl);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async call(method: 'GET' | 'DELETE', path: string, params: Record<string, string | number>): Promise<unknown> {
    if (this.opts.beforeRequest !== undefined) await this.opts.beforeRequest(path);
    const all = { ...params, recvWindow: this.opts.recvWindowMs, timestamp: Math.round(this.opts.venueNowMs()) };
    const key = this.opts.ed25519Key;
    let q: string;
    if (key !== undefined) {
      const payload = percentEncodeNonAscii(binanceQueryString(all));
      q = `${payload}&signature=${encodeURIComponent(ed25519Base64(key, payload))}`;
    } else q = binanceSignedQuery(this.opts.secretKey, all);
    const a = await this.pool.request(method, `${path}?${q}`, { 'X-MBX-APIKEY': this.opts.apiKey }, null, this.opts.timeoutMs);
    this.opts.onAnswer?.(path, a);
    const body = jsonOf(a, `${method} ${path}`);
    if (a.status !== 200) {
      const b = body as { code?: unknown; msg?: unknown };
      throw new AccountRestError(`${method} ${path}: HTTP ${a.status} ${String(b.code)} ${String(b.msg)}`, a.status, typeof b.code === 'number' ? b.code : null);
    }
    return body;
  }

  async account(): Promise<BinanceAccountInfo> {
    const b = (await this.call('GET', '/api/v3/account', {})) as Row;
    const balances = new Map<string, number>();
    const free = new Map<string, number>();
    for (const x of (b['balances'] as Row[] | undefined) ?? []) {
      const f = n(x['free']);
      free.set(String(x['asset']), f);
      balances.set(String(x['asset']), f + n(x['locked']));
    }
    const rates = (b['commissionRates'] as Row | undefined) ?? {};
    return { balances, free, canTrade: b['canTrade'] === true, canWithdraw: b['canWithdraw'] === true, takerRate: n(rates['taker']), makerRate: n(rates['maker']) };
  }

  async openOrders(symbol?: string): Promise<VenueOrderView[]> {
    const rows = (await this.call('GET', '/api/v3/openOrders', symbol === undefined ? {} : { symbol })) as Row[];
    return rows.map(binanceOrderView);
  }

  /** Cancels every open order of `symbol`; none open (-2011) is an empty list, not an error. */
  async cancelAll(symbol: string): Promise<VenueOrderView[]> {
    try {
      return ((await this.call('DELETE', '/api/v3/openOrders', { symbol })) as Row[]).map(binanceOrderView);
    } catch (e) {
      if (e instanceof AccountRestError && e.code === -2011) return [];
      throw e;
    }
  }

  /**
   * Orders of `symbol` since `startTime`, every page (limit 1000; the next page from the last
   * order id + 1, `orderId` being "orders >= that id"). Without `startTime`: the most recent
   * page only. With `endTime` (≤ 24 h after `startTime`): the first page asks for the range, the
   * later ones (by order id, which the venue does not combine with a time) stop at it.
   */
  async allOrders(symbol: string, startTime?: number, endTime?: number): Promise<VenueOrderView[]> {
    const limit = this.pageLimit();
    const out: VenueOrderView[] = [];
    let from: Record<string, number> = startTime === undefined ? {} : { startTime, ...(endTime === undefined ? {} : { endTime }) };
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const rows = (await this.call('GET', '/api/v3/allOrders', { symbol, limit, ...from })) as Row[];
      let past = false;
      for (const r of rows) {
        const o = binanceOrderView(r);
        if (endTime !== undefined && o.timeMs > endTime) past = true;
        else out.push(o);
      }
      if (rows.length < limit || startTime === undefined || past) return out;
      from = { orderId: maxOf(rows, 'orderId') + 1 };
    }
    throw new HistoryTooLongError(`allOrders ${symbol}`);
  }

  /** myTrades since `startTime` (up to `endTime`, when given) or from trade id `fromId`, one page of raw rows. */
  async myTrades(symbol: string, from: { startTime?: number; endTime?: number; fromId?: number }, limit = this.pageLimit()): Promise<Row[]> {
    const p: Record<string, string | number> = { symbol, limit };
    if (from.fromId !== undefined) p['fromId'] = from.fromId;
    else if (from.startTime !== undefined) {
      p['startTime'] = from.startTime;
      if (from.endTime !== undefined) p['endTime'] = from.endTime;
    }
    return (await this.call('GET', '/api/v3/myTrades', p)) as Row[];
  }

  /**
   * myTrades since `startTime`, every page (the next from the last trade id + 1: `fromId`).
   * With `endTime` (≤ 24 h after `startTime`): the first page asks for the range, the later ones
   * (by trade id, which the venue does not combine with a time) stop at it.
   */
  async myTradesSince(symbol: string, startTime: number, endTime?: number): Promise<Row[]> {
    const limit = this.pageLimit();
    const out: Row[] = [];
    let from: { startTime?: number; endTime?: number; fromId?: number } = { startTime, ...(endTime === undefined ? {} : { endTime }) };
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const rows = await this.myTrades(symbol, from, limit);
      let past = false;
      for (const r of rows) {
        if (endTime !== undefined && Number(r['time']) > endTime) past = true;
        else out.push(r);
      }
      if (rows.length < limit || past) return out;
      from = { fromId: maxOf(rows, 'id') + 1 };
    }
    throw new HistoryTooLongError(`myTrades ${symbol}`);
  }

  private pageLimit(): number {
    return Math.max(1, Math.min(1000, this.opts.pageLimit ?? 1000));
  }

  async commission(symbol: string): Promise<BinanceCommission> {
    const b = (await this.call('GET', '/api/v3/account/commission', { symbol })) as Row;
    const std = (b['standardCommission'] as Row | undefined) ?? {};
    const d = (b['discount'] as Row | undefined) ?? {};
    return { taker: n(std['taker']), maker: n(std['maker']), bnbDiscountEnabled: d['enabledForAccount'] === true, bnbDiscount: n(d['discount']) };
  }

  /** One order by client id; null when the venue has no such order (-2013). */
  async orderByClientId(symbol: string, clientOrderId: string): Promise<VenueOrderView | null> {
    try {
      return binanceOrderView((await this.call('GET', '/api/v3/order', { symbol, origClientOrderId: clientOrderId })) as Row);
    } catch (e) {
      if (e instanceof AccountRestError && e.code === -2013) return null;
      throw e;
    }
  }

  /**
   * Gap-fill: the fills of `symbol` since `startTime` (up to `endTime`, when given) with client
   * ids (myTrades has none, so allOrders of the same window maps orderId → clientOrderId),
   * ready for the FillLedger.
   */
  async fillsSince(symbol: string, startTime: number, endTime?: number): Promise<{ fills: VenueFill[]; orders: VenueOrderView[] }> {
    const orders = await this.allOrders(symbol, startTime, endTime);
    const cid = new Map(orders.map((o) => [o.orderId, o.clientOrderId]));
    const fills: VenueFill[] = [];
    for (const row of await this.myTradesSince(symbol, startTime, endTime)) {
      const f = fillFromMyTrade(row, cid.get(String(row['orderId'])) ?? '', 'gapfill');
      if (f.ok) fills.push(f.value);
    }
    return { fills, orders };
  }

  /** Everything reconciliation needs from this venue for `symbols` since `sinceMs`. */
  async snapshot(symbols: readonly string[], sinceMs: number): Promise<VenueSnapshot> {
    const { balances } = await this.account();
    const openOrders = await this.openOrders();
    const history: VenueOrderView[] = [];
    const fills: VenueFillView[] = [];
    for (const s of symbols) {
      const r = await this.fillsSince(s, sinceMs);
      history.push(...r.orders);
      for (const f of r.fills) fills.push(fillView(f));
    }
    return { venue: 'binance', balances, openOrders, history, fills };
  }
}
