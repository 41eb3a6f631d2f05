/**
 * Bybit v5 account queries over REST (bybit docs v5/account/wallet-balance, v5/order/open-order,
 * v5/order/cancel-all, v5/order/execution, v5/order/order-list, v5/account/fee-rate,
 * v5/user/apikey-info), signed like orders (sign.ts: timestamp + apiKey + recvWindow + query
 * string or body). Spot category. For reconciliation, the gap-fill after a private-stream
 * reconnect, the permission check at start and the kill switch's cancel-all.
 *
 * `onAnswer` sees each answer's headers (X-Bapi-Limit-Status…) for the budget tracker.
 */
import { bybitRestHeaders } from './sign.js';
import { AccountRestError, RestPool, jsonOf } from '../account-rest-http.js';
import { fillFromBybitExecution, parseBybitExecutionRow } from './private-stream.js';
import { HistoryTooLongError, MAX_HISTORY_PAGES, type AccountRestOptions } from '../binance/account-rest.js';
import type { VenueFill } from '../../execution/fill-ledger.js';
import { fillView, type VenueOrderView, type VenueSnapshot } from '../../execution/reconcile.js';

type Row = Record<string, unknown>;
const n = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN);

export interface BybitKeyInfo {
  readOnly: boolean;
  canTradeSpot: boolean;
  canWithdraw: boolean;
  ips: string[];
}

const OPEN = new Set(['New', 'PartiallyFilled', 'Untriggered']);

export function bybitOrderView(r: Row): VenueOrderView {
  const status = String(r['orderStatus']);
  return {
    venue: 'bybit', symbol: String(r['symbol']), orderId: String(r['orderId']), clientOrderId: String(r['orderLinkId'] ?? ''),
    side: r['side'] === 'Buy' ? 'buy' : 'sell', price: n(r['price']), qty: n(r['qty']), cumQty: n(r['cumExecQty']), status,
    open: OPEN.has(status), timeMs: n(r['createdTime']),
  };
}

export class BybitAccountRest {
  private readonly pool: RestPool;

