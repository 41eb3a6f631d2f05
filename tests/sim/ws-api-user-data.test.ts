/**
 * The simulator's Binance WS API session carries the user-data stream: a
 * `userDataStream.subscribe.signature` request on the order session subscribes it to the
 * account's events, an order then arrives as an `executionReport` on the same socket, and a
 * subscribe without a logged-on session or with a bad signature is refused.
 */
import t from 'tap';
import { WebSocket } from 'undici';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { binanceWsApiSignature } from '../../src/venues/binance/sign.js';
import { binance } from './signed-rest.js';

let sim: SimHandle;
t.before(async () => {
  sim = await startSimulator({ seed: 3, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
});
t.teardown(async () => { await sim.stop(); });

function open(): Promise<{ ws: WebSocket; frames: Array<Record<string, any>>; next: (pred: (f: Record<string, any>) => boolean) => Promise<Record<string, any>> }> {
  const ws = new WebSocket(`${sim.binanceUrl.ws}/ws-api/v3`);
  const frames: Array<Record<string, any>> = [];
  const waiters: Array<{ pred: (f: Record<string, any>) => boolean; resolve: (f: Record<string, any>) => void }> = [];
  ws.addEventListener('message', (e) => {
    const f = JSON.parse(String(e.data)) as Record<string, any>;
    frames.push(f);
    for (const w of waiters.splice(0)) {
      if (w.pred(f)) w.resolve(f);
      else waiters.push(w);
    }
  });
  const next = (pred: (f: Record<string, any>) => boolean): Promise<Record<string, any>> => {
    const hit = frames.find(pred);
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such frame; got ${JSON.stringify(frames).slice(0, 400)}`)), 5000);
      waiters.push({ pred, resolve: (f) => { clearTimeout(timer); resolve(f); } });
    });
  };
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve({ ws, frames, next }));
    ws.addEventListener('error', () => reject(new Error('cannot connect')));
  });
}

t.test('userDataStream.subscribe.signature on the order session: the account\'s executionReports follow', async (t) => {
  const { ws, next } = await open();
  t.teardown(() => ws.close());
  const params: Record<string, string | number> = { apiKey: SIM_KEYS.binance.apiKey, timestamp: Date.now() };
  params['signature'] = binanceWsApiSignature(SIM_KEYS.binance.secretKey, params);
  ws.send(JSON.stringify({ id: 'u1', method: 'userDataStream.subscribe.signature', params }));
  const sub = await next((f) => f['id'] === 'u1');
  t.equal(sub['status'], 200);
  const subId = sub['result'].subscriptionId as number;
  t.type(subId, 'number');
  const b = sim.generator.book(0, 0);
  const buy = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC',
    quantity: '0.01', price: (b.asks.best() * 1.01 * b.tickUnit).toFixed(2), newClientOrderId: 'xfeedf00d-1' }, SIM_KEYS.binance);
  t.equal(buy.body.status, 'FILLED');
  const ev = await next((f) => f['subscriptionId'] === subId && f['event']?.e === 'executionReport' && f['event']?.x === 'TRADE');
  t.equal(ev['event'].c, 'xfeedf00d-1', 'the fill carries the client id');
});

t.test('userDataStream.subscribe without a logged-on session, or with a bad signature: refused', async (t) => {
  const { ws, next } = await open();
  t.teardown(() => ws.close());
  ws.send(JSON.stringify({ id: 'a', method: 'userDataStream.subscribe' }));
  const a = await next((f) => f['id'] === 'a');
  t.equal(a['status'], 401);
  ws.send(JSON.stringify({ id: 'b', method: 'userDataStream.subscribe.signature', params: { apiKey: SIM_KEYS.binance.apiKey, timestamp: Date.now(), signature: '00' } }));
  const b = await next((f) => f['id'] === 'b');
  t.equal(b['error'].code, -1022);
  ws.send(JSON.stringify({ id: 'c', method: 'ping' }));
  t.equal((await next((f) => f['id'] === 'c'))['status'], 200, 'the session keeps serving orders');
});
