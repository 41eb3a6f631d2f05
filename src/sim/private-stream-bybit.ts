/**
 * Bybit v5 private stream on the simulator (VENUES.md C; bybit docs v5/websocket/private), at
 * `/v5/private` on the Bybit app: `auth` (bybit-ws-auth.ts), `subscribe` / `unsubscribe` to
 * `order`, `execution`, `wallet`, `ping`.
 *
 * Every order an account places (REST or /v5/trade) is published to that account's
 * subscribers: one `execution` message per fill (per book level matched), then the `order`
 * message with the final state (the same row as GET /v5/order/realtime), then `wallet` with
 * the balances of the two assets. Messages: `{"id","topic","creationTime","data":[…]}`.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { SimOrder } from './order-entry-book.js';
import { row } from './order-entry-bybit.js';
import { serverMs, type OrderEntryContext } from './order-entry.js';
import { bybitWsAuth } from './bybit-ws-auth.js';
import { formatShortest } from './decimal-format.js';
import { VENUE_BYBIT } from './instruments.js';

interface PrivateSession {
  connId: string;
  apiKey: string | null;
  topics: Set<string>;
}

const TOPICS = new Set(['order', 'execution', 'wallet']);
let nextExecId = 1;

export function registerBybitPrivateStream(app: TemplatedApp, ctx: OrderEntryContext): void {
  const byKey = new Map<string, Set<WebSocket<PrivateSession>>>();
  app.ws<PrivateSession>('/v5/private', {
    idleTimeout: 0,
    maxPayloadLength: 64 * 1024,
    upgrade: (res: HttpResponse, req: HttpRequest, context) => {
      const data: PrivateSession = { connId: randomUUID(), apiKey: null, topics: new Set() };
      res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    message: (ws, message) => onMessage(ctx, byKey, ws, Buffer.from(message).toString('utf8')),
    close: (ws) => {
      const k = ws.getUserData().apiKey;
      if (k !== null) byKey.get(k)?.delete(ws);
    },
  });
  ctx.orders.listeners.push((o) => {
    const subs = byKey.get(o.apiKey);
    if (subs === undefined || subs.size === 0) return;
    const frames = orderFrames(ctx, o);
    for (const ws of subs) {
      const topics = ws.getUserData().topics;
      for (const [topic, frame] of frames) if (topics.has(topic)) ws.send(frame);
    }
  });
}

function onMessage(ctx: OrderEntryContext, byKey: Map<string, Set<WebSocket<PrivateSession>>>, ws: WebSocket<PrivateSession>, text: string): void {
  const s = ws.getUserData();
  let m: { op?: unknown; args?: unknown; req_id?: unknown };
  try {
    m = JSON.parse(text) as typeof m;
    if (typeof m !== 'object' || m === null) throw new Error('not an object');
  } catch {
    ws.send(JSON.stringify({ success: false, ret_msg: 'Params Error: message is not valid JSON', conn_id: s.connId, op: '' }));
    return;
  }
  const reqId = typeof m.req_id === 'string' ? m.req_id : '';
  const ack = (success: boolean, retMsg: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ success, ret_msg: retMsg, conn_id: s.connId, req_id: reqId, op: m.op, ...extra });
  switch (m.op) {
    case 'ping':
      ws.send(JSON.stringify({ success: true, ret_msg: 'pong', conn_id: s.connId, req_id: reqId, op: 'ping' }));
      return;
    case 'auth': {
      const r = bybitWsAuth(ctx, m.args, s.apiKey !== null);
      if (r.account !== null) {
        s.apiKey = r.account.apiKey;
        let set = byKey.get(s.apiKey);
        if (set === undefined) byKey.set(s.apiKey, (set = new Set()));
        set.add(ws);
      }
      ws.send(ack(r.retCode === 0, r.retCode === 0 ? '' : `${r.retCode}: ${r.retMsg}`, { ret_code: r.retCode }));
      return;
    }
    case 'subscribe':
    case 'unsubscribe': {
      if (s.apiKey === null) {
        ws.send(ack(false, 'Request not authorized'));
        return;
      }
      const args = Array.isArray(m.args) ? m.args : [];
      const bad = args.find((a) => typeof a !== 'string' || !TOPICS.has(a.split('.')[0]!));
      if (bad !== undefined) {
        ws.send(ack(false, `Invalid topic: ${String(bad)}`));
        return;
      }
      for (const a of args as string[]) {
        const topic = a.split('.')[0]!;
        if (m.op === 'subscribe') s.topics.add(topic);
        else s.topics.delete(topic);
      }
      ws.send(ack(true, ''));
      return;
    }
    default:
      ws.send(ack(false, `Unsupported op: ${String(m.op)}`));
  }
}

/** The frames one order produces: executions (one per level filled), the order, the wallet. */
function orderFrames(ctx: OrderEntryContext, o: SimOrder): Array<[string, string]> {
  const now = serverMs(ctx.clock);
  const si = ctx.gen.symbols.indexOf(o.symbol);
  const book = ctx.gen.book(VENUE_BYBIT, si);
  const spec = ctx.gen.specs[si]!;
  const r = row(ctx, o);
  const out: Array<[string, string]> = [];
  const fills = o.fills;
  const executions = fills.priceTicks.map((px, i) => {
    const lots = fills.lots[i]!;
    const qty = lots * book.stepUnit;
    const value = px * book.tickUnit * qty;
    const fee = (o.isBuy ? qty : value) * ctx.takerFeeRate;
    return {
      category: 'spot', symbol: o.symbol, execFee: String(Number(fee.toFixed(10))), execId: `sim-${nextExecId++}`,
      execPrice: formatShortest(px, book.tickDecimals), execQty: formatShortest(lots, book.stepDecimals), execType: 'Trade',
      execValue: String(Number(value.toFixed(10))), feeRate: String(ctx.takerFeeRate), isMaker: false, orderId: r.orderId,
      orderLinkId: o.clientOrderId, orderPrice: o.priceText, orderQty: o.qtyText, orderType: 'Limit', side: o.isBuy ? 'Buy' : 'Sell',
      execTime: String(now), feeCurrency: o.isBuy ? spec.baseAsset : spec.quoteAsset, leavesQty: '0', closedSize: '', seq: nextExecId,
    };
  });
  if (executions.length > 0) out.push(['execution', JSON.stringify({ id: randomUUID(), topic: 'execution', creationTime: now, data: executions })]);
  out.push(['order', JSON.stringify({ id: randomUUID(), topic: 'order', creationTime: now, data: [{ category: 'spot', ...r }] })]);
  const account = ctx.accounts.get(o.apiKey);
  if (account !== undefined) {
    const coin = [spec.baseAsset, spec.quoteAsset].map((c) => {
      const bal = String(account.balance(c, c === spec.quoteAsset));
      return { coin: c, walletBalance: bal, free: bal, locked: '0', equity: bal };
    });
    out.push(['wallet', JSON.stringify({ id: randomUUID(), topic: 'wallet', creationTime: now, data: [{ accountType: 'UNIFIED', coin }] })]);
  }
  return out;
}
