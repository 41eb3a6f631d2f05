/**
 * The WebSocket order paths against the real simulator on loopback: Binance WS API with an
 * HMAC key (signed order.place) and an Ed25519 key (session.logon, unsigned order.place, and
 * Ed25519-signed REST when falling back), Bybit /v5/trade with fills from /v5/private; the
 * session lost → REST → back; a lost or stalled answer resolved by the order query (the order
 * exists once, its fill is reported once); a "status unknown" error; a refused key halting the
 * venue with one line naming the venue and key type; a malformed answer counted.
 */
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { startSimulator, type SimHandle } from '../../../src/sim/simulator.js';
import { SIM_KEYS } from '../../../src/sim/order-entry-keys.js';
import { PoolTransport } from '../../../src/execution/live/pool-transport.js';
import { buildVenueClient, type VenueClient } from '../../../src/execution/live/venue-client.js';
import type { LiveOrder, OrderUpdate } from '../../../src/execution/live/order-types.js';
import { ST_ACKED, ST_FILLED, ST_REJECTED, VENUE_BINANCE, VENUE_BYBIT } from '../../../src/core/records.js';
import { orderArrival } from '../../../src/sim/ws-api-faults.js';

const ed = generateKeyPairSync('ed25519');
const ED_PEM = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ED_PUB = ed.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ED_KEY = 'xarbEd25519TestApiKey';

let sim: SimHandle;
const transport = new PoolTransport();
const open: VenueClient[] = [];
t.before(async () => {
  sim = await startSimulator({
    seed: 5, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0,
    orderEntry: { accounts: [{ venue: 'binance', apiKey: ED_KEY, secretKey: '', publicKeyPem: ED_PUB }] },
  });
});
t.teardown(async () => {
  for (const c of open) c.close();
  await transport.close();
  await sim.stop();
});

interface Made {
  vc: VenueClient;
  logs: string[];
}

