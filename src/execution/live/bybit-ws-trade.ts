/**
 * Bybit v5 trade WebSocket order entry (VENUES.md C [BB-websocket/trade/guideline]): `auth`
 * at start-up (HMAC over "GET/realtime" + expires), then `order.create` (spot Limit IOC, the
 * leg's `orderLinkId`, the request header's X-BAPI-TIMESTAMP / X-BAPI-RECV-WINDOW). The answer
 * is an acknowledgement; the fill comes from the private stream's `order` topic
 * (bybit-private-stream.ts), or, when that is down or late, from GET /v5/order/realtime (the
 * REST client's poll).
 *
 * A lost connection or a stall: every in-flight create is settled by the order query, never
 * resent. 10016 / 10019 leave the create's outcome unknown: same. 10003 / 10004 halt the venue.
 */
import { ASSET_QUOTE, ST_ACKED, ST_REJECTED } from '../../core/records.js';
import type { BybitOrderClient } from './bybit-client.js';
import type { BybitPrivateStream } from './bybit-private-stream.js';
import { BYBIT_KEY_ERRORS } from './live-errors.js';
import { UPD_ACK, finalUpdate, type Credentials, type LiveOrder, type UpdateListener } from './order-types.js';
import { bybitWsAuthMessage } from '../../venues/bybit/sign.js';
import { WsSession, type WsSessionOptions } from './ws-session.js';

const RATE_CODES = new Set([10006, 10018, 10429, 20003, 170005, 170222]);
const UNKNOWN_CODES = new Set([10016, 10019]);
/** The order keepWarm builds (never sent). */
const WARM_ORDER: LiveOrder = { orderId: 0, clientOrderId: 'warm-0', symbol: 'BTCUSDT', side: 'BUY', price: '1.0', qty: '1.0' };

class Pending {
  constructor(readonly order: LiveOrder, readonly listener: UpdateListener, readonly sentMs: number, readonly done: () => void) {}
}

export class BybitTradeWs extends WsSession {
  private readonly pending = new Map<string, Pending>();
  /** keepWarm's output, kept so the build is not optimized away. */
  warmLength = 0;
  private authSentMs = Infinity;
  private readonly head: string;

  constructor(o: Omit<WsSessionOptions, 'routesOrders' | 'pingMs'>, private readonly creds: Credentials, private readonly rest: BybitOrderClient,
    private readonly privateStream: BybitPrivateStream, recvWindowMs: number, private readonly wallMs: () => number) {
    super({ ...o, routesOrders: true, pingMs: 20_000 });
    this.head = '","X-BAPI-RECV-WINDOW":"' + recvWindowMs + '"},"op":"order.create","args":[{"category":"spot","symbol":"';
  }

  protected override pingFrame(): string {
    return '{"op":"ping"}';
  }

  protected onOpen(): void {
    this.authSentMs = Date.now();
    this.sendRaw(bybitWsAuthMessage(this.creds.apiKey, this.creds.secretKey, Math.floor(this.wallMs()) + 10_000));
  }

  protected override warmUp(): void {
    const o: LiveOrder = { orderId: 0, clientOrderId: 'warmup0', symbol: 'BTCUSDT', side: 'BUY', price: '1.0', qty: '1.0' };
    let n = 0;
    for (let i = 0; i < 200; i++) n += this.orderText(o).length;
    // The socket write path, on pings (answered with a pong the session ignores).
    for (let i = 0; i < 20; i++) this.send('{"op":"ping"}');
    if (n === 0) this.o.log('debug', 'bybit trade WS warm-up built nothing', {});
  }

  override keepWarm(): void {
    if (this.ready) this.warmLength = this.orderText(WARM_ORDER).length;
  }

  private orderText(order: LiveOrder): string {
    const link = order.clientOrderId;
    return '{"reqId":"' + link + '","header":{"X-BAPI-TIMESTAMP":"' + this.rest.timestampMs() + this.head + order.symbol +
      '","side":"' + (order.side === 'BUY' ? 'Buy' : 'Sell') + '","orderType":"Limit","qty":"' + order.qty + '","price":"' + order.price +
      '","timeInForce":"IOC","orderLinkId":"' + link + '","isLeverage":0}]}';
  }

