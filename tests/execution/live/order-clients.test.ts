/**
 * The order clients over a scripted transport: unknown outcomes (HTTP 5xx, -1007, no answer)
 * are reconciled by querying the order; 429 with Retry-After starts a back-off; Bybit's async
 * ack is followed by polling until the order is final. Secrets never reach a log line.
 */
import t from 'tap';
import { BinanceOrderClient } from '../../../src/execution/live/binance-client.js';
import { BybitOrderClient } from '../../../src/execution/live/bybit-client.js';
import type { OrderClientOptions } from '../../../src/execution/live/client-base.js';
import type { HttpAnswer, HttpTransport } from '../../../src/execution/live/http-transport.js';
import { TransportError } from '../../../src/execution/live/live-errors.js';
import { ST_ACKED, ST_CANCELED, ST_FILLED, ST_REJECTED } from '../../../src/core/records.js';
import type { LiveOrder, OrderUpdate } from '../../../src/execution/live/order-types.js';

type Script = Array<(method: string, url: string) => HttpAnswer | 'throw'>;

class FakeTransport implements HttpTransport {
  readonly calls: string[] = [];
  constructor(private readonly script: Script) {}
  async request(method: 'GET' | 'POST' | 'DELETE', url: string): Promise<HttpAnswer> {
    this.calls.push(`${method} ${new URL(url).pathname}`);
    const step = this.script.shift();
    if (step === undefined) throw new Error('script exhausted');
    const a = step(method, url);
    if (a === 'throw') throw new TransportError('no answer within 10 ms', true);
    return a;
  }
}

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer =>
  ({ status, text: typeof body === 'string' ? body : JSON.stringify(body), header: (n) => headers[n] ?? null });

const order: LiveOrder = { orderId: 1, clientOrderId: 'xt-1', symbol: 'BTCUSDT', side: 'BUY', price: '60000', qty: '0.1' };
const SECRET = 'very-secret-key-material';