  constructor(private readonly opts: AccountRestOptions) {
    this.pool = new RestPool(opts.baseUrl);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async call(method: 'GET' | 'POST', path: string, params: Record<string, string | number>): Promise<Row> {
    if (this.opts.beforeRequest !== undefined) await this.opts.beforeRequest(path);
    const ts = Math.round(this.opts.venueNowMs());
    let a;
    if (method === 'GET') {
      const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string])).toString();
      a = await this.pool.request('GET', q === '' ? path : `${path}?${q}`, bybitRestHeaders(this.opts.secretKey, this.opts.apiKey, ts, this.opts.recvWindowMs, q),
        null, this.opts.timeoutMs);
    } else {
      const body = JSON.stringify(params);
      a = await this.pool.request('POST', path, bybitRestHeaders(this.opts.secretKey, this.opts.apiKey, ts, this.opts.recvWindowMs, body), body, this.opts.timeoutMs);
    }
    this.opts.onAnswer?.(path, a);
    const b = jsonOf(a, `${method} ${path}`) as Row;
    if (a.status !== 200 || b['retCode'] !== 0) {
      throw new AccountRestError(`${method} ${path}: HTTP ${a.status} retCode ${String(b['retCode'])} ${String(b['retMsg'])}`, a.status,
        typeof b['retCode'] === 'number' ? b['retCode'] : null);
    }
    return (b['result'] as Row | undefined) ?? {};
  }

  async walletBalance(): Promise<Map<string, number>> {
    const r = await this.call('GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' });
    const out = new Map<string, number>();
    for (const acc of (r['list'] as Row[] | undefined) ?? []) {
      for (const c of (acc['coin'] as Row[] | undefined) ?? []) out.set(String(c['coin']), n(c['walletBalance']));
    }
    return out;
  }

  async openOrders(symbol?: string): Promise<VenueOrderView[]> {
    const r = await this.call('GET', '/v5/order/realtime', { category: 'spot', openOnly: 0, limit: 50, ...(symbol === undefined ? {} : { symbol }) });
    return ((r['list'] as Row[] | undefined) ?? []).map(bybitOrderView).filter((o) => o.open);
  }

  async cancelAll(symbol?: string): Promise<Array<{ orderId: string; orderLinkId: string }>> {
    const r = await this.call('POST', '/v5/order/cancel-all', { category: 'spot', ...(symbol === undefined ? {} : { symbol }) });
    return ((r['list'] as Row[] | undefined) ?? []).map((x) => ({ orderId: String(x['orderId']), orderLinkId: String(x['orderLinkId']) }));
  }

  /**
   * Orders since `startTime` (up to `endTime`, when given: ≤ 7 days after it), every page (limit
   * 50, then `cursor` = the answer's nextPageCursor until it is empty).
   */
  async orderHistory(symbol: string, startTime?: number, endTime?: number): Promise<VenueOrderView[]> {
    const out: VenueOrderView[] = [];
    for (const row of await this.pages('/v5/order/history', { category: 'spot', symbol, ...timeRange(startTime, endTime) }, 50)) {
      out.push(bybitOrderView(row as Row));
    }
    return out;
  }

  /**
   * One order by its orderLinkId, open or closed: `/v5/order/realtime` (open and recent
   * orders), then `/v5/order/history` (closed ones); null when neither knows it.
   */
  async orderByLinkId(symbol: string, orderLinkId: string): Promise<VenueOrderView | null> {
    for (const path of ['/v5/order/realtime', '/v5/order/history']) {
      const r = await this.call('GET', path, { category: 'spot', symbol, orderLinkId, ...(path === '/v5/order/realtime' ? { openOnly: 0 } : {}) });
      const row = ((r['list'] as Row[] | undefined) ?? []).find((x) => x['orderLinkId'] === orderLinkId);
      if (row !== undefined) return bybitOrderView(row);
    }
    return null;
  }

  /**
   * Executions since `startTime` (up to `endTime`, when given: ≤ 7 days after it) as fills (spot:
   * fee in feeCurrency), every page. Malformed rows are skipped and counted.
   */
  async fillsSince(symbol: string, startTime: number, endTime?: number): Promise<{ fills: VenueFill[]; bad: number }> {
    const fills: VenueFill[] = [];
    let bad = 0;
    for (const row of await this.pages('/v5/execution/list', { category: 'spot', symbol, ...timeRange(startTime, endTime) }, 100)) {
      const p = parseBybitExecutionRow(row);
      if (!p.ok) {
        bad++;
        continue;
      }
      const f = fillFromBybitExecution(p.value, '', 'gapfill');
      if (f !== null) fills.push(f);
    }
    return { fills, bad };
  }

  /** Every row of a cursor-paged list (`result.list`, `result.nextPageCursor`). */
  private async pages(path: string, params: Record<string, string | number>, max: number): Promise<unknown[]> {
    const limit = Math.max(1, Math.min(max, this.opts.pageLimit ?? max));
    const out: unknown[] = [];
    let cursor = '';
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const r = await this.call('GET', path, { ...params, limit, ...(cursor === '' ? {} : { cursor }) });
      for (const row of (r['list'] as unknown[] | undefined) ?? []) out.push(row);
      cursor = typeof r['nextPageCursor'] === 'string' ? r['nextPageCursor'] : '';
      if (cursor === '') return out;
    }
    throw new HistoryTooLongError(`${path} ${String(params['symbol'])}`);
  }

  async feeRate(symbol: string): Promise<{ taker: number; maker: number }> {
    const r = await this.call('GET', '/v5/account/fee-rate', { category: 'spot', symbol });
    const row = ((r['list'] as Row[] | undefined) ?? [])[0] ?? {};
    return { taker: n(row['takerFeeRate']), maker: n(row['makerFeeRate']) };
  }

  async keyInfo(): Promise<BybitKeyInfo> {
    const r = await this.call('GET', '/v5/user/query-api', {});
    const perms = (r['permissions'] as Record<string, unknown> | undefined) ?? {};
    const list = (k: string): string[] => (Array.isArray(perms[k]) ? (perms[k] as string[]) : []);
    return {
      readOnly: r['readOnly'] === 1, canTradeSpot: list('Spot').includes('SpotTrade'), canWithdraw: list('Wallet').includes('Withdraw'),
      ips: Array.isArray(r['ips']) ? (r['ips'] as string[]) : [],
    };
  }

  async snapshot(symbols: readonly string[], sinceMs: number): Promise<VenueSnapshot> {
    const balances = await this.walletBalance();
    const openOrders = await this.openOrders();
    const history: VenueOrderView[] = [];
    const snapFills: VenueSnapshot['fills'] = [];
    for (const s of symbols) {
      history.push(...(await this.orderHistory(s, sinceMs)));
      for (const f of (await this.fillsSince(s, sinceMs)).fills) {
        snapFills.push(fillView(f));
      }
    }
    return { venue: 'bybit', balances, openOrders, history, fills: snapFills };
  }
}

/** The startTime / endTime parameters of a history query (each only when given). */
function timeRange(startTime: number | undefined, endTime: number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (startTime !== undefined) out['startTime'] = startTime;
  if (endTime !== undefined) out['endTime'] = endTime;
  return out;
}
