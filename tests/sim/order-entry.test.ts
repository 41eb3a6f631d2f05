/**
 * Simulator order entry over loopback HTTP, driven by the real order clients and by raw
 * requests: orders fill IOC against the book with answers shaped like the documentation's;
 * bad signatures, stale timestamps, unknown symbols, filter failures, unknown keys and missing
 * balance get the venues' codes; balances are per API key; stop() closes kept-alive
 * connections (the test process would not exit otherwise).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VENUE_FIXTURES } from '../helpers/paths.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { BinanceOrderClient } from '../../src/execution/live/binance-client.js';
import { BybitOrderClient } from '../../src/execution/live/bybit-client.js';
import { PoolTransport } from '../../src/execution/live/pool-transport.js';
import { binanceSignedRequest, buildBinanceNewOrder, buildBinanceQueryOrder } from '../../src/execution/live/binance-order.js';
import { buildBybitCreate, buildBybitQuery } from '../../src/execution/live/bybit-order.js';
import { ST_CANCELED, ST_FILLED, ST_REJECTED } from '../../src/core/records.js';
import type { LiveOrder, OrderUpdate } from '../../src/execution/live/order-types.js';
import type { OrderClientOptions } from '../../src/execution/live/client-base.js';

const docs = JSON.parse(readFileSync(path.join(VENUE_FIXTURES, 'order_responses_doc_examples.json'), 'utf8'));

let sim: SimHandle;
t.before(async () => {
  sim = await startSimulator({
    seed: 3, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0,
    orderEntry: { accounts: [{ venue: 'binance', apiKey: 'poorKey', secretKey: 'poorSecret', balances: { quote: 10, base: 0 } },
      { venue: 'bybit', apiKey: 'poorKey', secretKey: 'poorSecret', balances: { quote: 10, base: 0 } }] },
  });
});
const transport = new PoolTransport();
t.teardown(async () => {
  await transport.close();
  await sim.stop();
});

function clientOpts(venue: 'binance' | 'bybit', creds = SIM_KEYS[venue]): OrderClientOptions {
  return {
    baseUrl: venue === 'binance' ? sim.binanceUrl.rest : sim.bybitUrl.rest, creds, recvWindowMs: 5000, timeoutMs: 2000,
    takerFeeRate: 0.001, reconcileBudgetMs: 2000, transport, wallMs: Date.now, log: () => undefined,
  };
}

async function place(client: BinanceOrderClient | BybitOrderClient, o: LiveOrder): Promise<OrderUpdate[]> {
  const got: OrderUpdate[] = [];
  await client.place(o, (_x, u) => got.push(u));
  return got;
}

async function send(base: string, r: { method: string; pathAndQuery: string; body: string | null; headers: Record<string, string> }) {
  const res = await fetch(base + r.pathAndQuery, { method: r.method, headers: r.headers, body: r.body ?? undefined });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const touch = (venue: 0 | 1) => {
  const b = sim.generator.book(venue, 0);
  return { bid: b.bids.best() * b.tickUnit, ask: b.asks.best() * b.tickUnit, tick: b.tickUnit };
};

t.test('Binance: a marketable LIMIT IOC fills against the book with a FULL answer like the docs', async (t) => {
  const { ask } = touch(0);
  const o: LiveOrder = { orderId: 1, clientOrderId: 'st-1', symbol: 'BTCUSDT', side: 'BUY', price: (ask * 1.01).toFixed(2), qty: '0.01' };
  const r = await send(sim.binanceUrl.rest, buildBinanceNewOrder(o, SIM_KEYS.binance, 5000, Date.now()));
  t.equal(r.status, 200);
  t.same(Object.keys(r.body), Object.keys(docs.binance_spot_rest_post_api_v3_order.FULL), 'same fields, same order as the doc example');
  t.same(Object.keys(r.body.fills[0]), Object.keys(docs.binance_spot_rest_post_api_v3_order.FULL.fills[0]));
  t.equal(r.body.status, 'FILLED');
  t.equal(r.body.executedQty, '0.01000000');
  t.equal(r.body.fills[0].commissionAsset, 'BTC', 'fee in the received asset');
  t.equal(r.body.type, 'LIMIT');
  t.equal(r.body.timeInForce, 'IOC');
  const q = await send(sim.binanceUrl.rest, buildBinanceQueryOrder('BTCUSDT', 'st-1', SIM_KEYS.binance, 5000, Date.now()));
  t.equal(q.body.status, 'FILLED', 'GET /api/v3/order finds it by client id');
  t.equal(q.body.clientOrderId, 'st-1');
  const dup = await send(sim.binanceUrl.rest, buildBinanceNewOrder(o, SIM_KEYS.binance, 5000, Date.now()));
  t.same(dup.body, { code: -2010, msg: 'Duplicate order sent.' });
});

t.test('Binance: a limit away from the book expires with nothing filled (the client reports CANCELED)', async (t) => {
  const { bid } = touch(0);
  const c = new BinanceOrderClient(clientOpts('binance'));
  const got = await place(c, { orderId: 2, clientOrderId: 'st-2', symbol: 'BTCUSDT', side: 'BUY', price: (bid * 0.9).toFixed(2), qty: '0.01' });
  t.equal(got.length, 1);
  t.equal(got[0]!.status, ST_CANCELED);
  t.equal(got[0]!.venueStatus, 'EXPIRED');
  t.equal(got[0]!.cumQty, 0);
});

t.test('Binance: security and validation errors carry the documented codes', async (t) => {
  const base = sim.binanceUrl.rest;
  const { ask } = touch(0);
  const px = (ask * 1.01).toFixed(2);
  const params = (extra: Record<string, string | number> = {}) => ({
    symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: '0.01', price: px, recvWindow: 5000, timestamp: Date.now(), ...extra,
  });
  const post = (p: Record<string, string | number>, creds = SIM_KEYS.binance) => send(base, binanceSignedRequest('POST', '/api/v3/order', p, creds));
  t.same((await post(params(), { ...SIM_KEYS.binance, secretKey: 'wrong' })).body, { code: -1022, msg: 'Signature for this request is not valid.' });
  t.same((await post(params({ timestamp: Date.now() - 60_000 }))).body, { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
  const r = await post(params({ symbol: 'NOPEUSDT' }));
  t.equal(r.status, 400);
  t.same(r.body, docs.binance_error_payload_example, 'unknown symbol: {code:-1121,msg:"Invalid symbol."}');
  t.same((await post(params({ price: (Number(px) + 0.001).toFixed(3) }))).body, { code: -1013, msg: 'Filter failure: PRICE_FILTER' });
  t.same((await post(params({ quantity: '0.000001' }))).body, { code: -1013, msg: 'Filter failure: LOT_SIZE' });
  t.same((await post(params({ quantity: '0.00001' }))).body, { code: -1013, msg: 'Filter failure: NOTIONAL' });
  t.same((await post(params(), { apiKey: 'poorKey', secretKey: 'poorSecret' })).body, { code: -2010, msg: 'Account has insufficient balance for requested action.' });
  const unknownKey = await post(params(), { apiKey: 'nobody', secretKey: 'x' });
  t.equal(unknownKey.status, 401);
  t.equal(unknownKey.body.code, -2015);
});

t.test('Bybit: create acknowledges, the realtime query shows the fill, shaped like the docs', async (t) => {
  const { ask } = touch(1);
  const o: LiveOrder = { orderId: 3, clientOrderId: 'st-3', symbol: 'BTCUSDT', side: 'BUY', price: (ask * 1.01).toFixed(1), qty: '0.01' };
  const r = await send(sim.bybitUrl.rest, buildBybitCreate(o, SIM_KEYS.bybit, 5000, Date.now()));
  t.same(Object.keys(r.body), Object.keys(docs.bybit_rest_post_v5_order_create_response));
  t.equal(r.body.retCode, 0);
  t.equal(r.body.result.orderLinkId, 'st-3');
  const q = await send(sim.bybitUrl.rest, buildBybitQuery('st-3', SIM_KEYS.bybit, 5000, Date.now()));
  const row = q.body.result.list[0];
  t.equal(row.orderStatus, 'Filled');
  t.equal(row.cumExecQty, '0.01');
  t.ok(Number(row.avgPrice) > 0 && Number(row.avgPrice) <= Number(o.price));
  const c = new BybitOrderClient(clientOpts('bybit'));
  const got = await place(c, { ...o, orderId: 4, clientOrderId: 'st-4' });
  t.same(got.map((u) => u.status), [2, ST_FILLED], 'the client: ack, then Filled from polling');
});

t.test('Bybit: sign, timestamp, balance and symbol errors carry the documented retCodes', async (t) => {
  const { ask } = touch(1);
  const o: LiveOrder = { orderId: 5, clientOrderId: 'st-5', symbol: 'BTCUSDT', side: 'BUY', price: (ask * 1.01).toFixed(1), qty: '0.01' };
  const code = async (req: ReturnType<typeof buildBybitCreate>) => (await send(sim.bybitUrl.rest, req)).body.retCode as number;
  t.equal(await code(buildBybitCreate(o, { ...SIM_KEYS.bybit, secretKey: 'wrong' }, 5000, Date.now())), 10004, 'bad signature');
  t.equal(await code(buildBybitCreate(o, SIM_KEYS.bybit, 5000, Date.now() - 60_000)), 10002, 'stale timestamp');
  t.equal(await code(buildBybitCreate(o, { apiKey: 'nobody', secretKey: 'x' }, 5000, Date.now())), 10003, 'unknown key');
  t.equal(await code(buildBybitCreate(o, { apiKey: 'poorKey', secretKey: 'poorSecret' }, 5000, Date.now())), 170131, 'insufficient balance');
  t.equal(await code(buildBybitCreate({ ...o, symbol: 'NOPEUSDT' }, SIM_KEYS.bybit, 5000, Date.now())), 170121, 'unknown symbol');
  t.equal(await code(buildBybitCreate({ ...o, qty: '0.0000001' }, SIM_KEYS.bybit, 5000, Date.now())), 170137, 'too many quantity decimals');
  const c = new BybitOrderClient(clientOpts('bybit', { ...SIM_KEYS.bybit, secretKey: 'wrong' }));
  const got = await place(c, o);
  t.equal(got[0]!.status, ST_REJECTED);
  t.equal(got[0]!.errorCode, 10004);
});

t.test('balances move per API key', async (t) => {
  const acct = sim.orderEntry.accounts.binance.get(SIM_KEYS.binance.apiKey)!;
  t.ok(acct.balance('BTC', false) > 100, 'the buys added BTC (less the fee) to the default 100');
  t.ok(acct.balance('USDT', true) < 1_000_000, 'and spent USDT');
  t.equal(sim.orderEntry.accounts.binance.get('poorKey')!.balance('USDT', true), 10, 'another key is untouched');
});
