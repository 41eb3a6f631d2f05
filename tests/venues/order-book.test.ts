import t from 'tap';
import { D_LEVELS, D_LEVEL_COUNT, depthWords } from '../../src/core/records.js';
import { OrderBook } from '../../src/venues/order-book.js';
import { BOOK_ASK, BOOK_BID, MapBook, bookLevels } from './book-reference.js';

t.test('levels stay sorted, best first, and match a Map reference under random updates', async (t) => {
  const book = new OrderBook(1000);
  const ref = new MapBook();
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 20000; i++) {
    const side = rand() < 0.5 ? BOOK_BID : BOOK_ASK;
    const px = side === BOOK_BID ? 100 - Math.floor(rand() * 300) / 10 : 100.1 + Math.floor(rand() * 300) / 10;
    const sz = rand() < 0.3 ? 0 : Math.floor(rand() * 1000) / 100;
    book.set(side, px, sz);
    ref.set(side, px, sz);
  }
  t.same(bookLevels(book, BOOK_BID), ref.levels(BOOK_BID));
  t.same(bookLevels(book, BOOK_ASK), ref.levels(BOOK_ASK));
  t.equal(book.bestBid(), ref.levels(BOOK_BID)[0][0]);
  t.equal(book.bestAsk(), ref.levels(BOOK_ASK)[0][0]);
  t.notOk(book.isCrossed());
});

t.test('size 0 removes; removing an unknown level is a counted no-op', async (t) => {
  const b = new OrderBook(10);
  b.set(BOOK_BID, 10, 1);
  b.set(BOOK_BID, 10, 0);
  t.equal(b.bidCount, 0);
  b.set(BOOK_ASK, 11, 0);
  t.equal(b.askCount, 0);
  t.equal(b.removedUnknown, 1);
  b.set(BOOK_ASK, 11, 2);
  b.set(BOOK_ASK, 11, 3);
  t.equal(b.askCount, 1, 'update in place');
  t.equal(b.sizeAt(BOOK_ASK, 11), 3);
});

t.test('a full side drops its worst level and counts it', async (t) => {
  const b = new OrderBook(3);
  for (const px of [10, 9, 8]) b.set(BOOK_BID, px, 1);
  b.set(BOOK_BID, 11, 1); // better: 8 falls out
  t.same(bookLevels(b, BOOK_BID).map((l) => l[0]), [11, 10, 9]);
  b.set(BOOK_BID, 5, 1); // worse than all: dropped
  t.same(bookLevels(b, BOOK_BID).map((l) => l[0]), [11, 10, 9]);
  t.equal(b.overflowDropped, 2);
  for (const px of [20, 21, 22, 19]) b.set(BOOK_ASK, px, 1);
  t.same(bookLevels(b, BOOK_ASK).map((l) => l[0]), [19, 20, 21]);
});

t.test('crossed detection and clear', async (t) => {
  const b = new OrderBook(10);
  b.set(BOOK_BID, 10, 1);
  b.set(BOOK_ASK, 10.5, 1);
  t.notOk(b.isCrossed());
  b.set(BOOK_BID, 10.5, 1);
  t.ok(b.isCrossed(), 'bid = ask is crossed');
  b.clear();
  t.equal(b.bidCount + b.askCount, 0);
  t.notOk(b.isCrossed());
  t.equal(b.bestBid(), 0);
});

t.test('topN writes the records.ts depth layout', async (t) => {
  const b = new OrderBook(10);
  b.set(BOOK_BID, 10, 1);
  b.set(BOOK_BID, 9, 2);
  b.set(BOOK_ASK, 11, 3);
  const out = new Float64Array(depthWords(3) + 4).fill(-1);
  const n = b.topN(3, out, 4);
  t.equal(n, 2);
  t.equal(out[4 + D_LEVEL_COUNT], 3);
  t.same(Array.from(out.subarray(4 + D_LEVELS, 4 + D_LEVELS + 12)), [10, 1, 11, 3, 9, 2, 0, 0, 0, 0, 0, 0]);
});
