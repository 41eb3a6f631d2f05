/**
 * Binance spot order client: `POST /api/v3/order` LIMIT IOC with a FULL response, which for an
 * IOC order is normally final at once (FILLED, or EXPIRED with what filled). HTTP 5xx, -1007
 * and transport failures leave the outcome unknown: the order is then queried by its client id
 * until it is final, or the budget runs out (VENUES.md C: "status unknown: check the user data
 * stream or query the order"). 429/418 start a back-off for Retry-After.
 */
import { VENUE_BINANCE, ST_REJECTED } from '../../core/records.js';
import {
  BN_BAD, BN_OK, BN_RATE_LIMITED, BN_REJECTED, BN_UNKNOWN, binanceErrorOf, binanceSignedRequest, buildBinanceNewOrder, buildBinanceQueryOrder,
  buildBinanceAllOrders, classifyBinanceAnswer, mapBinanceOrder, parseJsonOrNull, splitSymbol,
} from './binance-order.js';
import { OrderClientBase, pollDelayMs, type OrderClientOptions } from './client-base.js';
import { retryAfterMs } from './http-transport.js';
import { BINANCE_KEY_ERRORS, ERR_LIVE_BAD_RESPONSE } from './live-errors.js';
import { UPD_FINAL, finalUpdate, type LiveOrder, type OrderUpdate, type UpdateListener, type VenueOrderClient } from './order-types.js';
import { fillFromMyTrade, fillsFromOrderAnswer } from '../../venues/binance/user-data.js';
import type { VenueFill } from '../fill-ledger.js';
import { executorFee } from './fee-units.js';
import { ASSET_QUOTE } from '../../core/records.js';
import type { RateInQuote } from './fee-units.js';

const TOO_MANY_REQUESTS = -1003;
const NO_SUCH_ORDER = -2013;
const DEFAULT_BACKOFF_MS = 1000;

export class BinanceOrderClient extends OrderClientBase implements VenueOrderClient {
  constructor(opts: OrderClientOptions) {
    super(opts, VENUE_BINANCE, 'binance');
  }

  /** Price in quote of a third fee asset (BNB), when configured. */
  readonly rateInQuote: RateInQuote = (asset) => this.opts.rateInQuote?.(asset);

  get takerFeeRate(): number {
    return this.opts.takerFeeRate;
  }

  /** A successful order answer (REST or WS API): its FULL fills go to the venue's FillLedger first. */
  answered(body: unknown): void {
    const sink = this.opts.onFills;
    if (sink === undefined) return;
    const f = fillsFromOrderAnswer(body, 'answer');
    if (f.ok) sink(f.value);
    else {
      this.counters.bad_responses++;
      this.opts.log('warn', 'binance order answer: fills unreadable', { err: f.error });
    }
  }

  /**
   * A final learned from the order query or history, which carry no fills: with a fill ledger
   * wired, the order's trades (`GET /api/v3/myTrades?orderId=`) give its fills (to the ledger)
   * and its exact commissions, replacing the taker-rate estimate. If they cannot be read or do
   * not add up to the executed quantity yet, the estimate stays (the gap-fill brings the fills).
   */
  private async exactFees(order: LiveOrder, venueOrderId: string, update: OrderUpdate): Promise<OrderUpdate> {
    const sink = this.opts.onFills;
    if (sink === undefined || !(update.cumQty > 0) || venueOrderId === '') return update;
    const req = binanceSignedRequest('GET', '/api/v3/myTrades', { symbol: order.symbol, orderId: venueOrderId, recvWindow: this.opts.recvWindowMs,
      timestamp: this.timestampMs() }, this.opts.creds);
    this.counters.reconcile_queries++;
    const ans = await this.send(req, 'order trades', order.clientOrderId);
    const rows = ans === null || ans.status !== 200 ? null : parseJsonOrNull(ans.text);
    if (!Array.isArray(rows)) return update;
    const fills: VenueFill[] = [];
    for (const r of rows) {
      const f = fillFromMyTrade(r, order.clientOrderId, 'reconcile');
      if (f.ok) fills.push(f.value);
    }
    sink(fills);
    const qty = fills.reduce((a, f) => a + f.qty, 0);
    if (Math.abs(qty - update.cumQty) > 1e-9 * Math.max(1, update.cumQty)) return update;
    const fee = executorFee(fills, order.side, splitSymbol(order.symbol), this.rateInQuote, this.opts.takerFeeRate);
    if (fee.converted) this.counters.fee_other_asset++;
    return { ...update, cumFee: fee.cumFee, feeAsset: fee.feeAsset };
  }

