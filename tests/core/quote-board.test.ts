import t from 'tap';
import { Worker } from 'node:worker_threads';
import {
  QuoteBoard, createQuoteBoard, B_ASK_PX, B_BID_PX, B_BID_SZ, B_FLAGS, B_REASON, B_UPDATES,
} from '../../src/core/quote-board.js';
import { FLAG_USABLE, BOOK_REASON_GAP } from '../../src/core/records.js';

t.test('writeTop then read returns the same fields; usable flag toggles', async (t) => {
  const board = new QuoteBoard(createQuoteBoard({ venues: 2, symbols: 3, levels: 5 }));
  board.writeTop(1, 2, 77, 1700000000000, 123, 456, FLAG_USABLE, 100.5, 2, 100.6, 3);
  const out = new Float64Array(board.entryWords);
  t.equal(board.read(1, 2, out), true);
  t.equal(out[B_BID_PX], 100.5);
  t.equal(out[B_ASK_PX], 100.6);
  t.equal(out[B_BID_SZ], 2);
  t.equal(out[B_FLAGS]! & FLAG_USABLE, FLAG_USABLE);
  board.setUsable(1, 2, false, BOOK_REASON_GAP);
  board.read(1, 2, out);
  t.equal(out[B_FLAGS]! & FLAG_USABLE, 0, 'marked unusable');
  t.equal(out[B_REASON], BOOK_REASON_GAP);
  t.equal(out[B_BID_PX], 100.5, 'prices untouched');
  t.equal(out[B_UPDATES], 2);
  board.read(0, 0, out);
  t.equal(out[B_BID_PX], 0, 'other entries untouched');
});

t.test('a writer thread hammering an entry never lets readers see a torn record', async (t) => {
  const sab = createQuoteBoard({ venues: 2, symbols: 4, levels: 10 });
  const stop = new SharedArrayBuffer(8);
  const url = new URL('./fixtures/board-peer.js', import.meta.url);
  const readers = [0, 1].map(() => new Worker(url, { workerData: { role: 'reader', board: sab, stop, writes: 0 } }));
  const writer = new Worker(url, { workerData: { role: 'writer', board: sab, stop, writes: 3_000_000 } });
  const results = await Promise.all([writer, ...readers].map((w) => new Promise<any>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  })));
  await Promise.all([writer, ...readers].map((w) => w.terminate()));
  for (const r of results.slice(1)) {
    t.ok(r.reads > 0, `reader made ${r.reads} reads (${r.retries} retries)`);
    t.equal(r.torn, 0, 'no torn record');
    t.equal(r.backwards, 0, 'never goes back in time');
  }
});
