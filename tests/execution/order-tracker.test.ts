import t from 'tap';
import {
  ASSET_BASE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_NEW,
  ST_PARTIAL, ST_SENT, TIF_IOC,
} from '../../src/core/records.js';
import { OrderTracker } from '../../src/execution/order-tracker.js';

function open(tr: OrderTracker, id: number, deadlineNs = 0): number {
  return tr.open(id, 7, 1, 2, SIDE_SELL, 100, 2, TIF_IOC, ROLE_LEG_SELL, 5, deadlineNs, 3);
}

t.test('open fills every field and maps the order id to its slot', async (t) => {
  const tr = new OrderTracker(4);
  const s = tr.open(42, 7, 1, 2, SIDE_BUY, 101.5, 0.25, TIF_IOC, ROLE_LEG_BUY, 1000, 5000, 900);
  t.equal(s, 0, 'first slot is 0');
  t.equal(tr.slotOf(42), s);
  t.equal(tr.slotOf(43), -1);
  t.same(
    [tr.orderId[s], tr.pairId[s], tr.venue[s], tr.symbol[s], tr.side[s], tr.price[s], tr.qty[s], tr.tif[s], tr.role[s]],
    [42, 7, 1, 2, SIDE_BUY, 101.5, 0.25, TIF_IOC, ROLE_LEG_BUY],
  );
  t.same([tr.intentNs[s], tr.deadlineNs[s], tr.tickRecvNs[s], tr.status[s], tr.cumQty[s]], [1000, 5000, 900, ST_NEW, 0]);
  t.equal(tr.liveCount, 1);
});

t.test('the pool is bounded: a full pool refuses and counts, released slots are reused', async (t) => {
  const tr = new OrderTracker(2);
  const a = open(tr, 1);
  const b = open(tr, 2);
  t.not(a, b);
  t.equal(open(tr, 3), -1, 'full');
  t.equal(tr.poolExhausted, 1);
  tr.release(a);
  t.equal(tr.slotOf(1), -1, 'released order is forgotten');
  t.equal(open(tr, 3), a, 'slot reused');
  t.equal(tr.slotOf(3), a);
  t.equal(open(tr, 2), -1, 'a live order id cannot be opened twice');
  t.equal(tr.duplicateOrderIds, 1);
  tr.release(a);
  tr.release(a);
  t.equal(tr.liveCount, 1, 'releasing twice is harmless');
});

t.test('timestamps: sentNs on SENT, ackNs on the first venue answer, doneNs on a final status', async (t) => {
  const tr = new OrderTracker(2);
  const s = open(tr, 1);
  tr.transition(s, ST_SENT, 10);
  tr.transition(s, ST_ACKED, 20);
  tr.transition(s, ST_PARTIAL, 30);
  t.same([tr.sentNs[s], tr.ackNs[s], tr.doneNs[s]], [10, 20, 0]);
  tr.transition(s, ST_FILLED, 40);
  t.same([tr.sentNs[s], tr.ackNs[s], tr.doneNs[s]], [10, 20, 40]);
});

t.test('fills accumulate quantity, average price and fees', async (t) => {
  const tr = new OrderTracker(2);
  const s = open(tr, 1);
  tr.applyFill(s, 100, 1, 0.1, ASSET_BASE);
  tr.applyFill(s, 103, 0.5, 0.05, ASSET_BASE);
  tr.applyFill(s, 999, 0, 0, ASSET_BASE);
  t.equal(tr.cumQty[s], 1.5);
  t.ok(Math.abs(tr.avgPx[s]! - 101) < 1e-12, 'vwap (100*1 + 103*0.5) / 1.5 = 101');
  t.ok(Math.abs(tr.fees[s]! - 0.15) < 1e-12);
  t.equal(tr.feeAsset[s], ASSET_BASE);
});

t.test('expireDue expires orders out at the venue past their deadline, and only those', async (t) => {
  const tr = new OrderTracker(8);
  const sent = open(tr, 1, 100);
  tr.transition(sent, ST_SENT, 1);
  const acked = open(tr, 2, 150);
  tr.transition(acked, ST_SENT, 1);
  tr.transition(acked, ST_ACKED, 2);
  const later = open(tr, 3, 500);
  tr.transition(later, ST_SENT, 1);
  const done = open(tr, 4, 100);
  tr.transition(done, ST_SENT, 1);
  tr.transition(done, ST_CANCELED, 2);
  const noDeadline = open(tr, 5, 0);
  tr.transition(noDeadline, ST_SENT, 1);
  const unsent = open(tr, 6, 100);

  const seen: number[] = [];
  t.equal(tr.expireDue(99, (s) => seen.push(s)), 0, 'nothing due yet');
  t.equal(tr.expireDue(200, (s) => seen.push(s)), 2);
  t.same(seen, [sent, acked]);
  t.equal(tr.status[sent], ST_EXPIRED);
  t.equal(tr.status[acked], ST_EXPIRED);
  t.equal(tr.doneNs[sent], 200);
  t.equal(tr.status[later], ST_SENT);
  t.equal(tr.status[done], ST_CANCELED, 'final orders do not expire');
  t.equal(tr.status[noDeadline], ST_SENT);
  t.equal(tr.status[unsent], ST_NEW, 'an order never sent does not expire');
  t.equal(tr.expireDue(200, null), 0, 'expiring is done once');
  t.equal(tr.expireDue(500, null), 1, 'the later one at its deadline');
  t.equal(tr.expired, 3);

  // the late venue answer reconciles
  t.equal(tr.transition(sent, ST_ACKED, 600), ST_EXPIRED);
  t.equal(tr.transition(sent, ST_FILLED, 601), ST_FILLED);
  t.equal(tr.illegalTransitions, 0);
});
