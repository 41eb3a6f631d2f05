/**
 * The account query clients against the simulator (loopback, real undici pools, signed):
 * balances, history, fills with client ids, commission and fee rates, key permissions,
 * cancel-all; the gap-fill's fills deduplicate against the order answers in the FillLedger;
 * a crashed run's in-flight pair is resolved and nets to no exposure.
 */
import t from 'tap';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { BinanceAccountRest } from '../../src/venues/binance/account-rest.js';
import { BybitAccountRest } from '../../src/venues/bybit/account-rest.js';
import { fillsFromOrderAnswer } from '../../src/venues/binance/user-data.js';
import { FillLedger } from '../../src/execution/fill-ledger.js';
import { reconcileAtStart } from '../../src/execution/reconcile.js';
import type { RestAnswer } from '../../src/venues/account-rest-http.js';
import { binance, bybitPost } from '../sim/signed-rest.js';

let sim: SimHandle;
let bn: BinanceAccountRest;
let bb: BybitAccountRest;
const answers: Array<[string, RestAnswer]> = [];
t.before(async () => {
  sim = await startSimulator({ seed: 11, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
  const common = { recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000, onAnswer: (p: string, a: RestAnswer) => answers.push([p, a]) };
  bn = new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, ...SIM_KEYS.binance, ...common });
  bb = new BybitAccountRest({ baseUrl: sim.bybitUrl.rest, ...SIM_KEYS.bybit, ...common });
});
t.teardown(async () => {
  await bn.close();
  await bb.close();
  await sim.stop();
});

const px = (venue: 0 | 1, buy: boolean) => {
  const b = sim.generator.book(venue, 0);
  return (buy ? b.asks.best() * 1.01 : b.bids.best() * 0.99) * b.tickUnit;
};

t.test('a pair sent by a run that crashed: the venues know both legs by client id, fills dedupe, no exposure', async (t) => {
  const start = Date.now() - 1000;
  const buy = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC',
    quantity: '0.01', price: px(0, true).toFixed(2), newClientOrderId: 'xdeadbeef-1' }, SIM_KEYS.binance);
  t.equal(buy.body.status, 'FILLED');
  const sell = await bybitPost(sim.bybitUrl.rest, '/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit',
    qty: '0.01', price: px(1, false).toFixed(1), timeInForce: 'IOC', orderLinkId: 'xdeadbeef-2' }, SIM_KEYS.bybit);
  t.equal(sell.body.retCode, 0);

  const ledger = new FillLedger();
  const ans = fillsFromOrderAnswer(buy.body);
  t.ok(ans.ok);
  if (ans.ok) for (const f of ans.value) ledger.apply(f);
  const gap = await bn.fillsSince('BTCUSDT', start);
  t.ok(gap.fills.length > 0 && gap.fills.every((f) => f.clientOrderId === 'xdeadbeef-1'), 'myTrades mapped to client ids through allOrders');
  for (const f of gap.fills) t.equal(ledger.apply(f), null, 'already applied from the order answer');
  const bbGap = await bb.fillsSince('BTCUSDT', start);
  t.ok(bbGap.fills.length > 0);
  for (const f of bbGap.fills) t.ok(ledger.apply(f), 'Bybit fills come only from the stream / gap-fill');
  t.equal(ledger.counters.duplicates.gapfill, gap.fills.length);
  t.equal(ledger.totalsByClientId('bybit', 'xdeadbeef-2')!.fees.get('USDT')! > 0, true, 'sell fee in the received coin');

  const snaps = [await bn.snapshot(['BTCUSDT'], start), await bb.snapshot(['BTCUSDT'], start)];
  t.ok((snaps[0]!.balances.get('BTC') ?? 0) > 100, 'Binance balance moved by the buy');
  t.ok((snaps[1]!.balances.get('BTC') ?? 0) < 100, 'Bybit balance moved by the sell');
  const run = { runId: 'crashed', ended: false, orders: [
    { clientOrderId: 'xdeadbeef-1', venue: 'binance' as const, symbol: 'BTCUSDT', side: 'buy' as const, price: 1, qty: 0.01, sentMs: start, final: null },
    { clientOrderId: 'xdeadbeef-2', venue: 'bybit' as const, symbol: 'BTCUSDT', side: 'sell' as const, price: 1, qty: 0.01, sentMs: start, final: null },
  ] };
  const v = reconcileAtStart(snaps, [run], { exposurePolicy: 'halt', dustQty: () => 1e-9, balanceTolerance: () => 0 });
  t.equal(v.resolved.length, 2, 'both in-flight orders resolved');
  t.same(v.exposure, [], 'the pair nets out');
  t.equal(v.canTrade, true, v.reasons.join('; '));
  const withoutJournal = reconcileAtStart(snaps, [], { exposurePolicy: 'halt', dustQty: () => 1e-9, balanceTolerance: () => 0 });
  t.equal(withoutJournal.canTrade, false, 'xarb orders in no journal halt');
});

