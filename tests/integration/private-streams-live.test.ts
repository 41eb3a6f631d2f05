/**
 * The live executor with its venues' private streams as the source of truth, against the real
 * simulator on loopback: Binance user data over the WS API (`userDataStream.subscribe.signature`,
 * an HMAC key paying commissions in BNB) and Bybit `/v5/private` (`order`, `execution`,
 * `wallet`), both with WebSocket order entry. Orders fill; the private stream is cut
 * (`private_disconnect`) while orders keep filling, one of them with its answer lost too; on
 * reconnect the REST gap-fill (myTrades + allOrders; /v5/execution/list) brings what the stream
 * missed. Then: every fill the venue made is in the venue's FillLedger exactly once; the
 * executor reported each order's venue quantity exactly once (strategy positions = the
 * simulator's ledger); stream and answer copies overlapped and were dropped; BNB commissions are
 * booked at the configured BNB price (never 0); the venue's balances are the stream's.
 */
import t from 'tap';
import { startSimulator, type SimHandle } from '../../src/sim/simulator.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { PoolTransport } from '../../src/execution/live/pool-transport.js';
import { buildVenueClient, type VenueClient } from '../../src/execution/live/venue-client.js';
import { LiveExecutor } from '../../src/execution/live/live-executor.js';
import {
  ACTION_NEW, ASSET_BASE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS,
  ROLE_LEG_BUY, SIDE_BUY, SIDE_SELL, ST_CANCELED, ST_FILLED, ST_REJECTED, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT,
} from '../../src/core/records.js';
import type { ReportSink } from '../../src/execution/report-sink.js';
import { ratesFrom } from '../../src/execution/live/fee-units.js';
import { fault } from '../sim/signed-rest.js';
import { generateKeyPairSync } from 'node:crypto';

const ed = generateKeyPairSync('ed25519');
const ED = { apiKey: 'edStreamKey', secretKey: '' };
const ED_PEM = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const BNB_PRICE = 600;
const BNB = { apiKey: 'bnbStreamKey', secretKey: 'bnbStreamSecret' };
const RUN_TAG = 'xps';

interface Report { orderId: number; venue: number; side: number; status: number; lastPx: number; lastQty: number; cumQty: number; fee: number; feeAsset: number }

class Sink implements ReportSink {
  readonly reports: Report[] = [];
  report(orderId: number, _p: number, venue: number, _s: number, side: number, status: number, _price: number, lastPx: number,
    lastQty: number, cumQty: number, _qty: number, fee: number, feeAsset: number): void {
    this.reports.push({ orderId, venue, side, status, lastPx, lastQty, cumQty, fee, feeAsset });
  }
  finals(): number {
    return this.reports.filter((r) => r.status === ST_FILLED || r.status === ST_CANCELED || r.status === ST_REJECTED).length;
  }
}

let sim: SimHandle;
const transport = new PoolTransport();
const open: VenueClient[] = [];
const logs: string[] = [];
t.before(async () => {
  sim = await startSimulator({
    seed: 33, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0,
    orderEntry: {
      accounts: [{ venue: 'binance', ...BNB }, { venue: 'binance', ...ED, publicKeyPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
      bnbFeeKeys: [BNB.apiKey], bnbPriceQuote: BNB_PRICE,
    },
  });
  sim.orderEntry.accounts.binance.get(BNB.apiKey)!.free.set('BNB', 10);
});
t.teardown(async () => {
  for (const c of open) c.close();
  await transport.close();
  await sim.stop();
});

function venueClient(venue: 'binance' | 'bybit', keyType: 'hmac' | 'ed25519' = 'hmac'): VenueClient {
  const urls = venue === 'binance' ? sim.binanceUrl : sim.bybitUrl;
  const vc = buildVenueClient({
    venue: venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, name: venue, orderEntry: 'ws', keyType,
    wsApiUrl: urls.ws + (venue === 'binance' ? '/ws-api/v3' : '/v5/trade'), privateKeyPem: keyType === 'ed25519' ? ED_PEM : '',
    // Slow reconnects: the stream stays down while the next orders fill.
    reconnectMinMs: 1500, reconnectMaxMs: 1500,
    privateFills: { symbols: ['BTCUSDT'], gapMarginMs: 3000 },
    rest: {
      baseUrl: urls.rest, creds: venue === 'bybit' ? SIM_KEYS.bybit : keyType === 'ed25519' ? ED : BNB, recvWindowMs: 5000, timeoutMs: 1000, takerFeeRate: 0.001,
      reconcileBudgetMs: 3000, transport, wallMs: Date.now, rateInQuote: ratesFrom({ BNB: BNB_PRICE }),
      log: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`),
    },
  });
  open.push(vc);
  return vc;
}

async function until(cond: () => boolean, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}

function harness(v: 0 | 1, vc: VenueClient, first = v === VENUE_BINANCE ? 1 : 1001) {
  const sink = new Sink();
  const clients = v === VENUE_BINANCE ? [vc.client, null] : [null, vc.client];
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients, sink, runTag: RUN_TAG, log: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`),
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001 } }],
    limiters: [null, null], monoNs: () => Number(process.hrtime.bigint()), wallMs: Date.now,
  });
  vc.fills!.target = exec;
  const rec = new Float64Array(INTENT_WORDS);
  let next = first;
  const send = (): number => {
    const id = next++;
    const buy = id % 2 === 1;
    const b = sim.generator.book(v, 0);
    rec.fill(0);
    rec[H_VENUE] = v; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = id; rec[I_PAIR_ID] = id;
    rec[I_SIDE] = buy ? SIDE_BUY : SIDE_SELL; rec[I_PRICE] = buy ? b.asks.best() * b.tickUnit * 1.01 : b.bids.best() * b.tickUnit * 0.99;
    rec[I_QTY] = 0.01; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY; rec[H_RECV_NS] = 1;
    exec.onIntent(rec, 0, Number(process.hrtime.bigint()));
    return id;
  };
  return { sink, exec, send };
}

