/**
 * SendPathWarmer: a private loopback WebSocket connection in this thread, written to once per
 * keep-warm pass so the socket write path stays warm without writing to a venue. Every frame
 * it writes arrives on its own server side (and nowhere else); no port stays listening once
 * it is open; after close() a send is a no-op.
 */
import t from 'tap';
import net from 'node:net';
import { SendPathWarmer } from '../../../src/execution/live/send-path-warmer.js';

t.test('frames go through the private connection only; nothing listens once it is open; close ends it', async (t) => {
  const w = await SendPathWarmer.open();
  t.ok(w !== null, 'opened');
  for (let i = 0; i < 25; i++) w!.send();
  t.equal(w!.sent, 25);
  const until = Date.now() + 3000;
  while (w!.received < 25 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  t.equal(w!.received, 25, 'every frame arrived on its own server side');
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(w!.port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
  t.ok(refused, 'the port it listened on refuses connections');
  w!.close();
  await new Promise((r) => setTimeout(r, 20));
  w!.send();
  t.equal(w!.sent, 25, 'no frame after close');
});
