import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MARKET_LINEAR, MARKET_SPOT } from '../../../src/core/records.js';
import { SymbolTable } from '../../../src/core/symbols.js';
import { BinanceBookSync, BINANCE_FUTURES, BINANCE_SPOT } from '../../../src/venues/binance/book-sync.js';
import { BinanceFrameParser } from '../../../src/venues/binance/frame-parser.js';
import { parseBinanceDepthSnapshot } from '../../../src/venues/binance/rest.js';
import { MSG_DEPTH_DELTA } from '../../../src/venues/parsed-frame.js';
import {
  SYNC_APPLIED,
  SYNC_BUFFERED,
  SYNC_CROSSED,
  SYNC_GAP,
  SYNC_IGNORED,
  SYNC_OVERFLOW,
  SYNC_REFETCH,
  SYNC_RESET,
} from '../../../src/venues/sync-result.js';
import { VENUE_FIXTURES } from '../../helpers/paths.js';
import { BOOK_ASK, BOOK_BID, MapBook, bookLevels } from '../book-reference.js';
import { fixtureLines } from '../reference.js';

const table = new SymbolTable(['BTCUSDT']);

function setup(market: number, flavour: number, depthFile: string, snapFile: string) {
  const parser = new BinanceFrameParser(table, market);
  const sync = new BinanceBookSync(flavour);
  const lines = fixtureLines(depthFile).map((l) => Buffer.from(l));
  const snap = parseBinanceDepthSnapshot(readFileSync(path.join(VENUE_FIXTURES, snapFile), 'utf8'));
  const feed = (i: number): number => {
    if (parser.parse(lines[i], lines[i].length) !== MSG_DEPTH_DELTA) throw new Error(`line ${i} did not parse`);
    return sync.onDiff(parser.frame);
  };
  const reference = (from: number): MapBook => {
    const ref = new MapBook();
    for (const [px, sz] of snap.bids) ref.set(BOOK_BID, px, sz);
    for (const [px, sz] of snap.asks) ref.set(BOOK_ASK, px, sz);
    for (let i = from; i < lines.length; i++) {
      const d = JSON.parse(lines[i].toString()).data;
      for (const [p, q] of d.b) ref.set(BOOK_BID, parseFloat(p), parseFloat(q));
      for (const [p, q] of d.a) ref.set(BOOK_ASK, parseFloat(p), parseFloat(q));
    }
    return ref;
  };
  return { parser, sync, lines, snap, feed, reference };
}

t.test('spot: buffer, snapshot straddled by the 3rd event, then contiguous events', async (t) => {
  const { sync, lines, snap, feed, reference } = setup(MARKET_SPOT, BINANCE_SPOT, 'binance_depthUpdate.jsonl', 'binance_spot_depth_snapshot_rest.json');
  t.equal(snap.lastUpdateId, 50093239218);
  for (let i = 0; i < 3; i++) t.equal(feed(i), SYNC_BUFFERED, `event ${i + 1} buffered`);
  t.notOk(sync.usable);
  t.equal(sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks), SYNC_RESET);
  t.ok(sync.usable);
  t.equal(sync.ignored, 2, 'events 1-2 end before the snapshot');
  t.equal(sync.applied, 1, 'event 3 straddles it');
  for (let i = 3; i < lines.length; i++) t.equal(feed(i), SYNC_APPLIED, `event ${i + 1}`);
  const ref = reference(2);
  t.same(bookLevels(sync.book, BOOK_BID), ref.levels(BOOK_BID), 'bids equal the Map reference');
  t.same(bookLevels(sync.book, BOOK_ASK), ref.levels(BOOK_ASK), 'asks equal the Map reference');
  t.equal(sync.bookId, JSON.parse(lines[lines.length - 1].toString()).data.u);
  t.equal(sync.gaps, 0);
});

t.test('spot: duplicate ignored, missing event is a gap, then resync works', async (t) => {
  const { sync, lines, snap, feed } = setup(MARKET_SPOT, BINANCE_SPOT, 'binance_depthUpdate.jsonl', 'binance_spot_depth_snapshot_rest.json');
  for (let i = 0; i < 3; i++) feed(i);
  sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks);
  t.equal(feed(3), SYNC_APPLIED);
  t.equal(feed(3), SYNC_IGNORED, 'a duplicate is ignored');
  t.equal(feed(5), SYNC_GAP, 'event 5 missing');
  t.notOk(sync.usable);
  t.equal(sync.bookId, -1);
  t.equal(sync.bufferedEvents, 1, 'the gap event starts the new buffer');
  t.equal(sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks), SYNC_REFETCH, 'old snapshot is older than the buffer');
  t.equal(feed(6), SYNC_BUFFERED);
  // a newer "snapshot": the book at event 6's u
  const u6 = JSON.parse(lines[6].toString()).data.u;
  t.equal(sync.onSnapshot(u6 - 1, [[1, 1]], [[1e6, 1]]), SYNC_RESET);
  t.equal(sync.bookId, u6);
  t.equal(feed(7), SYNC_APPLIED);
});

