/**
 * Bybit v5 trade WebSocket on the simulator (VENUES.md C [BB-websocket/trade/guideline]), at
 * `/v5/trade` on the Bybit app: `auth`, `order.create`, `ping`.
 *
 * `order.create` runs the same checks, filters, balances and 20 orders / s per key as
 * `POST /v5/order/create` (order-entry-bybit.ts), with the request header's
 * X-BAPI-TIMESTAMP / X-BAPI-RECV-WINDOW checked like REST's (10002). The answer is the
 * acknowledgement `{reqId,retCode,retMsg,op,data:{orderId,orderLinkId},retExtInfo,header,connId}`;
 * the fill is published on the private `order` / `execution` topics (private-stream-bybit.ts).
 * Codes: 10003 not authenticated, 20006 duplicate reqId, 10404 unknown op, and the create's.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { SimAccount } from './order-entry-book.js';
import { BybitReject, checkTimestamp, placeOrder } from './order-entry-bybit.js';
import { serverMs, type OrderEntryContext } from './order-entry.js';
import { bybitWsAuth } from './bybit-ws-auth.js';
import { arrivalStamp, orderArrival, type WsApiFaults } from './ws-api-faults.js';

interface TradeSession {
  connId: string;
  account: SimAccount | null;
  reqIds: Set<string>;
}

const MAX_REQ_IDS = 10_000;

export function registerBybitTradeWs(app: TemplatedApp, ctx: OrderEntryContext, faults: WsApiFaults): void {
  const sockets = new Set<WebSocket<TradeSession>>();
  faults.closeAll = () => {
    for (const ws of Array.from(sockets)) ws.end(1001, 'going away');
  };
  app.ws<TradeSession>('/v5/trade', {
    idleTimeout: 0,
    maxPayloadLength: 64 * 1024,
    upgrade: (res: HttpResponse, req: HttpRequest, context) => {
      if (faults.refusing()) {
        res.writeStatus('503 Service Unavailable').end('{"retCode":10019,"retMsg":"trade service is restarting"}');
        return;
      }
      const data: TradeSession = { connId: randomUUID(), account: null, reqIds: new Set() };
      res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      sockets.add(ws);
    },
    message: (ws, message) => {
      const arrived = arrivalStamp();
      const text = Buffer.from(message).toString('utf8');
      // Probed (the peer benchmark): handled after this loop turn's other sockets are read and
      // stamped, so one order's matching and answers do not delay the next one's arrival stamp.
      if (arrived !== 0n) setImmediate(() => { if (sockets.has(ws)) onMessage(ctx, faults, ws, text, arrived); });
      else onMessage(ctx, faults, ws, text, arrived);
    },
    close: (ws) => {
      sockets.delete(ws);
    },
  });
}

function onMessage(ctx: OrderEntryContext, faults: WsApiFaults, ws: WebSocket<TradeSession>, text: string, arrived: bigint): void {
  const s = ws.getUserData();
  let m: { op?: unknown; args?: unknown; reqId?: unknown; header?: Record<string, unknown> };
  try {
    m = JSON.parse(text) as typeof m;
    if (typeof m !== 'object' || m === null) throw new Error('not an object');
  } catch {
    ws.send(JSON.stringify({ retCode: 10001, retMsg: 'Params Error: message is not valid JSON', op: '', connId: s.connId }));
    return;
  }
  const reqId = typeof m.reqId === 'string' ? m.reqId : '';
  const reply = (retCode: number, retMsg: string, data: unknown, header: Record<string, string> = {}): string =>
    JSON.stringify({ reqId, retCode, retMsg, op: m.op, data, retExtInfo: {}, header: { ...header, Timenow: String(serverMs(ctx.clock)) }, connId: s.connId });
  switch (m.op) {
    case 'ping':
      ws.send(JSON.stringify({ reqId, retCode: 0, retMsg: 'OK', op: 'pong', data: [String(serverMs(ctx.clock))], connId: s.connId }));
      return;
    case 'auth': {
      const r = bybitWsAuth(ctx, m.args, s.account !== null);
      if (r.account !== null) s.account = r.account;
      ws.send(JSON.stringify({ reqId, retCode: r.retCode, retMsg: r.retMsg, op: 'auth', connId: s.connId }));
      return;
    }
    case 'order.create': {
      if (s.account === null) {
        ws.send(reply(10003, 'Please authorize first', {}));
        return;
      }
      if (reqId !== '') {
        if (s.reqIds.has(reqId)) {
          ws.send(reply(20006, 'reqId is duplicated', {}));
          return;
        }
        if (s.reqIds.size >= MAX_REQ_IDS) s.reqIds.clear();
        s.reqIds.add(reqId);
      }
      // The same gate as REST: a rate storm answers 10006; a 403 ban closes the connection.
      const gated = ctx.acct.faults.gate(serverMs(ctx.clock));
      if (gated !== null) {
        if (gated.http.startsWith('403')) ws.end(1008, 'forbidden');
        else ws.send(reply(gated.code, gated.msg, {}));
        return;
      }
      const args = Array.isArray(m.args) ? (m.args[0] as Record<string, unknown> | undefined) : undefined;
      const h = m.header ?? {};
      try {
        checkTimestamp(ctx, String(h['X-BAPI-TIMESTAMP'] ?? ''), String(h['X-BAPI-RECV-WINDOW'] ?? ''));
        if (typeof args !== 'object' || args === null) throw new BybitReject(10001, 'params error: args[0] must be the order');
        const fault = faults.next();
        if (fault === 'error') throw new BybitReject(10016, 'Internal server error.');
        if (orderArrival.hook !== null) orderArrival.hook('bybit', typeof args.orderLinkId === 'string' ? args.orderLinkId : '', arrived);
        const r = placeOrder(ctx, s.account, s.account.apiKey, args);
        if (fault === 'drop') {
          ws.end(1011, 'server error');
          return;
        }
        if (fault === 'swallow') return;
        ws.send(reply(0, 'OK', r.result, Object.fromEntries(r.headers)));
      } catch (e) {
        if (!(e instanceof BybitReject)) throw e;
        ws.send(reply(e.code, e.msg, {}, Object.fromEntries(e.headers)));
      }
      return;
    }
    default:
      ws.send(reply(10404, `unsupported op ${String(m.op)}`, {}));
  }
}
