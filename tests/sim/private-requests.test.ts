/**
 * The private-stream requests the simulator's WebSocket sessions hand over: Binance
 * userDataStream.subscribe (logged-on session), .subscribe.signature (HMAC, timestamp window),
 * unsubscribe; Bybit /v5/private auth (signature, expiry, repeat), subscribe to order /
 * execution / wallet after auth, ping. Subscribed sessions receive the ledger's events.
 */
import t from 'tap';
import { PrivateStreamHub } from '../../src/sim/private-stream-hub.js';
import { PrivateSession, endPrivateSession, handleBinanceUserDataRequest, handleBybitPrivateFrame } from '../../src/sim/private-requests.js';
import { binanceWsApiSignature } from '../../src/venues/binance/sign.js';
import { bybitWsAuthMessage } from '../../src/venues/bybit/sign.js';

const accounts = new Map([['key1', { secretKey: 'secret1' }]]);
const NOW = 1_800_000_000_000;
const ctx = (hub: PrivateStreamHub) => ({ accounts, hub, nowMs: () => NOW });

t.test('Binance: subscribe needs a logged-on session; subscribe.signature checks the HMAC and the window', async (t) => {
  const hub = new PrivateStreamHub();
  const got: string[] = [];
  const s = new PrivateSession('c1', (x) => got.push(x), () => undefined);
  t.same(JSON.parse(handleBinanceUserDataRequest({ id: 1, method: 'userDataStream.subscribe' }, s, ctx(hub))!).error.code, -2015);
  s.apiKey = 'key1'; // session.logon succeeded
  t.same(JSON.parse(handleBinanceUserDataRequest({ id: 2, method: 'userDataStream.subscribe' }, s, ctx(hub))!), { id: 2, status: 200, result: { subscriptionId: 0 } });
  const s2 = new PrivateSession('c2', () => undefined, () => undefined);
  const params: Record<string, string | number> = { apiKey: 'key1', timestamp: NOW - 10 };
  params['signature'] = binanceWsApiSignature('secret1', params);
  t.same(JSON.parse(handleBinanceUserDataRequest({ id: 3, method: 'userDataStream.subscribe.signature', params }, s2, ctx(hub))!).result, { subscriptionId: 1 });
  t.equal(JSON.parse(handleBinanceUserDataRequest({ id: 4, method: 'userDataStream.subscribe.signature', params: { ...params, signature: 'ab' } }, s2, ctx(hub))!).error.code, -1022);
  const stale: Record<string, string | number> = { apiKey: 'key1', timestamp: NOW - 10_000 };
  stale['signature'] = binanceWsApiSignature('secret1', stale);
  t.equal(JSON.parse(handleBinanceUserDataRequest({ id: 5, method: 'userDataStream.subscribe.signature', params: stale }, s2, ctx(hub))!).error.code, -1021);
  t.equal(JSON.parse(handleBinanceUserDataRequest({ id: 6, method: 'userDataStream.subscribe.signature', params: { apiKey: 'nobody', timestamp: NOW } }, s2, ctx(hub))!).error.code, -2015);
  t.equal(handleBinanceUserDataRequest({ id: 7, method: 'order.place' }, s, ctx(hub)), null, 'other methods are the session\'s');
  hub.publish('key1', 'user', (sub) => `{"subscriptionId":${sub.id}}`);
  t.same(got, ['{"subscriptionId":0}'], 'the subscribed session receives events');
  t.same(JSON.parse(handleBinanceUserDataRequest({ id: 8, method: 'userDataStream.unsubscribe', params: { subscriptionId: 0 } }, s, ctx(hub))!), { id: 8, status: 200, result: {} });
  t.equal(JSON.parse(handleBinanceUserDataRequest({ id: 9, method: 'userDataStream.unsubscribe', params: { subscriptionId: 0 } }, s, ctx(hub))!).status, 400);
  endPrivateSession(s2, hub);
  t.equal(hub.size, 0);
});

t.test('Bybit /v5/private: auth, subscribe after auth, ping', async (t) => {
  const hub = new PrivateStreamHub();
  const got: string[] = [];
  const s = new PrivateSession('conn-1', (x) => got.push(x), () => undefined);
  const r = (text: string) => JSON.parse(handleBybitPrivateFrame(text, s, ctx(hub))!);
  t.match(r('{"op":"subscribe","args":["order"]}'), { success: false, ret_msg: 'Request not authorized' });
  t.match(r(JSON.stringify({ op: 'auth', args: ['key1', NOW + 5000, 'bad'] })), { success: false, ret_msg: 'Invalid sign' });
  t.match(r(bybitWsAuthMessage('key1', 'secret1', NOW - 1)), { success: false, ret_msg: 'Params Error' }, 'expired');
  t.same(r(bybitWsAuthMessage('key1', 'secret1', NOW + 5000)), { success: true, ret_msg: '', op: 'auth', conn_id: 'conn-1' });
  t.match(r(bybitWsAuthMessage('key1', 'secret1', NOW + 5000)), { success: false, ret_msg: 'Repeat auth' });
  t.match(r('{"op":"subscribe","args":["order","nope"]}'), { success: false });
  t.match(r('{"op":"subscribe","req_id":"x","args":["order","execution"]}'), { success: true, op: 'subscribe', req_id: 'x' });
  t.match(r('{"op":"ping"}'), { success: true, ret_msg: 'pong' });
  t.match(r('not json'), { success: false });
  hub.publish('key1', 'execution', () => 'exec');
  hub.publish('key1', 'wallet', () => 'wallet');
  t.same(got, ['exec'], 'only the subscribed topics');
});