/** Per client order id: the venue's executed quantity, signed by side, from the simulator's own ledger. */
function venueFilled(venue: 'binance' | 'bybit', apiKey: string): { trades: number; byOrder: Map<string, number>; commissions: Map<string, number> } {
  const trades = sim.orderEntry.venues[venue].ledger.tradesFor(apiKey, 'BTCUSDT', Infinity).filter((tr) => tr.order.clientOrderId.startsWith(RUN_TAG + '-'));
  const byOrder = new Map<string, number>();
  const commissions = new Map<string, number>();
  for (const tr of trades) {
    byOrder.set(tr.order.clientOrderId, (byOrder.get(tr.order.clientOrderId) ?? 0) + (tr.order.isBuy ? tr.qty : -tr.qty));
    commissions.set(tr.commissionAsset, (commissions.get(tr.commissionAsset) ?? 0) + tr.commission);
  }
  return { trades: trades.length, byOrder, commissions };
}

/** Per client order id: what the executor reported (Σ lastQty, signed by side). */
function reported(sink: Sink): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of sink.reports) {
    if (!(r.lastQty > 0)) continue;
    const id = `${RUN_TAG}-${r.orderId}`;
    out.set(id, (out.get(id) ?? 0) + (r.side === SIDE_BUY ? r.lastQty : -r.lastQty));
  }
  return out;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;
/** Balances travel as 8-decimal strings (f8). */
const sameBalance = (a: number, b: number): boolean => Math.abs(a - b) <= 5e-9;

