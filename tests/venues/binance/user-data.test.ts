/**
 * Binance user-data parsing: the documented executionReport / outboundAccountPosition /
 * balanceUpdate shapes (bare and in the WS API wrapper), what the simulator sends, the FULL
 * order answer's fills (doc example fixture) and myTrades rows become typed events and fills;
 * malformed messages are reasons, never throws.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VENUE_FIXTURES } from '../../helpers/paths.js';
import { fillFromExecutionReport, fillFromMyTrade, fillsFromOrderAnswer, parseBinanceUserData } from '../../../src/venues/binance/user-data.js';
import { executionReports } from '../../../src/sim/user-data-binance.js';
import { MatchResult, type SimOrder } from '../../../src/sim/order-entry-book.js';
import type { SimTrade } from '../../../src/sim/account-ledger.js';

const docs = JSON.parse(readFileSync(path.join(VENUE_FIXTURES, 'order_responses_doc_examples.json'), 'utf8'));

// The documentation's executionReport example (user-data-stream.md), a TRADE variant.
const DOC_TRADE = {
  e: 'executionReport', E: 1499405658658, s: 'ETHBTC', c: 'mUvoqJxFIILMdfAW5iGSOW', S: 'BUY', o: 'LIMIT', f: 'GTC', q: '1.00000000',
  p: '0.10264410', P: '0.00000000', F: '0.00000000', g: -1, C: '', x: 'TRADE', X: 'PARTIALLY_FILLED', r: 'NONE', i: 4293153,
  l: '0.40000000', z: '0.40000000', L: '0.10264410', n: '0.00030000', N: 'BNB', T: 1499405658657, t: 77, v: 3, I: 8641984, w: false,
  m: false, M: true, O: 1499405658657, Z: '0.04105764', Y: '0.04105764', Q: '0.00000000', W: 1499405658657, V: 'NONE',
};

t.test('a TRADE executionReport, bare or wrapped, gives one fill with its commission asset', async (t) => {
  for (const msg of [DOC_TRADE, { subscriptionId: 0, event: DOC_TRADE }, JSON.stringify({ subscriptionId: 3, event: DOC_TRADE })]) {
    const r = parseBinanceUserData(msg);
    t.ok(r.ok);
    if (!r.ok || r.value.kind !== 'executionReport') continue;
    t.equal(r.value.status, 'PARTIALLY_FILLED');
    const f = fillFromExecutionReport(r.value)!;
    t.same({ ...f }, {
      venue: 'binance', symbol: 'ETHBTC', tradeId: '77', orderId: '4293153', clientOrderId: 'mUvoqJxFIILMdfAW5iGSOW', side: 'buy',
      price: 0.1026441, qty: 0.4, quoteQty: 0.04105764, fee: 0.0003, feeAsset: 'BNB', timeMs: 1499405658657, source: 'stream',
    });
  }
});

t.test('a NEW executionReport is no fill; account position and balance update parse', async (t) => {
  const r = parseBinanceUserData({ ...DOC_TRADE, x: 'NEW', X: 'NEW', t: -1, l: '0', L: '0', n: '0', N: null });
  t.ok(r.ok && r.value.kind === 'executionReport' && fillFromExecutionReport(r.value) === null);
  const pos = parseBinanceUserData({ e: 'outboundAccountPosition', E: 1564034571105, u: 1564034571073, B: [{ a: 'ETH', f: '10000.000000', l: '0.000000' }] });
  t.same(pos, { ok: true, value: { kind: 'outboundAccountPosition', eventMs: 1564034571105, lastUpdateMs: 1564034571073, balances: [{ asset: 'ETH', free: 10000, locked: 0 }] } });
  const bu = parseBinanceUserData({ e: 'balanceUpdate', E: 1573200697110, a: 'BTC', d: '100.00000000', T: 1573200697068 });
  t.same(bu, { ok: true, value: { kind: 'balanceUpdate', eventMs: 1573200697110, asset: 'BTC', delta: 100, clearTimeMs: 1573200697068 } });
  t.same(parseBinanceUserData({ e: 'listStatus' }), { ok: true, value: { kind: 'other', type: 'listStatus' } });
});

t.test('malformed messages are reasons, not throws', async (t) => {
  t.same(parseBinanceUserData('{"e":'), { ok: false, error: 'not JSON' });
  t.same(parseBinanceUserData('[1]'), { ok: false, error: 'not a JSON object' });
  t.same(parseBinanceUserData({ x: 1 }), { ok: false, error: 'no event type "e"' });
  t.match(parseBinanceUserData({ ...DOC_TRADE, t: -1 }), { ok: false, error: /trade id/ });
  t.match(parseBinanceUserData({ ...DOC_TRADE, S: 'UP' }), { ok: false, error: /side/ });
  t.match(parseBinanceUserData({ ...DOC_TRADE, n: 'x' }), { ok: false, error: /commission/ });
  t.match(parseBinanceUserData({ e: 'outboundAccountPosition', B: [{ a: 'X', f: 'nope', l: '0' }] }), { ok: false });
});

t.test('the FULL order answer (doc example) gives its fills with trade ids and commission assets', async (t) => {
  const r = fillsFromOrderAnswer(docs.binance_spot_rest_post_api_v3_order.FULL);
  t.ok(r.ok);
  if (!r.ok) return;
  t.same(r.value.map((f) => f.tradeId), docs.binance_spot_rest_post_api_v3_order.FULL.fills.map((f: any) => String(f.tradeId)));
  t.equal(r.value[0]!.fee, 4);
  t.equal(r.value[0]!.feeAsset, 'USDT');
  t.equal(r.value[0]!.side, 'sell');
  t.same(fillsFromOrderAnswer(docs.binance_spot_rest_post_api_v3_order.ACK), { ok: true, value: [] }, 'ACK: no fills');
});

t.test('a myTrades row is a gap-fill fill under the client id the caller maps', async (t) => {
  const row = { symbol: 'BNBBTC', id: 28457, orderId: 100234, orderListId: -1, price: '4.00000100', qty: '12.00000000', quoteQty: '48.000012',
    commission: '10.10000000', commissionAsset: 'BNB', time: 1499865549590, isBuyer: true, isMaker: false, isBestMatch: true };
  const r = fillFromMyTrade(row, 'xab-7');
  t.ok(r.ok);
  if (r.ok) t.match(r.value, { tradeId: '28457', orderId: '100234', clientOrderId: 'xab-7', side: 'buy', fee: 10.1, feeAsset: 'BNB', source: 'gapfill' });
});

t.test('what the simulator sends parses back to the same fills', async (t) => {
  const fills = new MatchResult();
  fills.priceTicks.push(6000000, 6000010);
  fills.lots.push(300, 200);
  const o: SimOrder = { orderId: 9, clientOrderId: 'x1-1', apiKey: 'k', symbol: 'BTCUSDT', isBuy: true, tif: 'IOC', priceText: '60001.00',
    qtyText: '0.00600', priceTicks: 6000100, lots: 600, filledLots: 500, notionalUnits: 0, fee: 0, status: 'EXPIRED', createdMs: 1000, fills };
  const trades: SimTrade[] = [0, 1].map((i) => ({ tradeId: 50 + i, order: o, priceTicks: fills.priceTicks[i]!, lots: fills.lots[i]!, tickDecimals: 2,
    stepDecimals: 5, price: fills.priceTicks[i]! / 100, qty: fills.lots[i]! / 1e5, quoteQty: (fills.priceTicks[i]! / 100) * (fills.lots[i]! / 1e5),
    commission: 0.000003, commissionAsset: 'BTC', time: 1000 }));
  const events = executionReports(o, trades, 2, 5, 1001);
  const parsed = events.map((e) => parseBinanceUserData(e));
  t.ok(parsed.every((p) => p.ok));
  const kinds = parsed.map((p) => (p.ok && p.value.kind === 'executionReport' ? `${p.value.execType}/${p.value.status}` : '?'));
  t.same(kinds, ['NEW/NEW', 'TRADE/PARTIALLY_FILLED', 'TRADE/PARTIALLY_FILLED', 'EXPIRED/EXPIRED'], 'IOC remainder expires');
  const got = parsed.map((p) => (p.ok && p.value.kind === 'executionReport' ? fillFromExecutionReport(p.value) : null)).filter((f) => f !== null);
  t.same(got.map((f) => [f!.tradeId, f!.qty, f!.price, f!.feeAsset]), [['50', 0.003, 60000, 'BTC'], ['51', 0.002, 60000.1, 'BTC']]);
});