t.test('commission, fee rates, key permissions, cancel-all, order by client id; usage headers reach onAnswer', async (t) => {
  const acc = await bn.account();
  t.equal(acc.canTrade, true);
  t.equal(acc.canWithdraw, false);
  t.equal(acc.takerRate, 0.001);
  t.same(await bn.commission('BTCUSDT'), { taker: 0.001, maker: 0.001, bnbDiscountEnabled: false, bnbDiscount: 0.75 });
  t.same(await bb.feeRate('BTCUSDT'), { taker: 0.001, maker: 0.001 });
  t.same(await bb.keyInfo(), { readOnly: false, canTradeSpot: true, canWithdraw: false, ips: ['127.0.0.1'] });
  t.same(await bn.cancelAll('BTCUSDT'), [], 'nothing open: -2011 is an empty list');
  t.same(await bb.cancelAll('BTCUSDT'), []);
  t.same(await bn.openOrders(), []);
  t.equal((await bn.orderByClientId('BTCUSDT', 'xdeadbeef-1'))?.status, 'FILLED');
  t.equal(await bn.orderByClientId('BTCUSDT', 'nope-1'), null);
  t.ok(answers.some(([p, a]) => p === '/api/v3/account' && a.headers['x-mbx-used-weight-1m'] !== undefined));
  t.ok(answers.some(([p, a]) => p.startsWith('/v5/') && a.headers['x-bapi-limit-status'] !== undefined));
  await t.rejects(new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, apiKey: SIM_KEYS.binance.apiKey, secretKey: 'bad', recvWindowMs: 1000,
    venueNowMs: Date.now, timeoutMs: 1000 }).account(), { code: -1022 });
});

t.test('history longer than a page: myTrades (fromId), allOrders (orderId), /v5/execution/list and /v5/order/history (cursor) read to the end, each row once', async (t) => {
  const start = Date.now() - 1000;
  const N = 7;
  for (let i = 0; i < N; i++) {
    const b = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: i % 2 === 0 ? 'BUY' : 'SELL', type: 'LIMIT',
      timeInForce: 'IOC', quantity: '0.01', price: px(0, i % 2 === 0).toFixed(2), newClientOrderId: `xpage-${i}` }, SIM_KEYS.binance);
    t.equal(b.body.status, 'FILLED');
    const y = await bybitPost(sim.bybitUrl.rest, '/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: i % 2 === 0 ? 'Buy' : 'Sell',
      orderType: 'Limit', qty: '0.01', price: px(1, i % 2 === 0).toFixed(1), timeInForce: 'IOC', orderLinkId: `xpage-${i}` }, SIM_KEYS.bybit);
    t.equal(y.body.retCode, 0);
  }
  const asked = new Map<string, number>();
  const common = { recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000, pageLimit: 2,
    onAnswer: (path: string) => asked.set(path, (asked.get(path) ?? 0) + 1) };
  const bnPaged = new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, ...SIM_KEYS.binance, ...common });
  const bbPaged = new BybitAccountRest({ baseUrl: sim.bybitUrl.rest, ...SIM_KEYS.bybit, ...common });
  t.teardown(async () => {
    await bnPaged.close();
    await bbPaged.close();
  });
  const venueTrades = (v: 'binance' | 'bybit', apiKey: string) =>
    sim.orderEntry.venues[v].ledger.tradesFor(apiKey, 'BTCUSDT', Infinity).filter((tr) => tr.order.clientOrderId.startsWith('xpage-'));

  const bnFills = (await bnPaged.fillsSince('BTCUSDT', start)).fills.filter((f) => f.clientOrderId.startsWith('xpage-'));
  const bnWant = venueTrades('binance', SIM_KEYS.binance.apiKey);
  t.ok(bnWant.length >= N && bnWant.length > 2, `more fills (${bnWant.length}) than a page (2)`);
  t.equal(bnFills.length, bnWant.length, 'every Binance fill, each with its client id (allOrders read to the end too)');
  t.equal(new Set(bnFills.map((f) => f.tradeId)).size, bnFills.length, 'none twice');
  t.ok((asked.get('/api/v3/myTrades') ?? 0) >= Math.ceil(bnWant.length / 2), `myTrades read page by page (${asked.get('/api/v3/myTrades')} pages of 2)`);
  t.equal((await bnPaged.allOrders('BTCUSDT', start)).filter((o) => o.clientOrderId.startsWith('xpage-')).length, N);

  const bbFills = (await bbPaged.fillsSince('BTCUSDT', start)).fills.filter((f) => f.clientOrderId.startsWith('xpage-'));
  const bbWant = venueTrades('bybit', SIM_KEYS.bybit.apiKey);
  t.ok(bbWant.length >= N);
  t.equal(bbFills.length, bbWant.length, 'every Bybit execution');
  t.equal(new Set(bbFills.map((f) => f.tradeId)).size, bbFills.length, 'none twice');
  t.ok((asked.get('/v5/execution/list') ?? 0) >= Math.ceil(bbWant.length / 2), `the execution list read cursor by cursor (${asked.get('/v5/execution/list')} pages of 2)`);
  t.equal((await bbPaged.orderHistory('BTCUSDT', start)).filter((o) => o.clientOrderId.startsWith('xpage-')).length, N);
  // The unpaged clients (one page of the venue's maximum) agree.
  t.equal((await bb.fillsSince('BTCUSDT', start)).fills.filter((f) => f.clientOrderId.startsWith('xpage-')).length, bbWant.length);
});

