/**
 * The monitor server: routes, exclusive port, bearer token on every route and the WebSocket,
 * and the control endpoints' input checks. The hub behind it is replaced by plain functions.
 */
import t from 'tap';
import net from 'node:net';
import WebSocket from 'ws';
import { startMonitor, type MonitorSources } from '../../src/monitor/server.js';
import type { ControlAction } from '../../src/monitor/hub.js';

function sources(calls: Array<[ControlAction, string]> = []): MonitorSources {
  return {
    metrics: () => '# HELP xarb_up Up.\n# TYPE xarb_up gauge\nxarb_up 1\n',
    status: () => ({ rounds: 3 }),
    rawStatus: () => ({ raw: true }),
    hello: () => ({ type: 'hello', n: 1 }),
    subscribe: (send) => { const timer = setInterval(() => send(JSON.stringify({ type: 'frame' })), 20); return () => clearInterval(timer); },
    control: (action, reason) => { calls.push([action, reason]); return { ok: true, status: 200, message: `${action} done` }; },
  };
}

function wsMessages(url: string, headers: Record<string, string> = {}, n = 2): Promise<{ status: number; messages: unknown[] }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const messages: unknown[] = [];
    ws.on('message', (d) => {
      messages.push(JSON.parse(d.toString()));
      if (messages.length === n) { ws.close(); resolve({ status: 101, messages }); }
    });
    ws.on('unexpected-response', (_req, res) => { resolve({ status: res.statusCode ?? 0, messages }); ws.terminate(); });
    ws.on('error', () => undefined);
  });
}

