/**
 * Order request building and answer mapping, against the venues' documentation: the Binance
 * REST signing example, the doc example responses (order_responses_doc_examples.json), and a
 * real Bybit private order row (bybit_private_order_execution_linear.jsonl).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VENUE_FIXTURES } from '../../helpers/paths.js';
import { binanceSignedRequest, buildBinanceNewOrder, buildBinanceQueryOrder, classifyBinanceAnswer, mapBinanceOrder, BN_BAD, BN_OK,
  BN_RATE_LIMITED, BN_REJECTED, BN_UNKNOWN } from '../../../src/execution/live/binance-order.js';
import { buildBybitCreate, buildBybitQuery, bybitCreateOrderId, classifyBybitAnswer, mapBybitOrderRow, BB_OK, BB_RATE_LIMITED,
  BB_REJECTED, BB_UNKNOWN } from '../../../src/execution/live/bybit-order.js';
import { formatDecimal, formatFloorToStep, formatNearestStep, decimalsOf } from '../../../src/execution/live/decimal.js';
import { bybitRestSignature } from '../../../src/venues/bybit/sign.js';
import { ASSET_BASE, ASSET_QUOTE, ST_ACKED, ST_CANCELED, ST_FILLED, ST_REJECTED } from '../../../src/core/records.js';
import { UPD_ACK, UPD_FINAL, type LiveOrder } from '../../../src/execution/live/order-types.js';

const docs = JSON.parse(readFileSync(path.join(VENUE_FIXTURES, 'order_responses_doc_examples.json'), 'utf8'));
const vectors = JSON.parse(readFileSync(path.join(VENUE_FIXTURES, 'signing_vectors.json'), 'utf8')) as Array<Record<string, string>>;
const restVector = vectors.find((v) => v.api === 'spot REST POST /api/v3/order')!;
const creds = { apiKey: restVector.api_key!, secretKey: restVector.secret! };

const order: LiveOrder = { orderId: 7, clientOrderId: 'xabc-7', symbol: 'BTCUSDT', side: 'BUY', price: '60000.1', qty: '0.3' };

t.test('decimals: snapped to tick and step, written without float residue', async (t) => {
  t.equal(formatDecimal(0.1 + 0.2, 8), '0.3');
  t.equal(formatNearestStep(60000.10000000001, 0.01), '60000.1');
  t.equal(formatNearestStep(100.01 / 1, 0.01), '100.01');
  t.equal(formatFloorToStep(0.30000000000000004, 0.00001), '0.3');
  t.equal(formatFloorToStep(0.123456789, 0.00001), '0.12345', 'quantities are floored to the step');
  t.equal(formatFloorToStep(3 * 0.1, 0.1), '0.3');
  t.equal(formatNearestStep(5, 1), '5');
  t.equal(decimalsOf(0.00001), 5);
  t.equal(decimalsOf(1e-7), 7);
  t.throws(() => formatDecimal(-1, 2), /cannot format/);
});

t.test('Binance: the REST signing example of the docs gives c8db5682…', async (t) => {
  const params = { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '0.1', recvWindow: 5000, timestamp: 1499827319559 };
  const post = binanceSignedRequest('POST', '/api/v3/order', params, creds);
  t.equal(post.body, `${restVector.payload_to_sign}&signature=${restVector.expected_signature}`, 'signature appended to the body it signs');
  t.equal(restVector.expected_signature, 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
  t.equal(post.headers['X-MBX-APIKEY'], creds.apiKey);
  t.equal(post.headers['Content-Type'], 'application/x-www-form-urlencoded');
  const get = binanceSignedRequest('GET', '/api/v3/order', params, creds);
  t.equal(get.pathAndQuery, `/api/v3/order?${restVector.payload_to_sign}&signature=${restVector.expected_signature}`, 'GET signs the query the same way');
  t.equal(get.body, null);
});

t.test('Binance: a LIMIT IOC order asks for the FULL response with its client id', async (t) => {
  const r = buildBinanceNewOrder(order, creds, 5000, 1700000000000);
  t.equal(r.method, 'POST');
  t.equal(r.pathAndQuery, '/api/v3/order');
  t.match(r.body!, /^symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0\.3&price=60000\.1&newClientOrderId=xabc-7&newOrderRespType=FULL&recvWindow=5000&timestamp=1700000000000&signature=[0-9a-f]{64}$/);
  const q = buildBinanceQueryOrder('BTCUSDT', 'xabc-7', creds, 5000, 1700000000000);
  t.match(q.pathAndQuery, /^\/api\/v3\/order\?symbol=BTCUSDT&origClientOrderId=xabc-7&recvWindow=5000&timestamp=1700000000000&signature=[0-9a-f]{64}$/);
  t.notOk(JSON.stringify(r).includes(creds.secretKey), 'the secret never appears in a request');
});

t.test('Binance: the doc FULL response maps to one final fill with summed commissions', async (t) => {
  const full = docs.binance_spot_rest_post_api_v3_order.FULL;
  t.equal(classifyBinanceAnswer(200, full), BN_OK);
  const { update, feeOtherAsset } = mapBinanceOrder(full, 'SELL', 0.001);
  t.equal(update.kind, UPD_FINAL);
  t.equal(update.status, ST_FILLED);
  t.equal(update.cumQty, 10);
  t.equal(update.avgPx, 1, 'cummulativeQuoteQty / executedQty');
  t.ok(Math.abs(update.cumFee - (4 + 19.995 + 7.996 + 3.997 + 3.995)) < 1e-9, 'fills commissions summed (USDT on a sell)');
  t.equal(update.feeAsset, ASSET_QUOTE);
  t.equal(update.venueOrderId, '28');
  t.notOk(feeOtherAsset);
  const onBuy = mapBinanceOrder(full, 'BUY', 0.001);
  t.ok(onBuy.feeOtherAsset, 'a USDT commission on a buy is not in the received asset: flagged');
  t.equal(onBuy.update.feeAsset, ASSET_QUOTE, 'booked in quote, not dropped');
  t.ok(Math.abs(onBuy.update.cumFee - (4 + 19.995 + 7.996 + 3.997 + 3.995)) < 1e-9);
  const bnbFills = full.fills.map((f: Record<string, unknown>) => ({ ...f, commission: '0.001', commissionAsset: 'BNB' }));
  const bnb = mapBinanceOrder({ ...full, fills: bnbFills }, 'BUY', 0.001, (a) => (a === 'BNB' ? 600 : undefined));
  t.ok(bnb.feeOtherAsset);
  t.equal(bnb.update.feeAsset, ASSET_QUOTE);
  t.ok(Math.abs(bnb.update.cumFee - bnbFills.length * 0.001 * 600) < 1e-9, 'BNB commission at the configured BNB price, in quote');
  const noRate = mapBinanceOrder({ ...full, fills: bnbFills }, 'BUY', 0.001);
  const notional = bnbFills.reduce((a: number, f: Record<string, string>) => a + Number(f.price) * Number(f.qty), 0);
  t.ok(noRate.update.cumFee > 0 && Math.abs(noRate.update.cumFee - notional * 0.001) < 1e-9, 'no BNB price: estimated at the taker rate on the notional, never 0');
});

t.test('Binance: RESULT and query answers (no fills) estimate the fee; EXPIRED is an IOC remainder', async (t) => {
  const result = { ...docs.binance_spot_rest_post_api_v3_order.RESULT, status: 'EXPIRED', executedQty: '4.00000000', cummulativeQuoteQty: '8.00000000' };
  const { update } = mapBinanceOrder(result, 'BUY', 0.001);
  t.equal(update.status, ST_CANCELED);
  t.equal(update.cumQty, 4);
  t.equal(update.avgPx, 2);
  t.ok(Math.abs(update.cumFee - 0.004) < 1e-12, 'taker rate on the received base');
  t.equal(update.feeAsset, ASSET_BASE);
  const ws = docs.binance_ws_api_order_place_response_example.result;
  const n = mapBinanceOrder(ws, 'BUY', 0.001).update;
  t.equal(n.kind, UPD_ACK, 'NEW is not final');
  t.equal(n.status, ST_ACKED);
});

t.test('Binance: errors classify by HTTP status and venue code', async (t) => {
  t.equal(classifyBinanceAnswer(400, docs.binance_error_payload_example), BN_REJECTED, '{code:-1121} rejects');
  t.equal(classifyBinanceAnswer(400, { code: -2010, msg: 'Account has insufficient balance for requested action.' }), BN_REJECTED);
  t.equal(classifyBinanceAnswer(503, null), BN_UNKNOWN, '5xx: status unknown');
  t.equal(classifyBinanceAnswer(400, { code: -1007, msg: 'Timeout waiting for response from backend server.' }), BN_UNKNOWN, '-1007: status unknown');
  t.equal(classifyBinanceAnswer(429, { code: -1003, msg: 'Too many requests' }), BN_RATE_LIMITED);
  t.equal(classifyBinanceAnswer(418, null), BN_RATE_LIMITED);
  t.equal(classifyBinanceAnswer(400, null), BN_BAD);
});

t.test('Bybit: create body is the exact signed string; headers carry X-BAPI-*', async (t) => {
  const r = buildBybitCreate(order, { apiKey: 'K', secretKey: 'S' }, 5000, 1700000000000);
  t.equal(r.body, '{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.3","price":"60000.1","timeInForce":"IOC","orderLinkId":"xabc-7","isLeverage":0}');
  t.equal(r.headers['X-BAPI-API-KEY'], 'K');
  t.equal(r.headers['X-BAPI-TIMESTAMP'], '1700000000000');
  t.equal(r.headers['X-BAPI-RECV-WINDOW'], '5000');
  t.equal(r.headers['X-BAPI-SIGN'], bybitRestSignature('S', 1700000000000, 'K', 5000, r.body!), 'sign string = timestamp + apiKey + recvWindow + body');
  const q = buildBybitQuery('xabc-7', { apiKey: 'K', secretKey: 'S' }, 5000, 1700000000000);
  t.equal(q.pathAndQuery, '/v5/order/realtime?category=spot&orderLinkId=xabc-7');
  t.equal(q.headers['X-BAPI-SIGN'], bybitRestSignature('S', 1700000000000, 'K', 5000, 'category=spot&orderLinkId=xabc-7'), 'GET signs the query string');
});

t.test('Bybit: the doc create answer is an ack; retCodes classify', async (t) => {
  const ack = docs.bybit_rest_post_v5_order_create_response;
  t.equal(classifyBybitAnswer(200, ack), BB_OK);
  t.equal(bybitCreateOrderId(ack), '1321003749386327552');
  t.equal(classifyBybitAnswer(200, { retCode: 170131, retMsg: 'Insufficient balance.' }), BB_REJECTED);
  t.equal(classifyBybitAnswer(200, { retCode: 10004, retMsg: 'error sign!' }), BB_REJECTED);
  t.equal(classifyBybitAnswer(200, { retCode: 10006, retMsg: 'Too many visits!' }), BB_RATE_LIMITED);
  t.equal(classifyBybitAnswer(429, null), BB_RATE_LIMITED);
  t.equal(classifyBybitAnswer(200, { retCode: 10016, retMsg: 'Internal error.' }), BB_UNKNOWN);
  t.equal(classifyBybitAnswer(502, null), BB_UNKNOWN);
});

t.test('Bybit: a real filled order row maps to a final fill', async (t) => {
  const lines = readFileSync(path.join(VENUE_FIXTURES, 'bybit_private_order_execution_linear.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const row = lines.find((l) => l.topic === 'order').data[0];
  const u = mapBybitOrderRow(row, 'SELL');
  t.equal(u.kind, UPD_FINAL);
  t.equal(u.status, ST_FILLED);
  t.equal(u.cumQty, 0.001);
  t.equal(u.avgPx, 41562);
  t.equal(u.cumFee, 0.0228591);
  t.equal(u.feeAsset, ASSET_QUOTE);
  t.equal(mapBybitOrderRow({ ...row, orderStatus: 'PartiallyFilledCanceled' }, 'BUY').status, ST_CANCELED, 'IOC remainder canceled, fill kept');
  t.equal(mapBybitOrderRow({ ...row, orderStatus: 'Cancelled', cumExecQty: '0', avgPrice: '' }, 'BUY').cumQty, 0);
  t.equal(mapBybitOrderRow({ ...row, orderStatus: 'Rejected' }, 'BUY').status, ST_REJECTED);
  t.equal(mapBybitOrderRow({ ...row, orderStatus: 'New' }, 'BUY').kind, UPD_ACK);
});
