/**
 * Bybit `/v5/private` on the simulator's Bybit app: each connection is a PrivateSession whose
 * frames (`auth`, `subscribe` to `order` / `execution` / `wallet`, `ping`) are handled by
 * `handleBybitPrivateFrame` (private-requests.ts); subscriptions go to the venue's
 * PrivateStreamHub, which the account ledger feeds (private-bybit.ts `connectBybitPrivate`):
 * every order answered over REST or /v5/trade arrives on the `order` topic, its fills on
 * `execution`, balances on `wallet`. A closed socket's subscriptions end (`endPrivateSession`).
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket } from 'uWebSockets.js';
import { serverMs, type OrderEntryContext } from './order-entry.js';
import { PrivateSession, endPrivateSession, handleBybitPrivateFrame, type PrivateContext } from './private-requests.js';

interface Conn {
  session: PrivateSession | null;
}

export function registerBybitPrivateStream(app: TemplatedApp, ctx: OrderEntryContext): void {
  const pctx: PrivateContext = { accounts: ctx.accounts, hub: ctx.acct.hub, nowMs: () => serverMs(ctx.clock) };
  app.ws<Conn>('/v5/private', {
    idleTimeout: 0,
    maxPayloadLength: 64 * 1024,
    upgrade: (res: HttpResponse, req: HttpRequest, context) => {
      res.upgrade({ session: null }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws: WebSocket<Conn>) => {
      ws.getUserData().session = new PrivateSession(randomUUID(), (text) => { ws.send(text); }, () => { ws.end(1000, 'closed'); });
    },
    message: (ws, message) => {
      const s = ws.getUserData().session;
      if (s === null) return;
      const reply = handleBybitPrivateFrame(Buffer.from(message).toString('utf8'), s, pctx);
      if (reply !== null) ws.send(reply);
    },
    close: (ws) => {
      const s = ws.getUserData().session;
      if (s !== null) endPrivateSession(s, ctx.acct.hub);
    },
  });
}
