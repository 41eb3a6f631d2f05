/**
 * The private stream's REST gap-fill obeys the venue's rules like every other request: while
 * the venue asked for silence (429/418 Retry-After, a Bybit 403/10006) its queries wait, and
 * their answers' usage headers and back-offs reach the rules. Loopback server only.
 */
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { VENUE_BINANCE, VENUE_BYBIT } from '../../../src/core/records.js';
import { buildVenueClient } from '../../../src/execution/live/venue-client.js';
import { VenueRules } from '../../../src/execution/live/venue-rules.js';
import type { HttpTransport } from '../../../src/execution/live/http-transport.js';

async function server(t: { teardown(fn: () => unknown): void }, answer: (path: string) => { status: number; headers?: Record<string, string>; body: string }) {
  const hits: Array<{ path: string; atMs: number }> = [];
  const s = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits.push({ path, atMs: Date.now() });
    const a = answer(path);
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(a.body);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
}

function client(venue: number, url: string) {
  const vc = buildVenueClient({
    venue, name: venue === VENUE_BINANCE ? 'binance' : 'bybit', orderEntry: 'rest', keyType: 'hmac', wsApiUrl: 'ws://127.0.0.1:1/v5/trade', privateKeyPem: '',
    reconnectMinMs: 50, reconnectMaxMs: 200, privateFills: { symbols: ['BTCUSDT'], gapMarginMs: 0 },
    rest: { baseUrl: url, creds: { apiKey: 'k', secretKey: 's' }, recvWindowMs: 5000, timeoutMs: 2000, takerFeeRate: 0.001, reconcileBudgetMs: 1000,
      transport: {} as HttpTransport, wallMs: Date.now, log: () => undefined },
  });
  const rules = new VenueRules({ venue: venue === VENUE_BINANCE ? 'binance' : 'bybit', margin: 0.2, resyncEveryMs: 60_000, wallMs: Date.now, log: () => undefined });
  vc.rest.rules = rules;
  return { vc, rules };
}

t.test('binance: a gap-fill during a back-off waits for its end before querying', async (t) => {
  const srv = await server(t, () => ({ status: 200, body: '[]' }));
  const { vc, rules } = client(VENUE_BINANCE, srv.url);
  t.teardown(() => vc.close());
  // An order answer said 429, Retry-After 1 s.
  rules.onHttpAnswer('/api/v3/order', 429, (n) => (n === 'retry-after' ? '1' : null), -1003, '{"code":-1003}');
  const until = rules.backoffUntilMs();
  t.ok(until > Date.now());
  await vc.fills!.gapFill(Date.now() - 60_000);
  t.ok(srv.hits.length > 0, 'the gap-fill queried once the back-off ended');
  for (const h of srv.hits) t.ok(h.atMs >= until, `${h.path} sent at or after the back-off's end (${h.atMs - until} ms)`);
  t.equal(vc.fills!.counters.gapfill_errors, 0);
});

t.test('binance: a 418 answer to a gap-fill query starts the back-off for everything', async (t) => {
  const srv = await server(t, (path) => (path === '/api/v3/myTrades'
    ? { status: 418, headers: { 'retry-after': '30' }, body: '{"code":-1003,"msg":"banned"}' } : { status: 200, body: '[]' }));
  const { vc, rules } = client(VENUE_BINANCE, srv.url);
  let slept = 0;
  (vc.fills as unknown as { sleep: (ms: number) => Promise<void> }).sleep = async () => { slept++; };
  const p = vc.fills!.gapFill(Date.now() - 60_000);
  // The first query got the ban; every later one waits for it (none reaches the server).
  await new Promise((r) => setTimeout(r, 300));
  vc.fills!.close();
  t.ok(rules.backoffUntilMs() > Date.now() + 20_000, 'the ban reached the venue rules (the order path refuses too)');
  t.equal(srv.hits.filter((h) => h.path === '/api/v3/myTrades').length, 1, 'no retry sent into the ban');
  vc.close();
  await p;
  t.ok(slept <= 2, 'the gap-fill gave up its tries once closed');
});

t.test('bybit: a gap-fill during a back-off waits for its end', async (t) => {
  const srv = await server(t, () => ({ status: 200, body: '{"retCode":0,"retMsg":"OK","result":{"list":[],"nextPageCursor":""}}' }));
  const { vc, rules } = client(VENUE_BYBIT, srv.url);
  t.teardown(() => vc.close());
  rules.onHttpAnswer('/v5/order/create', 429, (n) => (n === 'retry-after' ? '1' : null), 10006, '{"retCode":10006}');
  const until = rules.backoffUntilMs();
  t.ok(until > Date.now());
  await vc.fills!.gapFill(Date.now() - 60_000);
  t.ok(srv.hits.length > 0);
  for (const h of srv.hits) t.ok(h.atMs >= until, `${h.path} sent at or after the back-off's end`);
});
