/** Frame batches between the feed worker and the supervisor: what goes in comes out, in order. */
import t from 'tap';
import { FrameBatcher, forEachFrame, recordBytes } from '../../src/data/frame-batch.js';

function collect(buf: ArrayBuffer, used: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  forEachFrame(buf, used, (tNs, frame) => out.push([tNs, frame.toString('utf8')]));
  return out;
}

t.test('frames come back with their receive times, in order, one message per batch', async (t) => {
  const sent: Array<{ buf: ArrayBuffer; used: number; frames: number }> = [];
  const b = new FrameBatcher((buf, used, frames) => sent.push({ buf, used, frames }), 1024);
  b.flush();
  t.equal(sent.length, 0, 'an empty batch is not sent');
  b.add(1e15 + 0.5, Buffer.from('{"a":1}'));
  b.add(1e15 + 7, Buffer.from('{"stream":"btcusdt@bookTicker","data":{"s":"BTCUSDT"}}'));
  b.add(1e15 + 9, Buffer.alloc(0));
  b.flush();
  t.equal(sent.length, 1);
  t.equal(sent[0]!.frames, 3);
  t.same(collect(sent[0]!.buf, sent[0]!.used), [[1e15 + 0.5, '{"a":1}'], [1e15 + 7, '{"stream":"btcusdt@bookTicker","data":{"s":"BTCUSDT"}}'], [1e15 + 9, '']]);
});

t.test('a full batch is sent early, a frame larger than a batch gets a buffer of its own', async (t) => {
  const sent: Array<Array<[number, string]>> = [];
  const b = new FrameBatcher((buf, used) => sent.push(collect(buf, used)), 64);
  const small = 'x'.repeat(20); // 40 bytes per record: one fits in 64
  t.equal(recordBytes(20), 40);
  b.add(1, Buffer.from(small));
  b.add(2, Buffer.from(small));
  t.equal(sent.length, 1, 'the second frame did not fit: the first batch went');
  const big = 'y'.repeat(200);
  b.add(3, Buffer.from(big));
  b.flush();
  t.same(sent, [[[1, small]], [[2, small]], [[3, big]]]);
  t.equal(b.frames, 3);
  t.equal(b.fullFlushes, 2);
});

t.test('buffers handed back are reused', async (t) => {
  const bufs: ArrayBuffer[] = [];
  const b = new FrameBatcher((buf) => bufs.push(buf), 256);
  b.add(1, Buffer.from('a'));
  b.flush();
  b.recycle(bufs[0]!);
  b.add(2, Buffer.from('b'));
  b.flush(); // sends the buffer allocated at the first flush, then takes the recycled one
  b.add(3, Buffer.from('c'));
  b.flush();
  t.equal(bufs[2], bufs[0], 'the recycled buffer carried the third batch');
  t.same(collect(bufs[2]!, 24), [[3, 'c']]);
});