t.test('Binance: user data over the WS API; stream cut during fills, gap-filled on reconnect; each fill once; BNB fees booked', async (t) => {
  const vc = venueClient('binance');
  t.equal(await vc.start(3000), true, 'WS API order session ready');
  const fills = vc.fills!;
  t.ok(await until(() => fills.counters.stream_ups === 1), 'user-data subscription confirmed');
  await fills.whenGapFilled();
  const { sink, exec, send } = harness(VENUE_BINANCE, vc);

  // 1. Normal: answers and the stream both bring every fill.
  for (let i = 0; i < 4; i++) send();
  await exec.whenIdle();
  let venue = venueFilled('binance', BNB.apiKey);
  t.ok(venue.trades >= 4, `${venue.trades} venue trades`);
  t.ok(await until(() => fills.ledger.appliedCount === venue.trades && fills.counters.fills_duplicate >= venue.trades),
    'every fill came at least twice (answer and stream) and was applied once');
  t.ok(fills.ledger.counters.duplicates.stream + fills.ledger.counters.duplicates.answer > 0, 'answer and stream copies overlapped');

  // 2. The stream is cut; orders keep filling; one of them loses its answer with the order session.
  t.equal((await fault(sim.binanceUrl.rest, { kind: 'private_disconnect', venue: 'binance' })).status, 200);
  t.ok(await until(() => fills.counters.stream_downs === 1), 'the stream went down');
  sim.orderEntry.wsApi.binance.inject('drop');
  const lost = send();
  await exec.whenIdle();
  for (let i = 0; i < 2; i++) send();
  await exec.whenIdle();
  t.ok(fills.counters.stream_ups === 1, 'still down while those orders filled');

  // 3. The stream comes back: the gap-fill covers the hole.
  t.ok(await until(() => fills.counters.stream_ups === 2), 'the stream reconnected and resubscribed');
  await fills.whenGapFilled();
  // 4. One more order after the reconnect: its account position is the latest balance view.
  send();
  await exec.whenIdle();
  venue = venueFilled('binance', BNB.apiKey);
  t.ok(await until(() => fills.ledger.appliedCount === venue.trades), `every venue fill in the ledger exactly once (${fills.ledger.appliedCount} of ${venue.trades})`);
  t.equal(fills.counters.fills_invalid, 0);
  t.ok(fills.counters.fills_gapfill + fills.counters.fills_query > 0, 'the lost answer\'s fills came from the order\'s trades or the gap-fill');
  t.ok(fills.counters.gapfills >= 2, 'a gap-fill on the first connect and on the reconnect');
  t.ok(fills.ledger.totalsByClientId('binance', `${RUN_TAG}-${lost}`), 'the order whose answer was lost is in the ledger');

  // The strategy's view = the venue's, order by order.
  const rep = reported(sink);
  t.equal(rep.size, venue.byOrder.size, 'every filled order reported');
  for (const [id, q] of venue.byOrder) t.ok(close(rep.get(id) ?? 0, q), `${id}: reported ${rep.get(id)} = venue ${q}`);
  t.equal(sink.finals(), 8, 'every intent got one final report');

  // BNB: every commission was in BNB; booked in quote at the configured price, not 0.
  t.same([...venue.commissions.keys()], ['BNB']);
  const feeQuote = sink.reports.reduce((a, r) => a + (r.feeAsset === ASSET_BASE ? r.fee * r.lastPx : r.fee), 0);
  const want = venue.commissions.get('BNB')! * BNB_PRICE;
  t.ok(want > 0 && Math.abs(feeQuote - want) < 1e-6 * want, `BNB fees worth ${feeQuote.toFixed(6)} USDT booked (venue: ${want.toFixed(6)})`);

  // Balances: the stream's outboundAccountPosition is the venue's view.
  const acct = sim.orderEntry.accounts.binance.get(BNB.apiKey)!;
  t.ok(await until(() => sameBalance(fills.balances.get('BNB')?.free ?? -1, acct.balance('BNB', false))), 'BNB balance = the venue\'s');
  t.ok(sameBalance(fills.balances.get('USDT')!.free, acct.balance('USDT', true)), 'USDT balance = the venue\'s');
  t.ok(sameBalance(fills.balances.get('BTC')!.free, acct.balance('BTC', false)), 'BTC balance = the venue\'s');
  t.equal(fills.stats()['bal_BNB'], fills.balances.get('BNB')!.free, 'exported in the stats');
  t.equal(vc.streamCounters!.bad_responses, 0);
});

t.test('Bybit: order/execution/wallet topics; stream cut during fills, execution-list gap-fill; each fill once', async (t) => {
  const vc = venueClient('bybit');
  t.equal(await vc.start(3000), true, 'trade session ready');
  const fills = vc.fills!;
  t.ok(await until(() => fills.counters.stream_ups === 1), 'private stream subscribed');
  await fills.whenGapFilled();
  const { sink, exec, send } = harness(VENUE_BYBIT, vc);

  for (let i = 0; i < 3; i++) send();
  await exec.whenIdle();
  let venue = venueFilled('bybit', SIM_KEYS.bybit.apiKey);
  t.ok(await until(() => fills.counters.fills_stream === venue.trades), 'every fill came by the execution topic');

  t.equal((await fault(sim.bybitUrl.rest, { kind: 'private_disconnect', venue: 'bybit' })).status, 200);
  t.ok(await until(() => fills.counters.stream_downs === 1), 'the stream went down');
  for (let i = 0; i < 3; i++) send();
  await exec.whenIdle();
  t.ok(fills.counters.stream_ups === 1, 'still down while those orders filled (finals by the order query)');
  t.ok(await until(() => fills.counters.stream_ups === 2), 'reconnected');
  await fills.whenGapFilled();
  venue = venueFilled('bybit', SIM_KEYS.bybit.apiKey);
  t.equal(fills.ledger.appliedCount, venue.trades, 'every venue fill in the ledger exactly once');
  t.ok(fills.counters.fills_gapfill >= 3, `the outage's fills came from /v5/execution/list (${fills.counters.fills_gapfill})`);
  const rep = reported(sink);
  for (const [id, q] of venue.byOrder) t.ok(close(rep.get(id) ?? 0, q), `${id}: reported ${rep.get(id)} = venue ${q}`);
  t.equal(rep.size, venue.byOrder.size);
  t.equal(sink.finals(), 6, 'every intent got one final report');
  // Wallet topic: one more order updates the venue's balance view.
  send();
  await exec.whenIdle();
  const acct = sim.orderEntry.accounts.bybit.get(SIM_KEYS.bybit.apiKey)!;
  t.ok(await until(() => sameBalance(fills.balances.get('USDT')?.free ?? -1, acct.balance('USDT', true))), 'USDT balance = the venue\'s');
});

