/**
 * Binance spot user data over the WebSocket API (VENUES.md C; web-socket-api.md "User Data
 * Stream requests"; the listenKey REST flow is deprecated): its own connection to the WS API
 * endpoint, apart from the order session, so events never queue behind order answers and the
 * stream lives on when orders go by REST.
 *
 *   Ed25519 key: session.logon (apiKey, timestamp, Ed25519 signature) → userDataStream.subscribe
 *   HMAC key:    userDataStream.subscribe.signature {apiKey, recvWindow, timestamp, signature}
 *                (hex HMAC-SHA256 of the parameters sorted by name; the venue refuses HMAC logons)
 *
 * READY once the subscription is confirmed (`result.subscriptionId`); events then arrive as
 * `{"subscriptionId":N,"event":{…}}` and go, parsed, to `eventListeners` (private-fills.ts).
 * `eventStreamTerminated` (the venue ended the subscription) is a lost session: reconnect,
 * resubscribe, and the gap-fill covers the hole. Unreadable events are counted and logged,
 * never thrown.
 */
import { parseBinanceUserData, type BinanceUserDataEvent } from '../../venues/binance/user-data.js';
import { binanceWsApiSignature } from '../../venues/binance/sign.js';
import type { Credentials } from './order-types.js';
import { ed25519Base64 } from './signer.js';
import { WsSession, type WsSessionOptions } from './ws-session.js';

const LOGON_ID = 'udlogon';
const SUBSCRIBE_ID = 'udsub';

interface Reply {
  id?: unknown;
  status?: unknown;
  result?: { subscriptionId?: unknown };
  error?: { code?: unknown; msg?: unknown };
  subscriptionId?: unknown;
  event?: unknown;
}

export class BinanceUserDataStream extends WsSession {
  readonly eventListeners: Array<(e: BinanceUserDataEvent) => void> = [];
  /** Subscription id the venue gave (-1 while not subscribed). */
  subscriptionId = -1;
  private requestSentMs = Infinity;
  private readonly ed25519: boolean;

  constructor(o: Omit<WsSessionOptions, 'routesOrders' | 'pingMs'>, private readonly creds: Credentials,
    private readonly timestampMs: () => number, private readonly recvWindowMs: number) {
    // The venue pings (the ws library answers with pongs): no application ping. The only
    // request is the logon/subscribe: a slow answer costs no order, so it gets ≥ 5 s before the
    // connection is called stalled (a loaded host must not churn the stream).
    super({ ...o, timeoutMs: Math.max(o.timeoutMs, 5000), routesOrders: false, pingMs: 0 });
    this.ed25519 = creds.keyType === 'ed25519' && creds.privateKey !== undefined;
  }

  protected onOpen(): void {
    this.subscriptionId = -1;
    this.requestSentMs = Date.now();
    const ts = this.timestampMs();
    if (this.ed25519) {
      const sig = ed25519Base64(this.creds.privateKey!, 'apiKey=' + this.creds.apiKey + '&timestamp=' + ts);
      this.sendRaw(JSON.stringify({ id: LOGON_ID, method: 'session.logon', params: { apiKey: this.creds.apiKey, signature: sig, timestamp: ts } }));
      return;
    }
    const params = { apiKey: this.creds.apiKey, recvWindow: this.recvWindowMs, timestamp: ts };
    this.sendRaw(JSON.stringify({ id: SUBSCRIBE_ID, method: 'userDataStream.subscribe.signature',
      params: { ...params, signature: binanceWsApiSignature(this.creds.secretKey, params) } }));
  }

  protected oldestPendingMs(): number {
    return this.requestSentMs;
  }

  protected onLost(): void {
    this.requestSentMs = Infinity;
    this.subscriptionId = -1;
  }

  protected onText(text: string): void {
    let m: Reply;
    try {
      m = JSON.parse(text) as Reply;
    } catch {
      m = {};
    }
    if (typeof m !== 'object' || m === null) m = {};
    if (m.event !== undefined) return this.onEvent(m.event, text);
    if (m.id === LOGON_ID || m.id === SUBSCRIBE_ID) return this.onReply(m);
    this.o.counters.bad_responses++;
    this.o.log('warn', 'binance user data: unreadable message', { text: text.slice(0, 200) });
  }

  private onReply(m: Reply): void {
    this.requestSentMs = Infinity;
    const status = typeof m.status === 'number' ? m.status : 0;
    if (status !== 200) {
      const code = Number(m.error?.code ?? 0);
      // -2014/-2015/-1022: the key or its signature; retrying cannot help.
      this.refused(`${String(m.id)} code ${code}: ${String(m.error?.msg ?? `status ${status}`)}`, !(code === -2014 || code === -2015 || code === -1022));
      return;
    }
    if (m.id === LOGON_ID) {
      this.requestSentMs = Date.now();
      this.sendRaw(JSON.stringify({ id: SUBSCRIBE_ID, method: 'userDataStream.subscribe' }));
      return;
    }
    const sid = m.result?.subscriptionId;
    this.subscriptionId = typeof sid === 'number' ? sid : 0;
    this.becomeReady();
  }

  private onEvent(event: unknown, text: string): void {
    const p = parseBinanceUserData(event);
    if (!p.ok) {
      this.o.counters.bad_responses++;
      this.o.log('warn', 'binance user data: unreadable event', { err: p.error, text: text.slice(0, 200) });
      return;
    }
    if (p.value.kind === 'other' && p.value.type === 'eventStreamTerminated') {
      this.lose('event stream terminated by the venue');
      return;
    }
    for (const l of this.eventListeners) l(p.value);
  }
}
