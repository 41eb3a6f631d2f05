/**
 * Bybit private topics: the real linear order/execution samples, the simulator's spot rows
 * (cumFeeDetail, feeCurrency), wallet messages and op replies parse into typed rows; fees come
 * from execFee/feeCurrency and cumFeeDetail, never cumExecFee; malformed input is a reason.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VENUE_FIXTURES } from '../../helpers/paths.js';
import { fillFromBybitExecution, parseBybitPrivate } from '../../../src/venues/bybit/private-stream.js';
import { executionRows, orderRow } from '../../../src/sim/private-bybit.js';
import { MatchResult, type SimOrder } from '../../../src/sim/order-entry-book.js';
import type { SimTrade } from '../../../src/sim/account-ledger.js';

const lines = readFileSync(path.join(VENUE_FIXTURES, 'bybit_private_order_execution_linear.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');

t.test('the real linear samples: an order row and an execution fill in the settle coin', async (t) => {
  const msgs = lines.map((l) => parseBybitPrivate(l));
  t.ok(msgs.every((m) => m.ok), 'every sample parses');
  const order = msgs.find((m) => m.ok && m.value.topic === 'order');
  const exec = msgs.find((m) => m.ok && m.value.topic === 'execution');
  if (!order?.ok || order.value.topic !== 'order' || !exec?.ok || exec.value.topic !== 'execution') return t.fail('samples missing');
  const o = order.value.rows[0]!;
  t.match(o, { category: 'linear', symbol: 'BTCUSDT', status: 'Filled', side: 'sell', cumExecQty: 0.001, cumExecValue: 41.562, cumFeeDetail: null });
  const e = exec.value.rows[0]!;
  const f = fillFromBybitExecution(e, 'USDT')!;
  t.same({ ...f }, {
    venue: 'bybit', symbol: 'BTCUSDT', tradeId: '2800474f-1e3d-571e-9cc8-46e3bcb82699', orderId: 'e4385ca4-59cf-4ef8-aa34-61b7ad99ae84',
    clientOrderId: 'SkeltonAgentlp9qlB-0001', side: 'buy', price: 41553.9, qty: 0.001, quoteQty: 41.5539, fee: 0.02285465, feeAsset: 'USDT',
    timeMs: 1705761437503, source: 'stream',
  }, 'linear: no feeCurrency, the fee is in the settle coin passed in');
});

t.test('spot rows from the simulator: cumFeeDetail per coin and feeCurrency on executions', async (t) => {
  const fills = new MatchResult();
  fills.priceTicks.push(600000);
  fills.lots.push(1000);
  const o: SimOrder = { orderId: 1, venueOrderId: '1700000000000000001', clientOrderId: 'x2-5', apiKey: 'k', symbol: 'BTCUSDT', isBuy: false,
    tif: 'IOC', priceText: '59990.0', qtyText: '0.010000', priceTicks: 599900, lots: 10000, filledLots: 1000, notionalUnits: 0, fee: 0,
    status: 'PartiallyFilledCanceled', createdMs: 5, fills };
  const trade: SimTrade = { tradeId: 7, order: o, priceTicks: 600000, lots: 1000, tickDecimals: 1, stepDecimals: 6, price: 60000, qty: 0.001,
    quoteQty: 60, commission: 0.06, commissionAsset: 'USDT', time: 5 };
  const orderMsg = parseBybitPrivate({ topic: 'order', id: 'a', creationTime: 6, data: [orderRow(o, [trade], 1, 6, 6)] });
  t.ok(orderMsg.ok && orderMsg.value.topic === 'order');
  if (orderMsg.ok && orderMsg.value.topic === 'order') {
    t.same([...orderMsg.value.rows[0]!.cumFeeDetail!], [['USDT', 0.06]]);
    t.equal(orderMsg.value.rows[0]!.status, 'PartiallyFilledCanceled');
  }
  const execMsg = parseBybitPrivate({ topic: 'execution', id: 'b', creationTime: 6, data: executionRows(o, [trade], 1, 6, 0.001) });
  if (!execMsg.ok || execMsg.value.topic !== 'execution') return t.fail('execution did not parse');
  const f = fillFromBybitExecution(execMsg.value.rows[0]!, 'never-used')!;
  t.match(f, { tradeId: '00000000-0000-5000-8000-000000000007', clientOrderId: 'x2-5', side: 'sell', qty: 0.001, price: 60000, fee: 0.06, feeAsset: 'USDT' });
});

t.test('wallet, op replies, non-trade executions and malformed input', async (t) => {
  const w = parseBybitPrivate({ topic: 'wallet', id: 'w', creationTime: 1, data: [{ accountType: 'UNIFIED', coin: [{ coin: 'USDT', walletBalance: '100.5', locked: '0' }] }] });
  t.same(w, { ok: true, value: { topic: 'wallet', creationTime: 1, coins: [{ coin: 'USDT', walletBalance: 100.5, locked: 0 }] } });
  t.same(parseBybitPrivate({ op: 'auth', success: true }), { ok: true, value: { topic: 'other', name: 'op:auth' } });
  const funding = parseBybitPrivate({ topic: 'execution', data: [{ symbol: 'X', side: 'Buy', execId: 'e', execType: 'Funding', execQty: '1', execPrice: '1', execFee: '0' }] });
  t.ok(funding.ok && funding.value.topic === 'execution' && fillFromBybitExecution(funding.value.rows[0]!, 'USDT') === null, 'only Trade is a fill');
  t.same(parseBybitPrivate('nope'), { ok: false, error: 'not JSON' });
  t.match(parseBybitPrivate({ topic: 'execution', data: {} }), { ok: false, error: /data\[\]/ });
  t.match(parseBybitPrivate({ topic: 'execution', data: [{ symbol: 'X', side: 'Buy', execId: 'e', execType: 'Trade', execQty: '0', execPrice: '1', execFee: '0' }] }),
    { ok: false, error: /execQty/ });
  t.match(parseBybitPrivate({ topic: 'order', data: [{ symbol: 'X', side: 'Up', orderId: '1' }] }), { ok: false, error: /side/ });
  t.match(parseBybitPrivate({ topic: 'order', data: [{ symbol: 'X', side: 'Buy', orderId: '1', cumFeeDetail: { BTC: 'x' } }] }), { ok: false, error: /cumFeeDetail/ });
});
