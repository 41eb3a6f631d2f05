import t from 'tap';
import { Worker } from 'node:worker_threads';
import {
  POLICY_BLOCK, POLICY_DROP_OLDEST, RingConsumer, RingProducer, createRing, ringStats, type RecordHandler,
} from '../../src/core/ring.js';
import { Doorbell } from '../../src/core/doorbell.js';

class Collect implements RecordHandler {
  values: number[] = [];
  onRecord(data: Float64Array, off: number): void {
    this.values.push(data[off]!);
  }
}

function push(p: RingProducer, v: number, timeoutNs = 0): boolean {
  if (!p.claim(timeoutNs)) return false;
  p.data[p.offset] = v;
  p.publish();
  return true;
}

t.test('records arrive once, in order, with payload, across batches', async (t) => {
  const sab = createRing(8, 4, POLICY_BLOCK);
  const p = new RingProducer(sab);
  const c = new RingConsumer(sab);
  const h = new Collect();
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 8; i++) t.equal(push(p, round * 8 + i), true);
    t.equal(c.drain(h, 3), 3, 'batch limited to 3');
    t.equal(c.drain(h, 100), 5, 'rest of the ring');
    t.equal(c.drain(h, 100), 0, 'idle');
  }
  t.same(h.values, Array.from({ length: 80 }, (_, i) => i));
});

t.test('counters started near 2^32 wrap correctly', async (t) => {
  for (const policy of [POLICY_BLOCK, POLICY_DROP_OLDEST]) {
    const sab = createRing(8, 2, policy, 0xfffffff0 | 0);
    const p = new RingProducer(sab);
    const c = new RingConsumer(sab);
    const h = new Collect();
    for (let i = 0; i < 1000; i++) {
      push(p, i);
      if (i % 5 === 4) c.drain(h, 100);
    }
    c.drain(h, 100);
    t.same(h.values, Array.from({ length: 1000 }, (_, i) => i), `policy ${policy}`);
    const s = ringStats(sab);
    t.equal(s.written, ((0xfffffff0 + 1000) >>> 0), 'write counter wrapped');
    t.equal(s.dropped, 0);
  }
});

t.test('drop-oldest: the producer overwrites, the consumer skips and counts', async (t) => {
  const sab = createRing(8, 2, POLICY_DROP_OLDEST);
  const p = new RingProducer(sab);
  const c = new RingConsumer(sab);
  for (let i = 0; i < 20; i++) t.equal(push(p, i), true, 'never blocks');
  const h = new Collect();
  t.equal(c.drain(h, 100), 7, 'a lapped lossy ring yields capacity - 1 (the oldest slot is being rewritten)');
  t.same(h.values, [13, 14, 15, 16, 17, 18, 19], 'the newest records survive');
  t.equal(ringStats(sab).dropped, 13, 'every lost record counted');
});

t.test('block: a full ring times out, counts the wait and the timeout', async (t) => {
  const sab = createRing(4, 2, POLICY_BLOCK);
  const p = new RingProducer(sab);
  const c = new RingConsumer(sab);
  for (let i = 0; i < 4; i++) t.equal(push(p, i), true);
  t.equal(push(p, 4, 1e6), false, 'no space within 1 ms');
  let s = ringStats(sab);
  t.equal(s.fullWaits, 1);
  t.equal(s.timeouts, 1);
  t.equal(s.depth, 4);
  const h = new Collect();
  c.drain(h, 1);
  t.equal(push(p, 4, 1e6), true, 'space after one read');
  c.drain(h, 10);
  t.same(h.values, [0, 1, 2, 3, 4], 'nothing lost, nothing duplicated');
  s = ringStats(sab);
  t.equal(s.dropped, 0);
});

t.test('rejects bad shapes with a clear message', async (t) => {
  t.throws(() => createRing(6, 2, POLICY_BLOCK), /power of two/);
  t.throws(() => createRing(8, 0, POLICY_BLOCK), /slotWords/);
});

async function runPair(count: number, capacity: number, slotWords: number, policy: number, initialSeq: number) {
  const ring = createRing(capacity, slotWords, policy, initialSeq);
  const bell = new Doorbell();
  const start = new SharedArrayBuffer(8);
  const url = new URL('./fixtures/ring-peer.js', import.meta.url);
  const lossy = policy === POLICY_DROP_OLDEST;
  const mk = (role: string) => new Worker(url, { workerData: { role, ring, bell: bell.sab, start, count, lossy } });
  const consumer = mk('consumer');
  const producer = mk('producer');
  const cRes = new Promise<any>((res, rej) => { consumer.once('message', res); consumer.once('error', rej); });
  const pRes = new Promise<any>((res, rej) => { producer.once('message', res); producer.once('error', rej); });
  const s = new Int32Array(start);
  while (Atomics.load(s, 1) < 2) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(s, 0, 1);
  Atomics.notify(s, 0);
  const [c, p] = await Promise.all([cRes, pRes]);
  await Promise.all([consumer.terminate(), producer.terminate()]);
  return { c, p, stats: ringStats(ring) };
}

t.test('10 million records between two real threads through a small ring', async (t) => {
  const n = 10_000_000;
  const { c, stats } = await runPair(n, 256, 8, POLICY_BLOCK, 0);
  t.equal(c.errors, 0, c.firstError || 'no out-of-order or corrupt record');
  t.equal(c.received, n, 'every record exactly once');
  t.equal(stats.dropped, 0);
});

t.test('two threads, counters starting just below 2^32', async (t) => {
  const n = 1_000_000;
  const { c, stats } = await runPair(n, 64, 8, POLICY_BLOCK, 0xffff0000 | 0);
  t.equal(c.errors, 0, c.firstError || 'ok');
  t.equal(c.received, n);
  t.equal(stats.written, ((0xffff0000 + n) >>> 0));
});

t.test('drop-oldest between threads: never a torn or reordered record; handed + dropped = sent', async (t) => {
  const n = 2_000_000;
  const { c, stats } = await runPair(n, 16, 16, POLICY_DROP_OLDEST, 0);
  t.equal(c.errors, 0, c.firstError || 'every handed record intact and newer than the last');
  t.equal(c.received + stats.dropped, n, `received ${c.received} + dropped ${stats.dropped}`);
});