t.test('spot: a snapshot that the first kept event does not reach asks for a refetch', async (t) => {
  const sync = new BinanceBookSync(BINANCE_SPOT);
  const p = new BinanceFrameParser(table);
  const ev = (U: number, u: number): number => {
    const b = Buffer.from(`{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":${U},"u":${u},"b":[["10","1"]],"a":[["11","1"]]}`);
    p.parse(b, b.length);
    return sync.onDiff(p.frame);
  };
  t.equal(ev(100, 110), SYNC_BUFFERED);
  t.equal(ev(111, 120), SYNC_BUFFERED);
  t.equal(ev(125, 130), SYNC_BUFFERED, 'a break while buffering restarts the buffer');
  t.equal(sync.bufferedEvents, 1);
  t.equal(sync.onSnapshot(115, [], []), SYNC_REFETCH, 'snapshot older than the first buffered U');
  t.equal(sync.onSnapshot(126, [[10, 1]], [[11, 1]]), SYNC_RESET, 'U=125 <= 127: straddles');
  t.equal(ev(131, 131), SYNC_APPLIED);
  t.equal(ev(140, 141), SYNC_GAP);
});

t.test('futures: first event must hold lastUpdateId, then pu links the chain', async (t) => {
  const { sync, lines, snap, feed, reference } = setup(MARKET_LINEAR, BINANCE_FUTURES, 'binance_usdm_depthUpdate.jsonl', 'binance_usdm_depth_snapshot_rest.json');
  t.equal(snap.lastUpdateId, 5123107852948);
  t.equal(snap.exchMs, 1723161256501);
  for (let i = 0; i < 5; i++) t.equal(feed(i), SYNC_BUFFERED);
  t.equal(sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks), SYNC_RESET);
  t.equal(sync.ignored, 4, 'events 1-4 end before lastUpdateId');
  for (let i = 5; i < lines.length; i++) t.equal(feed(i), SYNC_APPLIED, `event ${i + 1}`);
  const ref = reference(4);
  t.same(bookLevels(sync.book, BOOK_BID), ref.levels(BOOK_BID));
  t.same(bookLevels(sync.book, BOOK_ASK), ref.levels(BOOK_ASK));
});

t.test('futures: pu mismatch is a gap; the snapshot rule is U <= lastUpdateId <= u', async (t) => {
  const { sync, snap, feed } = setup(MARKET_LINEAR, BINANCE_FUTURES, 'binance_usdm_depthUpdate.jsonl', 'binance_usdm_depth_snapshot_rest.json');
  for (let i = 0; i < 6; i++) feed(i);
  t.equal(sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks), SYNC_RESET);
  t.equal(feed(7), SYNC_GAP, 'event 7 skipped: pu != book id');
  t.equal(sync.gaps, 1);

  const s2 = new BinanceBookSync(BINANCE_FUTURES);
  const p = new BinanceFrameParser(table, MARKET_LINEAR);
  const ev = (U: number, u: number, pu: number): number => {
    const b = Buffer.from(`{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":${U},"u":${u},"pu":${pu},"b":[["10","1"]],"a":[["11","1"]]}`);
    p.parse(b, b.length);
    return s2.onDiff(p.frame);
  };
  t.equal(s2.onSnapshot(100, [[10, 1]], [[11, 1]]), SYNC_RESET, 'no buffer: wait for live events');
  t.equal(ev(90, 99, 80), SYNC_IGNORED, 'u < lastUpdateId');
  t.equal(ev(101, 105, 99), SYNC_GAP, 'U = lastUpdateId + 1 does not hold lastUpdateId (futures rule)');
  t.equal(s2.onSnapshot(102, [[10, 1]], [[11, 1]]), SYNC_RESET);
  t.equal(s2.usable, true);
  t.equal(ev(106, 110, 105), SYNC_APPLIED);
});

t.test('crossed book after an update, and buffer overflow', async (t) => {
  const sync = new BinanceBookSync(BINANCE_SPOT, { maxBufferedEvents: 2 });
  const p = new BinanceFrameParser(table);
  const ev = (U: number, u: number, bid: string): number => {
    const b = Buffer.from(`{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":${U},"u":${u},"b":[["${bid}","1"]],"a":[]}`);
    p.parse(b, b.length);
    return sync.onDiff(p.frame);
  };
  t.equal(sync.onSnapshot(10, [[10, 1]], [[11, 1]]), SYNC_RESET);
  t.equal(ev(11, 11, '10.5'), SYNC_APPLIED);
  t.equal(ev(12, 12, '11.5'), SYNC_CROSSED);
  t.notOk(sync.usable);
  t.equal(sync.crossed, 1);
  t.equal(ev(13, 13, '1'), SYNC_BUFFERED);
  t.equal(ev(14, 14, '1'), SYNC_BUFFERED);
  t.equal(ev(15, 15, '1'), SYNC_OVERFLOW);
  t.equal(sync.bufferedEvents, 0);
  t.ok(sync.resyncs >= 2);
});
