/**
 * Bybit v5 private topics (bybit docs v5/websocket/private/order, execution, wallet; real
 * linear samples in fixtures/bybit_private_order_execution_linear.jsonl):
 * `{"topic":"order"|"execution"|"wallet","id":…,"creationTime":…,"data":[…]}`.
 *
 * Fees: an `execution` row carries `execFee` and (spot) `feeCurrency`; an `order` row carries
 * `cumFeeDetail` (coin → fee) on spot. `cumExecFee` is deprecated for spot and is not read.
 * A linear execution has no fee currency: its fee is in the settle coin, which the caller
 * passes as `defaultFeeAsset`. `/v5/execution/list` rows have the execution shape, so the
 * gap-fill goes through the same function.
 *
 * Every parse returns typed rows or a reason (the caller counts it); nothing throws.
 */
import type { FillSource, VenueFill } from '../../execution/fill-ledger.js';
import { fail, jsonObject, num, object, type ParseResult } from '../private-json.js';

export type { ParseResult } from '../private-json.js';

export interface BybitOrderRow {
  category: string;
  symbol: string;
  orderId: string;
  orderLinkId: string;
  side: 'buy' | 'sell';
  /** New, PartiallyFilled, Filled, Cancelled, PartiallyFilledCanceled, Rejected, Untriggered… */
  status: string;
  price: number;
  qty: number;
  cumExecQty: number;
  cumExecValue: number;
  avgPrice: number;
  /** Fee per coin; null when the row has no cumFeeDetail (linear, or an older message). */
  cumFeeDetail: Map<string, number> | null;
  rejectReason: string;
  updatedMs: number;
}

export interface BybitExecutionRow {
  category: string;
  symbol: string;
  execId: string;
  orderId: string;
  orderLinkId: string;
  side: 'buy' | 'sell';
  execPrice: number;
  execQty: number;
  execValue: number;
  execFee: number;
  /** '' when the venue did not say (linear). */
  feeCurrency: string;
  /** Trade, Funding, BustTrade, Settle… only Trade is a fill. */
  execType: string;
  execTimeMs: number;
  isMaker: boolean;
}

export interface BybitWalletCoin {
  coin: string;
  walletBalance: number;
  locked: number;
}

export type BybitPrivateMessage =
  | { topic: 'order'; creationTime: number; rows: BybitOrderRow[] }
  | { topic: 'execution'; creationTime: number; rows: BybitExecutionRow[] }
  | { topic: 'wallet'; creationTime: number; coins: BybitWalletCoin[] }
  /** op replies (auth, subscribe, pong) and topics xarb does not read. */
  | { topic: 'other'; name: string };

function text(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : '';
}

function side(v: unknown): 'buy' | 'sell' | null {
  return v === 'Buy' ? 'buy' : v === 'Sell' ? 'sell' : null;
}

export function parseBybitOrderRow(v: unknown): ParseResult<BybitOrderRow> {
  const r = object(v);
  if (r === null) return fail('order row is not an object');
  const s = side(r['side']);
  if (s === null || text(r, 'orderId') === '' || text(r, 'symbol') === '') return fail('order row without orderId, symbol or side');
  let detail: Map<string, number> | null = null;
  const d = object(r['cumFeeDetail']);
  if (d !== null) {
    detail = new Map();
    for (const [coin, fee] of Object.entries(d)) {
      const f = typeof fee === 'string' || typeof fee === 'number' ? Number(fee) : NaN;
      if (!Number.isFinite(f)) return fail(`order row: bad cumFeeDetail for ${coin}`);
      detail.set(coin, f);
    }
  }
  return {
    ok: true,
    value: {
      category: text(r, 'category'), symbol: text(r, 'symbol'), orderId: text(r, 'orderId'), orderLinkId: text(r, 'orderLinkId'), side: s,
      status: text(r, 'orderStatus'), price: num(r, 'price'), qty: num(r, 'qty'), cumExecQty: num(r, 'cumExecQty'),
      cumExecValue: num(r, 'cumExecValue'), avgPrice: num(r, 'avgPrice'), cumFeeDetail: detail, rejectReason: text(r, 'rejectReason'),
      updatedMs: num(r, 'updatedTime'),
    },
  };
}

