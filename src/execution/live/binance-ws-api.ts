/**
 * Binance spot WebSocket API order entry (VENUES.md C [BN-WSAPI]): `order.place` LIMIT IOC
 * with `newOrderRespType=FULL` and a `newClientOrderId` per leg, on a session opened at start.
 *
 * - Ed25519 key: `session.logon` once (apiKey, timestamp, base64 Ed25519 signature over the
 *   sorted parameters); orders then carry no apiKey and no signature.
 * - HMAC key: no logon (the venue refuses HMAC logons); every `order.place` carries apiKey and
 *   the hex HMAC-SHA256 of its parameters sorted by name.
 *
 * Requests are built from constant pieces precomputed here (one concatenation per order, the
 * parameters already in signing order) and written synchronously. Answers map like REST's
 * (binance-order.ts): FULL → FILLED / CANCELED (IOC remainder) with fills and commissions;
 * -1007 or an unreadable answer → status unknown; a lost connection or a stall → every
 * in-flight order is settled by `GET /api/v3/order` (the REST client's reconcile), never resent.
 */
import { ST_REJECTED, ASSET_QUOTE } from '../../core/records.js';
import type { BinanceOrderClient } from './binance-client.js';
import { BN_BAD, BN_OK, BN_RATE_LIMITED, BN_REJECTED, BN_UNKNOWN, classifyBinanceAnswer, mapBinanceOrder } from './binance-order.js';
import { BINANCE_KEY_ERRORS, ERR_LIVE_BAD_RESPONSE } from './live-errors.js';
import { UPD_FINAL, finalUpdate, type Credentials, type LiveOrder, type UpdateListener } from './order-types.js';
import { HmacSha256, ed25519Base64 } from './signer.js';
import { WsSession, type WsSessionOptions } from './ws-session.js';

const LOGON_ID = 0;
/** The order keepWarm builds (never sent). */
const WARM_ORDER: LiveOrder = { orderId: 0, clientOrderId: 'warm-0', symbol: 'BTCUSDT', side: 'BUY', price: '1.00', qty: '1.0' };

class Pending {
  constructor(readonly order: LiveOrder, readonly listener: UpdateListener, readonly sentMs: number, readonly done: () => void) {}
}

interface Answer {
  id?: unknown;
  status?: unknown;
  result?: unknown;
  error?: { code?: unknown; msg?: unknown };
}

export class BinanceWsApi extends WsSession {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private logonSentMs = Infinity;
  private readonly ed25519: boolean;
  // Signing-order pieces (parameters sorted by name) of the HMAC payload.
  private readonly pApiKey: string;
  private readonly pRecv: string;
  /** The HMAC key absorbed once (null for an Ed25519 session: orders are not signed). */
  private readonly hmac: HmacSha256 | null;
  /** keepWarm's output, kept so the build is not optimized away. */
  warmLength = 0;

  constructor(o: Omit<WsSessionOptions, 'routesOrders' | 'pingMs'>, private readonly creds: Credentials, private readonly rest: BinanceOrderClient,
    private readonly recvWindowMs: number) {
    super({ ...o, routesOrders: true, pingMs: 0 });
    this.ed25519 = creds.keyType === 'ed25519' && creds.privateKey !== undefined;
    this.pApiKey = 'apiKey=' + creds.apiKey + '&newClientOrderId=';
    this.pRecv = '&recvWindow=' + recvWindowMs + '&side=';
    this.hmac = this.ed25519 ? null : new HmacSha256(creds.secretKey);
  }

  override keepWarm(): void {
    if (this.ready) this.warmLength = this.orderText(0, WARM_ORDER, this.rest.timestampMs()).length;
  }

  protected onOpen(): void {
    if (!this.ed25519) {
      this.becomeReady();
      return;
    }
    const ts = this.rest.timestampMs();
    const payload = 'apiKey=' + this.creds.apiKey + '&timestamp=' + ts;
    const sig = ed25519Base64(this.creds.privateKey!, payload);
    this.logonSentMs = Date.now();
    this.sendRaw('{"id":' + LOGON_ID + ',"method":"session.logon","params":{"apiKey":"' + this.creds.apiKey + '","signature":"' + sig +
      '","timestamp":' + ts + '}}');
  }

  protected override warmUp(): void {
    const o: LiveOrder = { orderId: 0, clientOrderId: 'warmup0', symbol: 'BTCUSDT', side: 'BUY', price: '1.00', qty: '1.0' };
    let n = 0;
    for (let i = 0; i < 200; i++) n += this.orderText(0, o, this.rest.timestampMs()).length;
    // The socket write path, on a request the venue answers harmlessly (its id is never pending).
    for (let i = 0; i < 20; i++) this.send('{"id":' + (-1 - i) + ',"method":"ping"}');
    if (n === 0) this.o.log('debug', 'binance WS API warm-up built nothing', {});
  }

