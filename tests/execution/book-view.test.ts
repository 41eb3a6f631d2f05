import t from 'tap';
import { QuoteBoard, createQuoteBoard, B_LEVELS, B_NLEVELS } from '../../src/core/quote-board.js';
import {
  D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVELS, D_LEVEL_WORDS, FLAG_USABLE, H_FLAGS, H_RECV_NS, H_SEQ, depthWords,
} from '../../src/core/records.js';
import { QuoteBoardBookView, levelCapacity } from '../../src/execution/book-view.js';

function level(out: Float64Array, i: number): number[] {
  const o = D_LEVELS + D_LEVEL_WORDS * i;
  return [out[o + D_BID_PX]!, out[o + D_BID_SZ]!, out[o + D_ASK_PX]!, out[o + D_ASK_SZ]!];
}

t.test('the quote board as a BookView: top of book as one level, depth when written, flags and version', async (t) => {
  const board = new QuoteBoard(createQuoteBoard({ venues: 2, symbols: 2, levels: 3 }));
  const view = new QuoteBoardBookView(board);
  const out = new Float64Array(depthWords(3));
  t.equal(levelCapacity(out), Math.floor((out.length - D_LEVELS) / D_LEVEL_WORDS));

  t.equal(view.readLevels(1, 1, out), 0, 'never written: no book');

  board.writeTop(1, 1, 10, 0, 5_000, 5_100, FLAG_USABLE, 99, 2, 101, 3);
  t.equal(view.readLevels(1, 1, out), 1, 'top only');
  t.same(level(out, 0), [99, 2, 101, 3]);
  t.equal(out[H_FLAGS], FLAG_USABLE);
  t.equal(out[H_RECV_NS], 5_000);
  const v1 = out[H_SEQ];

  const e = board.entry(1, 1);
  board.beginWrite(e);
  board.f64[e + B_NLEVELS] = 2;
  const lv = [[99, 2, 101, 3], [98, 4, 102, 5]];
  for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) board.f64[e + B_LEVELS + 4 * i + k] = lv[i]![k]!;
  board.endWrite(e);
  t.equal(view.readLevels(1, 1, out), 2, 'depth levels when the feed wrote them');
  t.same([level(out, 0), level(out, 1)], lv);
  t.not(out[H_SEQ], v1, 'version changed with the book');

  board.setUsable(1, 1, false, 1);
  view.readLevels(1, 1, out);
  t.equal(out[H_FLAGS]! & FLAG_USABLE, 0, 'unusable is visible to the simulator');

  const small = new Float64Array(depthWords(1));
  t.equal(view.readLevels(1, 1, small), Math.min(2, levelCapacity(small)), 'never writes past the buffer');
});