function make(venue: 'binance' | 'bybit', keyType: 'hmac' | 'ed25519' = 'hmac', creds = SIM_KEYS[venue], timeoutMs = 1000): Made {
  const logs: string[] = [];
  const urls = venue === 'binance' ? sim.binanceUrl : sim.bybitUrl;
  const vc = buildVenueClient({
    venue: venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, name: venue, orderEntry: 'ws', keyType,
    wsApiUrl: urls.ws + (venue === 'binance' ? '/ws-api/v3' : '/v5/trade'),
    privateKeyPem: keyType === 'ed25519' ? ED_PEM : '', reconnectMinMs: 50, reconnectMaxMs: 200,
    rest: {
      baseUrl: urls.rest, creds: keyType === 'ed25519' ? { apiKey: ED_KEY, secretKey: '' } : creds, recvWindowMs: 5000, timeoutMs,
      takerFeeRate: 0.001, reconcileBudgetMs: 3000, transport, wallMs: Date.now,
      log: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`),
    },
  });
  open.push(vc);
  return { vc, logs };
}

let nextId = 1;
function order(venue: 0 | 1, side: 'BUY' | 'SELL' = 'BUY'): LiveOrder {
  const b = sim.generator.book(venue, 0);
  const px = side === 'BUY' ? b.asks.best() * b.tickUnit * 1.01 : b.bids.best() * b.tickUnit * 0.99;
  const id = nextId++;
  return { orderId: id, clientOrderId: `ws${id}x${Date.now() % 100000}`, symbol: 'BTCUSDT', side, price: px.toFixed(venue === 0 ? 2 : 1), qty: '0.01' };
}

async function place(vc: VenueClient, o: LiveOrder): Promise<OrderUpdate[]> {
  const got: OrderUpdate[] = [];
  await vc.client.place(o, (_o, u) => got.push(u));
  return got;
}

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}

t.test('Binance WS API, HMAC key: no logon, signed order.place fills with the FULL answer', async (t) => {
  const { vc, logs } = make('binance');
  t.equal(await vc.start(3000), true, 'session ready');
  const got = await place(vc, order(0));
  t.equal(got.length, 1);
  t.equal(got[0]!.status, ST_FILLED);
  t.equal(got[0]!.cumQty, 0.01);
  t.ok(got[0]!.cumFee > 0, 'commission from the FULL fills');
  t.equal(vc.rest.counters.ws_orders, 1);
  t.equal(vc.rest.counters.rest_orders, 0);
  t.notOk(logs.join('\n').includes(SIM_KEYS.binance.secretKey), 'no secret in the log');
});

t.test('Binance WS API, Ed25519 key: session.logon, then unsigned order.place; REST fallback signs with Ed25519', async (t) => {
  const { vc } = make('binance', 'ed25519');
  t.equal(await vc.start(3000), true, 'logged on');
  const got = await place(vc, order(0, 'SELL'));
  t.equal(got.at(-1)!.status, ST_FILLED);
  t.equal(vc.rest.counters.ws_orders, 1);
  const rest = await place({ ...vc, client: vc.rest } as unknown as VenueClient, order(0));
  t.equal(rest.at(-1)!.status, ST_FILLED, 'the REST path accepts the Ed25519 signature too');
});

t.test('Bybit /v5/trade: auth, order.create acknowledged, the fill from the private order topic', async (t) => {
  const { vc } = make('bybit');
  t.equal(await vc.start(3000), true, 'trade and private sessions ready');
  const got = await place(vc, order(1));
  t.same(got.map((u) => u.status), [ST_ACKED, ST_FILLED]);
  t.equal(got[1]!.cumQty, 0.01);
  t.equal(vc.rest.counters.ws_orders, 1);
  t.equal(vc.rest.counters.reconcile_queries, 0, 'no REST query: the private stream said it');
});

for (const venue of ['binance', 'bybit'] as const) {
  const v = venue === 'binance' ? 0 : 1;
  t.test(`${venue}: session lost → orders by REST → session back → orders by WS again, each switch counted`, async (t) => {
    const { vc, logs } = make(venue);
    t.equal(await vc.start(3000), true);
    sim.orderEntry.wsApi[venue].inject('refuse', 400);
    t.ok(await until(() => vc.rest.counters.failover_to_rest === 1), 'failover counted');
    const viaRest = await place(vc, order(v));
    t.equal(viaRest.at(-1)!.status, ST_FILLED);
    t.equal(vc.rest.counters.rest_orders, 1, 'sent by REST while the session is down');
    t.ok(await until(() => vc.rest.counters.back_to_ws === 1), 'back on the WS API after the venue accepts connections again');
    const viaWs = await place(vc, order(v));
    t.equal(viaWs.at(-1)!.status, ST_FILLED);
    t.equal(vc.rest.counters.ws_orders, 1, 'the order after the session came back went over it');
    t.ok(logs.some((l) => /session lost .*orders go by REST/.test(l)), 'the switch to REST is logged');
    t.ok(logs.some((l) => /session back/.test(l)), 'the switch back is logged');
  });

  t.test(`${venue}: an answer lost with the connection is resolved by the order query, never resent`, async (t) => {
    const { vc } = make(venue);
    t.equal(await vc.start(3000), true);
    sim.orderEntry.wsApi[venue].inject('drop');
    const o = order(v);
    const got = await place(vc, o);
    const finals = got.filter((u) => u.status !== ST_ACKED);
    t.equal(finals.length, 1, 'one final report');
    t.equal(finals[0]!.status, ST_FILLED, 'the fill the venue made is reported');
    t.equal(vc.rest.counters.ws_resolved_by_query, 1);
    t.equal(vc.rest.counters.rest_orders, 0, 'the order was not sent again');
  });

  t.test(`${venue}: a stalled session (answer never comes) is closed and its order resolved by query`, async (t) => {
    const { vc } = make(venue, 'hmac', SIM_KEYS[venue], 300);
    t.equal(await vc.start(3000), true);
    sim.orderEntry.wsApi[venue].inject('swallow');
    const got = await place(vc, order(v));
    t.equal(got.filter((u) => u.status === ST_FILLED).length, 1);
    t.equal(vc.rest.counters.ws_stalls, 1, 'the stall is counted');
    t.equal(vc.rest.counters.rest_orders, 0);
  });

  t.test(`${venue}: "status unknown" from the venue → the order query says it never executed`, async (t) => {
    const { vc } = make(venue);
    t.equal(await vc.start(3000), true);
    sim.orderEntry.wsApi[venue].inject('error');
    const got = await place(vc, order(v));
    t.equal(got.at(-1)!.status, ST_REJECTED);
    t.equal(vc.rest.counters.unknown_status, 1);
    t.ok(vc.rest.counters.reconcile_queries >= 2, 'asked the venue before concluding');
  });

  t.test(`${venue}: a refused key halts new entries there with one line naming the venue and key type`, async (t) => {
    const secret = 'wrong-secret-material-123';
    const { vc, logs } = make(venue, 'hmac', { ...SIM_KEYS[venue], secretKey: secret });
    await vc.start(1500);
    if (venue === 'binance') {
      // HMAC keys have no logon: the first signed order is refused (-1022).
      const got = await place(vc, order(v));
      t.equal(got.at(-1)!.errorCode, -1022);
    }
    t.ok(await until(() => vc.client.haltReason() !== null), 'halted');
    t.match(vc.client.haltReason()!, new RegExp(`^${venue} refused the HMAC API key \\(code (-1022|10004)`));
    const lines = logs.filter((l) => l.startsWith('error') && l.includes('new entries on'));
    t.equal(lines.length, 1, 'one error line');
    t.notOk(logs.join('\n').includes(secret), 'the secret never reaches a log');
  });
}

t.test('keepWarm builds requests on both sessions and sends none; the next real order goes as before', async (t) => {
  const arrivals: string[] = [];
  orderArrival.hook = (venue) => arrivals.push(venue);
  t.teardown(() => { orderArrival.hook = null; });
  for (const venue of ['binance', 'bybit'] as const) {
    const { vc } = make(venue);
    t.equal(await vc.start(3000), true, `${venue} session ready`);
    for (let i = 0; i < 50; i++) vc.client.keepWarm();
    await new Promise((r) => setTimeout(r, 100));
    t.same(arrivals, [], `${venue}: nothing reached the venue`);
    t.equal(vc.rest.counters.ws_orders, 0, `${venue}: no order counted`);
    const got = await place(vc, order(venue === 'binance' ? 0 : 1));
    t.equal(got.at(-1)!.status, ST_FILLED, `${venue}: a real order after it fills (signed as before)`);
    t.same(arrivals, [venue], `${venue}: one order arrived`);
    arrivals.length = 0;
  }
});

t.test('a malformed answer is a counted error, not a crash', async (t) => {
  const { vc } = make('binance');
  t.equal(await vc.start(3000), true);
  const session = (vc.client as unknown as { ws: { onText(s: string): void } }).ws;
  const before = vc.rest.counters.bad_responses;
  session.onText('{"id":');
  session.onText('[1,2]');
  t.equal(vc.rest.counters.bad_responses, before + 2);
});
