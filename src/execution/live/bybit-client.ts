/**
 * Bybit v5 spot order client: `POST /v5/order/create` (Limit IOC) answers with an
 * acknowledgement only, so the order is then queried with `GET /v5/order/realtime` by its
 * orderLinkId until orderStatus is final (Filled, PartiallyFilledCanceled, Cancelled,
 * Rejected). A 5xx, retCode 10016 or a transport failure leaves the create's outcome unknown:
 * the same query settles it. HTTP 429/403 and retCode 10006 start a back-off.
 */
import { ASSET_QUOTE, ST_ACKED, ST_REJECTED, VENUE_BYBIT } from '../../core/records.js';
import { parseJsonOrNull } from './binance-order.js';
import {
  BB_BAD, BB_OK, BB_RATE_LIMITED, BB_REJECTED, BB_UNKNOWN, buildBybitCreate, buildBybitQuery, buildBybitHistoryQuery, bybitCreateOrderId, bybitOrderRow,
  bybitRetOf, classifyBybitAnswer, mapBybitOrderRow,
} from './bybit-order.js';
import { OrderClientBase, pollDelayMs, type OrderClientOptions } from './client-base.js';
import { retryAfterMs, type HttpAnswer } from './http-transport.js';
import { BYBIT_KEY_ERRORS, ERR_LIVE_BAD_RESPONSE, ERR_LIVE_TRANSPORT } from './live-errors.js';
import { UPD_ACK, UPD_FINAL, finalUpdate, type LiveOrder, type UpdateListener, type VenueOrderClient } from './order-types.js';

const TOO_MANY_VISITS = 10006;
const DEFAULT_BACKOFF_MS = 1000;

export class BybitOrderClient extends OrderClientBase implements VenueOrderClient {
  constructor(opts: OrderClientOptions) {
    super(opts, VENUE_BYBIT, 'bybit');
  }

