/**
 * The arrival probe of the peer benchmark's venue (orderArrival): with a probe listening, a
 * WebSocket order is stamped as its frame is read and handled after that loop turn (so one
 * order's matching does not delay the next order's stamp), and it is still answered as usual;
 * each order's arrival is reported once, with its client id, its stamp no later than the answer.
 */
import t from 'tap';
import { startSimulator } from '../../src/sim/simulator.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { orderArrival } from '../../src/sim/ws-api-faults.js';
import { binanceWsApiSignature } from '../../src/venues/binance/sign.js';
import { clientsFor } from './ws-client.js';

t.test('Binance WS API with the probe on: two orders back to back, both stamped, both answered', async (t) => {
  const sim = await startSimulator({ seed: 4, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  const arrivals: Array<{ venue: string; id: string; ns: bigint }> = [];
  orderArrival.hook = (venue, id, ns) => { arrivals.push({ venue, id, ns }); };
  t.teardown(() => { orderArrival.hook = null; });
  const client = clientsFor(t, sim);
  const c = client(sim.binanceUrl.ws + '/ws-api/v3');
  await c.opened();
  const b = sim.generator.book(0, 0);
  const px = (b.asks.best() * b.tickUnit * 1.01).toFixed(2);
  const order = (id: number, cid: string) => {
    const p = {
      symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', price: px, quantity: '0.01', newOrderRespType: 'FULL',
      timestamp: Date.now(), apiKey: SIM_KEYS.binance.apiKey, newClientOrderId: cid,
    };
    c.send({ id, method: 'order.place', params: { ...p, signature: binanceWsApiSignature(SIM_KEYS.binance.secretKey, p) } });
  };
  order(1, 'p1');
  order(2, 'p2');
  const answers = (await c.take((f) => { const id = JSON.parse(f).id; return id === 1 || id === 2; }, 2)).map((f) => JSON.parse(f));
  const answeredNs = process.hrtime.bigint();
  t.same(answers.map((a) => [a.id, a.status, a.result?.clientOrderId]).sort(), [[1, 200, 'p1'], [2, 200, 'p2']], 'both answered as usual');
  t.same(arrivals.map((a) => [a.venue, a.id]).sort(), [['binance', 'p1'], ['binance', 'p2']], 'each arrival reported once');
  t.ok(arrivals.every((a) => a.ns > 0n && a.ns <= answeredNs), 'stamped on the monotonic clock before the answers were read');
});
