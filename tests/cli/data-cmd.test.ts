import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EPOCH_ANCHOR, RecordingWriter } from '../../src/data/recording-writer.js';
import { pathFor } from '../../src/data/store.js';
import { REPO_ROOT, VENUE_FIXTURES, XARB_BIN } from '../helpers/paths.js';

function xarb(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

t.test('data cat replays real Binance diff depth: nothing before the snapshot, a book after', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-cat-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const diffs = readFileSync(path.join(VENUE_FIXTURES, 'binance_depthUpdate.jsonl'), 'utf8').trim().split('\n');
  const snapshot = readFileSync(path.join(VENUE_FIXTURES, 'binance_spot_depth_snapshot_rest.json'), 'utf8').trim();
  const symbol = (JSON.parse(diffs[0]!) as { data: { s: string } }).data.s;
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: EPOCH_ANCHOR });
  const ch = w.channel('binance', 'spot', symbol);
  const t0 = Date.UTC(2024, 2, 1, 12) * 1e6;
  // as a recorder sees it: three diffs, then the snapshot arrives, then the rest
  diffs.slice(0, 3).forEach((d, i) => ch.frame(t0 + i * 1e6, d));
  ch.snapshot(t0 + 3.5e6, snapshot, 'https://api.binance.com/api/v3/depth?symbol=' + symbol + '&limit=1000');
  diffs.slice(3).forEach((d, i) => ch.frame(t0 + (4 + i) * 1e6, d));
  await w.close();

  const r = xarb(['data', 'cat', pathFor(dir, 'binance', 'spot', symbol, '2024-03-01'), '--depth', '5']);
  t.equal(r.status, 0, r.stderr);
  const books = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(books.length, 1 + diffs.length - 3, 'one book at the snapshot, then one per later diff');
  t.same(Object.keys(books[0]), ['venue', 'market', 'symbol', 'src', 'exch_ts', 'local_ts', 'bids', 'asks']);
  t.equal(books[0].local_ts, Date.UTC(2024, 2, 1, 12) + 3.5);
  t.equal(books[1].src, 'depth');
  t.equal(books[1].bids.length, 5);
  t.ok(books.every((b) => b.bids[0][0] < b.asks[0][0]), 'never crossed');
  t.match(r.stderr, /3 depth updates not printed: book not synced/);
});

t.test('data cat reports a missing file and bad arguments', async (t) => {
  const missing = xarb(['data', 'cat', '/nonexistent/x.jsonl.gz']);
  t.equal(missing.status, 1);
  t.match(missing.stderr, /xarb data cat:/);
  t.equal(xarb(['data', 'cat']).status, 2);
  t.equal(xarb(['data', 'cat', 'f', '--depth', '0']).status, 2);
});

t.test('data synth is plugged in from its own module, or says it is not available', async (t) => {
  const r = xarb(['data', 'synth', '--help']);
  if (/not available/.test(r.stderr)) t.equal(r.status, 2);
  else t.pass('data synth module present');
});
