import t from 'tap';
import { IN_FRAME, IN_QUOTE, IN_SNAPSHOT, VenueInbox } from '../../src/backtest/venue-inbox.js';

t.test('an inbox gives back what it was given, in order, through growth and reuse of its rings and frame buffers', async (t) => {
  const q = new VenueInbox(4, 64); // tiny: the ring, the frame ring and its buffers all have to grow
  const frame = (k: number) => Buffer.from(`{"k":${k},"pad":"${'x'.repeat((k * 37) % 150)}"}`);
  let pushed = 0;
  let popped = 0;
  let bad = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 1 + (round % 7); i++) {
      const k = pushed++;
      if (k % 5 === 0) q.pushQuote(k, k, 0, 1000 + k, 100, 1, 101, 2);
      else if (k % 11 === 0) q.pushSnapshot(k, k, 0, `snap ${k}`);
      else q.pushFrame(k, k, frame(k), frame(k).length);
    }
    for (let i = 0; i < 1 + (round % 5) && q.length > 0; i++) {
      const k = popped++;
      if (q.peek(1) !== k || q.peek(2) !== k) bad++;
      if (k % 5 === 0) {
        if (q.peek(0) !== IN_QUOTE || q.peek(5) !== 1000 + k || q.peek(8) !== 101) bad++;
      } else if (k % 11 === 0) {
        if (q.peek(0) !== IN_SNAPSHOT || q.headText() !== `snap ${k}`) bad++;
      } else {
        const f = frame(k);
        if (q.peek(0) !== IN_FRAME || q.peek(4) !== f.length || !q.headFrame().subarray(0, f.length).equals(f)) bad++;
      }
      q.pop();
    }
  }
  t.ok(pushed > popped && q.length === pushed - popped, `${pushed} pushed, ${popped} popped, ${q.length} left`);
  t.equal(bad, 0, 'every entry as pushed');
});