  place(order: LiveOrder, listener: UpdateListener): Promise<void> | null {
    if (!this.ready) return null;
    if (!this.send(this.orderText(order))) return null;
    this.o.counters.ws_orders++;
    this.o.counters.requests++;
    return new Promise<void>((done) => {
      this.pending.set(order.clientOrderId, new Pending(order, listener, Date.now(), done));
    });
  }

  protected oldestPendingMs(): number {
    let oldest = this.authSentMs;
    for (const p of this.pending.values()) if (p.sentMs < oldest) oldest = p.sentMs;
    return oldest;
  }

  protected onLost(why: string): void {
    this.authSentMs = Infinity;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      this.o.counters.ws_resolved_by_query++;
      this.o.log('warn', 'bybit trade WS: answer lost with the session; querying the order', { client_order_id: p.order.clientOrderId, why });
      void this.rest.poll(p.order, p.listener, false).finally(p.done);
    }
  }

  protected onText(text: string): void {
    let m: { op?: unknown; retCode?: unknown; retMsg?: unknown; reqId?: unknown; data?: { orderId?: unknown } };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      m = {};
    }
    if (typeof m !== 'object' || m === null) m = {};
    if (m.op === 'pong' || m.op === 'ping') return;
    const code = typeof m.retCode === 'number' ? m.retCode : NaN;
    const msg = typeof m.retMsg === 'string' ? m.retMsg : '';
    if (m.op === 'auth') {
      this.authSentMs = Infinity;
      if (code === 0) return this.becomeReady();
      const keyError = BYBIT_KEY_ERRORS.has(code);
      if (keyError) this.rest.keyRejected(code, msg);
      return this.refused(`retCode ${code}: ${msg}`, !keyError);
    }
    const p = typeof m.reqId === 'string' ? this.pending.get(m.reqId) : undefined;
    if (m.op !== 'order.create' || p === undefined || Number.isNaN(code)) {
      this.o.counters.bad_responses++;
      this.o.log('warn', 'bybit trade WS: unreadable or unmatched answer', { text: text.slice(0, 200) });
      return;
    }
    this.pending.delete(p.order.clientOrderId);
    // Back-offs (10006 …) and timestamp rejects (10002) count as on REST.
    if (code !== 0) this.rest.rules?.onWsAnswer(200, undefined, code, 0, '/v5/order/create');
    const { order, listener, done } = p;
    if (code === 0) {
      const orderId = typeof m.data?.orderId === 'string' ? m.data.orderId : '';
      listener(order, { kind: UPD_ACK, status: ST_ACKED, cumQty: 0, avgPx: 0, cumFee: 0, feeAsset: ASSET_QUOTE, errorCode: 0, message: '', venueOrderId: orderId, venueStatus: 'New' });
      void this.privateStream.waitFinal(order.clientOrderId, this.o.timeoutMs).then((u) => {
        if (u !== null) {
          listener(order, u);
          done();
        } else {
          void this.rest.poll(order, listener, true).finally(done);
        }
      });
      return;
    }
    if (UNKNOWN_CODES.has(code)) {
      this.o.counters.unknown_status++;
      this.o.log('warn', 'bybit trade WS: status unknown, querying the order', { client_order_id: order.clientOrderId, code });
      return void this.rest.poll(order, listener, false).finally(done);
    }
    if (RATE_CODES.has(code)) {
      this.rest.startBackoff(1000, `trade WS retCode ${code} ${msg}`);
    } else {
      this.o.counters.rejects++;
      if (BYBIT_KEY_ERRORS.has(code)) this.rest.keyRejected(code, msg);
      else this.o.log('warn', 'bybit rejected an order', { client_order_id: order.clientOrderId, code, msg });
    }
    listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, code, msg, '', ''));
    done();
  }
}
