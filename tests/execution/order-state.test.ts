import t from 'tap';
import {
  ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_NEW, ST_PARTIAL, ST_REJECTED, ST_SENT, SIDE_BUY, TIF_IOC, ROLE_LEG_BUY,
} from '../../src/core/records.js';
import { STATUS_COUNT, TRANSITIONS, isLegalTransition, nextStatus, statusName } from '../../src/execution/order-state.js';
import { OrderTracker } from '../../src/execution/order-tracker.js';

/** Reports that bring a fresh order to each status. */
const PATH_TO: Record<number, number[]> = {
  [ST_NEW]: [],
  [ST_SENT]: [ST_SENT],
  [ST_ACKED]: [ST_SENT, ST_ACKED],
  [ST_PARTIAL]: [ST_SENT, ST_ACKED, ST_PARTIAL],
  [ST_FILLED]: [ST_SENT, ST_FILLED],
  [ST_CANCELED]: [ST_SENT, ST_CANCELED],
  [ST_REJECTED]: [ST_SENT, ST_REJECTED],
  [ST_EXPIRED]: [ST_SENT, ST_EXPIRED],
};

let nextId = 1;
function orderAt(tr: OrderTracker, status: number): number {
  const slot = tr.open(nextId++, 1, 0, 0, SIDE_BUY, 100, 1, TIF_IOC, ROLE_LEG_BUY, 1, 0, 1);
  let now = 10;
  for (const st of PATH_TO[status]!) tr.transition(slot, st, now++);
  return slot;
}

t.test('the lifecycle the brief names is in the table', async (t) => {
  const must: [number, number][] = [
    [ST_NEW, ST_SENT], [ST_SENT, ST_ACKED], [ST_ACKED, ST_PARTIAL], [ST_PARTIAL, ST_FILLED], [ST_PARTIAL, ST_CANCELED],
    [ST_ACKED, ST_FILLED], [ST_ACKED, ST_CANCELED], [ST_SENT, ST_REJECTED], [ST_SENT, ST_FILLED],
    [ST_SENT, ST_EXPIRED], [ST_ACKED, ST_EXPIRED], [ST_EXPIRED, ST_FILLED], [ST_EXPIRED, ST_CANCELED],
  ];
  for (const [a, b] of must) t.ok(isLegalTransition(a, b), `${statusName(a)} -> ${statusName(b)}`);
});

t.test('every legal transition moves the order to the state the table gives', async (t) => {
  const tr = new OrderTracker(128);
  for (const [from, reported, to] of TRANSITIONS) {
    const slot = orderAt(tr, from);
    t.equal(tr.status[slot], from, `reached ${statusName(from)}`);
    t.equal(tr.transition(slot, reported, 100), to, `${statusName(from)} + ${statusName(reported)} -> ${statusName(to)}`);
    t.equal(tr.status[slot], to);
    tr.release(slot);
  }
  t.equal(tr.illegalTransitions, 0, 'none counted as illegal');
});

t.test('every other transition is illegal: counted, reported, order unchanged, never thrown', async (t) => {
  const tr = new OrderTracker(128);
  let expected = 0;
  for (let from = 0; from < STATUS_COUNT; from++) {
    for (let reported = 0; reported < STATUS_COUNT; reported++) {
      if (nextStatus(from, reported) >= 0) continue;
      expected++;
      const slot = orderAt(tr, from);
      const id = tr.orderId[slot];
      t.equal(tr.transition(slot, reported, 100), -1, `${statusName(from)} + ${statusName(reported)} refused`);
      t.equal(tr.status[slot], from, 'status kept');
      t.equal(tr.illegalByPair[from * STATUS_COUNT + reported], 1, 'counted under its pair');
      t.equal(tr.lastIllegalOrderId, id);
      t.equal(tr.lastIllegalFrom, from);
      t.equal(tr.lastIllegalReported, reported);
      tr.release(slot);
    }
  }
  t.equal(expected, STATUS_COUNT * STATUS_COUNT - TRANSITIONS.length);
  t.equal(tr.illegalTransitions, expected);
});

t.test('a fill after a final status is illegal; FILLED, CANCELED, REJECTED accept nothing', async (t) => {
  for (const fin of [ST_FILLED, ST_CANCELED, ST_REJECTED]) {
    for (let r = 0; r < STATUS_COUNT; r++) t.notOk(isLegalTransition(fin, r), `${statusName(fin)} + ${statusName(r)}`);
  }
  t.equal(nextStatus(ST_FILLED, ST_PARTIAL), -1);
  t.equal(nextStatus(99, ST_SENT), -1, 'out-of-range status is illegal, not an exception');
  t.equal(nextStatus(ST_SENT, -1), -1);
});

t.test('an expired order absorbs late acks and partial fills until a terminal answer settles it', async (t) => {
  t.equal(nextStatus(ST_EXPIRED, ST_ACKED), ST_EXPIRED);
  t.equal(nextStatus(ST_EXPIRED, ST_PARTIAL), ST_EXPIRED);
  t.equal(nextStatus(ST_EXPIRED, ST_FILLED), ST_FILLED);
  t.equal(nextStatus(ST_EXPIRED, ST_REJECTED), ST_REJECTED);
  t.equal(nextStatus(ST_EXPIRED, ST_EXPIRED), -1, 'expiring twice is illegal');
});