  /** The order.place request text (parameters in signing order; signed per request for HMAC keys). */
  private orderText(id: number, order: LiveOrder, ts: number): string {
    let params = '{"newClientOrderId":"' + order.clientOrderId + '","newOrderRespType":"FULL","price":"' + order.price + '","quantity":"' +
      order.qty + '","recvWindow":' + this.recvWindowMs + ',"side":"' + order.side + '","symbol":"' + order.symbol +
      '","timeInForce":"IOC","timestamp":' + ts + ',"type":"LIMIT"';
    if (this.hmac !== null) {
      const payload = this.pApiKey + order.clientOrderId + '&newOrderRespType=FULL&price=' + order.price + '&quantity=' + order.qty +
        this.pRecv + order.side + '&symbol=' + order.symbol + '&timeInForce=IOC&timestamp=' + ts + '&type=LIMIT';
      params += ',"apiKey":"' + this.creds.apiKey + '","signature":"' + this.hmac.hex(payload) + '"';
    }
    return '{"id":' + id + ',"method":"order.place","params":' + params + '}}';
  }

  /**
   * Writes the order when the session is ready and returns the promise of its settlement;
   * null when the session is down (the caller sends it by REST).
   */
  place(order: LiveOrder, listener: UpdateListener): Promise<void> | null {
    if (!this.ready) return null;
    const id = this.nextId++;
    if (!this.send(this.orderText(id, order, this.rest.timestampMs()))) return null;
    this.o.counters.ws_orders++;
    this.o.counters.requests++;
    return new Promise<void>((done) => {
      this.pending.set(id, new Pending(order, listener, Date.now(), done));
    });
  }

  protected oldestPendingMs(): number {
    let oldest = this.state === 2 ? this.logonSentMs : Infinity;
    for (const p of this.pending.values()) if (p.sentMs < oldest) oldest = p.sentMs;
    return oldest;
  }

  protected onLost(why: string): void {
    this.logonSentMs = Infinity;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      // The order may or may not have reached the venue: ask, never resend.
      this.o.counters.ws_resolved_by_query++;
      this.o.log('warn', 'binance WS API: answer lost with the session; querying the order', { client_order_id: p.order.clientOrderId, why });
      void this.rest.reconcile(p.order, p.listener).finally(p.done);
    }
  }

  protected onText(text: string): void {
    let a: Answer;
    try {
      a = JSON.parse(text) as Answer;
    } catch {
      a = {};
    }
    const id = typeof a === 'object' && a !== null ? a.id : undefined;
    if (typeof id !== 'number') {
      this.o.counters.bad_responses++;
      this.o.log('warn', 'binance WS API: unreadable answer', { text: text.slice(0, 200) });
      return;
    }
    const status = typeof a.status === 'number' ? a.status : 0;
    // Usage (rateLimits), back-offs (429/418 with data.retryAfter) and timestamp rejects.
    const err = a.error as { code?: unknown; data?: { retryAfter?: unknown } } | undefined;
    this.rest.rules?.onWsAnswer(status, (a as { rateLimits?: unknown }).rateLimits, typeof err?.code === 'number' ? err.code : NaN,
      typeof err?.data?.retryAfter === 'number' ? err.data.retryAfter : 0, 'ws-api');
    if (id === LOGON_ID) return this.onLogon(status, a);
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    const body = status === 200 ? a.result : a.error;
    const order = p.order;
    switch (classifyBinanceAnswer(status, body)) {
      case BN_OK: {
        const { update, feeOtherAsset } = mapBinanceOrder(body, order.side, this.rest.takerFeeRate, this.rest.rateInQuote);
        if (feeOtherAsset) this.o.counters.fee_other_asset++;
        p.listener(order, update);
        // The fills to the venue's ledger after the report (same tick: no stream copy comes between).
        this.rest.answered(body);
        if (update.kind !== UPD_FINAL) return void this.rest.reconcile(order, p.listener).finally(p.done);
        return p.done();
      }
      case BN_RATE_LIMITED: {
        const code = Number(a.error?.code ?? -1003);
        this.rest.startBackoff(1000, `WS API status ${status} code ${code}`);
        p.listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, code, String(a.error?.msg ?? ''), '', ''));
        return p.done();
      }
      case BN_REJECTED: {
        const code = Number(a.error!.code);
        const msg = String(a.error!.msg ?? '');
        this.o.counters.rejects++;
        if (BINANCE_KEY_ERRORS.has(code)) this.rest.keyRejected(code, msg);
        else this.o.log('warn', 'binance rejected an order', { client_order_id: order.clientOrderId, code, msg });
        p.listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, code, msg, '', ''));
        return p.done();
      }
      case BN_UNKNOWN:
        this.o.counters.unknown_status++;
        this.o.log('warn', 'binance WS API: status unknown, querying the order', { client_order_id: order.clientOrderId, status });
        return void this.rest.reconcile(order, p.listener).finally(p.done);
      case BN_BAD:
      default:
        this.o.counters.bad_responses++;
        this.o.log('warn', 'binance WS API: unreadable order answer, querying the order', { client_order_id: order.clientOrderId, status });
        if (status >= 200 && status < 300) return void this.rest.reconcile(order, p.listener).finally(p.done);
        p.listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, ASSET_QUOTE, ERR_LIVE_BAD_RESPONSE, `status ${status}`, '', ''));
        return p.done();
    }
  }

  private onLogon(status: number, a: Answer): void {
    this.logonSentMs = Infinity;
    if (status === 200) return this.becomeReady();
    const code = Number(a.error?.code ?? 0);
    const msg = String(a.error?.msg ?? `status ${status}`);
    const keyError = BINANCE_KEY_ERRORS.has(code);
    if (keyError) this.rest.keyRejected(code, msg);
    this.refused(`code ${code}: ${msg}`, !keyError);
  }
}