export function parseBybitExecutionRow(v: unknown): ParseResult<BybitExecutionRow> {
  const r = object(v);
  if (r === null) return fail('execution row is not an object');
  const s = side(r['side']);
  const execId = text(r, 'execId');
  if (s === null || execId === '' || text(r, 'symbol') === '') return fail('execution row without execId, symbol or side');
  const row: BybitExecutionRow = {
    category: text(r, 'category'), symbol: text(r, 'symbol'), execId, orderId: text(r, 'orderId'), orderLinkId: text(r, 'orderLinkId'), side: s,
    execPrice: num(r, 'execPrice'), execQty: num(r, 'execQty'), execValue: num(r, 'execValue'), execFee: num(r, 'execFee'),
    feeCurrency: text(r, 'feeCurrency'), execType: text(r, 'execType'), execTimeMs: num(r, 'execTime'), isMaker: r['isMaker'] === true,
  };
  if (row.execType === 'Trade' && (!(row.execQty > 0) || !(row.execPrice > 0) || !Number.isFinite(row.execFee))) {
    return fail(`execution ${execId}: bad execQty, execPrice or execFee`);
  }
  return { ok: true, value: row };
}

/** Parses one message of the private connection (text or parsed JSON). */
export function parseBybitPrivate(input: string | unknown): ParseResult<BybitPrivateMessage> {
  const j = jsonObject(input);
  if (!j.ok) return j;
  const o = j.value;
  const topic = o['topic'];
  if (typeof topic !== 'string') return { ok: true, value: { topic: 'other', name: typeof o['op'] === 'string' ? `op:${o['op']}` : 'unknown' } };
  const data = o['data'];
  const creationTime = num(o, 'creationTime');
  if (topic === 'order' || topic === 'execution' || topic === 'wallet') {
    if (!Array.isArray(data)) return fail(`${topic} message without data[]`);
  }
  switch (topic) {
    case 'order': {
      const rows: BybitOrderRow[] = [];
      for (const d of data as unknown[]) {
        const r = parseBybitOrderRow(d);
        if (!r.ok) return r;
        rows.push(r.value);
      }
      return { ok: true, value: { topic, creationTime, rows } };
    }
    case 'execution': {
      const rows: BybitExecutionRow[] = [];
      for (const d of data as unknown[]) {
        const r = parseBybitExecutionRow(d);
        if (!r.ok) return r;
        rows.push(r.value);
      }
      return { ok: true, value: { topic, creationTime, rows } };
    }
    case 'wallet': {
      const coins: BybitWalletCoin[] = [];
      for (const acc of data as unknown[]) {
        const a = object(acc);
        const list = a === null ? null : a['coin'];
        if (!Array.isArray(list)) return fail('wallet row without coin[]');
        for (const c of list) {
          const r = object(c);
          if (r === null || text(r, 'coin') === '') return fail('wallet coin without name');
          const wb = num(r, 'walletBalance');
          if (!Number.isFinite(wb)) return fail(`wallet: bad walletBalance for ${text(r, 'coin')}`);
          const locked = num(r, 'locked');
          coins.push({ coin: text(r, 'coin'), walletBalance: wb, locked: Number.isFinite(locked) ? locked : 0 });
        }
      }
      return { ok: true, value: { topic, creationTime, coins } };
    }
    default:
      return { ok: true, value: { topic: 'other', name: topic } };
  }
}

/** The fill of an execution row (execType Trade), or null. `defaultFeeAsset`: linear settle coin. */
export function fillFromBybitExecution(r: BybitExecutionRow, defaultFeeAsset: string, source: FillSource = 'stream'): VenueFill | null {
  if (r.execType !== 'Trade') return null;
  return {
    venue: 'bybit', symbol: r.symbol, tradeId: r.execId, orderId: r.orderId, clientOrderId: r.orderLinkId, side: r.side, price: r.execPrice,
    qty: r.execQty, quoteQty: Number.isFinite(r.execValue) && r.execValue > 0 ? r.execValue : r.execPrice * r.execQty, fee: r.execFee,
    feeAsset: r.feeCurrency !== '' ? r.feeCurrency : defaultFeeAsset, timeMs: r.execTimeMs, source,
  };
}