t.test('serves the dashboard, its assets, /metrics, /status and /health on loopback, then stops', async (t) => {
  const m = await startMonitor({ host: '127.0.0.1', port: 0 }, sources());
  t.ok(m.port > 0);
  const metrics = await fetch(`${m.url}/metrics`);
  t.equal(metrics.status, 200);
  t.match(metrics.headers.get('content-type') ?? '', /text\/plain; version=0.0.4/);
  t.match(await metrics.text(), /xarb_up 1/);
  t.same(await (await fetch(`${m.url}/status`)).json(), { rounds: 3 });
  t.same(await (await fetch(`${m.url}/status/raw`)).json(), { raw: true });
  t.equal(await (await fetch(`${m.url}/health`)).text(), 'ok\n');
  const page = await fetch(`${m.url}/`);
  const html = await page.text();
  t.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/, 'no third-party origin may load');
  t.match(html, /<script src="\/assets\/uPlot\.min\.js"><\/script>/, 'uPlot from this server, no CDN');
  t.notMatch(html, /https?:\/\//, 'no external URL in the page');
  const uplot = await fetch(`${m.url}/assets/uPlot.min.js`);
  t.equal(uplot.status, 200);
  t.match(await uplot.text(), /uPlot/);
  t.equal((await fetch(`${m.url}/assets/dashboard.js`)).status, 200);
  t.equal((await fetch(`${m.url}/nope`)).status, 404);
  const ws = await wsMessages(`ws://127.0.0.1:${m.port}/ws`);
  t.same(ws.messages, [{ type: 'hello', n: 1 }, { type: 'frame' }], 'hello first, then frames');
  m.stop();
  // A fresh TCP connection is refused once the listen socket is closed.
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(m.port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
  t.equal(refused, true, 'no longer listening after stop');
});

t.test('the port is exclusive: a second listener fails with a clear error instead of sharing it', async (t) => {
  const first = await startMonitor({ host: '127.0.0.1', port: 0 }, sources());
  t.teardown(() => first.stop());
  await t.rejects(startMonitor({ host: '127.0.0.1', port: first.port }, sources()), /could not listen on 127\.0\.0\.1:\d+: the port is in use.*monitor\.enabled = false/);
  // And every request still reaches the first one (no 200/404 alternation between processes).
  for (let i = 0; i < 10; i++) t.equal((await fetch(`${first.url}/health`)).status, 200);
});

t.test('with a token, every route and the WebSocket refuse a missing or wrong token', async (t) => {
  const token = 'tok-0123456789abcdef';
  const calls: Array<[ControlAction, string]> = [];
  const m = await startMonitor({ host: '127.0.0.1', port: 0, token }, sources(calls));
  t.teardown(() => m.stop());
  const routes: Array<[string, string]> = [['GET', '/'], ['GET', '/metrics'], ['GET', '/status'], ['GET', '/status/raw'], ['GET', '/health'],
    ['GET', '/assets/uPlot.min.js'], ['GET', '/assets/dashboard.js'], ['POST', '/halt'], ['POST', '/resume'], ['POST', '/flatten'], ['GET', '/nope']];
  for (const [method, path] of routes) {
    for (const auth of [undefined, 'Bearer wrong-token-000000', `Basic ${token}`, `Bearer ${token}x`]) {
      const r = await fetch(`${m.url}${path}`, { method, headers: auth === undefined ? {} : { authorization: auth } });
      t.equal(r.status, 401, `${method} ${path} with ${auth === undefined ? 'no token' : 'a wrong one'}`);
      t.equal(r.headers.get('www-authenticate'), 'Bearer realm="xarb"');
    }
    t.equal((await fetch(`${m.url}${path}?token=nope`, { method })).status, 401, `${path}?token=wrong`);
  }
  t.same(calls, [], 'no control action went through');
  const ok = { authorization: `Bearer ${token}` };
  t.equal((await fetch(`${m.url}/metrics`, { headers: ok })).status, 200);
  t.equal((await fetch(`${m.url}/status?token=${token}`)).status, 200, 'a browser may pass ?token=');
  const html = await (await fetch(`${m.url}/?token=${token}`)).text();
  t.match(html, new RegExp(`/assets/uPlot\\.min\\.js\\?token=${token}`), 'the page loads its assets with the token');
  t.equal((await fetch(`${m.url}/halt`, { method: 'POST', headers: ok, body: '{"reason":"test"}' })).status, 200);
  t.same(calls, [['halt', 'test']]);
  t.equal((await wsMessages(`ws://127.0.0.1:${m.port}/ws`)).status, 401, 'WebSocket without a token');
  t.equal((await wsMessages(`ws://127.0.0.1:${m.port}/ws?token=wrong`)).status, 401, 'WebSocket with a wrong token');
  t.equal((await wsMessages(`ws://127.0.0.1:${m.port}/ws?token=${token}`)).status, 101, 'WebSocket with the token');
  t.equal((await wsMessages(`ws://127.0.0.1:${m.port}/ws`, ok)).status, 101, 'WebSocket with the header');
});

t.test('control endpoints: POST only, resume needs a reason, bodies are checked and bounded', async (t) => {
  const calls: Array<[ControlAction, string]> = [];
  const m = await startMonitor({ host: '127.0.0.1', port: 0 }, sources(calls));
  t.teardown(() => m.stop());
  const post = async (path: string, body?: string) => {
    const r = await fetch(`${m.url}${path}`, { method: 'POST', body });
    return { status: r.status, body: (await r.json()) as { ok: boolean; message: string } };
  };
  t.equal((await fetch(`${m.url}/halt`)).status, 405, 'GET /halt is refused');
  t.same((await post('/halt')).status, 200);
  t.same((await post('/flatten', '{"reason":"end of day"}')).status, 200);
  const noReason = await post('/resume');
  t.equal(noReason.status, 400);
  t.match(noReason.body.message, /reason/);
  t.equal((await post('/resume', '{"reason":"  "}')).status, 400, 'a blank reason is no reason');
  t.equal((await post('/resume', 'not json')).status, 400);
  t.equal((await post('/resume', '{"reason":42}')).status, 400);
  t.equal((await post('/resume?reason=fixed%20feed')).status, 200, 'reason in the query');
  t.equal((await post('/halt', JSON.stringify({ reason: 'x'.repeat(5000) }))).status, 413);
  t.same(calls, [['halt', 'operator halt'], ['flatten', 'end of day'], ['resume', 'fixed feed']]);
});
