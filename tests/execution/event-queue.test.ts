import t from 'tap';
import { EventQueue } from '../../src/execution/event-queue.js';
import { Prng } from '../../src/core/prng.js';

t.test('events come out by due time, ties in scheduling order', async (t) => {
  const q = new EventQueue(16);
  const ids = [q.push(30), q.push(10), q.push(20), q.push(10), q.push(30)];
  const out: number[] = [];
  t.equal(q.peekDue(), 10);
  while (q.length > 0) {
    const id = q.pop();
    out.push(id);
    q.release(id);
  }
  t.same(out, [ids[1], ids[3], ids[2], ids[0], ids[4]]);
  t.equal(q.peekDue(), Infinity, 'empty');
  t.equal(q.pop(), -1);
});

t.test('a full queue refuses and counts; many random events stay ordered', async (t) => {
  const q = new EventQueue(3);
  q.push(1); q.push(2); q.push(3);
  t.equal(q.push(4), -1);
  t.equal(q.overflows, 1);

  const big = new EventQueue(1000);
  const r = new Prng(5);
  for (let i = 0; i < 1000; i++) big.push(Math.floor(r.next() * 100));
  let last = -1;
  let ok = true;
  for (let i = 0; i < 500; i++) {
    const id = big.pop();
    const d = big.dueOf(id);
    if (d < last) ok = false;
    last = d;
    big.release(id);
    big.push(last + Math.floor(r.next() * 100)); // keep scheduling into the future
  }
  t.ok(ok, 'never goes back in time');
});
