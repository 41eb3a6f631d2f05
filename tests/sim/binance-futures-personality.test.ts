/**
 * The simulator's Binance USD-M futures market (its own port, fstream/fapi paths): frames have
 * the real fixtures' keys in the same order, parse with the venue's frame parser in the linear
 * market, chain `pu` = previous `u`, and the REST snapshot is straddled the futures way.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator } from '../../src/sim/index.js';
import { BinanceFrameParser } from '../../src/venues/binance/frame-parser.js';
import { parseBinanceDepthSnapshot, parseBinanceSymbolFilters } from '../../src/venues/binance/rest.js';
import { MSG_DEPTH_DELTA, MSG_QUOTE } from '../../src/venues/parsed-frame.js';
import { MARKET_LINEAR } from '../../src/core/records.js';
import { SymbolTable } from '../../src/core/symbols.js';
import { VENUE_FIXTURES } from '../helpers/paths.js';
import { clientsFor } from './ws-client.js';

type Json = Record<string, unknown>;
const fixtureLine = (name: string): Json => {
  const text = fs.readFileSync(path.join(VENUE_FIXTURES, name), 'utf8');
  return JSON.parse(name.endsWith('.json') ? text : text.split('\n')[0]!) as Json;
};
/** USD-M prints the instrument's own decimals, not spot's 8. */
const OWN_DECIMALS = /^\d+(\.\d{1,7})?$/;

interface DepthEvent { U: number; u: number; pu: number; b: string[][]; a: string[][] }

