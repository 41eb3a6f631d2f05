/**
 * The simulator as a venue that remembers: orders, trades and balances are queryable with the
 * venues' account endpoints and shapes (signed, with usage headers); the same trade ids reach
 * the order answer, myTrades / execution list and the private streams; BNB commission;
 * order-entry faults (lost, late, 5xx, timeout, invisible, storm, 403) leave the venue's
 * memory consistent; balance drift is announced; a state file survives a simulator restart.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { binance, bybitGet, bybitPost, fault } from './signed-rest.js';
import { PrivateStreamHub } from '../../src/sim/private-stream-hub.js';

const BNB_KEY = { apiKey: 'bnbPayerKey', secretKey: 'bnbPayerSecret' };
const WITHDRAW_KEY = { apiKey: 'withdrawKey', secretKey: 'withdrawSecret' };

let sim: SimHandle;
t.before(async () => {
  sim = await startSimulator({
    seed: 5, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0,
    orderEntry: {
      accounts: [{ venue: 'binance', ...BNB_KEY, balances: { quote: 100_000, base: 10 } }, { venue: 'bybit', ...WITHDRAW_KEY }],
      bnbFeeKeys: [BNB_KEY.apiKey], bnbPriceQuote: 500, canWithdrawKeys: [WITHDRAW_KEY.apiKey],
    },
  });
});
t.teardown(() => sim.stop());

const ask = (venue: 0 | 1): number => {
  const b = sim.generator.book(venue, 0);
  return b.asks.best() * b.tickUnit;
};
let seq = 0;
const buyBinance = (clientId: string, creds = SIM_KEYS.binance, qty = '0.01') => binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', {
  symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: qty, price: (ask(0) * 1.01).toFixed(2),
  newClientOrderId: clientId, newOrderRespType: 'FULL',
}, creds);
const buyBybit = (linkId: string, creds = SIM_KEYS.bybit) => bybitPost(sim.bybitUrl.rest, '/v5/order/create', {
  category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: (ask(1) * 1.01).toFixed(1), timeInForce: 'IOC',
  orderLinkId: linkId,
}, creds);

t.test('Binance: one trade id from the order answer to myTrades, allOrders and the user-data stream', async (t) => {
  const events: any[] = [];
  const sub = sim.orderEntry.venues.binance.hub.subscribe(SIM_KEYS.binance.apiKey, null, (text) => events.push(JSON.parse(text)), () => undefined);
  const id = `mem-${++seq}`;
  const r = await buyBinance(id);
  t.equal(r.status, 200);
  t.match(r.headers.get('x-mbx-used-weight-1m'), /^\d+$/, 'weight header');
  t.equal(r.headers.get('x-mbx-order-count-10s'), '1', 'order count header');
  t.ok(Number(r.headers.get('x-mbx-order-count-1d')) >= 1);
  const fills = r.body.fills as Array<{ tradeId: number; commission: string; commissionAsset: string }>;
  t.ok(fills.length > 0);
  const trades = await binance(sim.binanceUrl.rest, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', orderId: r.body.orderId }, SIM_KEYS.binance);
  t.same(trades.body.map((x: any) => x.id), fills.map((f) => f.tradeId), 'myTrades ids = the FULL answer tradeIds');
  t.same(Object.keys(trades.body[0]), ['symbol', 'id', 'orderId', 'orderListId', 'price', 'qty', 'quoteQty', 'commission', 'commissionAsset',
    'time', 'isBuyer', 'isMaker', 'isBestMatch'], 'myTrades row fields as documented');
  const all = await binance(sim.binanceUrl.rest, 'GET', '/api/v3/allOrders', { symbol: 'BTCUSDT' }, SIM_KEYS.binance);
  t.ok(all.body.some((o: any) => o.clientOrderId === id && o.status === 'FILLED'), 'allOrders knows the order by client id');
  const reports = events.map((e) => e.event).filter((e) => e.e === 'executionReport' && e.c === id);
  t.same(reports.map((e) => e.x), ['NEW', ...fills.map(() => 'TRADE')], 'NEW then one TRADE per fill');
  t.same(reports.filter((e) => e.x === 'TRADE').map((e) => e.t), fills.map((f) => f.tradeId), 'stream trade ids match');
  t.equal(reports.at(-1).X, 'FILLED');
  t.ok(events.every((e) => e.subscriptionId === sub.id), 'WS API wrapper {subscriptionId, event}');
  t.ok(events.some((e) => e.event.e === 'outboundAccountPosition'), 'account position after the order');
  sim.orderEntry.venues.binance.hub.unsubscribe(sub.id);
});

t.test('Binance: account, openOrders, cancel-all and commission endpoints', async (t) => {
  const acc = await binance(sim.binanceUrl.rest, 'GET', '/api/v3/account', {}, SIM_KEYS.binance);
  t.equal(acc.status, 200);
  t.equal(acc.body.canTrade, true);
  t.equal(acc.body.canWithdraw, false);
  t.ok(acc.body.balances.some((b: any) => b.asset === 'USDT' && Number(b.free) < 1_000_000), 'balances moved by the earlier buy');
  const open = await binance(sim.binanceUrl.rest, 'GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' }, SIM_KEYS.binance);
  t.same(open.body, [], 'IOC orders never rest');
  const cancel = await binance(sim.binanceUrl.rest, 'DELETE', '/api/v3/openOrders', { symbol: 'BTCUSDT' }, SIM_KEYS.binance);
  t.same(cancel.body, { code: -2011, msg: 'Unknown order sent.' }, 'cancel-all with nothing open');
  const com = await binance(sim.binanceUrl.rest, 'GET', '/api/v3/account/commission', { symbol: 'BTCUSDT' }, SIM_KEYS.binance);
  t.equal(com.body.standardCommission.taker, '0.00100000');
  t.equal(com.body.discount.discountAsset, 'BNB');
  const bad = await binance(sim.binanceUrl.rest, 'GET', '/api/v3/account', {}, { ...SIM_KEYS.binance, secretKey: 'wrong' });
  t.equal(bad.body.code, -1022, 'signature checked');
});

t.test('Binance: a BNB payer is charged 75 % of the fee in BNB at the configured price', async (t) => {
  await binance(sim.binanceUrl.rest, 'GET', '/api/v3/account', {}, BNB_KEY);
  const acct = sim.orderEntry.accounts.binance.get(BNB_KEY.apiKey)!;
  acct.free.set('BNB', 1);
  const r = await buyBinance(`bnb-${++seq}`, BNB_KEY);
  t.equal(r.status, 200);
  const f = r.body.fills[0];
  t.equal(f.commissionAsset, 'BNB');
  const expected = (Number(f.price) * Number(f.qty) * 0.001 * 0.75) / 500;
  t.ok(Math.abs(Number(f.commission) - expected) < 1e-8, `commission ${f.commission} ≈ ${expected}`);
  t.ok(acct.balance('BNB', false) < 1, 'BNB paid');
  t.equal(acct.balance('BTC', false), 10 + Number(r.body.executedQty), 'the whole bought quantity arrives (no fee taken in BTC)');
});

t.test('Binance faults: lost, late, 5xx, timeout and invisible orders are still in the venue memory', async (t) => {
  const base = sim.binanceUrl.rest;
  t.equal((await fault(base, { kind: 'order_lost', venue: 'binance' })).status, 200);
  const lostId = `lost-${++seq}`;
  await t.rejects(buyBinance(lostId), 'connection closed without an answer');
  const q = await binance(base, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: lostId }, SIM_KEYS.binance);
  t.equal(q.body.status, 'FILLED', 'the lost answer\'s order executed');

  await fault(base, { kind: 'order_timeout', venue: 'binance' });
  const to = await buyBinance(`to-${++seq}`);
  t.equal(to.status, 408);
  t.equal(to.body.code, -1007);
  t.equal((await binance(base, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: `to-${seq}` }, SIM_KEYS.binance)).body.status, 'FILLED');

  await fault(base, { kind: 'order_5xx', venue: 'binance', execute: false });
  const x = await buyBinance(`5xx-${++seq}`);
  t.equal(x.status, 502);
  t.equal((await binance(base, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: `5xx-${seq}` }, SIM_KEYS.binance)).body.code, -2013,
    'not executed');

  await fault(base, { kind: 'order_slow', venue: 'binance', durationMs: 150 });
  const slowId = `slow-${++seq}`;
  const slow = buyBinance(slowId);
  await new Promise((r) => setTimeout(r, 30));
  t.equal((await binance(base, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: slowId }, SIM_KEYS.binance)).body.status, 'FILLED',
    'executed before its answer left');
  t.equal((await slow).status, 200);

  await fault(base, { kind: 'order_invisible', venue: 'binance', durationMs: 300 });
  const invId = `inv-${++seq}`;
  t.equal((await buyBinance(invId)).status, 200);
  t.equal((await binance(base, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: invId }, SIM_KEYS.binance)).body.code, -2013,
    'not visible yet');
  await new Promise((r) => setTimeout(r, 350));
  t.equal((await binance(base, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: invId }, SIM_KEYS.binance)).body.status, 'FILLED');
});

t.test('Binance: a rate-limit storm answers 429 with Retry-After, then 418 to a client that ignores it', async (t) => {
  const base = sim.binanceUrl.rest;
  await fault(base, { kind: 'rate_storm', venue: 'binance', durationMs: 400, count: 2 });
  const codes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await binance(base, 'GET', '/api/v3/account', {}, SIM_KEYS.binance);
    codes.push(r.status);
    t.ok(Number(r.headers.get('retry-after')) >= 1, 'Retry-After on every refusal');
  }
  t.same(codes, [429, 429, 418, 418]);
  await fault(base, { kind: 'forbidden', venue: 'bybit', durationMs: 200 });
  const f = await bybitGet(sim.bybitUrl.rest, '/v5/account/fee-rate', { category: 'spot' }, SIM_KEYS.bybit);
  t.equal(f.status, 403);
  await new Promise((r) => setTimeout(r, 250)); // let the 403 window pass for the next tests
});

t.test('Bybit: execution list, order history (cumFeeDetail), wallet, fee rate, key permissions, cancel-all, private topics', async (t) => {
  const got: Record<string, any[]> = { order: [], execution: [], wallet: [] };
  const hub = sim.orderEntry.venues.bybit.hub;
  const sub = hub.subscribe(SIM_KEYS.bybit.apiKey, new Set(['order', 'execution', 'wallet']), (text) => {
    const m = JSON.parse(text);
    got[m.topic]!.push(m);
  }, () => undefined);
  const link = `bb-${++seq}`;
  const r = await buyBybit(link);
  t.equal(r.body.retCode, 0);
  t.equal(r.headers.get('x-bapi-limit'), '20');
  const ex = await bybitGet(sim.bybitUrl.rest, '/v5/execution/list', { category: 'spot', orderLinkId: link }, SIM_KEYS.bybit);
  t.ok(ex.body.result.list.length > 0);
  t.ok(ex.headers.get('x-bapi-limit-status') !== null, 'usage headers on queries');
  const row = ex.body.result.list[0];
  for (const k of ['execId', 'execPrice', 'execQty', 'execFee', 'feeCurrency', 'orderLinkId', 'execTime']) t.ok(k in row, `execution has ${k}`);
  t.equal(row.feeCurrency, 'BTC', 'spot fee in the received coin');
  const hist = await bybitGet(sim.bybitUrl.rest, '/v5/order/history', { category: 'spot', orderLinkId: link }, SIM_KEYS.bybit);
  const h = hist.body.result.list[0];
  t.equal(h.orderStatus, 'Filled');
  t.ok(Number(h.cumFeeDetail.BTC) > 0, 'cumFeeDetail per coin');
  t.same(got.execution.flatMap((m) => m.data.map((d: any) => d.execId)), ex.body.result.list.map((x: any) => x.execId).reverse(),
    'stream exec ids = execution list ids');
  t.equal(got.order[0].data[0].orderLinkId, link);
  t.ok(got.wallet.length > 0);
  const w = await bybitGet(sim.bybitUrl.rest, '/v5/account/wallet-balance', { accountType: 'UNIFIED', coin: 'BTC' }, SIM_KEYS.bybit);
  t.equal(w.body.result.list[0].coin[0].coin, 'BTC');
  t.ok(Number(w.body.result.list[0].coin[0].walletBalance) > 100, 'bought BTC is in the wallet');
  const fee = await bybitGet(sim.bybitUrl.rest, '/v5/account/fee-rate', { category: 'spot', symbol: 'BTCUSDT' }, SIM_KEYS.bybit);
  t.same(fee.body.result.list, [{ symbol: 'BTCUSDT', takerFeeRate: '0.001', makerFeeRate: '0.001' }]);
  const perm = await bybitGet(sim.bybitUrl.rest, '/v5/user/query-api', {}, SIM_KEYS.bybit);
  t.same(perm.body.result.permissions.Spot, ['SpotTrade']);
  t.notOk(perm.body.result.permissions.Wallet.includes('Withdraw'));
  const perm2 = await bybitGet(sim.bybitUrl.rest, '/v5/user/query-api', {}, WITHDRAW_KEY);
  t.ok(perm2.body.result.permissions.Wallet.includes('Withdraw'), 'a withdraw-enabled key says so');
  const ca = await bybitPost(sim.bybitUrl.rest, '/v5/order/cancel-all', { category: 'spot', symbol: 'BTCUSDT' }, SIM_KEYS.bybit);
  t.same(ca.body.result, { list: [], success: '1' });
  const badSig = await bybitGet(sim.bybitUrl.rest, '/v5/account/fee-rate', { category: 'spot' }, { ...SIM_KEYS.bybit, secretKey: 'nope' });
  t.equal(badSig.body.retCode, 10004);
  let closed = 0;
  hub.subscribe(SIM_KEYS.bybit.apiKey, null, () => undefined, () => closed++);
  t.equal((await fault(sim.bybitUrl.rest, { kind: 'private_disconnect', venue: 'bybit' })).status, 200);
  t.equal(closed, 1, 'private_disconnect closes the subscribers');
  t.equal(hub.size, 0);
  t.notOk(hub.unsubscribe(sub.id), 'already gone');
});

t.test('Bybit: a lost order answer still leaves the order in history', async (t) => {
  await fault(sim.bybitUrl.rest, { kind: 'order_lost', venue: 'bybit' });
  const link = `bblost-${++seq}`;
  await t.rejects(buyBybit(link));
  const q = await bybitGet(sim.bybitUrl.rest, '/v5/order/realtime', { category: 'spot', orderLinkId: link }, SIM_KEYS.bybit);
  t.equal(q.body.result.list[0].orderStatus, 'Filled');
});

t.test('balance drift: balances move and the streams announce it', async (t) => {
  const events: any[] = [];
  const hub = sim.orderEntry.venues.binance.hub;
  const sub = hub.subscribe(SIM_KEYS.binance.apiKey, null, (text) => events.push(JSON.parse(text).event), () => undefined);
  const before = sim.orderEntry.accounts.binance.get(SIM_KEYS.binance.apiKey)!.balance('USDT', true);
  t.equal((await fault(sim.binanceUrl.rest, { kind: 'balance_drift', venue: 'binance', asset: 'USDT', amount: -250 })).status, 200);
  t.equal(sim.orderEntry.accounts.binance.get(SIM_KEYS.binance.apiKey)!.balance('USDT', true), before - 250);
  t.same(events.find((e) => e.e === 'balanceUpdate'), { e: 'balanceUpdate', E: events[0].E, a: 'USDT', d: '-250.00000000', T: events[0].T });
  const bad = await fault(sim.binanceUrl.rest, { kind: 'balance_drift', venue: 'binance', asset: 'USDT' });
  t.equal(bad.status, 400, 'drift without amount refused');
  hub.unsubscribe(sub.id);
});

t.test('a state file keeps orders, trades and balances across a restart of the simulator', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-simstate-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'state.jsonl');
  const opts = { seed: 9, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0, stateFile: file };
  const a = await startSimulator(opts);
  let first: any;
  let usdt: number;
  try {
    const o = () => ({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: '0.01',
      price: (a.generator.book(0, 0).asks.best() * a.generator.book(0, 0).tickUnit * 1.01).toFixed(2), newClientOrderId: 'keep-1' });
    first = (await binance(a.binanceUrl.rest, 'POST', '/api/v3/order', o(), SIM_KEYS.binance)).body;
    t.equal(first.status, 'FILLED');
    usdt = a.orderEntry.accounts.binance.get(SIM_KEYS.binance.apiKey)!.balance('USDT', true);
  } finally {
    await a.stop();
  }
  const b = await startSimulator(opts);
  try {
    t.same(b.stateReplay, { orders: 1, trades: first.fills.length, balances: 0, skipped: 0 });
    const trades = await binance(b.binanceUrl.rest, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT' }, SIM_KEYS.binance);
    t.same(trades.body.map((x: any) => x.id), first.fills.map((f: any) => f.tradeId), 'trades remembered with their ids');
    const q = await binance(b.binanceUrl.rest, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'keep-1' }, SIM_KEYS.binance);
    t.equal(q.body.orderId, first.orderId);
    t.equal(b.orderEntry.accounts.binance.get(SIM_KEYS.binance.apiKey)!.balance('USDT', true), usdt!, 'balance remembered');
    const dup = await binance(b.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC',
      quantity: '0.01', price: '1000.00', newClientOrderId: 'keep-1' }, SIM_KEYS.binance);
    t.same(dup.body, { code: -2010, msg: 'Duplicate order sent.' }, 'a remembered client id is a duplicate');
    const next = await binance(b.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC',
      quantity: '0.01', price: (b.generator.book(0, 0).asks.best() * b.generator.book(0, 0).tickUnit * 1.01).toFixed(2), newClientOrderId: 'keep-2' }, SIM_KEYS.binance);
    t.ok(next.body.orderId > first.orderId, 'new order ids continue above the remembered ones');
    t.ok(next.body.fills[0].tradeId > first.fills.at(-1).tradeId, 'so do trade ids');
  } finally {
    await b.stop();
  }
});

t.test('private_mute: the private streams stay open and carry nothing for a while, then carry again', async (t) => {
  const hub = new PrivateStreamHub();
  const got: string[] = [];
  hub.subscribe('k', null, (text) => got.push(text), () => undefined);
  let now = 1000;
  hub.mute(1500, () => now);
  t.equal(hub.publish('k', 'order', () => 'during'), 0, 'nothing sent while muted');
  t.equal(hub.muted, 1, 'the dropped payload counted');
  now = 1500;
  t.equal(hub.publish('k', 'order', () => 'after'), 1);
  t.same(got, ['after'], 'the muted event is lost to the stream, the next one arrives');
  t.equal(hub.size, 1, 'the subscription stayed open');
  t.equal((await fault(sim.bybitUrl.rest, { kind: 'private_mute', venue: 'bybit' })).status, 400, 'private_mute needs durationMs');
});
