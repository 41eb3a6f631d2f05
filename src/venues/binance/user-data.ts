/**
 * Binance spot user-data events (binance-spot-api-docs user-data-stream.md; VENUES.md C),
 * as they arrive over the WS API (`{"subscriptionId":…,"event":{…}}`) or bare:
 *
 * - `executionReport`: one per order update; x=TRADE carries one fill (`l` qty, `L` price,
 *   `n` commission in `N`, `t` trade id, `T` trade time, `Y` last quote qty).
 * - `outboundAccountPosition`: free/locked of the assets that changed.
 * - `balanceUpdate`: a change outside trading (deposit, withdrawal, transfer).
 *
 * Also the REST shapes of the same facts: FULL order-answer `fills` and `myTrades` rows.
 * Every parse returns a typed event or a reason (the caller counts it); nothing throws.
 * Private traffic is a few messages per order, so this is plain JSON.parse, not the feed's
 * zero-allocation path.
 */
import type { VenueFill, FillSource } from '../../execution/fill-ledger.js';
import { fail, jsonObject, num, object, type ParseResult } from '../private-json.js';

export type { ParseResult } from '../private-json.js';

export interface BinanceExecutionReport {
  kind: 'executionReport';
  eventMs: number;
  symbol: string;
  clientOrderId: string;
  /** Original client id of a cancel (`C`), '' otherwise. */
  origClientOrderId: string;
  side: 'buy' | 'sell';
  orderType: string;
  timeInForce: string;
  orderQty: number;
  price: number;
  /** Execution type: NEW, CANCELED, REPLACED, REJECTED, TRADE, EXPIRED, TRADE_PREVENTION. */
  execType: string;
  /** Order status: NEW, PARTIALLY_FILLED, FILLED, CANCELED, REJECTED, EXPIRED, EXPIRED_IN_MATCH. */
  status: string;
  rejectReason: string;
  orderId: number;
  lastQty: number;
  cumQty: number;
  lastPrice: number;
  commission: number;
  /** null when no commission was charged in this event. */
  commissionAsset: string | null;
  tradeTimeMs: number;
  /** -1 when the event is not a trade. */
  tradeId: number;
  cumQuote: number;
  lastQuote: number;
  isMaker: boolean;
}

export interface BinanceBalance {
  asset: string;
  free: number;
  locked: number;
}

export interface BinanceAccountPosition {
  kind: 'outboundAccountPosition';
  eventMs: number;
  lastUpdateMs: number;
  balances: BinanceBalance[];
}

export interface BinanceBalanceUpdate {
  kind: 'balanceUpdate';
  eventMs: number;
  asset: string;
  delta: number;
  clearTimeMs: number;
}

/** Events this parser knows but xarb does not act on (listStatus, eventStreamTerminated…). */
export interface BinanceOtherEvent {
  kind: 'other';
  type: string;
}

export type BinanceUserDataEvent = BinanceExecutionReport | BinanceAccountPosition | BinanceBalanceUpdate | BinanceOtherEvent;

function str(o: Record<string, unknown>, k: string): string | null {
  const v = o[k];
  return typeof v === 'string' ? v : null;
}

/** Parses one user-data message (text or already-parsed JSON), wrapped or bare. */
export function parseBinanceUserData(input: string | unknown): ParseResult<BinanceUserDataEvent> {
  const j = jsonObject(input);
  if (!j.ok) return j;
  let o = j.value;
  const wrapped = object(o['event']);
  if (wrapped !== null) o = wrapped;
  const e = str(o, 'e');
  if (e === null) return fail('no event type "e"');
  switch (e) {
    case 'executionReport':
      return parseExecutionReport(o);
    case 'outboundAccountPosition': {
      const B = o['B'];
      if (!Array.isArray(B)) return fail('outboundAccountPosition without B[]');
      const balances: BinanceBalance[] = [];
      for (const b of B) {
        const r = object(b);
        const asset = r === null ? null : str(r, 'a');
        if (r === null || asset === null) return fail('outboundAccountPosition balance without asset');
        const free = num(r, 'f');
        const locked = num(r, 'l');
        if (!Number.isFinite(free) || !Number.isFinite(locked)) return fail(`outboundAccountPosition: bad amount for ${asset}`);
        balances.push({ asset, free, locked });
      }
      return { ok: true, value: { kind: 'outboundAccountPosition', eventMs: num(o, 'E'), lastUpdateMs: num(o, 'u'), balances } };
    }
    case 'balanceUpdate': {
      const asset = str(o, 'a');
      const delta = num(o, 'd');
      if (asset === null || !Number.isFinite(delta)) return fail('balanceUpdate without asset or delta');
      return { ok: true, value: { kind: 'balanceUpdate', eventMs: num(o, 'E'), asset, delta, clearTimeMs: num(o, 'T') } };
    }
    default:
      return { ok: true, value: { kind: 'other', type: e } };
  }
}

