import t from 'tap';
import net from 'node:net';
import { startMonitor } from '../../src/monitor/server.js';

t.test('serves /metrics, /status and /health on loopback, then stops', async (t) => {
  const m = await startMonitor({ host: '127.0.0.1', port: 0 }, {
    metrics: () => '# TYPE xarb_up gauge\nxarb_up 1\n',
    status: () => ({ rounds: 3 }),
  });
  t.ok(m.port > 0);
  const metrics = await fetch(`${m.url}/metrics`);
  t.equal(metrics.status, 200);
  t.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
  t.match(await metrics.text(), /xarb_up 1/);
  t.same(await (await fetch(`${m.url}/status`)).json(), { rounds: 3 });
  t.equal(await (await fetch(`${m.url}/health`)).text(), 'ok\n');
  t.equal((await fetch(`${m.url}/nope`)).status, 404);
  m.stop();
  // A fresh TCP connection is refused once the listen socket is closed (fetch might reuse a
  // kept-alive connection, so test with a plain socket).
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(m.port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
  t.equal(refused, true, 'no longer listening after stop');
});
