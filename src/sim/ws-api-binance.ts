/**
 * The Binance spot WebSocket API on the simulator (VENUES.md C [BN-WSAPI]), at `/ws-api/v3` on
 * the Binance app: `session.logon` / `session.status` / `session.logout`, `order.place`,
 * `order.status`, `ping`, `time`.
 *
 * Requests `{"id":…,"method":…,"params":{…}}`; answers `{"id":…,"status":200,"result":…,
 * "rateLimits":[…]}` or `{"id":…,"status":4xx,"error":{"code":…,"msg":…}}` with the same codes
 * as REST order entry (order-entry-binance.ts: the same checks, filters, balances and the
 * 100 / 10 s order limit, shared per account). Signed requests carry `apiKey`, `timestamp`
 * and `signature` over every other parameter sorted by name (`k=v&…`, raw): HMAC-SHA256 hex
 * with the secret, or Ed25519 base64 with a registered public key. After `session.logon`
 * (Ed25519 keys only, as on the venue) requests need no apiKey or signature, only a timestamp.
 */
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket } from 'uWebSockets.js';
import { binanceWsApiPayload } from '../venues/binance/sign.js';
import type { SimAccount } from './order-entry-book.js';
import { BinanceReject, bad, checkTimestamp, orderStatus, placeOrder } from './order-entry-binance.js';
import { serverMs, type OrderEntryContext } from './order-entry.js';
import { accountKeyType, verifyBinanceSignature } from './sim-signature.js';
import { arrivalStamp, orderArrival, type WsApiFaults } from './ws-api-faults.js';
import { PrivateSession, endPrivateSession, handleBinanceUserDataRequest } from './private-requests.js';
import type { GateRefusal } from './order-faults.js';

interface Session {
  /** The logged-on account (Ed25519 session.logon), null before. */
  account: SimAccount | null;
  /** User-data subscriptions of this connection (private-requests.ts); set on open. */
  priv: PrivateSession | null;
  connectedSince: number;
  authorizedSince: number;
}

const RATE_LIMITS = '[{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":100,"count":0}]';

export function registerBinanceWsApi(app: TemplatedApp, ctx: OrderEntryContext, faults: WsApiFaults): void {
  const sockets = new Set<WebSocket<Session>>();
  faults.closeAll = () => {
    for (const ws of Array.from(sockets)) ws.end(1001, 'going away');
  };
  app.ws<Session>('/ws-api/v3', {
    idleTimeout: 0,
    maxPayloadLength: 64 * 1024,
    upgrade: (res: HttpResponse, req: HttpRequest, context) => {
      if (faults.refusing()) {
        res.writeStatus('503 Service Unavailable').end('{"code":-1001,"msg":"Internal error; unable to process your request."}');
        return;
      }
      const data: Session = { account: null, priv: null, connectedSince: serverMs(ctx.clock), authorizedSince: 0 };
      res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      sockets.add(ws);
      ws.getUserData().priv = new PrivateSession(`bn-${nextConn++}`, (text) => { ws.send(text); }, () => { ws.end(1000, 'user data stream closed'); });
    },
    message: (ws, message) => {
      const arrived = arrivalStamp();
      const text = Buffer.from(message).toString('utf8');
      // Probed (the peer benchmark): handled after this loop turn's other sockets are read and
      // stamped, so one order's matching and answers do not delay the next one's arrival stamp.
      if (arrived !== 0n) setImmediate(() => { if (sockets.has(ws)) onRequest(ctx, faults, ws, text, arrived); });
      else onRequest(ctx, faults, ws, text, arrived);
    },
    close: (ws) => {
      sockets.delete(ws);
      const priv = ws.getUserData().priv;
      if (priv !== null) endPrivateSession(priv, ctx.acct.hub);
    },
  });
}

let nextConn = 1;

function answer(id: unknown, result: unknown): string {
  return '{"id":' + JSON.stringify(id) + ',"status":200,"result":' + JSON.stringify(result) + ',"rateLimits":' + RATE_LIMITS + '}';
}

/**
 * An order answer's `rateLimits` with the account's real counts (the same windows as the REST
 * usage headers, usage.ts): request weight per minute, orders per 10 s and per day.
 */
function orderRateLimits(ctx: OrderEntryContext, now: number, apiKey: string): string {
  const w = ctx.acct.binanceUsage.request(now, 1);
  const o = ctx.acct.binanceUsage.order(now, apiKey);
  const weight = w === null ? 6001 : Number(w[0]![1]);
  return '[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000,"count":' + weight +
    '},{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":100,"count":' + o[0]![1] +
    '},{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":200000,"count":' + o[1]![1] + '}]';
}

/** A request refused by a rate storm, ban or 403 (order-faults.ts), as the WS API says it: `data.retryAfter` in epoch ms. */
function gateFailure(id: unknown, r: GateRefusal, now: number): string {
  const status = Number(r.http.slice(0, 3)) || 429;
  return '{"id":' + JSON.stringify(id ?? null) + ',"status":' + status + ',"error":' +
    JSON.stringify({ code: r.code, msg: r.msg, data: { serverTime: now, retryAfter: now + r.retryAfterS * 1000 } }) + '}';
}

