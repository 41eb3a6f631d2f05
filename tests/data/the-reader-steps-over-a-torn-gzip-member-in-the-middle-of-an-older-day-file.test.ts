import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { RecordingReader } from '../../src/data/recording-reader.js';
import { MergedRecording } from '../../src/data/recording-merge.js';
import { frameLine, headerLine } from '../../src/data/store.js';
import { rng } from '../helpers/rng.js';

// Day files written before the writer cut torn tails: a writer killed mid-member, then a writer
// restarted the same day appending its own members (header first) behind the tear.

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-tear-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const NOON = Date.UTC(2024, 2, 1, 12);
const header = (wallMs: number): string =>
  headerLine({ t: 0, wall_ms: wallMs, venue: 'binance', market: 'spot', symbol: 'BTCUSDT', streams: [], source: 'record' });

interface Layout {
  bytes: Buffer;
  before: string[];
  torn: string[];
  after: string[];
  tornStart: number;
  tornBytes: number;
}

/** Two complete members, a third cut `cut` bytes in, then a restarted writer's two members. */
function olderFile(cut: number | null, tornLines = 30): Layout {
  const lines = (tag: string, n: number): string[] => Array.from({ length: n }, (_, i) => `{"${tag}":${i}}`);
  const m1 = lines('a', 20);
  const m2 = lines('b', 15);
  const m3 = lines('c', tornLines);
  const m4 = lines('d', 12);
  const m5 = lines('e', 9);
  const body = (texts: string[], first: number): string => texts.map((x, i) => frameLine(first + i, x)).join('');
  const g1 = gzipSync(header(NOON) + body(m1, 100));
  const g2 = gzipSync(body(m2, 200));
  const g3 = gzipSync(body(m3, 300));
  const g4 = gzipSync(header(NOON + 60_000) + body(m4, 400));
  const g5 = gzipSync(body(m5, 500));
  const torn = cut === null ? g3 : g3.subarray(0, cut);
  return {
    bytes: Buffer.concat([g1, g2, torn, g4, g5]),
    before: [...m1, ...m2],
    torn: m3,
    after: [...m4, ...m5],
    tornStart: g1.length + g2.length,
    tornBytes: g3.length,
  };
}

async function readAll(file: string): Promise<{ texts: string[]; r: RecordingReader }> {
  const r = await RecordingReader.open(file, 1024);
  const texts: string[] = [];
  while ((await r.next()) > 0) texts.push(r.text);
  r.close();
  return { texts, r };
}

/** Every line before the tear and after it once, in order; of the torn member a prefix at most. */
function checkOnce(t: Test, texts: string[], r: RecordingReader, l: Layout, label: string): void {
  const n = l.before.length;
  t.same(texts.slice(0, n), l.before, `${label}: every line before the tear`);
  t.same(texts.slice(texts.length - l.after.length), l.after, `${label}: every line after it`);
  const middle = texts.slice(n, texts.length - l.after.length);
  // the torn member's readable start, once; garbage decoded past the tear (files from before
  // the writer cut torn tails: it may repeat earlier lines) is counted and told
  if (r.garbledBytes === 0) t.same(middle, l.torn.slice(0, middle.length), `${label}: of the torn member only its readable start, once`);
  else {
    t.match(r.problem, /garbage/, `${label}: garbage is reported`);
  }
}

t.test('a torn member in the middle is reported and reading resumes at the next complete member', async (t) => {
  const dir = tmp(t);
  const l = olderFile(40);
  const file = path.join(dir, 'day.jsonl.gz');
  writeFileSync(file, l.bytes);
  const { texts, r } = await readAll(file);
  checkOnce(t, texts, r, l, 'cut at 40');
  t.equal(r.tornMembers, 1, 'counted');
  t.equal(r.truncated, true, 'lines were lost');
  t.match(r.problem, `gzip member torn at byte ${l.tornStart}`);
  t.match(r.problem, `reading resumed at byte ${l.tornStart + 40}`);
  t.equal(r.header.wall_ms, NOON + 60_000, 'the restarted writer\'s header anchors what follows');
});

t.test('the merge reports the tear among its problems', async (t) => {
  const dir = tmp(t);
  const l = olderFile(25);
  const file = path.join(dir, 'day.jsonl.gz');
  writeFileSync(file, l.bytes);
  const m = await MergedRecording.open([file]);
  let n = 0;
  while ((await m.next()) > 0) n++;
  t.ok(n >= l.before.length + l.after.length);
  t.match(m.problems().join('\n'), /gzip member torn at byte/);
});

t.test('a file ending in a torn member says at which byte it stopped', async (t) => {
  const dir = tmp(t);
  const l = olderFile(null);
  const file = path.join(dir, 'day.jsonl.gz');
  const cutAt = l.tornStart + l.tornBytes + 30; // inside the fourth member, the last one dropped
  writeFileSync(file, l.bytes.subarray(0, cutAt));
  const { texts, r } = await readAll(file);
  t.same(texts.slice(0, l.before.length + l.torn.length), [...l.before, ...l.torn]);
  t.equal(r.truncated, true);
  t.equal(r.tornMembers, 1);
  t.match(r.problem, `gzip member cut short at byte ${l.tornStart + l.tornBytes} of ${cutAt}`);
});

t.test('property: wherever the crash cut the member, every line around it comes back once', async (t) => {
  const dir = tmp(t);
  const size = olderFile(null, 200).tornBytes;
  const rand = rng(42);
  const cuts = [1, 3, 9, 10, size - 8, size - 5, size - 1];
  for (let i = 0; i < 20; i++) cuts.push(1 + Math.floor(rand() * (size - 1)));
  for (const cut of cuts) {
    const l = olderFile(cut, 200);
    const file = path.join(dir, `cut-${cut}.jsonl.gz`);
    writeFileSync(file, l.bytes);
    const { texts, r } = await readAll(file);
    checkOnce(t, texts, r, l, `cut at ${cut} of ${size}`);
    t.equal(r.tornMembers, 1, `cut at ${cut}: one torn member counted`);
    t.match(r.problem, /torn at byte|garbage/, `cut at ${cut}: reported`);
  }
});