  async place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    this.counters.rest_orders++;
    const req = buildBybitCreate(order, this.opts.creds, this.opts.recvWindowMs, this.timestampMs());
    const ans = await this.send(req, 'order create', order.clientOrderId, true);
    if (ans === null) return this.poll(order, listener, false);
    const body = parseJsonOrNull(ans.text);
    const ret = bybitRetOf(body);
    switch (classifyBybitAnswer(ans.status, body)) {
      case BB_OK:
        listener(order, { kind: UPD_ACK, status: ST_ACKED, cumQty: 0, avgPx: 0, cumFee: 0, feeAsset: ASSET_QUOTE, errorCode: 0, message: '',
          venueOrderId: bybitCreateOrderId(body), venueStatus: 'New' });
        return this.poll(order, listener, true);
      case BB_UNKNOWN:
        this.counters.unknown_status++;
        this.opts.log('warn', 'bybit order create: status unknown, querying it', { client_order_id: order.clientOrderId, http: ans.status, ret_code: ret.code });
        return this.poll(order, listener, false);
      case BB_RATE_LIMITED:
        this.startBackoff(this.backoffMs(ans), `HTTP ${ans.status} retCode ${ret.code} ${ret.msg}`);
        listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ret.code !== 0 ? ret.code : TOO_MANY_VISITS, ret.msg || `HTTP ${ans.status}`, '', ''));
        return;
      case BB_REJECTED:
        this.counters.rejects++;
        if (BYBIT_KEY_ERRORS.has(ret.code)) this.keyRejected(ret.code, ret.msg);
        this.opts.log('warn', 'bybit rejected an order', { client_order_id: order.clientOrderId, code: ret.code, msg: ret.msg });
        listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ret.code, ret.msg, '', ''));
        return;
      case BB_BAD:
      default:
        this.counters.bad_responses++;
        this.opts.log('warn', 'bybit order create: unreadable answer', { client_order_id: order.clientOrderId, http: ans.status, body: ans.text.slice(0, 200) });
        if (ans.status >= 200 && ans.status < 300) return this.poll(order, listener, false);
        listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ERR_LIVE_BAD_RESPONSE, `HTTP ${ans.status}`, '', ''));
    }
  }

  private backoffMs(ans: HttpAnswer): number {
    const reset = Number(ans.header('x-bapi-limit-reset-timestamp'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset - this.opts.wallMs());
    return retryAfterMs(ans.header('retry-after'), this.opts.wallMs(), DEFAULT_BACKOFF_MS);
  }

  /**
   * Queries the order until final. `acked`: the create was accepted, so an empty list only
   * means "not visible yet". After an unknown create, "not placed" follows the rule of
   * unknown-order.ts: an empty realtime query AND an empty order history, both asked after the
   * venue's clock has passed the request's timestamp + recvWindow (skew included); then it is
   * reported REJECTED (ERR_LIVE_TRANSPORT). The look lasts at least until that moment plus the
   * budget; if it ends unresolved the order stays unknown (never reported as not placed).
   */
  resolve(order: LiveOrder, listener: UpdateListener): Promise<void> {
    return this.poll(order, listener, false);
  }

  async poll(order: LiveOrder, listener: UpdateListener, acked: boolean): Promise<void> {
    const u = this.unknownOrder(order.symbol, order.clientOrderId);
    const until = acked ? this.opts.wallMs() + this.opts.reconcileBudgetMs : this.lookUntilMs(u);
    for (let n = 0; this.opts.wallMs() < until; n++) {
      const next = !acked && u.nextLook() === 'history' ? 0 : pollDelayMs(n);
      const wait = !acked && this.opts.wallMs() < u.deadlineLocalMs && n > 0 ? Math.max(next, Math.min(u.deadlineLocalMs - this.opts.wallMs(), 500)) : next;
      await this.sleep(wait);
      // Settled meanwhile by a final from the private stream (live-executor.ts onVenueFinal).
      if (order.settled === true) return;
      this.counters.reconcile_queries++;
      const history = !acked && u.nextLook() === 'history' && this.opts.wallMs() >= u.deadlineLocalMs;
      const at = this.opts.wallMs();
      const req = history
        ? buildBybitHistoryQuery(order.clientOrderId, this.opts.creds, this.opts.recvWindowMs, this.timestampMs())
        : buildBybitQuery(order.clientOrderId, this.opts.creds, this.opts.recvWindowMs, this.timestampMs());
      const ans = await this.send(req, history ? 'order history' : 'order query', order.clientOrderId);
      if (ans === null) continue;
      const body = parseJsonOrNull(ans.text);
      const kind = classifyBybitAnswer(ans.status, body);
      if (kind === BB_RATE_LIMITED) {
        const wait = this.backoffMs(ans);
        this.startBackoff(wait, `query HTTP ${ans.status}`);
        await this.sleep(Math.min(wait, Math.max(0, until - this.opts.wallMs())));
        continue;
      }
      if (kind !== BB_OK) continue;
      const row = bybitOrderRow(body);
      if (row === null) {
        if (!acked && u.observe({ kind: history ? 'history' : 'query', found: false, atLocalMs: at }) === 'not_placed') {
          this.counters.not_placed++;
          this.opts.log('warn', 'bybit order not placed', { client_order_id: order.clientOrderId, why: u.reason });
          const nf = finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ERR_LIVE_TRANSPORT, 'not placed: ' + u.reason, '', '');
          nf.source = 'query';
          listener(order, nf);
          return;
        }
        continue;
      }
      u.observe({ kind: history ? 'history' : 'query', found: true, atLocalMs: at });
      const update = mapBybitOrderRow(row, order.side, this.opts.rateInQuote, this.opts.takerFeeRate);
      if (update.kind === UPD_FINAL && update.errorCode === ERR_LIVE_BAD_RESPONSE) {
        // A row that cannot be read is no final: the order is not rejected for it (asked again).
        this.counters.bad_responses++;
        this.opts.log('warn', 'bybit order query: unreadable order row, asking again', { client_order_id: order.clientOrderId, err: update.message });
        continue;
      }
      if (update.kind === UPD_FINAL) {
        update.source = 'query';
        listener(order, update);
        return;
      }
    }
    this.opts.log('error', 'bybit order status unresolved after polling', { client_order_id: order.clientOrderId, budget_ms: this.opts.reconcileBudgetMs, why: u.reason });
  }
}