t.test('a bounded window (review F3): fills and orders between startTime and endTime only, read page by page, none after the end', async (t) => {
  const place = async (id: string, i: number): Promise<void> => {
    const b = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: i % 2 === 0 ? 'BUY' : 'SELL', type: 'LIMIT',
      timeInForce: 'IOC', quantity: '0.01', price: px(0, i % 2 === 0).toFixed(2), newClientOrderId: id }, SIM_KEYS.binance);
    t.equal(b.body.status, 'FILLED');
    const y = await bybitPost(sim.bybitUrl.rest, '/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: i % 2 === 0 ? 'Buy' : 'Sell',
      orderType: 'Limit', qty: '0.01', price: px(1, i % 2 === 0).toFixed(1), timeInForce: 'IOC', orderLinkId: id }, SIM_KEYS.bybit);
    t.equal(y.body.retCode, 0);
  };
  const start = Date.now() - 1000;
  for (let i = 0; i < 5; i++) await place(`xwin-in-${i}`, i);
  await new Promise((r) => setTimeout(r, 20));
  const end = Date.now();
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 5; i++) await place(`xwin-out-${i}`, i);
  const common = { recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000, pageLimit: 2 };
  const bnPaged = new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, ...SIM_KEYS.binance, ...common });
  const bbPaged = new BybitAccountRest({ baseUrl: sim.bybitUrl.rest, ...SIM_KEYS.bybit, ...common });
  t.teardown(async () => {
    await bnPaged.close();
    await bbPaged.close();
  });
  const ours = (ids: readonly string[]) => ids.filter((c) => c.startsWith('xwin-'));
  const bn = await bnPaged.fillsSince('BTCUSDT', start, end);
  t.ok(ours(bn.fills.map((f) => f.clientOrderId)).length >= 5, 'the window\'s Binance fills');
  t.same(ours(bn.fills.map((f) => f.clientOrderId)).filter((c) => c.startsWith('xwin-out')), [], 'none after endTime, though later pages (by fromId) have them');
  t.same(ours(bn.orders.map((o) => o.clientOrderId)).filter((c) => c.startsWith('xwin-out')), [], 'nor orders (allOrders by orderId)');
  t.equal(ours(bn.orders.map((o) => o.clientOrderId)).length, 5);
  const bb = await bbPaged.fillsSince('BTCUSDT', start, end);
  t.ok(ours(bb.fills.map((f) => f.clientOrderId)).length >= 5, 'the window\'s Bybit executions');
  t.same(ours(bb.fills.map((f) => f.clientOrderId)).filter((c) => c.startsWith('xwin-out')), []);
  t.same(ours((await bbPaged.orderHistory('BTCUSDT', start, end)).map((o) => o.clientOrderId)).filter((c) => c.startsWith('xwin-out')), []);
});