t.test('Binance, Ed25519 key: session.logon + userDataStream.subscribe; the gap-fill signs its REST queries with Ed25519', async (t) => {
  const vc = venueClient('binance', 'ed25519');
  t.equal(await vc.start(3000), true, 'WS API order session logged on');
  const fills = vc.fills!;
  t.ok(await until(() => fills.counters.stream_ups === 1), 'user-data subscription on the logged-on session');
  await fills.whenGapFilled();
  const { sink, exec, send } = harness(VENUE_BINANCE, vc, 2001);
  send();
  await exec.whenIdle();
  const trades = () => sim.orderEntry.venues.binance.ledger.tradesFor(ED.apiKey, 'BTCUSDT', Infinity).length;
  t.ok(await until(() => fills.counters.fills_duplicate === trades()), 'the stream\'s copies of the answer\'s fills');
  await fault(sim.binanceUrl.rest, { kind: 'private_disconnect', venue: 'binance' });
  t.ok(await until(() => fills.counters.stream_downs === 1));
  send();
  await exec.whenIdle();
  t.ok(await until(() => fills.counters.stream_ups === 2), 'resubscribed');
  await fills.whenGapFilled();
  t.equal(fills.counters.gapfills, 2, 'gap-filled on connect and on reconnect');
  t.equal(fills.counters.gapfill_errors, 0, 'the venue accepted the Ed25519-signed myTrades/allOrders');
  t.equal(fills.ledger.appliedCount, trades(), 'every fill once');
  t.equal(sink.finals(), 2);
});

/**
 * An order's answer is lost AND the venue's query endpoints do not show it yet
 * (`order_invisible`): its own look cannot settle it before timestamp + recvWindow, when it
 * would call it "not placed" although it filled. The private stream's final (Binance
 * executionReport X=FILLED, Bybit `order` topic Filled) settles it at once, with the venue's
 * quantity and fees, and the look stops.
 */
for (const venue of ['binance', 'bybit'] as const) {
  t.test(`${venue}: answer lost, order invisible to queries: the stream's final settles it with the venue's quantity; the look stops`, async (t) => {
    const vc = venueClient(venue);
    t.equal(await vc.start(3000), true);
    const fills = vc.fills!;
    t.ok(await until(() => fills.counters.stream_ups === 1), 'private stream subscribed');
    await fills.whenGapFilled();
    const v = venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT;
    const { sink, exec, send } = harness(v, vc, venue === 'binance' ? 3001 : 4001);
    const urls = venue === 'binance' ? sim.binanceUrl : sim.bybitUrl;
    t.equal((await fault(urls.rest, { kind: 'order_invisible', venue, count: 1, durationMs: 60_000 })).status, 200);
    sim.orderEntry.wsApi[venue].inject('swallow');
    const id = send();
    const cid = `${RUN_TAG}-${id}`;
    t.ok(await until(() => sink.reports.some((r) => r.orderId === id && r.status === ST_FILLED), 10_000), 'FILLED, from the stream');
    const apiKey = venue === 'binance' ? BNB.apiKey : SIM_KEYS.bybit.apiKey;
    const venueQty = venueFilled(venue, apiKey).byOrder.get(cid) ?? 0;
    t.ok(venueQty > 0, `the venue filled it (${venueQty})`);
    t.ok(close(reported(sink).get(cid) ?? 0, venueQty), `reported ${reported(sink).get(cid)} = venue ${venueQty}`);
    const fee = sink.reports.filter((r) => r.orderId === id).reduce((a, r) => a + r.fee, 0);
    t.ok(fee > 0, `its fee booked (${fee})`);
    t.ok(exec.counters.stream_finals >= 1 && fills.counters.finals_settled >= 1, 'settled by the stream\'s final');
    await exec.whenIdle();
    t.equal(exec.counters.unresolved_now, 0);
    t.equal(sink.reports.filter((r) => r.orderId === id && (r.status === ST_FILLED || r.status === ST_CANCELED || r.status === ST_REJECTED)).length, 1,
      'one final report, never "not placed"');
    t.equal(vc.rest.counters.not_placed, 0);
  });
}
