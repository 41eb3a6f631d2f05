/**
 * The Bybit personality's linear market (USDT perpetuals) as xarb's own Bybit code reads it:
 * `/v5/public/linear` on the same port as spot, frames in the real linear archive's key order
 * that BybitFrameParser(MARKET_LINEAR) parses into snapshots and one-step deltas, the linear
 * subscribe ack (`ret_msg` ""), and the category=linear REST book and filters through the
 * adapter's own URL builders and parsers.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator } from '../../src/sim/index.js';
import { MARKET_LINEAR } from '../../src/core/records.js';
import { SymbolTable } from '../../src/core/symbols.js';
import { BybitFrameParser } from '../../src/venues/bybit/frame-parser.js';
import { bybitAdapter } from '../../src/venues/bybit/adapter.js';
import { MSG_CONTROL, MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_QUOTE, OP_SUBSCRIBE } from '../../src/venues/parsed-frame.js';
import { symbolFiltersUrl } from '../../src/venues/filters-fetch.js';
import { VENUE_FIXTURES } from '../helpers/paths.js';
import { TestClient } from './ws-client.js';

const FIXED = /^\d+\.\d+$|^\d+$/;
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(VENUE_FIXTURES, name), 'utf8').split('\n')[0]!) as Record<string, unknown>;

t.test('Bybit linear on the Bybit port', async (t) => {
  const sim = await startSimulator({ seed: 33, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], ratePerVenue: 3000, dislocationEveryMs: 0 });
  const clients: TestClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await sim.stop();
  });
  const table = new SymbolTable(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  const wsUrl = bybitAdapter.marketDataUrl(MARKET_LINEAR, [], { wsBase: sim.bybitUrl.ws });
  t.equal(wsUrl, sim.bybitUrl.ws + '/v5/public/linear', 'the adapter\'s linear URL is on the same port as spot');

  t.test('frames parse with the linear parser and keep the real linear key order', async (t) => {
    const c = new TestClient(wsUrl);
    clients.push(c);
    await c.opened();
    const [sub] = bybitAdapter.subscribeMessages(MARKET_LINEAR, [
      bybitAdapter.streamName('BTCUSDT', 'top', MARKET_LINEAR), bybitAdapter.streamName('BTCUSDT', 'depth', MARKET_LINEAR),
    ], 7);
    c.send(sub!);
    const parser = new BybitFrameParser(table, MARKET_LINEAR);
    const parse = (s: string): number => {
      const b = Buffer.from(s);
      return parser.parse(b, b.length);
    };

    const [ack] = await c.take((f) => f.includes('"op"'), 1);
    t.match(JSON.parse(ack!), { success: true, ret_msg: '', req_id: '7', op: 'subscribe' }, 'linear ack: empty ret_msg');
    t.equal(parse(ack!), MSG_CONTROL);
    t.equal(parser.frame.controlOp, OP_SUBSCRIBE);
    t.equal(parser.frame.controlOk, 1);

    const real = fixture('bybit_orderbook_delta.jsonl');
    const realData = real['data'] as Record<string, unknown>;
    const deep = await c.take((f) => f.includes('"orderbook.50.'), 8);
    let prevU = -1;
    for (const [i, f] of deep.entries()) {
      const m = JSON.parse(f) as { data: Record<string, unknown> & { b: string[][] } };
      t.same(Object.keys(m), Object.keys(real), `${i}: topic, type, ts, data, cts`);
      t.same(Object.keys(m.data), Object.keys(realData), `${i}: s, b, a, u, seq`);
      t.equal(parse(f), i === 0 ? MSG_DEPTH_SNAPSHOT : MSG_DEPTH_DELTA, `${i}: ${i === 0 ? 'snapshot' : 'delta'}`);
      const fr = parser.frame;
      t.equal(fr.market, MARKET_LINEAR);
      t.equal(fr.symbolId, 0);
      t.equal(fr.depthTopic, 50);
      t.equal(fr.updateId, m.data['u']);
      t.equal(fr.crossSeq, m.data['seq']);
      if (i === 0) t.equal(fr.nBids, 50, 'a 50-level snapshot');
      else t.equal(fr.updateId, prevU + 1, 'u goes up by one per delta');
      prevU = fr.updateId;
      for (const [p, q] of m.data.b) {
        t.match(p, FIXED);
        t.match(q, FIXED);
      }
    }

    const [top] = await c.take((f) => f.includes('"orderbook.1.'), 1);
    t.same(Object.keys(JSON.parse(top!) as object), ['topic', 'ts', 'type', 'data', 'cts'], 'L1 keeps ts before type, as on spot');
    t.equal(parse(top!), MSG_QUOTE);
    t.ok(parser.frame.bidPx > 0 && parser.frame.bidPx < parser.frame.askPx, 'an uncrossed touch');
  });

  t.test('more than 10 args in one request are fine on linear (spot refuses them)', async (t) => {
    const c = new TestClient(wsUrl);
    clients.push(c);
    await c.opened();
    const args = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].flatMap((s) => [1, 50, 200, 1000].map((d) => `orderbook.${d}.${s}`));
    c.send({ op: 'subscribe', args });
    const [ack] = await c.take((f) => f.includes('"op"'), 1);
    t.match(JSON.parse(ack!), { success: true, ret_msg: '', op: 'subscribe' }, `${args.length} topics accepted`);
    const snaps = await c.take((f) => f.includes('"type":"snapshot"'), args.length);
    t.equal(new Set(snaps.map((f) => (JSON.parse(f) as { topic: string }).topic)).size, args.length, 'a snapshot per topic');
  });

  t.test('category=linear REST: orderbook and filters through the adapter\'s parsers', async (t) => {
    const snapUrl = bybitAdapter.snapshotUrl(MARKET_LINEAR, 'BTCUSDT', 1000, { restBase: sim.bybitUrl.rest });
    t.match(snapUrl, /category=linear/);
    const snap = bybitAdapter.parseSnapshot(await (await fetch(snapUrl)).text());
    t.ok(snap.lastUpdateId > 0, 'u present');
    t.ok(snap.bids.length > 0 && snap.asks.length > 0, 'both sides');

    const filtersUrl = symbolFiltersUrl('bybit', sim.bybitUrl.rest, 'BTCUSDT', MARKET_LINEAR);
    t.match(filtersUrl, /category=linear&symbol=BTCUSDT$/);
    const body = await (await fetch(filtersUrl)).text();
    const inst = (JSON.parse(body) as { result: { category: string; list: Array<{ lotSizeFilter: Record<string, string> }> } }).result;
    t.equal(inst.category, 'linear');
    t.same(Object.keys(inst.list[0]!.lotSizeFilter).sort(), ['maxMktOrderQty', 'maxOrderQty', 'minNotionalValue', 'minOrderQty', 'qtyStep'],
      'the linear lotSizeFilter shape');
    const f = bybitAdapter.parseSymbolFilters(body, 'BTCUSDT', MARKET_LINEAR);
    const spot = bybitAdapter.parseSymbolFilters(
      await (await fetch(symbolFiltersUrl('bybit', sim.bybitUrl.rest, 'BTCUSDT'))).text(), 'BTCUSDT', 0);
    t.ok(f.tickSize > 0 && f.stepSize > 0 && f.minQty > 0 && f.minNotional > 0, 'every filter read');
    t.same([f.tickSize, f.stepSize, f.minNotional], [spot.tickSize, spot.stepSize, spot.minNotional], 'the linear book is the spot book');
  });
});
