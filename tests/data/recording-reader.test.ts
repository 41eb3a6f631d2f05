import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { EV_FRAME, EV_SKIPPED, EV_SNAPSHOT, RecordingReader } from '../../src/data/recording-reader.js';
import { MergedRecording } from '../../src/data/recording-merge.js';
import { frameLine, headerLine, snapshotLine } from '../../src/data/store.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-reader-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const DAY = Date.UTC(2024, 0, 1);
const header = (venue: string, wallMs: number, tText: string): string =>
  headerLine({ t: 0, wall_ms: wallMs, venue, market: 'spot', symbol: 'BTCUSDT', streams: [], source: 'import:test' }).replace('{"t":0,', `{"t":${tText},`);
/** A frame line at epoch ns given as text (a double cannot hold it exactly). */
const frameAt = (tText: string, text: string): string => frameLine(0, text).replace('{"t":0,', `{"t":${tText},`);

t.test('every line comes back in order across many decompressed chunks', async (t) => {
  const dir = tmp(t);
  let body = headerLine({ t: 1000, wall_ms: DAY, venue: 'binance', market: 'spot', symbol: 'BTCUSDT', streams: [], source: 'record' });
  for (let i = 0; i < 2000; i++) body += i % 500 === 7 ? snapshotLine(1000 + i, `{"n":${i}}`, 'http://x/depth') : frameLine(1000 + i, `{"n":${i},"q":"a\\"b"}`);
  const file = path.join(dir, 'a.jsonl.gz');
  writeFileSync(file, gzipSync(body));
  const r = await RecordingReader.open(file, 1024); // tiny chunks: lines straddle chunk ends
  let i = 0;
  while ((await r.next()) > 0) {
    if (JSON.parse(r.text).n !== i) t.fail(`event ${i} came back as ${r.text}`);
    if (r.kind !== (i % 500 === 7 ? EV_SNAPSHOT : EV_FRAME)) t.fail(`kind of event ${i}`);
    if (r.t !== 1000 + i) t.fail(`t of event ${i}`);
    i++;
  }
  t.equal(i, 2000, 'nothing lost');
  t.equal(r.badLines, 0);
  t.equal(r.truncated, false);
});

t.test('frame lines a skipFrame filter matches come out as skipped events, time set, frame not decoded', async (t) => {
  const dir = tmp(t);
  let body = headerLine({ t: 1000, wall_ms: DAY, venue: 'binance', market: 'spot', symbol: 'BTCUSDT', streams: [], source: 'record' });
  for (let i = 0; i < 600; i++) body += i % 100 === 5 ? snapshotLine(1000 + i, `{"n":${i}}`, 'http://x/depth') : frameLine(1000 + i, `{"n":${i},"skip":${i % 3 === 0}}`);
  const file = path.join(dir, 's.jsonl.gz');
  writeFileSync(file, gzipSync(body));
  const r = await RecordingReader.open(file, 1024);
  const seen: string[] = [];
  // the filter sees the still-escaped text after "f":" (quotes as \")
  r.skipFrame = (buf, from, end) => {
    seen.push(buf.toString('utf8', from, Math.min(end, from + 6)));
    return buf.includes('\\"skip\\":true', from) && buf.indexOf('\\"skip\\":true', from) < end;
  };
  let i = 0;
  let skipped = 0;
  while ((await r.next()) > 0) {
    // the event open() loaded (i = 0) was decoded before the filter was set
    const expect = i % 100 === 5 ? EV_SNAPSHOT : i > 0 && i % 3 === 0 ? EV_SKIPPED : EV_FRAME;
    if (r.kind !== expect) t.fail(`kind of event ${i}: ${r.kind}, expected ${expect}`);
    if (r.t !== 1000 + i) t.fail(`t of event ${i}`);
    if (r.kind === EV_FRAME && JSON.parse(r.text).n !== i) t.fail(`event ${i} came back as ${r.text}`);
    if (r.kind === EV_SKIPPED) skipped++;
    i++;
  }
  t.equal(i, 600, 'every line still an event');
  t.equal(skipped, 197, 'multiples of 3 but the snapshots at 105 and 405');
  t.equal(seen[0], '{\\"n\\"', 'escaped text');
  t.equal(r.badLines, 0);
});

t.test('frames are handed out as bytes, unescaped', async (t) => {
  const dir = tmp(t);
  const file = path.join(dir, 'b.jsonl.gz');
  writeFileSync(file, gzipSync(header('binance', DAY, '1') + frameLine(2, '{"s":"a\\\\b/c","u":"ü"}')));
  const r = await RecordingReader.open(file);
  t.equal(await r.next(), 1);
  t.equal(r.frame.toString('utf8', 0, r.frameLen), '{"s":"a\\\\b/c","u":"ü"}');
  t.equal(await r.next(), -1);
});

