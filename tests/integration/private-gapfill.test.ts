/**
 * A private-stream disconnect during fills, on the simulator: fills arrive from the order
 * answers and the user-data stream; the stream is cut (private_disconnect) while orders keep
 * filling; after resubscribing, a REST gap-fill (myTrades + allOrders, execution list) for the
 * time it was down brings the missed ones. Every fill the venue has is applied exactly once,
 * whatever source brought it first; BNB commission is accounted at the given rate.
 */
import t from 'tap';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { FillLedger, feeInQuote } from '../../src/execution/fill-ledger.js';
import { fillFromExecutionReport, fillsFromOrderAnswer, parseBinanceUserData } from '../../src/venues/binance/user-data.js';
import { fillFromBybitExecution, parseBybitPrivate } from '../../src/venues/bybit/private-stream.js';
import { BinanceAccountRest } from '../../src/venues/binance/account-rest.js';
import { BybitAccountRest } from '../../src/venues/bybit/account-rest.js';
import { binance, bybitPost, fault } from '../sim/signed-rest.js';

const BNB = { apiKey: 'bnbGapKey', secretKey: 'bnbGapSecret' };
let sim: SimHandle;
t.before(async () => {
  sim = await startSimulator({
    seed: 21, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0,
    orderEntry: { accounts: [{ venue: 'binance', ...BNB }], bnbFeeKeys: [BNB.apiKey], bnbPriceQuote: 600 },
  });
  sim.orderEntry.accounts.binance.get(BNB.apiKey)!.free.set('BNB', 10);
});
t.teardown(() => sim.stop());

const book = (v: 0 | 1) => sim.generator.book(v, 0);
/** A price through the touch (buy above the ask, sell below the bid), in price units. */
const through = (v: 0 | 1, buy: boolean): number => {
  const b = book(v);
  return buy ? b.asks.best() * b.tickUnit * 1.01 : b.bids.best() * b.tickUnit * 0.99;
};

t.test('Binance: stream cut mid-way, gap-filled after; each fill once; BNB fees in quote at the rate', async (t) => {
  const ledger = new FillLedger();
  const hub = sim.orderEntry.venues.binance.hub;
  let streamBad = 0;
  const onText = (text: string): void => {
    const p = parseBinanceUserData(text);
    if (!p.ok) {
      streamBad++;
      return;
    }
    if (p.value.kind === 'executionReport') {
      const f = fillFromExecutionReport(p.value);
      if (f !== null) ledger.apply(f);
    }
  };
  let closed = 0;
  const subscribe = () => hub.subscribe(BNB.apiKey, null, onText, () => closed++);
  subscribe();
  const start = Date.now() - 1000;
  const answersLost: number[] = [];
  const order = async (i: number, dropAnswer: boolean) => {
    const r = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: i % 2 === 0 ? 'BUY' : 'SELL', type: 'LIMIT',
      timeInForce: 'IOC', quantity: '0.01', newClientOrderId: `xfeedface-${i}`,
      price: through(0, i % 2 === 0).toFixed(2) }, BNB);
    t.equal(r.status, 200);
    if (dropAnswer) {
      answersLost.push(i);
      return; // as if the answer never arrived: only the stream or the gap-fill can bring its fills
    }
    const fills = fillsFromOrderAnswer(r.body);
    if (fills.ok) for (const f of fills.value) ledger.apply(f);
  };
  for (let i = 0; i < 4; i++) await order(i, false);
  await fault(sim.binanceUrl.rest, { kind: 'private_disconnect', venue: 'binance' });
  t.equal(closed, 1, 'the stream was cut');
  for (let i = 4; i < 8; i++) await order(i, true); // down: no stream, answers lost
  subscribe(); // reconnect
  for (let i = 8; i < 10; i++) await order(i, false);
  const rest = new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, ...BNB, recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000 });
  try {
    const gap = await rest.fillsSince('BTCUSDT', start);
    for (const f of gap.fills) ledger.apply(f);
    const venueTrades = sim.orderEntry.venues.binance.ledger.tradesFor(BNB.apiKey, 'BTCUSDT', Infinity);
    t.equal(ledger.appliedCount, venueTrades.length, 'every fill the venue has, once');
    t.equal(ledger.counters.invalid, 0);
    t.equal(streamBad, 0);
    t.ok(ledger.counters.duplicates.stream + ledger.counters.duplicates.answer > 0, 'the stream and the answers overlapped');
    t.ok(ledger.counters.applied.gapfill >= 4, 'the orders of the outage came from the gap-fill');
    for (const i of answersLost) t.ok(ledger.totalsByClientId('binance', `xfeedface-${i}`), `order ${i} known despite its lost answer`);
    let feeQuote = 0;
    for (const tr of venueTrades) {
      const totals = ledger.totals('binance', String(tr.order.orderId))!;
      t.ok(totals.fees.has('BNB'), 'commission in BNB');
    }
    for (const tr of venueTrades) {
      feeQuote += feeInQuote({ fee: tr.commission, feeAsset: tr.commissionAsset, price: tr.price }, { base: 'BTC', quote: 'USDT' }, (a) => (a === 'BNB' ? 600 : undefined));
    }
    // The venue charges BNB in whole units of its 8 decimals (taker 0.1 %, 25 % off, BNB at 600).
    const expected = venueTrades.reduce((s, tr) => s + (Math.round((tr.quoteQty * 0.001 * 0.75 / 600) * 1e8) / 1e8) * 600, 0);
    t.ok(Math.abs(feeQuote - expected) < 1e-9, `BNB fees worth ${feeQuote.toFixed(6)} USDT, not 0`);
  } finally {
    await rest.close();
  }
});

