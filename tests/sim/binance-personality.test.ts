import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator } from '../../src/sim/index.js';
import { VENUE_FIXTURES } from '../helpers/paths.js';
import { TestClient, clientsFor } from './ws-client.js';

const DECIMAL_8 = /^\d+\.\d{8}$/;
const fixtureLine = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(VENUE_FIXTURES, name), 'utf8').split('\n')[0]!) as Record<string, unknown>;

t.test('Binance personality', async (t) => {
  const sim = await startSimulator({ seed: 11, symbols: ['BTCUSDT', 'ETHUSDT'], ratePerVenue: 4000, dislocationEveryMs: 0 });
  const client = clientsFor(t, sim);

  t.test('combined bookTicker frames have the fixture shape: wrapper, key order, 8-decimal strings', async (t) => {
    const c = client(sim.binanceUrl.ws + '/stream?streams=btcusdt@bookTicker');
    const [frame] = await c.take((f) => f.includes('@bookTicker'), 1);
    const msg = JSON.parse(frame!) as { stream: string; data: Record<string, unknown> };
    const real = fixtureLine('binance_spot_bookTicker.jsonl') as { stream: string; data: Record<string, unknown> };
    t.same(Object.keys(msg), Object.keys(real));
    t.equal(msg.stream, 'btcusdt@bookTicker');
    t.same(Object.keys(msg.data), Object.keys(real.data));
    t.equal(msg.data['s'], 'BTCUSDT');
    t.type(msg.data['u'], 'number');
    for (const k of ['b', 'B', 'a', 'A']) t.match(msg.data[k], DECIMAL_8, `${k} is an 8-decimal string`);
    t.ok(Number(msg.data['b']) < Number(msg.data['a']));
  });

  t.test('a raw stream path sends unwrapped payloads', async (t) => {
    const c = client(sim.binanceUrl.ws + '/ws/ethusdt@bookTicker');
    const [frame] = await c.take(() => true, 1);
    const msg = JSON.parse(frame!) as Record<string, unknown>;
    t.same(Object.keys(msg), ['u', 's', 'b', 'B', 'a', 'A']);
    t.equal(msg['s'], 'ETHUSDT');
  });

  t.test('SUBSCRIBE is acknowledged with {"result":null,"id":N} and starts the stream', async (t) => {
    const c = client(sim.binanceUrl.ws + '/ws');
    await c.opened();
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth5@100ms'], id: 7 });
    const [ack] = await c.take((f) => f.includes('"id"'), 1);
    t.equal(ack, '{"result":null,"id":7}');
    const [depth] = await c.take((f) => f.startsWith('{"lastUpdateId"'), 1);
    const d = JSON.parse(depth!) as { lastUpdateId: number; bids: string[][]; asks: string[][] };
    t.same(Object.keys(d), ['lastUpdateId', 'bids', 'asks']);
    t.equal(d.bids.length, 5);
    t.match(d.bids[0]![0], DECIMAL_8);
  });

  t.test('diff depth: fixture keys, contiguous U/u, and the REST snapshot is straddled by an event', async (t) => {
    const c = client(sim.binanceUrl.ws + '/stream?streams=btcusdt@depth@100ms');
    await c.take(() => true, 1);
    const res = await fetch(sim.binanceUrl.rest + '/api/v3/depth?symbol=BTCUSDT&limit=1000');
    t.equal(res.status, 200);
    const snap = (await res.json()) as { lastUpdateId: number; bids: string[][]; asks: string[][] };
    t.same(Object.keys(snap), ['lastUpdateId', 'bids', 'asks']);
    t.equal(snap.bids.length, 200, 'the whole simulated book (200 levels)');
    const frames = await c.take(() => true, 4);
    const real = fixtureLine('binance_depthUpdate.jsonl') as { data: Record<string, unknown> };
    const events = frames.map((f) => (JSON.parse(f) as { stream: string; data: { U: number; u: number; b: string[][] } }).data);
    t.same(Object.keys(events[0]!), Object.keys(real.data));
    for (let i = 1; i < events.length; i++) t.equal(events[i]!.U, events[i - 1]!.u + 1, 'U = previous u + 1');
    t.ok(events.some((e) => e.U <= snap.lastUpdateId && snap.lastUpdateId <= e.u), 'some event has lastUpdateId in [U;u]');
    t.match(events[0]!.b[0]?.[0] ?? '1.00000000', DECIMAL_8);
  });

  t.test('REST exchangeInfo carries the filters, time answers, errors look like the venue', async (t) => {
    const info = (await (await fetch(sim.binanceUrl.rest + '/api/v3/exchangeInfo?symbol=BTCUSDT')).json()) as {
      symbols: Array<{ symbol: string; filters: Array<Record<string, unknown>> }>;
    };
    t.equal(info.symbols.length, 1);
    const f = Object.fromEntries(info.symbols[0]!.filters.map((x) => [x['filterType'], x]));
    t.equal(f['PRICE_FILTER']!['tickSize'], '0.01000000');
    t.equal(f['LOT_SIZE']!['stepSize'], '0.00001000');
    t.equal(f['NOTIONAL']!['minNotional'], '5.00000000');
    const time = (await (await fetch(sim.binanceUrl.rest + '/api/v3/time')).json()) as { serverTime: number };
    t.type(time.serverTime, 'number');
    const bad = await fetch(sim.binanceUrl.rest + '/api/v3/depth?symbol=NOPE');
    t.equal(bad.status, 400);
    t.same(await bad.json(), { code: -1121, msg: 'Invalid symbol.' });
  });
});

t.test('Binance pings every interval and closes a connection that does not pong', async (t) => {
  const sim = await startSimulator({ seed: 1, symbols: ['BTCUSDT'], ratePerVenue: 100, pingIntervalMs: 50, pongTimeoutMs: 200 });
  const good = new TestClient(sim.binanceUrl.ws + '/ws/btcusdt@bookTicker');
  const silent = new TestClient(sim.binanceUrl.ws + '/ws/btcusdt@bookTicker', { autoPong: false });
  t.teardown(async () => {
    good.close();
    silent.close();
    await sim.stop();
  });
  let pings = 0;
  good.ws.on('ping', () => pings++);
  await silent.waitClosed(5000);
  t.ok(silent.closed, 'the silent client was cut');
  t.ok(pings >= 2, 'the ponging client received pings');
  t.notOk(good.closed, 'the ponging client is still connected');
});
