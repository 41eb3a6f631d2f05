/**
 * Once the venue has sent its close frame, `ws` answers it and goes
 * CLOSING, but the session stays READY until the TCP connection is gone (the venue's FIN, or
 * ws's 30 s close timer). An order sent in that window is accepted by `send()` (true: the router
 * does not use REST) and then dropped: the frame cannot be written after the close frame, so
 * release()/writeText fall back to `ws.send`, which discards it without an error. The leg is
 * never sent, its twin is; it is found only by the stall/close query later. A send on a
 * connection that is not OPEN must return false so the order goes by REST.
 * (Found by review 8: before, ws.send dropped such a frame silently.)
 */
import t from 'tap';
import WebSocket from 'ws';
import { WsSession } from '../../../src/execution/live/ws-session.js';
import { newClientCounters } from '../../../src/execution/live/order-types.js';
import { wireBatch } from '../../../src/execution/live/wire-batch.js';
import { RawVenue, until } from './raw-venue.js';

class Session extends WsSession {
  protected onOpen(): void { this.becomeReady(); }
  protected onText(): void {}
  protected onLost(): void {}
  protected oldestPendingMs(): number { return Infinity; }
  trySend(text: string): boolean { return this.send(text); }
  get wsState(): number { return this.ws?.readyState ?? -1; }
}

async function closingSession(t: { teardown(fn: () => void): void }) {
  const venue = await RawVenue.start();
  const s = new Session({ url: venue.url, name: 'test session', timeoutMs: 5000, reconnectMinMs: 10_000, reconnectMaxMs: 10_000, pingMs: 0,
    counters: newClientCounters(), log: () => undefined, routesOrders: true });
  t.teardown(() => { s.close(); venue.close(); });
  if (!(await s.start())) throw new Error('no session');
  // The venue closes (1001 going away, e.g. before maintenance); its FIN follows an RTT later.
  venue.write(8, Buffer.from([0x03, 0xe9]));
  await until(() => venue.frames.some((f) => f.opcode === 8));
  return { venue, s };
}

t.test('unbatched: a send after the venue\'s close frame is refused (REST), not swallowed', async (t) => {
  const { venue, s } = await closingSession(t);
  t.equal(s.wsState, WebSocket.CLOSING, 'ws is CLOSING (it answered the close frame)');
  t.ok(s.ready, 'the session still says READY');
  const sent = s.trySend('{"id":1,"method":"order.place"}');
  await new Promise((r) => setTimeout(r, 50));
  t.same(venue.texts(), [], 'nothing reached the venue (writing after the close frame would be a protocol error)');
  t.equal(sent, false, 'so send() must say so, for the order to go by REST');
});

t.test('held in a batch: the same order is refused at queue time, not dropped at release', async (t) => {
  const { venue, s } = await closingSession(t);
  t.equal(s.wsState, WebSocket.CLOSING, 'ws is CLOSING');
  t.ok(s.ready, 'the session still says READY');
  wireBatch.hold();
  const sent = s.trySend('{"id":2,"method":"order.place"}');
  wireBatch.release(() => 1, new Float64Array(4));
  await new Promise((r) => setTimeout(r, 50));
  t.same(venue.texts(), [], 'nothing reached the venue');
  t.equal(sent, false, 'send() must refuse it so the order goes by REST');
});