  async place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    this.counters.rest_orders++;
    const req = buildBinanceNewOrder(order, this.opts.creds, this.opts.recvWindowMs, this.timestampMs());
    const ans = await this.send(req, 'new order', order.clientOrderId, true);
    if (ans === null) return this.reconcile(order, listener);
    const body = parseJsonOrNull(ans.text);
    switch (classifyBinanceAnswer(ans.status, body)) {
      case BN_OK: {
        const { update, feeOtherAsset } = mapBinanceOrder(body, order.side, this.opts.takerFeeRate, this.rateInQuote);
        if (feeOtherAsset) this.counters.fee_other_asset++;
        listener(order, update);
        // After the report (off the ack's path); same tick, so no stream copy can come between.
        this.answered(body);
        if (update.kind !== UPD_FINAL) return this.reconcile(order, listener);
        return;
      }
      case BN_UNKNOWN:
        this.counters.unknown_status++;
        this.opts.log('warn', 'binance new order: status unknown, querying it', { client_order_id: order.clientOrderId, http: ans.status, body: ans.text.slice(0, 200) });
        return this.reconcile(order, listener);
      case BN_RATE_LIMITED: {
        const err = binanceErrorOf(body);
        this.startBackoff(retryAfterMs(ans.header('retry-after'), this.opts.wallMs(), DEFAULT_BACKOFF_MS), `HTTP ${ans.status} ${err?.msg ?? ''}`);
        listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, err?.code ?? TOO_MANY_REQUESTS, err?.msg ?? `HTTP ${ans.status}`, '', ''));
        return;
      }
      case BN_REJECTED: {
        const err = binanceErrorOf(body)!;
        this.counters.rejects++;
        if (BINANCE_KEY_ERRORS.has(err.code)) this.keyRejected(err.code, err.msg);
        this.opts.log('warn', 'binance rejected an order', { client_order_id: order.clientOrderId, code: err.code, msg: err.msg });
        listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, err.code, err.msg, '', ''));
        return;
      }
      case BN_BAD:
      default:
        this.counters.bad_responses++;
        this.opts.log('warn', 'binance new order: unreadable answer', { client_order_id: order.clientOrderId, http: ans.status, body: ans.text.slice(0, 200) });
        if (ans.status >= 200 && ans.status < 300) return this.reconcile(order, listener);
        listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ERR_LIVE_BAD_RESPONSE, `HTTP ${ans.status}`, '', ''));
    }
  }

  /**
   * Queries the order until it is final. "Unknown order" (-2013) means "not placed" only by the
   * rule of unknown-order.ts: asked after the venue's clock has passed the request's
   * timestamp + recvWindow (skew included), and the order history (allOrders) has no trace
   * either; then it is reported REJECTED with -2013. Before that moment a not-found only means
   * "not visible yet". The look lasts at least until that moment plus the budget; if it ends
   * unresolved the executor keeps the order unknown (never reported as not placed).
   */
  resolve(order: LiveOrder, listener: UpdateListener): Promise<void> {
    return this.reconcile(order, listener);
  }

  async reconcile(order: LiveOrder, listener: UpdateListener): Promise<void> {
    const u = this.unknownOrder(order.symbol, order.clientOrderId);
    const until = this.lookUntilMs(u);
    for (let n = 0; this.opts.wallMs() < until; n++) {
      const next = u.nextLook() === 'history' ? 0 : pollDelayMs(n);
      const wait = this.opts.wallMs() < u.deadlineLocalMs && n > 0 ? Math.max(next, Math.min(u.deadlineLocalMs - this.opts.wallMs(), 500)) : next;
      await this.sleep(wait);
      // Settled meanwhile by a final from the private stream (live-executor.ts onVenueFinal).
      if (order.settled === true) return;
      this.counters.reconcile_queries++;
      const history = u.nextLook() === 'history' && this.opts.wallMs() >= u.deadlineLocalMs;
      const at = this.opts.wallMs();
      const req = history
        ? buildBinanceAllOrders(order.symbol, Math.floor(u.input.requestTimestampMs - u.input.recvWindowMs - 60_000), this.opts.creds, this.opts.recvWindowMs, this.timestampMs())
        : buildBinanceQueryOrder(order.symbol, order.clientOrderId, this.opts.creds, this.opts.recvWindowMs, this.timestampMs());
      const ans = await this.send(req, history ? 'order history' : 'query order', order.clientOrderId);
      if (ans === null) continue;
      const body = parseJsonOrNull(ans.text);
      const kind = classifyBinanceAnswer(ans.status, body);
      if (kind === BN_RATE_LIMITED) {
        const w = retryAfterMs(ans.header('retry-after'), this.opts.wallMs(), DEFAULT_BACKOFF_MS);
        this.startBackoff(w, `query HTTP ${ans.status}`);
        await this.sleep(Math.min(w, Math.max(0, until - this.opts.wallMs())));
        continue;
      }
      if (history) {
        if (kind !== BN_OK || !Array.isArray(body)) continue;
        const row = (body as Array<{ clientOrderId?: unknown }>).find((r) => r.clientOrderId === order.clientOrderId);
        if (row === undefined) {
          if (u.observe({ kind: 'history', found: false, atLocalMs: at }) === 'not_placed') return this.notPlaced(order, listener, u);
          continue;
        }
        u.observe({ kind: 'history', found: true, atLocalMs: at });
        const { update } = mapBinanceOrder(row, order.side, this.opts.takerFeeRate, this.rateInQuote);
        if (update.kind === UPD_FINAL) return void listener(order, asQuery(await this.exactFees(order, update.venueOrderId, update)));
        continue;
      }
      if (kind === BN_OK) {
        u.observe({ kind: 'query', found: true, atLocalMs: at });
        const { update } = mapBinanceOrder(body, order.side, this.opts.takerFeeRate, this.rateInQuote);
        if (update.kind === UPD_FINAL) {
          listener(order, asQuery(await this.exactFees(order, update.venueOrderId, update)));
          return;
        }
        continue;
      }
      const err = binanceErrorOf(body);
      if (kind === BN_REJECTED && err !== null && err.code === NO_SUCH_ORDER) {
        if (u.observe({ kind: 'query', found: false, atLocalMs: at }) === 'not_placed') return this.notPlaced(order, listener, u);
      }
    }
    this.opts.log('error', 'binance order status unresolved after reconciliation', { client_order_id: order.clientOrderId, budget_ms: this.opts.reconcileBudgetMs, why: u.reason });
  }

  private notPlaced(order: LiveOrder, listener: UpdateListener, u: { reason: string }): void {
    this.counters.not_placed++;
    this.opts.log('warn', 'binance order not placed', { client_order_id: order.clientOrderId, why: u.reason });
    listener(order, asQuery(finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, NO_SUCH_ORDER, 'not placed: ' + u.reason, '', '')));
  }
}

/** A final the order's look brought (journal `venue_order` source `query`). */
function asQuery(u: OrderUpdate): OrderUpdate {
  u.source = 'query';
  return u;
}
