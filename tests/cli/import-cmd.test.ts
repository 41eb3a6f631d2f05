import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathFor } from '../../src/data/store.js';
import { FIXTURES, REPO_ROOT, VENUE_FIXTURES, XARB_BIN } from '../helpers/paths.js';

const DATA = path.join(FIXTURES, 'data');

interface Book {
  venue: string;
  market: string;
  symbol: string;
  src: string;
  exch_ts: number | null;
  local_ts: number;
  bids: [number, number][];
  asks: [number, number][];
}

function xarb(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XARB_STDOUT_TTY: '1' } });
}

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-import-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Imports, then reads the series back through `xarb data cat`. */
function importAndCat(t: Test, source: string, inFile: string, out: string, series: [string, string, string, string], depth = 2): Book[] {
  const imp = xarb(['import', source, '--in', inFile, '--out', out]);
  t.equal(imp.status, 0, imp.stderr);
  const cat = xarb(['data', 'cat', pathFor(out, ...series), '--depth', String(depth)]);
  t.equal(cat.status, 0, cat.stderr);
  return cat.stdout.trim().split('\n').filter((l) => l).map((l) => JSON.parse(l) as Book);
}

t.test('binance-public bookTicker CSV -> USD-M bookTicker frames', async (t) => {
  const out = tmp(t);
  const books = importAndCat(t, 'binance-public', path.join(DATA, 'BTCUSDT-bookTicker-2024-03-01.csv'), out, ['binance', 'linear', 'BTCUSDT', '2024-03-01']);
  t.equal(books.length, 4);
  t.same(books[0], {
    venue: 'binance', market: 'linear', symbol: 'BTCUSDT', src: 'ticker', exch_ts: 1709251200003, local_ts: 1709251200003,
    bids: [[61800.2, 2.507]], asks: [[61800.3, 2.51]],
  });
});

