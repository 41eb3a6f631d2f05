import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator } from '../../src/sim/index.js';
import { VENUE_FIXTURES } from '../helpers/paths.js';
import { TestClient } from './ws-client.js';

const SHORTEST = /^\d+(\.\d*[1-9])?$/; // Bybit spot: no trailing zeros
const fixtureLines = (name: string): Array<Record<string, unknown>> =>
  fs.readFileSync(path.join(VENUE_FIXTURES, name), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

interface BookMsg {
  topic: string;
  type: string;
  ts: number;
  cts: number;
  data: { s: string; b: string[][]; a: string[][]; u: number; seq: number };
}

t.test('Bybit personality', async (t) => {
  const sim = await startSimulator({ seed: 21, symbols: ['BTCUSDT', 'ETHUSDT'], ratePerVenue: 4000, dislocationEveryMs: 0 });
  const clients: TestClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await sim.stop();
  });
  const client = async (category: string): Promise<TestClient> => {
    const c = new TestClient(sim.bybitUrl.ws + '/v5/public/' + category);
    clients.push(c);
    await c.opened();
    return c;
  };

  t.test('subscribe ack has the real ack shape, then a snapshot and deltas in the fixture key order', async (t) => {
    const c = await client('spot');
    c.send({ op: 'subscribe', req_id: 'r1', args: ['orderbook.50.BTCUSDT'] });
    const [ack] = await c.take((f) => f.includes('"op"'), 1);
    const realAck = fixtureLines('bybit_ws_subscribe_ack_real.jsonl')[0]!;
    const a = JSON.parse(ack!) as Record<string, unknown>;
    t.same(Object.keys(a), ['success', 'ret_msg', 'conn_id', 'req_id', 'op']);
    t.same(Object.keys(a).filter((k) => k !== 'req_id'), Object.keys(realAck));
    t.match(a, { success: true, ret_msg: 'subscribe', req_id: 'r1', op: 'subscribe' });
    t.match(a['conn_id'], /^[0-9a-f-]{36}$/);

    const frames = await c.take((f) => f.startsWith('{"topic"'), 6);
    const msgs = frames.map((f) => JSON.parse(f) as BookMsg);
    const real = fixtureLines('bybit_spot_orderbook_samples.jsonl') as unknown as BookMsg[];
    t.equal(msgs[0]!.type, 'snapshot');
    t.equal(msgs[0]!.data.b.length, 50);
    for (const m of msgs) {
      t.same(Object.keys(m), Object.keys(real[0]!), 'topic, ts, type, data, cts');
      t.same(Object.keys(m.data), Object.keys(real[0]!.data), 's, b, a, u, seq');
      t.equal(m.topic, 'orderbook.50.BTCUSDT');
    }
    for (let i = 1; i < msgs.length; i++) {
      t.equal(msgs[i]!.type, 'delta');
      t.equal(msgs[i]!.data.u, msgs[i - 1]!.data.u + 1, 'u goes up by one per message');
      t.ok(msgs[i]!.data.seq >= msgs[i - 1]!.data.seq, 'seq does not go back');
    }
    for (const [p, q] of msgs[0]!.data.b) {
      t.match(p, SHORTEST);
      t.match(q, SHORTEST);
    }
  });

  t.test('deltas applied to the snapshot keep an exact, uncrossed 50-level window', async (t) => {
    const c = await client('spot');
    c.send({ op: 'subscribe', args: ['orderbook.50.ETHUSDT'] });
    const frames = await c.take((f) => f.startsWith('{"topic"'), 60);
    const bids = new Map<string, string>();
    const asks = new Map<string, string>();
    let bad = 0;
    for (const f of frames) {
      const m = JSON.parse(f) as BookMsg;
      if (m.type === 'snapshot') { bids.clear(); asks.clear(); }
      for (const [p, q] of m.data.b) if (q === '0') bids.delete(p); else bids.set(p, q);
      for (const [p, q] of m.data.a) if (q === '0') asks.delete(p); else asks.set(p, q);
      const bestBid = Math.max(...[...bids.keys()].map(Number));
      const bestAsk = Math.min(...[...asks.keys()].map(Number));
      if (bids.size !== 50 || asks.size !== 50 || !(bestBid < bestAsk)) bad++;
    }
    t.equal(bad, 0, 'after every message: 50 bids, 50 asks, best bid < best ask');
  });

  t.test('orderbook.1 is a snapshot every time; linear puts type before ts on deeper books', async (t) => {
    const c = await client('linear');
    c.send({ op: 'subscribe', args: ['orderbook.1.BTCUSDT', 'orderbook.50.BTCUSDT'] });
    const [ack] = await c.take((f) => f.includes('"op"'), 1);
    t.match(JSON.parse(ack!), { success: true, ret_msg: '', op: 'subscribe' });
    const l1 = (await c.take((f) => f.includes('orderbook.1.'), 3)).map((f) => JSON.parse(f) as BookMsg);
    for (const m of l1) {
      t.equal(m.type, 'snapshot');
      t.same(Object.keys(m), ['topic', 'ts', 'type', 'data', 'cts']);
      t.equal(m.data.b.length, 1);
    }
    const [deep] = await c.take((f) => f.includes('orderbook.50.'), 1);
    t.same(Object.keys(JSON.parse(deep!) as object), ['topic', 'type', 'ts', 'data', 'cts']);
  });

  t.test('ping gets a pong; more than 10 args on spot are refused', async (t) => {
    const c = await client('spot');
    c.send({ op: 'ping', req_id: 'p' });
    const [pong] = await c.take((f) => f.includes('pong'), 1);
    const p = JSON.parse(pong!) as Record<string, unknown>;
    t.same(Object.keys(p), ['success', 'ret_msg', 'conn_id', 'req_id', 'op']);
    t.match(p, { success: true, ret_msg: 'pong', op: 'ping' });
    c.send({ op: 'subscribe', args: Array.from({ length: 11 }, (_, i) => (i % 2 ? 'orderbook.1.BTCUSDT' : 'orderbook.50.BTCUSDT')) });
    const [nack] = await c.take((f) => f.includes('args size'), 1);
    t.match(JSON.parse(nack!), { success: false, ret_msg: 'args size >10', op: 'subscribe' });
    t.notOk(c.frames.some((f) => f.startsWith('{"topic"')), 'nothing was subscribed');
  });

  t.test('REST orderbook, instruments-info and time have the v5 envelope', async (t) => {
    const ob = (await (await fetch(sim.bybitUrl.rest + '/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=5')).json()) as Record<string, unknown>;
    t.same(Object.keys(ob), ['retCode', 'retMsg', 'result', 'retExtInfo', 'time']);
    const r = ob['result'] as Record<string, unknown>;
    t.same(Object.keys(r), ['s', 'b', 'a', 'ts', 'u', 'seq', 'cts']);
    t.equal((r['b'] as unknown[]).length, 5);
    const info = (await (await fetch(sim.bybitUrl.rest + '/v5/market/instruments-info?category=spot&symbol=BTCUSDT')).json()) as {
      result: { list: Array<{ lotSizeFilter: Record<string, string>; priceFilter: Record<string, string> }> };
    };
    t.match(info.result.list[0], { lotSizeFilter: { basePrecision: '0.000001', quotePrecision: '0.0000001', minOrderAmt: '5' }, priceFilter: { tickSize: '0.1' } });
    const time = (await (await fetch(sim.bybitUrl.rest + '/v5/market/time')).json()) as { retCode: number; result: { timeSecond: string } };
    t.equal(time.retCode, 0);
    t.match(time.result.timeSecond, /^\d+$/);
  });
});

t.test('Bybit cuts a connection that sends nothing for the idle bound', async (t) => {
  const sim = await startSimulator({ seed: 1, symbols: ['BTCUSDT'], ratePerVenue: 100, bybitIdleTimeoutMs: 200 });
  const c = new TestClient(sim.bybitUrl.ws + '/v5/public/spot');
  t.teardown(async () => {
    c.close();
    await sim.stop();
  });
  await c.opened();
  await c.waitClosed(5000);
  t.ok(c.closed);
});
