/**
 * The pure-JS uWebSockets.js stand-in (src/net/uws-compat.ts), which serves the simulator and
 * the monitor on Node versions without a native uWebSockets.js build (22/24 here):
 * - the simulator's own specifications (tests/sim) pass with it, run in child processes with
 *   XARB_UWS=compat: market-data streams, subscriptions, REST, order entry and faults;
 * - the loader picks native or stand-in as documented, and says why;
 * - a port is exclusive: a second listener on it is refused.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, us_listen_socket_close, us_socket_local_port, type CompatListenSocket } from '../../src/net/uws-compat.js';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

for (const spec of ['binance-personality', 'bybit-personality', 'order-entry']) {
  t.test(`tests/sim/${spec} passes on the stand-in`, async (t) => {
    const r = spawnSync(process.execPath, [path.join(DIST, 'tests', 'sim', `${spec}.test.js`)], {
      env: { ...process.env, XARB_UWS: 'compat' }, encoding: 'utf8', timeout: 120_000,
    });
    const failed = r.stdout.split('\n').filter((l) => /^\s*not ok /.test(l));
    t.equal(r.status, 0, `exit code (stderr: ${r.stderr.slice(-500)})`);
    t.same(failed, [], 'no failing assertion');
    t.ok(r.stdout.split('\n').filter((l) => /^\s*ok /.test(l)).length > 10, 'its assertions ran');
  });
}

function build(env: Record<string, string>): { kind: string; reason: string | null } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const m = await import(${JSON.stringify(path.join(DIST, 'src', 'net', 'uws.js'))}); process.stdout.write(JSON.stringify(m.uwsBuild));`], {
    env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000,
  });
  return JSON.parse(r.stdout) as { kind: string; reason: string | null };
}

t.test('the loader: XARB_UWS=compat forces the stand-in; otherwise native where a binary loads', async (t) => {
  t.same(build({ XARB_UWS: 'compat' }), { kind: 'compat', reason: 'XARB_UWS=compat' });
  const auto = build({ XARB_UWS: '' });
  if (process.versions.modules === '115') t.same(auto, { kind: 'native', reason: null }, 'Node 20 uses the native build');
  else t.match(auto, { kind: 'compat', reason: /native binary|no native binary/ }, `Node ${process.version}: stand-in, with the reason`);
});

t.test('a second listener on a port in use is refused', async (t) => {
  const a = App();
  const b = App();
  a.get('/*', (res) => { res.end('a'); });
  const first = await new Promise<CompatListenSocket | false>((r) => a.listen('127.0.0.1', 0, r));
  t.ok(first, 'first listener');
  const port = us_socket_local_port(first as CompatListenSocket);
  const second = await new Promise<CompatListenSocket | false>((r) => b.listen('127.0.0.1', port, r));
  t.equal(second, false, 'second listener on the same port refused');
  const body = await (await fetch(`http://127.0.0.1:${port}/x`)).text();
  t.equal(body, 'a', 'the first keeps serving');
  us_listen_socket_close(first as CompatListenSocket);
  a.close();
});

t.test('routes: exact before wildcard, method before any, query and headers as uWS gives them', async (t) => {
  const app = App();
  app.get('/api/v3/depth', (res, req) => { res.writeHeader('X-Q', req.getQuery('symbol') ?? '-').end(`depth ${req.getQuery()}`); });
  app.any('/api/*', (res, req) => { res.writeStatus('418 Teapot').end(`any ${req.getMethod()} ${req.getUrl()}`); });
  app.post('/echo', (res, req) => {
    const key = req.getHeader('x-key');
    const parts: Buffer[] = [];
    res.onAborted(() => undefined);
    res.onData((chunk, last) => {
      parts.push(Buffer.from(new Uint8Array(chunk.slice(0))));
      if (last) res.end(`${key}:${Buffer.concat(parts).toString()}`);
    });
  });
  const sock = await new Promise<CompatListenSocket | false>((r) => app.listen('127.0.0.1', 0, r));
  const base = `http://127.0.0.1:${us_socket_local_port(sock as CompatListenSocket)}`;
  try {
    const d = await fetch(`${base}/api/v3/depth?symbol=BTCUSDT&limit=5`);
    t.equal(await d.text(), 'depth symbol=BTCUSDT&limit=5');
    t.equal(d.headers.get('x-q'), 'BTCUSDT');
    const o = await fetch(`${base}/api/v3/order`, { method: 'DELETE' });
    t.equal(o.status, 418);
    t.equal(await o.text(), 'any delete /api/v3/order');
    const e = await fetch(`${base}/echo`, { method: 'POST', headers: { 'X-Key': 'k1' }, body: 'x'.repeat(100_000) });
    t.equal(await e.text(), `k1:${'x'.repeat(100_000)}`, 'a large body arrives whole, in chunks');
    const n = await fetch(`${base}/nothing`);
    t.equal(n.status, 404, 'no route: 404');
  } finally {
    us_listen_socket_close(sock as CompatListenSocket);
    app.close();
  }
});
