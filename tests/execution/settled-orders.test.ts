/**
 * The executors' memory of settled orders (settled-orders.ts): what a reconciliation verdict is
 * answered from after an order's slot is freed. Bounded: the oldest entry goes when it is full,
 * and an order that old is "not remembered" (the executor then answers "no record").
 */
import t from 'tap';
import { ST_CANCELED, ST_FILLED } from '../../src/core/records.js';
import { SettledOrders } from '../../src/execution/settled-orders.js';

t.test('an order is found with what the venue said; a forgotten one is not', async (t) => {
  const m = new SettledOrders(3);
  m.add(1, 0, ST_FILLED, 0.5, 50, 0.0005, 0);
  m.add(2, 1, ST_CANCELED, 0, 0, 0, 1);
  const i = m.find(1);
  t.ok(i >= 0);
  t.same([m.venue[i], m.status[i], m.cumQty[i], m.cumQuote[i], m.cumFee[i], m.feeAsset[i]], [0, ST_FILLED, 0.5, 50, 0.0005, 0]);
  t.equal(m.find(7), -1, 'never settled here');
  m.add(3, 0, ST_FILLED, 1, 100, 0.1, 1);
  m.add(4, 0, ST_FILLED, 1, 100, 0.1, 1);
  t.equal(m.size, 3, 'bounded');
  t.equal(m.find(1), -1, 'the oldest is forgotten');
  t.ok(m.find(2) >= 0 && m.find(3) >= 0 && m.find(4) >= 0);
});

t.test('the newest entry wins when an id comes twice', async (t) => {
  const m = new SettledOrders(4);
  m.add(5, 0, ST_CANCELED, 0, 0, 0, 0);
  m.add(5, 0, ST_FILLED, 0.2, 20, 0, 0);
  t.equal(m.status[m.find(5)], ST_FILLED);
  t.throws(() => new SettledOrders(0), RangeError);
});
