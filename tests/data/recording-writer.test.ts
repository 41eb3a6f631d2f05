import t from 'tap';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EPOCH_ANCHOR, RecordingWriter } from '../../src/data/recording-writer.js';
import { EV_FRAME, EV_SNAPSHOT, RecordingReader } from '../../src/data/recording-reader.js';
import { pathFor } from '../../src/data/store.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function readAll(file: string): Promise<{ reader: RecordingReader; events: { t: number; kind: number; text: string; url: string }[] }> {
  const reader = await RecordingReader.open(file);
  const events = [];
  while ((await reader.next()) > 0) events.push({ t: reader.t, kind: reader.kind, text: reader.text, url: reader.url });
  return { reader, events };
}

const NOON = Date.UTC(2024, 2, 1, 12); // 2024-03-01 12:00 UTC

t.test('frames and snapshots come back exactly as written, after the header', async (t) => {
  const dir = tmp(t);
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: { monoNs: 5e12, wallMs: NOON } });
  const ch = w.channel('binance', 'spot', 'BTCUSDT', ['btcusdt@bookTicker']);
  const weird = '{"s":"BTCUSDT","note":"quote \\" and newline \\n and ünïcode"}';
  ch.frame(5e12 + 1000, weird);
  ch.snapshot(5e12 + 2000, '{"lastUpdateId":1,"bids":[],"asks":[]}', 'http://x/api/v3/depth?symbol=BTCUSDT&limit=1000');
  for (let i = 0; i < 5000; i++) ch.frame(5e12 + 3000 + i, `{"u":${i}}`);
  await w.close();
  const file = pathFor(dir, 'binance', 'spot', 'BTCUSDT', '2024-03-01');
  const { reader, events } = await readAll(file);
  t.equal(reader.header.venue, 'binance');
  t.same(reader.header.streams, ['btcusdt@bookTicker']);
  t.equal(reader.header.source, 'record');
  t.equal(reader.wallOf(5e12), NOON, 'the header anchors t to the wall clock');
  t.equal(events.length, 5002);
  t.same(events[0], { t: 5e12 + 1000, kind: EV_FRAME, text: weird, url: '' });
  t.equal(events[1]!.kind, EV_SNAPSHOT);
  t.equal(events[1]!.url, 'http://x/api/v3/depth?symbol=BTCUSDT&limit=1000');
  t.equal(events[5001]!.text, '{"u":4999}');
  t.equal(reader.truncated, false);
  t.equal(reader.badLines, 0);
});

t.test('flush leaves a valid .gz on disk while recording goes on', async (t) => {
  const dir = tmp(t);
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: { monoNs: 0, wallMs: NOON } });
  const ch = w.channel('bybit', 'spot', 'ETHUSDT');
  ch.frame(1, 'a');
  await w.flush();
  const file = pathFor(dir, 'bybit', 'spot', 'ETHUSDT', '2024-03-01');
  t.equal(gunzipSync(readFileSync(file)).toString().split('\n').filter((l) => l).length, 2, 'header + 1 frame readable after flush');
  ch.frame(2, 'b');
  ch.frame(3, 'c');
  await w.flush();
  ch.frame(4, 'd');
  await w.close();
  const lines = gunzipSync(readFileSync(file)).toString().trim().split('\n');
  t.equal(lines.length, 5, 'members concatenate into one stream');
  t.same(lines.slice(1).map((l) => JSON.parse(l).f), ['a', 'b', 'c', 'd']);
});

t.test('a new file starts at UTC midnight, decided by each frame\'s wall time', async (t) => {
  const dir = tmp(t);
  const midnight = Date.UTC(2024, 2, 2);
  // t = 0 is one second before midnight
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: { monoNs: 0, wallMs: midnight - 1000 } });
  const ch = w.channel('binance', 'spot', 'BTCUSDT');
  ch.frame(0, 'before-1');
  ch.frame(999_000_000, 'before-2'); // 1 ms before midnight
  ch.frame(1_000_000_000, 'after-1');
  ch.frame(1_500_000_000, 'after-2');
  await w.close();
  const day1 = await readAll(pathFor(dir, 'binance', 'spot', 'BTCUSDT', '2024-03-01'));
  const day2 = await readAll(pathFor(dir, 'binance', 'spot', 'BTCUSDT', '2024-03-02'));
  t.same(day1.events.map((e) => e.text), ['before-1', 'before-2']);
  t.same(day2.events.map((e) => e.text), ['after-1', 'after-2']);
  t.equal(day2.reader.header.t, 1_000_000_000, 'the new file has its own header');
  t.equal(day2.reader.wallOf(1_000_000_000), midnight);
  t.same(readdirSync(path.join(dir, 'binance', 'spot', 'BTCUSDT')).sort(), ['2024-03-01.jsonl.gz', '2024-03-02.jsonl.gz']);
});

t.test('a file cut short is read up to the damage, reported, and does not throw', async (t) => {
  const dir = tmp(t);
  const w = new RecordingWriter({ dataDir: dir, source: 'import:test', anchor: EPOCH_ANCHOR });
  const ch = w.channel('binance', 'linear', 'BTCUSDT');
  // incompressible-ish lines so the cut lands mid-data
  for (let i = 0; i < 3000; i++) ch.frame(NOON * 1e6 + i, `{"u":${i},"r":"${Math.random().toString(36)}${Math.random().toString(36)}"}`);
  await w.close();
  const file = pathFor(dir, 'binance', 'linear', 'BTCUSDT', '2024-03-01');
  const whole = readFileSync(file);
  const cut = path.join(dir, 'cut.jsonl.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const { reader, events } = await readAll(cut);
  t.ok(events.length > 100 && events.length < 3000, `read ${events.length} of 3000 events`);
  t.equal(reader.truncated, true);
  t.match(reader.problem, /truncated/);
  t.ok(events.every((e, i) => JSON.parse(e.text).u === i), 'what was read is the start of the file, in order');
});

t.test('a reader refuses a file with no store header', async (t) => {
  const dir = tmp(t);
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: EPOCH_ANCHOR });
  await w.close();
  const bad = path.join(dir, 'bad.jsonl.gz');
  const { gzipSync } = await import('node:zlib');
  writeFileSync(bad, gzipSync('{"t":1,"f":"x"}\n'));
  await t.rejects(RecordingReader.open(bad), /not a store header/);
});