t.test('Bybit: execution topic cut, execution list gap-fill; each fill once', async (t) => {
  const ledger = new FillLedger();
  const hub = sim.orderEntry.venues.bybit.hub;
  const onText = (text: string): void => {
    const p = parseBybitPrivate(text);
    if (p.ok && p.value.topic === 'execution') for (const r of p.value.rows) {
      const f = fillFromBybitExecution(r, '');
      if (f !== null) ledger.apply(f);
    }
  };
  const topics = new Set(['order', 'execution', 'wallet']);
  hub.subscribe(SIM_KEYS.bybit.apiKey, topics, onText, () => undefined);
  const start = Date.now() - 1000;
  const create = (i: number) => bybitPost(sim.bybitUrl.rest, '/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: i % 2 === 0 ? 'Buy' : 'Sell',
    orderType: 'Limit', qty: '0.01', timeInForce: 'IOC', orderLinkId: `xfeedface-${i}`,
    price: through(1, i % 2 === 0).toFixed(1) }, SIM_KEYS.bybit);
  for (let i = 0; i < 3; i++) t.equal((await create(i)).body.retCode, 0);
  await fault(sim.bybitUrl.rest, { kind: 'private_disconnect', venue: 'bybit' });
  for (let i = 3; i < 6; i++) t.equal((await create(i)).body.retCode, 0);
  hub.subscribe(SIM_KEYS.bybit.apiKey, topics, onText, () => undefined);
  for (let i = 6; i < 8; i++) t.equal((await create(i)).body.retCode, 0);
  const rest = new BybitAccountRest({ baseUrl: sim.bybitUrl.rest, ...SIM_KEYS.bybit, recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000 });
  try {
    const gap = await rest.fillsSince('BTCUSDT', start);
    t.equal(gap.bad, 0);
    for (const f of gap.fills) ledger.apply(f);
    const venueTrades = sim.orderEntry.venues.bybit.ledger.tradesFor(SIM_KEYS.bybit.apiKey, 'BTCUSDT', Infinity)
      .filter((tr) => tr.order.clientOrderId.startsWith('xfeedface-'));
    t.equal(ledger.appliedCount, venueTrades.length, 'every fill once');
    t.equal(ledger.counters.duplicates.gapfill, gap.fills.length - ledger.counters.applied.gapfill);
    t.ok(ledger.counters.applied.gapfill > 0, 'the outage came back through the execution list');
    for (let i = 0; i < 8; i++) t.ok(ledger.totalsByClientId('bybit', `xfeedface-${i}`), `order ${i} known`);
  } finally {
    await rest.close();
  }
});
