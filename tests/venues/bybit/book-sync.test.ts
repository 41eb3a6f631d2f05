import t from 'tap';
import { MARKET_LINEAR } from '../../../src/core/records.js';
import { SymbolTable } from '../../../src/core/symbols.js';
import { BybitBookSync } from '../../../src/venues/bybit/book-sync.js';
import { BybitFrameParser } from '../../../src/venues/bybit/frame-parser.js';
import { SYNC_APPLIED, SYNC_CROSSED, SYNC_GAP, SYNC_IGNORED, SYNC_RESET } from '../../../src/venues/sync-result.js';
import { BOOK_ASK, BOOK_BID, MapBook, bookLevels } from '../book-reference.js';
import { fixtureLines } from '../reference.js';

const table = new SymbolTable(['XRPUSDT', 'BTCUSDT']);
const snapshot = Buffer.from(fixtureLines('bybit_orderbook_snapshot.json')[0]);
const deltas = fixtureLines('bybit_orderbook_delta.jsonl').map((l) => Buffer.from(l));

function feeder(sync: BybitBookSync) {
  const p = new BybitFrameParser(table, MARKET_LINEAR);
  return (b: Buffer): number => {
    p.parse(b, b.length);
    return sync.onDiff(p.frame);
  };
}

t.test('snapshot + 49 deltas equal a Map reference', async (t) => {
  const sync = new BybitBookSync();
  const feed = feeder(sync);
  t.equal(feed(snapshot), SYNC_RESET);
  for (const [i, d] of deltas.entries()) t.equal(feed(d), SYNC_APPLIED, `delta ${i + 1}`);
  const ref = new MapBook();
  for (const line of [snapshot, ...deltas]) {
    const d = JSON.parse(line.toString()).data;
    for (const [p, q] of d.b) ref.set(BOOK_BID, parseFloat(p), parseFloat(q));
    for (const [p, q] of d.a) ref.set(BOOK_ASK, parseFloat(p), parseFloat(q));
  }
  t.same(bookLevels(sync.book, BOOK_BID), ref.levels(BOOK_BID));
  t.same(bookLevels(sync.book, BOOK_ASK), ref.levels(BOOK_ASK));
  t.equal(sync.lastU, 20254918);
  t.equal(sync.lastSeq, 130020252664);
});

t.test('delta before a snapshot is ignored and counted', async (t) => {
  const sync = new BybitBookSync();
  const feed = feeder(sync);
  t.equal(feed(deltas[0]), SYNC_IGNORED);
  t.equal(sync.deltasBeforeSnapshot, 1);
  t.notOk(sync.usable);
});

t.test('duplicates are ignored; reordering is a gap; a new snapshot resets', async (t) => {
  const sync = new BybitBookSync();
  const feed = feeder(sync);
  feed(snapshot);
  t.equal(feed(deltas[0]), SYNC_APPLIED);
  t.equal(feed(deltas[0]), SYNC_IGNORED, 'duplicate');
  t.equal(feed(deltas[2]), SYNC_GAP, 'delta 2 missing (strict)');
  t.notOk(sync.usable);
  t.equal(feed(deltas[1]), SYNC_IGNORED, 'late delta after the gap: no book');
  t.equal(feed(snapshot), SYNC_RESET, 'resubscribe: the snapshot resets');
  t.ok(sync.usable);
  t.equal(feed(deltas[0]), SYNC_APPLIED);
  t.equal(sync.gaps, 1);
  t.equal(sync.snapshots, 2);
});

t.test('lenient mode accepts jumps in u but not a falling seq', async (t) => {
  const sync = new BybitBookSync({ strictUpdateIds: false });
  const feed = feeder(sync);
  feed(snapshot);
  t.equal(feed(deltas[0]), SYNC_APPLIED);
  t.equal(feed(deltas[2]), SYNC_APPLIED, 'u jumped by 2');
  const p = new BybitFrameParser(table, MARKET_LINEAR);
  const low = Buffer.from(deltas[3].toString().replace(/"seq":\d+/, '"seq":1'));
  p.parse(low, low.length);
  t.equal(sync.onDiff(p.frame), SYNC_GAP, 'seq went backwards');
});

t.test('u = 1 overwrites the book (service restart)', async (t) => {
  const sync = new BybitBookSync();
  const feed = feeder(sync);
  feed(snapshot);
  const restart = Buffer.from('{"topic":"orderbook.50.XRPUSDT","type":"delta","ts":1,"data":{"s":"XRPUSDT","b":[["1.5","10"]],"a":[["1.6","20"]],"u":1,"seq":130020252700},"cts":1}');
  t.equal(feed(restart), SYNC_RESET);
  t.same(bookLevels(sync.book, BOOK_BID), [[1.5, 10]]);
  t.same(bookLevels(sync.book, BOOK_ASK), [[1.6, 20]]);
});

t.test('crossed book after a delta', async (t) => {
  const sync = new BybitBookSync();
  const feed = feeder(sync);
  feed(snapshot);
  const cross = Buffer.from('{"topic":"orderbook.500.XRPUSDT","type":"delta","ts":1,"data":{"s":"XRPUSDT","b":[["2.5","10"]],"a":[],"u":20254870,"seq":130020238990},"cts":1}');
  t.equal(feed(cross), SYNC_CROSSED);
  t.notOk(sync.usable);
  t.equal(sync.crossed, 1);
});