function failure(id: unknown, e: BinanceReject): string {
  const status = Number(e.http.slice(0, 3)) || 400;
  return '{"id":' + JSON.stringify(id ?? null) + ',"status":' + status + ',"error":' + JSON.stringify({ code: e.code, msg: e.msg }) + '}';
}

function onRequest(ctx: OrderEntryContext, faults: WsApiFaults, ws: WebSocket<Session>, text: string, arrived: bigint): void {
  let req: { id?: unknown; method?: unknown; params?: unknown };
  try {
    req = JSON.parse(text) as typeof req;
    if (typeof req !== 'object' || req === null) throw new Error('not an object');
  } catch {
    ws.send(failure(null, bad(-1100, 'Illegal characters found in a parameter: request is not valid JSON.')));
    return;
  }
  const id = req.id ?? null;
  if (typeof id !== 'string' && typeof id !== 'number' && id !== null) {
    ws.send(failure(null, bad(-1100, "Illegal characters found in parameter 'id'.")));
    return;
  }
  const params = typeof req.params === 'object' && req.params !== null ? (req.params as Record<string, unknown>) : {};
  const p = new Map<string, string>();
  for (const [k, v] of Object.entries(params)) p.set(k, String(v));
  const session = ws.getUserData();
  // userDataStream.*: subscribe on a logged-on session, or with an HMAC signature.
  if (typeof req.method === 'string' && req.method.startsWith('userDataStream.') && session.priv !== null) {
    session.priv.apiKey = session.account?.apiKey ?? null;
    const reply = handleBinanceUserDataRequest(req, session.priv, {
      accounts: ctx.accounts, hub: ctx.acct.hub, nowMs: () => serverMs(ctx.clock),
    });
    if (reply !== null) {
      ws.send(reply);
      return;
    }
  }
  try {
    switch (req.method) {
      case 'ping':
        ws.send(answer(id, {}));
        return;
      case 'time':
        ws.send(answer(id, { serverTime: serverMs(ctx.clock) }));
        return;
      case 'session.logon': {
        const account = authenticate(ctx, p, null);
        if (accountKeyType(account) !== 'ed25519') throw bad(-4056, 'HMAC_SHA256 API key is not supported.');
        session.account = account;
        session.authorizedSince = serverMs(ctx.clock);
        ws.send(answer(id, sessionStatus(ctx, session)));
        return;
      }
      case 'session.status':
        ws.send(answer(id, sessionStatus(ctx, session)));
        return;
      case 'session.logout':
        session.account = null;
        session.authorizedSince = 0;
        ws.send(answer(id, sessionStatus(ctx, session)));
        return;
      case 'order.place': {
        // The same gate as REST (rate storm → 429, then a 418 ban; 403): one IP, one limit.
        const now = serverMs(ctx.clock);
        const gated = ctx.acct.faults.gate(now);
        if (gated !== null) {
          ws.send(gateFailure(id, gated, now));
          return;
        }
        const account = authenticate(ctx, p, session.account);
        const fault = faults.next();
        if (fault === 'error') throw new BinanceReject('408 Request Timeout', -1007, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.');
        if (orderArrival.hook !== null) orderArrival.hook('binance', p.get('newClientOrderId') ?? '', arrived);
        const result = placeOrder(ctx, account, account.apiKey, p);
        if (fault === 'drop') {
          ws.end(1011, 'server error');
          return;
        }
        if (fault === 'swallow') return;
        ws.send('{"id":' + JSON.stringify(id) + ',"status":200,"result":' + JSON.stringify(result) + ',"rateLimits":' + orderRateLimits(ctx, now, account.apiKey) + '}');
        return;
      }
      case 'order.status': {
        const account = authenticate(ctx, p, session.account);
        ws.send(answer(id, orderStatus(ctx, account.apiKey, p)));
        return;
      }
      default:
        throw bad(-1100, `Unknown method: ${String(req.method)}`);
    }
  } catch (e) {
    if (!(e instanceof BinanceReject)) throw e;
    ws.send(failure(id, e));
  }
}

/**
 * The request's account: the session's when logged on (no signature needed, as on the venue),
 * else `apiKey` + `signature` over the other parameters sorted by name. Then the timestamp
 * and recvWindow rules of REST (-1021, -1131).
 */
function authenticate(ctx: OrderEntryContext, p: Map<string, string>, session: SimAccount | null): SimAccount {
  let account = session;
  if (account === null || p.has('signature')) {
    const apiKey = p.get('apiKey') ?? '';
    if (apiKey === '') throw new BinanceReject('401 Unauthorized', -2014, 'API-key format invalid.');
    account = ctx.accounts.get(apiKey) ?? null;
    if (account === null) throw new BinanceReject('401 Unauthorized', -2015, 'Invalid API-key, IP, or permissions for action.');
    const sig = p.get('signature') ?? '';
    if (sig === '') throw bad(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const payload = binanceWsApiPayload(Object.fromEntries(p));
    if (!verifyBinanceSignature(account, payload, sig, false)) throw bad(-1022, 'Signature for this request is not valid.');
  }
  checkTimestamp(ctx, p);
  return account;
}

function sessionStatus(ctx: OrderEntryContext, s: Session): unknown {
  return {
    apiKey: s.account?.apiKey ?? null, authorizedSince: s.account === null ? null : s.authorizedSince,
    connectedSince: s.connectedSince, returnRateLimits: true, serverTime: serverMs(ctx.clock), userDataStream: false,
  };
}