function opts(transport: HttpTransport, logs: string[]): OrderClientOptions {
  let now = 1_700_000_000_000;
  return {
    baseUrl: 'http://127.0.0.1:1', creds: { apiKey: 'KEY', secretKey: SECRET }, recvWindowMs: 5000, timeoutMs: 10,
    takerFeeRate: 0.001, reconcileBudgetMs: 10_000, transport, wallMs: () => now,
    log: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields)}`),
    sleep: async (ms) => { now += ms + 1; },
  };
}

const bnOrder = (status: string, executedQty: string, quote: string) => ({
  symbol: 'BTCUSDT', orderId: 9, clientOrderId: 'xt-1', status, executedQty, cummulativeQuoteQty: quote, origQty: '0.10000000',
});

async function run(client: BinanceOrderClient | BybitOrderClient): Promise<OrderUpdate[]> {
  const got: OrderUpdate[] = [];
  await client.place(order, (_o, u) => got.push(u));
  return got;
}

t.test('Binance: HTTP 503 leaves the status unknown; the order query settles it', async (t) => {
  const logs: string[] = [];
  const tr = new FakeTransport([
    () => answer(503, '<html>busy</html>'),
    () => answer(200, bnOrder('EXPIRED', '0.04000000', '2400.00000000')),
  ]);
  const c = new BinanceOrderClient(opts(tr, logs));
  const got = await run(c);
  t.same(tr.calls, ['POST /api/v3/order', 'GET /api/v3/order']);
  t.equal(got.length, 1);
  t.equal(got[0]!.status, ST_CANCELED);
  t.equal(got[0]!.cumQty, 0.04);
  t.equal(c.counters.unknown_status, 1);
  t.notOk(logs.join('\n').includes(SECRET), 'no secret in the logs');
});

t.test('Binance: no answer, then -2013: "not placed" only after timestamp + recvWindow and an empty order history', async (t) => {
  const logs: string[] = [];
  const o = opts(new FakeTransport([]), logs);
  const seen: Array<[string, number]> = [];
  const route = (_m: string, u: string): HttpAnswer => {
    const path = new URL(u).pathname;
    seen.push([path, o.wallMs()]);
    return path === '/api/v3/allOrders' ? answer(200, []) : answer(400, { code: -2013, msg: 'Order does not exist.' });
  };
  const tr = new FakeTransport([() => 'throw', ...Array<typeof route>(40).fill(route)]);
  const c = new BinanceOrderClient({ ...o, transport: tr });
  const sentAt = o.wallMs();
  const got = await run(c);
  t.equal(got.length, 1);
  t.equal(got[0]!.status, ST_REJECTED);
  t.equal(got[0]!.errorCode, -2013);
  t.equal(c.counters.timeouts, 1);
  t.equal(c.counters.not_placed, 1);
  t.ok(seen.filter(([p]) => p === '/api/v3/order').length >= 2, 'not-found answers before the deadline were not believed');
  const hist = seen.find(([p]) => p === '/api/v3/allOrders');
  t.ok(hist !== undefined && hist[1] >= sentAt + 5000, 'the order history was asked, after timestamp + recvWindow');
  t.match(logs[0]!, /binance new order: no answer/);
  t.notOk(logs.join('\n').includes('signature='), 'signed query strings are not logged');
});

t.test('Binance: -2013 past the deadline but the order history has it filled: FILLED, not "not placed"', async (t) => {
  const route = (_m: string, u: string): HttpAnswer => new URL(u).pathname === '/api/v3/allOrders'
    ? answer(200, [bnOrder('FILLED', '0.10000000', '6000.00000000')]) : answer(400, { code: -2013, msg: 'Order does not exist.' });
  const tr = new FakeTransport([() => 'throw', ...Array<typeof route>(40).fill(route)]);
  const c = new BinanceOrderClient(opts(tr, []));
  const got = await run(c);
  t.equal(got.length, 1);
  t.equal(got[0]!.status, ST_FILLED);
  t.equal(c.counters.not_placed, 0);
});

t.test('Binance: -1007 TIMEOUT is status unknown too; NEW is polled until final', async (t) => {
  const tr = new FakeTransport([
    () => answer(400, { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' }),
    () => answer(200, bnOrder('NEW', '0.00000000', '0.00000000')),
    () => answer(200, bnOrder('FILLED', '0.10000000', '6000.00000000')),
  ]);
  const got = await run(new BinanceOrderClient(opts(tr, [])));
  t.equal(got.length, 1);
  t.equal(got[0]!.status, ST_FILLED);
  t.equal(got[0]!.avgPx, 60000);
});

t.test('Binance: 429 with Retry-After rejects the order and backs off', async (t) => {
  const tr = new FakeTransport([() => answer(429, { code: -1003, msg: 'Too much request weight used.' }, { 'retry-after': '7' })]);
  const o = opts(tr, []);
  const c = new BinanceOrderClient(o);
  const got = await run(c);
  t.equal(got[0]!.status, ST_REJECTED);
  t.equal(got[0]!.errorCode, -1003);
  t.equal(c.backoffUntilMs(), o.wallMs() + 7000);
  t.equal(c.counters.rate_limited, 1);
});

t.test('Bybit: ack, then the realtime query shows the final state', async (t) => {
  const tr = new FakeTransport([
    () => answer(200, { retCode: 0, retMsg: 'OK', result: { orderId: '123', orderLinkId: 'xt-1' }, retExtInfo: {}, time: 1 }),
    () => answer(200, { retCode: 0, retMsg: 'OK', result: { list: [] } }),
    () => answer(200, { retCode: 0, retMsg: 'OK', result: { list: [{ orderId: '123', orderLinkId: 'xt-1', orderStatus: 'PartiallyFilledCanceled', cumExecQty: '0.05', cumExecValue: '3000', avgPrice: '60000', cumExecFee: '0.00005' }] } }),
  ]);
  const got = await run(new BybitOrderClient(opts(tr, [])));
  t.same(tr.calls, ['POST /v5/order/create', 'GET /v5/order/realtime', 'GET /v5/order/realtime']);
  t.same(got.map((u) => u.status), [ST_ACKED, ST_CANCELED]);
  t.equal(got[1]!.cumQty, 0.05);
});

t.test('Bybit: retCode rejects carry the code; 10006 backs off until the limit reset', async (t) => {
  const tr = new FakeTransport([() => answer(200, { retCode: 170131, retMsg: 'Insufficient balance.' })]);
  t.equal((await run(new BybitOrderClient(opts(tr, []))))[0]!.errorCode, 170131);
  const o = opts(new FakeTransport([() => answer(200, { retCode: 10006, retMsg: 'Too many visits!' }, { 'x-bapi-limit-reset-timestamp': String(1_700_000_000_000 + 400) })]), []);
  const c = new BybitOrderClient(o);
  t.equal((await run(c))[0]!.errorCode, 10006);
  t.equal(c.backoffUntilMs(), 1_700_000_000_000 + 400);
});

t.test('Bybit: an unanswered create the venue never saw: rejected only after the deadline and an empty order history', async (t) => {
  const o = opts(new FakeTransport([]), []);
  const seen: Array<[string, number]> = [];
  const empty = (_m: string, u: string): HttpAnswer => {
    seen.push([new URL(u).pathname, o.wallMs()]);
    return answer(200, { retCode: 0, retMsg: 'OK', result: { list: [] } });
  };
  const tr = new FakeTransport([() => 'throw', ...Array<typeof empty>(40).fill(empty)]);
  const sentAt = o.wallMs();
  const c = new BybitOrderClient({ ...o, transport: tr });
  const got = await run(c);
  t.equal(got.length, 1);
  t.equal(got[0]!.status, ST_REJECTED);
  t.equal(c.counters.not_placed, 1);
  const hist = seen.find(([p]) => p === '/v5/order/history');
  t.ok(hist !== undefined && hist[1] >= sentAt + 5000, 'the order history was asked, after timestamp + recvWindow');
});

t.test('Bybit: an unreadable order row is no final (asked again); the final is a query-sourced one, its missing fee marked', async (t) => {
  const logs: string[] = [];
  const tr = new FakeTransport([
    () => answer(200, { retCode: 0, retMsg: 'OK', result: { orderId: '123', orderLinkId: 'xt-1' }, retExtInfo: {}, time: 1 }),
    // Filled with no quantity: not a rejection of a filled order.
    () => answer(200, { retCode: 0, retMsg: 'OK', result: { list: [{ orderId: '123', orderLinkId: 'xt-1', orderStatus: 'Filled', avgPrice: '60000' }] } }),
    () => answer(200, { retCode: 0, retMsg: 'OK', result: { list: [{ orderId: '123', orderLinkId: 'xt-1', orderStatus: 'Filled', cumExecQty: '0.1',
      cumExecValue: '6000', avgPrice: '60000', cumFeeDetail: {} }] } }),
  ]);
  const c = new BybitOrderClient(opts(tr, logs));
  const got = await run(c);
  t.same(got.map((u) => u.status), [ST_ACKED, ST_FILLED], 'the unreadable row is skipped, not a REJECTED');
  t.equal(got[1]!.cumQty, 0.1);
  t.equal(got[1]!.source, 'query');
  t.equal(got[1]!.feeMissing, true, 'no fee word: the executions must give it');
  t.equal(c.counters.bad_responses, 1);
  t.ok(logs.some((l) => l.startsWith('warn bybit order query: unreadable order row')));
});