t.test('binance-public reads .csv.gz and turns .zip away with a hint', async (t) => {
  const out = tmp(t);
  const gz = path.join(out, 'ETHUSDT-bookTicker-2024-03-01.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(path.join(DATA, 'BTCUSDT-bookTicker-2024-03-01.csv'))));
  const books = importAndCat(t, 'binance-public', gz, path.join(out, 'store'), ['binance', 'linear', 'ETHUSDT', '2024-03-01']);
  t.equal(books.length, 4, 'symbol taken from the file name');
  const zip = xarb(['import', 'binance-public', '--in', path.join(out, 'x.zip'), '--out', out]);
  t.equal(zip.status, 1);
  t.match(zip.stderr, /unzip first/);
});

t.test('bybit-public orderbook lines are copied as frames and replay into a book', async (t) => {
  const out = tmp(t);
  const input = path.join(out, '2024-12-01_XRPUSDT_ob500.data');
  const deltas = readFileSync(path.join(VENUE_FIXTURES, 'bybit_orderbook_delta.jsonl'), 'utf8').trim().split('\n');
  writeFileSync(input, readFileSync(path.join(VENUE_FIXTURES, 'bybit_orderbook_snapshot.json'), 'utf8').trim() + '\n' + deltas.join('\n') + '\n');
  const books = importAndCat(t, 'bybit-public', input, path.join(out, 'store'), ['bybit', 'linear', 'XRPUSDT', '2024-12-01'], 1);
  t.equal(books.length, 1 + deltas.length, 'the snapshot and every delta give a book');
  t.equal(books[0]!.local_ts, books[0]!.exch_ts, 't comes from the message ts');
  t.ok(books.every((b) => b.src === 'depth' && b.bids[0]![0] < b.asks[0]![0]));
});

t.test('tardis incremental_book_L2 (binance-futures) -> REST snapshot line + depthUpdate chain', async (t) => {
  const out = tmp(t);
  const books = importAndCat(t, 'tardis', path.join(DATA, 'tardis_binance-futures_incremental_book_L2.csv'), out, ['binance', 'linear', 'BTCUSDT', '2024-03-01']);
  t.equal(books.length, 4, 'the snapshot and three updates; the row before the snapshot is skipped');
  t.same(books[0]!.bids, [[61800.2, 2], [61800, 4]]);
  t.same(books[0]!.asks, [[61800.3, 2.5], [61800.5, 1.2]]);
  t.equal(books[0]!.local_ts, 1709251200001.5, 'local_timestamp µs -> t');
  t.same(books[1]!.bids, [[61800, 4]], 'amount 0 deletes');
  t.same(books[1]!.asks, [[61800.3, 1.5], [61800.5, 1.2]]);
  t.same(books[3]!.asks, [[61800.5, 1.2]]);
});

t.test('tardis incremental_book_L2 (bybit-spot) -> orderbook snapshot + deltas', async (t) => {
  const out = tmp(t);
  const books = importAndCat(t, 'tardis', path.join(DATA, 'tardis_bybit-spot_incremental_book_L2.csv'), out, ['bybit', 'spot', 'ETHUSDT', '2024-03-01']);
  t.equal(books.length, 3);
  t.same(books[2]!.bids, [[3400.4, 9]]);
  t.same(books[2]!.asks, [[3400.45, 2], [3400.51, 10]]);
  t.equal(books[2]!.exch_ts, 1709251200060);
});

t.test('tardis book_snapshot_5 (binance-futures) -> partial depth frames', async (t) => {
  const out = tmp(t);
  const books = importAndCat(t, 'tardis', path.join(DATA, 'tardis_binance-futures_book_snapshot_5.csv'), out, ['binance', 'linear', 'BTCUSDT', '2024-03-01'], 5);
  t.equal(books.length, 2);
  t.same(books[0]!.bids.map((l) => l[0]), [61800.2, 61800.1, 61800, 61799.9, 61799.8]);
  t.same(books[0]!.asks[0], [61800.3, 1]);
});

t.test('tardis quotes -> Binance bookTicker per symbol, Bybit orderbook.1', async (t) => {
  const out = tmp(t);
  const btc = importAndCat(t, 'tardis', path.join(DATA, 'tardis_binance_quotes.csv'), out, ['binance', 'spot', 'BTCUSDT', '2024-03-01']);
  t.equal(btc.length, 2);
  t.same(btc[0], { venue: 'binance', market: 'spot', symbol: 'BTCUSDT', src: 'ticker', exch_ts: null, local_ts: 1709251200001.456, bids: [[61800.2, 1.25]], asks: [[61800.3, 0.5]] });
  const eth = xarb(['data', 'cat', pathFor(out, 'binance', 'spot', 'ETHUSDT', '2024-03-01')]);
  t.equal(eth.stdout.trim().split('\n').length, 1, 'each symbol gets its own series');
  const bybit = importAndCat(t, 'tardis', path.join(DATA, 'tardis_bybit_quotes.csv'), path.join(out, 'b'), ['bybit', 'linear', 'BTCUSDT', '2024-03-01']);
  t.equal(bybit.length, 2);
  t.same(bybit[1]!.bids, [[61801, 1.1]]);
  t.equal(bybit[1]!.src, 'ticker');
});

t.test('--symbol filters, bad input is reported', async (t) => {
  const out = tmp(t);
  const r = xarb(['import', 'tardis', '--in', path.join(DATA, 'tardis_binance_quotes.csv'), '--out', out, '--symbol', 'ethusdt']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /1 frames, 0 snapshots, 2 rows skipped/);
  const bad = xarb(['import', 'tardis', '--in', path.join(DATA, 'BTCUSDT-bookTicker-2024-03-01.csv'), '--out', out]);
  t.equal(bad.status, 1);
  t.match(bad.stderr, /not a Tardis/);
  t.equal(xarb(['import', 'nope', '--in', 'x', '--out', out]).status, 2);
});
