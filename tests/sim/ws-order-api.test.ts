/**
 * The simulator's WebSocket order APIs speak the venues' protocols with REST's checks: the
 * Binance WS API (signature over sorted params, HMAC or Ed25519; session.logon for Ed25519
 * only; recvWindow; filters; error envelope) and Bybit /v5/trade (auth first, header
 * timestamp window) with the /v5/private order/execution/wallet topics for the fill.
 */
import t from 'tap';
import { generateKeyPairSync, sign } from 'node:crypto';
import { startSimulator } from '../../src/sim/simulator.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { binanceWsApiPayload, binanceWsApiSignature } from '../../src/venues/binance/sign.js';
import { bybitWsAuthMessage } from '../../src/venues/bybit/sign.js';
import { clientsFor } from './ws-client.js';

const ed = generateKeyPairSync('ed25519');
const ED_KEY = 'edKeyForSimTest';

t.test('Binance WS API', async (t) => {
  const sim = await startSimulator({
    seed: 2, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0,
    orderEntry: { accounts: [{ venue: 'binance', apiKey: ED_KEY, secretKey: '', publicKeyPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString() }] },
  });
  const client = clientsFor(t, sim);
  const c = client(sim.binanceUrl.ws + '/ws-api/v3');
  await c.opened();
  const b = sim.generator.book(0, 0);
  const px = (b.asks.best() * b.tickUnit * 1.01).toFixed(2);
  const base = (extra: Record<string, string | number> = {}) => ({
    symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', price: px, quantity: '0.01', newOrderRespType: 'FULL',
    timestamp: Date.now(), apiKey: SIM_KEYS.binance.apiKey, ...extra,
  });
  const ask = async (id: number, method: string, params: Record<string, unknown>) => {
    c.send({ id, method, params });
    return JSON.parse((await c.take((f) => JSON.parse(f).id === id, 1))[0]!) as Record<string, any>;
  };
  const signed = (p: Record<string, string | number>, secret = SIM_KEYS.binance.secretKey) => ({ ...p, signature: binanceWsApiSignature(secret, p) });

  const ok = await ask(1, 'order.place', signed(base({ newClientOrderId: 'w1' })));
  t.equal(ok.status, 200);
  t.equal(ok.result.status, 'FILLED');
  t.equal(ok.result.clientOrderId, 'w1');
  t.ok(Array.isArray(ok.result.fills) && ok.result.fills.length > 0, 'FULL answer with fills');
  t.ok(Array.isArray(ok.rateLimits), 'rateLimits reported');
  t.same((await ask(2, 'order.place', signed(base(), 'wrong'))).error, { code: -1022, msg: 'Signature for this request is not valid.' });
  t.same((await ask(3, 'order.place', signed(base({ timestamp: Date.now() - 60_000 })))).error,
    { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
  t.equal((await ask(4, 'order.place', signed(base({ quantity: '0.00001' })))).error.code, -1013, 'filters as on REST');
  t.equal((await ask(5, 'order.place', signed(base({ newClientOrderId: 'w1' })))).error.code, -2010, 'duplicate client id');
  t.equal((await ask(6, 'order.place', signed(base({ apiKey: 'nobody' })))).error.code, -2015);
  t.equal((await ask(7, 'order.place', { ...base(), apiKey: undefined })).error.code, -2014, 'no session, no key');
  const hmacLogon = await ask(8, 'session.logon', signed({ apiKey: SIM_KEYS.binance.apiKey, timestamp: Date.now() }));
  t.equal(hmacLogon.status, 400, 'session.logon refuses HMAC keys');
  const st = await ask(9, 'order.status', signed({ symbol: 'BTCUSDT', origClientOrderId: 'w1', apiKey: SIM_KEYS.binance.apiKey, timestamp: Date.now() }));
  t.equal(st.result.status, 'FILLED', 'order.status finds it');

  const e = client(sim.binanceUrl.ws + '/ws-api/v3');
  await e.opened();
  const logon = { apiKey: ED_KEY, timestamp: Date.now() };
  const sig = sign(null, Buffer.from(binanceWsApiPayload(logon)), ed.privateKey).toString('base64');
  e.send({ id: 'L', method: 'session.logon', params: { ...logon, signature: sig } });
  const lr = JSON.parse((await e.take((f) => JSON.parse(f).id === 'L', 1))[0]!);
  t.equal(lr.status, 200, 'Ed25519 logon accepted');
  t.equal(lr.result.apiKey, ED_KEY);
  e.send({ id: 'P', method: 'order.place', params: { ...base({ newClientOrderId: 'e1' }), apiKey: undefined } });
  const pr = JSON.parse((await e.take((f) => JSON.parse(f).id === 'P', 1))[0]!);
  t.equal(pr.result.status, 'FILLED', 'after logon, order.place needs no signature');
  e.send('{"id":');
  t.equal(JSON.parse((await e.take((f) => JSON.parse(f).id === null, 1))[0]!).status, 400, 'invalid JSON answered with an error');
});

t.test('Bybit /v5/trade and /v5/private', async (t) => {
  const sim = await startSimulator({ seed: 2, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  const client = clientsFor(t, sim);
  const { apiKey, secretKey } = SIM_KEYS.bybit;
  const p = client(sim.bybitUrl.ws + '/v5/private');
  await p.opened();
  p.send(bybitWsAuthMessage(apiKey, secretKey, Date.now() + 5000));
  t.equal(JSON.parse((await p.take((f) => f.includes('"auth"'), 1))[0]!).success, true);
  p.send({ op: 'subscribe', args: ['order', 'execution', 'wallet'] });
  t.equal(JSON.parse((await p.take((f) => f.includes('"subscribe"'), 1))[0]!).success, true);

  const c = client(sim.bybitUrl.ws + '/v5/trade');
  await c.opened();
  const b = sim.generator.book(1, 0);
  const create = (reqId: string, ts = Date.now()) => ({
    reqId, header: { 'X-BAPI-TIMESTAMP': String(ts), 'X-BAPI-RECV-WINDOW': '5000' }, op: 'order.create',
    args: [{ category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: (b.asks.best() * b.tickUnit * 1.01).toFixed(1), timeInForce: 'IOC', orderLinkId: reqId }],
  });
  const reply = async (reqId: string) => JSON.parse((await c.take((f) => JSON.parse(f).reqId === reqId, 1))[0]!) as Record<string, any>;
  c.send(create('early'));
  t.equal((await reply('early')).retCode, 10003, 'order.create before auth is refused');
  c.send(bybitWsAuthMessage(apiKey, 'bad-secret', Date.now() + 5000));
  t.equal(JSON.parse((await c.take((f) => f.includes('"auth"'), 1))[0]!).retCode, 10004, 'bad signature: 10004');
  c.send(bybitWsAuthMessage(apiKey, secretKey, Date.now() + 5000));
  t.equal(JSON.parse((await c.take((f) => f.includes('"auth"') && f.includes('"retCode":0'), 1))[0]!).retMsg, 'OK');
  c.send(create('late', Date.now() - 60_000));
  t.equal((await reply('late')).retCode, 10002, 'timestamp outside recv window');
  c.send(create('good'));
  const ack = await reply('good');
  t.equal(ack.retCode, 0);
  t.equal(ack.data.orderLinkId, 'good');
  t.match(ack.header, { 'X-Bapi-Limit': '20' }, 'rate-limit header as on REST');
  c.send(create('good'));
  const second = JSON.parse((await c.take((f) => JSON.parse(f).reqId === 'good', 2))[1]!);
  t.equal(second.retCode, 20006, 'a reused reqId is refused');
  const order = JSON.parse((await p.take((f) => f.includes('"topic":"order"'), 1))[0]!);
  t.equal(order.data[0].orderLinkId, 'good');
  t.equal(order.data[0].orderStatus, 'Filled');
  const exec = JSON.parse((await p.take((f) => f.includes('"topic":"execution"'), 1))[0]!);
  t.equal(exec.data[0].orderLinkId, 'good');
  t.ok(Number(exec.data[0].execQty) > 0);
  const wallet = JSON.parse((await p.take((f) => f.includes('"topic":"wallet"'), 1))[0]!);
  t.ok(wallet.data[0].coin.some((x: { coin: string }) => x.coin === 'BTC'));
});