t.test('epoch-ns times stay exact on the merge timeline, and ties go to the series listed first', async (t) => {
  const dir = tmp(t);
  const a = path.join(dir, 'a.jsonl.gz');
  const b = path.join(dir, 'b.jsonl.gz');
  // 1704067200000000001 ns and ...003 differ by 2 ns: a double holding them as epoch ns cannot tell
  writeFileSync(a, gzipSync(header('binance', DAY, '1704067200000000000') + frameAt('1704067200000000001', 'a1') + frameAt('1704067200000000003', 'a3')));
  writeFileSync(b, gzipSync(header('bybit', DAY, '1704067200000000000') + frameAt('1704067200000000002', 'b2') + frameAt('1704067200000000003', 'b3')));
  const m = await MergedRecording.open([a, b], { originMs: DAY });
  const seen: string[] = [];
  while ((await m.next()) > 0) seen.push(`${m.current!.text}@${m.currentTs}`);
  t.same(seen, ['a1@1', 'b2@2', 'a3@3', 'b3@3']);
});

t.test('a series spans day files; per-series offsets shift the merge order', async (t) => {
  const dir = tmp(t);
  const d1 = path.join(dir, 'd1.jsonl.gz');
  const d2 = path.join(dir, 'd2.jsonl.gz');
  const other = path.join(dir, 'o.jsonl.gz');
  writeFileSync(d1, gzipSync(header('binance', DAY, '1704067200000000000') + frameAt('1704067200000000100', 'x1')));
  writeFileSync(d2, gzipSync(header('binance', DAY + 86_400_000, '1704153600000000000') + frameAt('1704153600000000100', 'x2')));
  writeFileSync(other, gzipSync(header('bybit', DAY, '1704067200000000000') + frameAt('1704067200000000150', 'y1')));
  const m = await MergedRecording.openSeries([[d1, d2], [other]], { originMs: DAY, offsetsNs: [100, 0] });
  const seen: string[] = [];
  while ((await m.next()) > 0) seen.push(`${m.current!.text}@${m.currentTs}/${m.currentIndex}`);
  t.same(seen, ['y1@150/1', 'x1@200/0', `x2@${86_400_000_000_000 + 200}/0`]);
  t.same(m.problems(), []);
});

t.test('a cut file ends where its data ends; the next file of the series is still read', async (t) => {
  const dir = tmp(t);
  let body = header('binance', DAY, '1704067200000000000');
  for (let i = 0; i < 3000; i++) body += frameAt(String(1704067200000000000 + i * 1000), `{"u":${i},"r":"${(i * 7919).toString(36)}${(i * 104729).toString(36)}"}`);
  const whole = gzipSync(body);
  const cut = path.join(dir, 'cut.jsonl.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const next = path.join(dir, 'next.jsonl.gz');
  writeFileSync(next, gzipSync(header('binance', DAY + 86_400_000, '1704153600000000000') + frameAt('1704153600000000000', '{"u":-1}')));
  const m = await MergedRecording.openSeries([[cut, next]], { originMs: DAY });
  const us: number[] = [];
  while ((await m.next()) > 0) us.push(JSON.parse(m.current!.text).u as number);
  t.ok(us.length > 100 && us.length < 3000, `read ${us.length - 1} of 3000 events of the cut file`);
  t.ok(us.slice(0, -1).every((u, i) => u === i), 'what was read is the start of the file, in order');
  t.equal(us[us.length - 1], -1, 'then the next day');
  t.equal(m.readers[0]!.truncated, true);
  t.match(m.problems()[0], /cut\.jsonl\.gz: truncated/);
});

t.test('an unreadable line is skipped and counted; data before any header is refused', async (t) => {
  const dir = tmp(t);
  const f = path.join(dir, 'bad.jsonl.gz');
  writeFileSync(f, gzipSync(header('binance', DAY, '1') + frameLine(2, 'ok1') + 'garbage\n' + frameLine(3, 'ok2')));
  const r = await RecordingReader.open(f);
  const texts: string[] = [];
  while ((await r.next()) > 0) texts.push(r.text);
  t.same(texts, ['ok1', 'ok2']);
  t.equal(r.badLines, 1);
  t.match(r.problem, /unreadable line: garbage/);
  const noHeader = path.join(dir, 'nh.jsonl.gz');
  writeFileSync(noHeader, gzipSync(frameLine(2, 'x')));
  await t.rejects(RecordingReader.open(noHeader), /not a store header/);
});
