/**
 * The private-stream requests of the simulator's WebSocket sessions, as functions a session
 * calls with each text frame (the sessions themselves, their sockets and order entry, live in
 * the WS API files): they check the request, register the socket with the venue's
 * PrivateStreamHub (private-stream-hub.ts) and return the reply to send.
 *
 * Binance WS API (web-socket-api.md, "User Data Stream requests"):
 *   userDataStream.subscribe            on a session logged on with session.logon (Ed25519)
 *   userDataStream.subscribe.signature  params {apiKey, timestamp, signature[, recvWindow]},
 *                                       HMAC over the sorted params (sign.ts binanceWsApiSignature)
 *   userDataStream.unsubscribe          [params {subscriptionId}]; all of the session's otherwise
 * Replies `{"id","status":200,"result":{"subscriptionId":N}}` / `{"id","status":4xx,"error":{"code","msg"}}`;
 * events then arrive as `{"subscriptionId":N,"event":{…}}` (user-data-binance.ts).
 *
 * Bybit `/v5/private` (websocket/wss-authentication, websocket/private/*):
 *   {"op":"auth","args":[apiKey, expires, sig]}  sig = HMAC("GET/realtime" + expires), expires in the future
 *   {"op":"subscribe","args":["order","execution","wallet"]}  after auth
 *   {"op":"ping"}
 * Replies `{"success":…,"ret_msg":…,"op":…,"conn_id":…}`.
 */
import { binanceWsApiSignature } from '../venues/binance/sign.js';
import { bybitWsAuthSignature } from '../venues/bybit/sign.js';
import type { PrivateStreamHub } from './private-stream-hub.js';

export interface AccountLookup {
  get(apiKey: string): { secretKey: string } | undefined;
}

/** Per WebSocket connection. */
export class PrivateSession {
  /** API key of a logged-on (Binance session.logon) or authenticated (Bybit auth) session. */
  apiKey: string | null = null;
  readonly subscriptions = new Set<number>();
  constructor(readonly connId: string, readonly send: (text: string) => void, readonly close: () => void) {}
}

export interface PrivateContext {
  accounts: AccountLookup;
  hub: PrivateStreamHub;
  /** Server epoch ms. */
  nowMs: () => number;
}

const binanceError = (id: unknown, status: number, code: number, msg: string): string => JSON.stringify({ id, status, error: { code, msg } });

/** Handles a Binance WS API user-data request; null when `method` is not one (the session handles it). */
export function handleBinanceUserDataRequest(req: { id?: unknown; method?: unknown; params?: unknown }, s: PrivateSession, ctx: PrivateContext): string | null {
  const id = req.id ?? null;
  const params = (typeof req.params === 'object' && req.params !== null ? req.params : {}) as Record<string, string | number>;
  switch (req.method) {
    case 'userDataStream.subscribe': {
      if (s.apiKey === null) return binanceError(id, 401, -2015, 'Invalid API-key, IP, or permissions for action.');
      return subscribed(id, s, ctx, s.apiKey);
    }
    case 'userDataStream.subscribe.signature': {
      const apiKey = params['apiKey'];
      if (typeof apiKey !== 'string' || apiKey === '') return binanceError(id, 400, -1102, "Mandatory parameter 'apiKey' was not sent, was empty/null, or malformed.");
      const account = ctx.accounts.get(apiKey);
      if (account === undefined) return binanceError(id, 401, -2015, 'Invalid API-key, IP, or permissions for action.');
      const sig = params['signature'];
      if (typeof sig !== 'string' || sig.toLowerCase() !== binanceWsApiSignature(account.secretKey, params)) {
        return binanceError(id, 400, -1022, 'Signature for this request is not valid.');
      }
      const ts = Number(params['timestamp']);
      const recvWindow = params['recvWindow'] === undefined ? 5000 : Number(params['recvWindow']);
      const now = ctx.nowMs();
      if (!Number.isFinite(ts) || ts >= now + 1000 || now - ts > recvWindow) {
        return binanceError(id, 400, -1021, 'Timestamp for this request is outside of the recvWindow.');
      }
      return subscribed(id, s, ctx, apiKey);
    }
    case 'userDataStream.unsubscribe': {
      const which = params['subscriptionId'];
      if (which !== undefined) {
        const n = Number(which);
        if (!s.subscriptions.has(n)) return binanceError(id, 400, -2, 'Not subscribed.');
        s.subscriptions.delete(n);
        ctx.hub.unsubscribe(n);
      } else {
        for (const n of s.subscriptions) ctx.hub.unsubscribe(n);
        s.subscriptions.clear();
      }
      return JSON.stringify({ id, status: 200, result: {} });
    }
    default:
      return null;
  }
}