t.test('Binance USD-M futures personality', async (t) => {
  const sim = await startSimulator({ seed: 21, symbols: ['BTCUSDT', 'ETHUSDT'], ratePerVenue: 4000, dislocationEveryMs: 0 });
  const client = clientsFor(t, sim);
  const parser = new BinanceFrameParser(new SymbolTable(['BTCUSDT', 'ETHUSDT']), MARKET_LINEAR);

  t.test('futures has its own port, apart from spot and Bybit', async (t) => {
    const p = sim.ports;
    t.not(p.binanceFutures, p.binance);
    t.not(p.binanceFutures, p.bybit);
    t.equal(sim.binanceFuturesUrl.ws, `ws://127.0.0.1:${p.binanceFutures}`);
  });

  t.test('bookTicker: the fixture wrapper and keys in order, parsed as a linear quote', async (t) => {
    const c = client(sim.binanceFuturesUrl.ws + '/stream?streams=btcusdt@bookTicker');
    const [frame] = await c.take((f) => f.includes('@bookTicker'), 1);
    const msg = JSON.parse(frame!) as { stream: string; data: Json };
    const real = fixtureLine('binance_usdm_bookTicker.jsonl') as { stream: string; data: Json };
    t.same(Object.keys(msg), Object.keys(real));
    t.same(Object.keys(msg.data), Object.keys(real.data), 'e,u,s,b,B,a,A,T,E');
    t.equal(msg.data['e'], 'bookTicker');
    for (const k of ['b', 'B', 'a', 'A']) t.match(msg.data[k], OWN_DECIMALS, `${k} in the instrument's decimals`);
    t.type(msg.data['T'], 'number');
    t.type(msg.data['E'], 'number');
    const buf = Buffer.from(frame!);
    t.equal(parser.parse(buf, buf.length), MSG_QUOTE);
    t.equal(parser.frame.symbolId, 0);
    t.equal(parser.frame.updateId, msg.data['u']);
    t.equal(parser.frame.bidPx, Number(msg.data['b']));
    t.equal(parser.frame.exchMs, msg.data['E']);
  });

  t.test('raw /ws path and SUBSCRIBE work as on spot', async (t) => {
    const c = client(sim.binanceFuturesUrl.ws + '/ws');
    await c.opened();
    c.send({ method: 'SUBSCRIBE', params: ['ethusdt@bookTicker'], id: 3 });
    const [ack] = await c.take((f) => f.includes('"id"'), 1);
    t.equal(ack, '{"result":null,"id":3}');
    const [bt] = await c.take((f) => f.startsWith('{"e":"bookTicker"'), 1);
    t.equal((JSON.parse(bt!) as Json)['s'], 'ETHUSDT');
  });

  t.test('diff depth: fixture keys, pu = previous u, REST snapshot straddled by U <= id <= u', async (t) => {
    const c = client(sim.binanceFuturesUrl.ws + '/stream?streams=btcusdt@depth@100ms');
    await c.take(() => true, 1);
    const res = await fetch(sim.binanceFuturesUrl.rest + '/fapi/v1/depth?symbol=BTCUSDT&limit=1000');
    t.equal(res.status, 200);
    const body = await res.text();
    const snap = JSON.parse(body) as Json & { lastUpdateId: number; bids: string[][] };
    t.same(Object.keys(snap), Object.keys(fixtureLine('binance_usdm_depth_snapshot_rest.json')), 'lastUpdateId,E,T,bids,asks');
    t.equal(parseBinanceDepthSnapshot(body).lastUpdateId, snap.lastUpdateId);
    t.match(snap.bids[0]![0], OWN_DECIMALS);
    const frames = await c.take(() => true, 5);
    const real = fixtureLine('binance_usdm_depthUpdate.jsonl') as { data: Json };
    const events = frames.map((f) => (JSON.parse(f) as { data: DepthEvent }).data);
    t.same(Object.keys(events[0]!), Object.keys(real.data), 'e,E,T,s,U,u,pu,b,a');
    for (let i = 1; i < events.length; i++) t.equal(events[i]!.pu, events[i - 1]!.u, 'pu = previous u');
    t.ok(events.some((e) => e.U <= snap.lastUpdateId && snap.lastUpdateId <= e.u), 'some event has U <= lastUpdateId <= u');
    const buf = Buffer.from(frames[1]!);
    t.equal(parser.parse(buf, buf.length), MSG_DEPTH_DELTA);
    t.equal(parser.frame.prevUpdateId, events[1]!.pu);
    t.equal(parser.frame.firstUpdateId, events[1]!.U);
    t.equal(parser.frame.updateId, events[1]!.u);
  });

  t.test('skip_seq shows as a pu that names an event never sent', async (t) => {
    const c = client(sim.binanceFuturesUrl.ws + '/ws/btcusdt@depth@100ms');
    await c.take(() => true, 2);
    sim.faults.inject({ kind: 'skip_seq', venue: 'binance', symbol: 'BTCUSDT', gap: 500 });
    const frames = await c.take(() => true, c.frames.length + 2);
    const events = frames.map((f) => JSON.parse(f) as DepthEvent);
    const breaks = events.filter((e, i) => i > 0 && e.pu !== events[i - 1]!.u);
    t.equal(breaks.length, 1, 'exactly one broken link');
    t.equal(breaks[0]!.pu - events[events.indexOf(breaks[0]!) - 1]!.u, 500, 'the lost event ended 500 ids later');
  });

  t.test('REST: exchangeInfo in the futures shape feeds the filter parser; errors look like the venue', async (t) => {
    const body = await (await fetch(sim.binanceFuturesUrl.rest + '/fapi/v1/exchangeInfo')).text();
    const info = JSON.parse(body) as { symbols: Array<{ symbol: string; contractType: string; filters: Json[] }> };
    t.same(info.symbols.map((s) => s.symbol), ['BTCUSDT', 'ETHUSDT'], 'no parameter: every symbol');
    t.equal(info.symbols[0]!.contractType, 'PERPETUAL');
    const minNotional = info.symbols[0]!.filters.find((f) => f['filterType'] === 'MIN_NOTIONAL')!;
    t.same(Object.keys(minNotional), ['filterType', 'notional']);
    const f = parseBinanceSymbolFilters(body, 'ETHUSDT');
    t.ok(f.tickSize > 0 && f.stepSize > 0 && f.minQty > 0);
    t.equal(f.minNotional, 5);
    const time = (await (await fetch(sim.binanceFuturesUrl.rest + '/fapi/v1/time')).json()) as { serverTime: number };
    t.type(time.serverTime, 'number');
    const tooDeep = await fetch(sim.binanceFuturesUrl.rest + '/fapi/v1/depth?symbol=BTCUSDT&limit=5000');
    t.equal(tooDeep.status, 400, 'futures depth stops at 1000 levels');
    const spotPath = await fetch(sim.binanceFuturesUrl.rest + '/api/v3/depth?symbol=BTCUSDT');
    t.equal(spotPath.status, 404, 'spot paths are not served on the futures port');
  });
});
