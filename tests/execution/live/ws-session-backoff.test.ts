/**
 * A WebSocket session lost while the venue asked for silence (a 429/418 back-off, an IP ban)
 * does not reconnect before the silence ends: a handshake and a logon are traffic too.
 * Loopback server only; bounded in time.
 */
import t from 'tap';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { WsSession } from '../../../src/execution/live/ws-session.js';
import { newClientCounters } from '../../../src/execution/live/order-types.js';

class Session extends WsSession {
  protected onOpen(): void { this.becomeReady(); }
  protected onText(): void {}
  protected onLost(): void {}
  protected oldestPendingMs(): number { return Infinity; }
}

t.test('no reconnect before the venue\'s back-off ends; reconnects after it', async (t) => {
  const opens: number[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  // Every connection is closed by the "venue" 20 ms after it opens.
  wss.on('connection', (ws) => { opens.push(Date.now()); setTimeout(() => ws.close(1008, 'banned'), 20); });
  let silentUntil = 0;
  const s = new Session({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, name: 'test session', timeoutMs: 5000, reconnectMinMs: 10,
    reconnectMaxMs: 20, pingMs: 0, counters: newClientCounters(), log: () => undefined, routesOrders: false, silentUntilMs: () => silentUntil });
  t.teardown(() => { s.close(); for (const c of wss.clients) c.terminate(); wss.close(); });
  t.ok(await s.start(), 'first connection ready');
  silentUntil = Date.now() + 600; // the venue answered 418 with Retry-After meanwhile
  await new Promise((r) => setTimeout(r, 1000));
  t.ok(opens.length >= 2, 'reconnected once the silence was over');
  for (const at of opens.slice(1)) t.ok(at >= silentUntil, `reconnect ${at - silentUntil} ms after the back-off's end`);
});