function subscribed(id: unknown, s: PrivateSession, ctx: PrivateContext, apiKey: string): string {
  const sub = ctx.hub.subscribe(apiKey, null, s.send, s.close);
  s.subscriptions.add(sub.id);
  return JSON.stringify({ id, status: 200, result: { subscriptionId: sub.id } });
}

/** The session ends: its subscriptions go. */
export function endPrivateSession(s: PrivateSession, hub: PrivateStreamHub): void {
  for (const n of s.subscriptions) hub.unsubscribe(n);
  s.subscriptions.clear();
}

const BYBIT_TOPICS: ReadonlySet<string> = new Set(['order', 'execution', 'wallet']);

/** Handles one text frame of a Bybit `/v5/private` connection; returns the reply (or null for none). */
export function handleBybitPrivateFrame(text: string, s: PrivateSession, ctx: PrivateContext): string | null {
  let m: { op?: unknown; args?: unknown; req_id?: unknown };
  try {
    m = JSON.parse(text) as typeof m;
  } catch {
    return JSON.stringify({ success: false, ret_msg: 'error:invalid request', conn_id: s.connId, op: '' });
  }
  const reply = (op: string, success: boolean, retMsg: string): string =>
    JSON.stringify({ success, ret_msg: retMsg, op, conn_id: s.connId, ...(m.req_id === undefined ? {} : { req_id: m.req_id }) });
  const args = Array.isArray(m.args) ? m.args : [];
  switch (m.op) {
    case 'ping':
      return JSON.stringify({ success: true, ret_msg: 'pong', conn_id: s.connId, op: 'ping', ...(m.req_id === undefined ? {} : { req_id: m.req_id }) });
    case 'auth': {
      if (s.apiKey !== null) return reply('auth', false, 'Repeat auth');
      const [apiKey, expires, sig] = args as [unknown, unknown, unknown];
      const account = typeof apiKey === 'string' ? ctx.accounts.get(apiKey) : undefined;
      if (account === undefined) return reply('auth', false, 'Invalid apikey');
      if (typeof expires !== 'number' || expires <= ctx.nowMs()) return reply('auth', false, 'Params Error');
      if (typeof sig !== 'string' || sig !== bybitWsAuthSignature(account.secretKey, expires)) return reply('auth', false, 'Invalid sign');
      s.apiKey = apiKey as string;
      return reply('auth', true, '');
    }
    case 'subscribe': {
      if (s.apiKey === null) return reply('subscribe', false, 'Request not authorized');
      const topics = args.filter((a): a is string => typeof a === 'string');
      const bad = topics.find((a) => !BYBIT_TOPICS.has(a));
      if (topics.length === 0 || bad !== undefined) return reply('subscribe', false, `error:handler not found,topic:${bad ?? ''}`);
      const sub = ctx.hub.subscribe(s.apiKey, new Set(topics), s.send, s.close);
      s.subscriptions.add(sub.id);
      return reply('subscribe', true, '');
    }
    default:
      return reply(typeof m.op === 'string' ? m.op : '', false, 'error:unknown op');
  }
}