function parseExecutionReport(o: Record<string, unknown>): ParseResult<BinanceExecutionReport> {
  const symbol = str(o, 's');
  const c = str(o, 'c');
  const S = str(o, 'S');
  const x = str(o, 'x');
  const X = str(o, 'X');
  if (symbol === null || c === null || x === null || X === null) return fail('executionReport without s, c, x or X');
  if (S !== 'BUY' && S !== 'SELL') return fail(`executionReport: bad side ${String(S)}`);
  const r: BinanceExecutionReport = {
    kind: 'executionReport', eventMs: num(o, 'E'), symbol, clientOrderId: c, origClientOrderId: str(o, 'C') ?? '',
    side: S === 'BUY' ? 'buy' : 'sell', orderType: str(o, 'o') ?? '', timeInForce: str(o, 'f') ?? '', orderQty: num(o, 'q'),
    price: num(o, 'p'), execType: x, status: X, rejectReason: str(o, 'r') ?? '', orderId: num(o, 'i'), lastQty: num(o, 'l'),
    cumQty: num(o, 'z'), lastPrice: num(o, 'L'), commission: num(o, 'n'), commissionAsset: str(o, 'N'), tradeTimeMs: num(o, 'T'),
    tradeId: num(o, 't'), cumQuote: num(o, 'Z'), lastQuote: num(o, 'Y'), isMaker: o['m'] === true,
  };
  if (!Number.isFinite(r.orderId)) return fail('executionReport without order id i');
  if (x === 'TRADE') {
    if (!(r.tradeId >= 0)) return fail('executionReport TRADE without trade id t');
    if (!(r.lastQty > 0) || !(r.lastPrice > 0)) return fail('executionReport TRADE without l/L');
    if (!Number.isFinite(r.commission)) return fail('executionReport TRADE without commission n');
  }
  return { ok: true, value: r };
}

/** The fill an executionReport carries (x=TRADE), or null. */
export function fillFromExecutionReport(r: BinanceExecutionReport): VenueFill | null {
  if (r.execType !== 'TRADE') return null;
  return {
    venue: 'binance', symbol: r.symbol, tradeId: String(r.tradeId), orderId: String(r.orderId), clientOrderId: r.clientOrderId,
    side: r.side, price: r.lastPrice, qty: r.lastQty, quoteQty: Number.isFinite(r.lastQuote) && r.lastQuote > 0 ? r.lastQuote : r.lastPrice * r.lastQty,
    fee: r.commission, feeAsset: r.commissionAsset ?? '', timeMs: r.tradeTimeMs, source: 'stream',
  };
}

/** Fills of a FULL order answer (`fills[]` with price, qty, commission, commissionAsset, tradeId). */
export function fillsFromOrderAnswer(answer: unknown, source: FillSource = 'answer'): ParseResult<VenueFill[]> {
  const o = object(answer);
  if (o === null) return fail('order answer is not an object');
  const symbol = str(o, 'symbol');
  const side = str(o, 'side');
  const fills = o['fills'];
  if (fills === undefined) return { ok: true, value: [] }; // ACK / RESULT answers carry none
  if (symbol === null || (side !== 'BUY' && side !== 'SELL')) return fail('order answer without symbol or side');
  if (!Array.isArray(fills)) return fail('order answer fills is not an array');
  const out: VenueFill[] = [];
  for (const f of fills) {
    const r = object(f);
    if (r === null) return fail('order answer fill is not an object');
    const price = num(r, 'price');
    const qty = num(r, 'qty');
    out.push({
      venue: 'binance', symbol, tradeId: String(num(r, 'tradeId')), orderId: String(num(o, 'orderId')), clientOrderId: str(o, 'clientOrderId') ?? '',
      side: side === 'BUY' ? 'buy' : 'sell', price, qty, quoteQty: price * qty, fee: num(r, 'commission'), feeAsset: str(r, 'commissionAsset') ?? '',
      timeMs: num(o, 'transactTime'), source,
    });
  }
  return { ok: true, value: out };
}

/**
 * A `GET /api/v3/myTrades` row. It has no client order id: the caller maps `orderId` to
 * one (allOrders, or the order answer) and passes it in.
 */
export function fillFromMyTrade(row: unknown, clientOrderId: string, source: FillSource = 'gapfill'): ParseResult<VenueFill> {
  const r = object(row);
  if (r === null) return fail('myTrades row is not an object');
  const symbol = str(r, 'symbol');
  const id = num(r, 'id');
  if (symbol === null || !Number.isFinite(id)) return fail('myTrades row without symbol or id');
  const price = num(r, 'price');
  const qty = num(r, 'qty');
  const quote = num(r, 'quoteQty');
  return {
    ok: true,
    value: {
      venue: 'binance', symbol, tradeId: String(id), orderId: String(num(r, 'orderId')), clientOrderId, side: r['isBuyer'] === true ? 'buy' : 'sell',
      price, qty, quoteQty: Number.isFinite(quote) ? quote : price * qty, fee: num(r, 'commission'), feeAsset: str(r, 'commissionAsset') ?? '',
      timeMs: num(r, 'time'), source,
    },
  };
}
