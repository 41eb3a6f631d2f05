import t from 'tap';
import type { Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingWriter } from '../../src/data/recording-writer.js';
import { RecordingReader } from '../../src/data/recording-reader.js';
import { pathFor } from '../../src/data/store.js';
import { rng } from '../helpers/rng.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-torn-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const NOON = Date.UTC(2024, 2, 1, 12);
const FILE = (dir: string): string => pathFor(dir, 'binance', 'spot', 'BTCUSDT', '2024-03-01');

interface Written {
  /** File size after each flush: member ends. */
  ends: number[];
  /** Frame texts per member. */
  members: string[][];
}

/** A first writer: `sizes[i]` frames per member, a flush after each; returns the member layout. */
async function firstSession(dir: string, sizes: number[], pad = 0): Promise<Written> {
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: { monoNs: 0, wallMs: NOON } });
  const ch = w.channel('binance', 'spot', 'BTCUSDT');
  const rand = rng(7);
  const ends: number[] = [];
  const members: string[][] = [];
  let n = 0;
  for (const size of sizes) {
    const m: string[] = [];
    for (let i = 0; i < size; i++) {
      let noise = '';
      for (let k = 0; k < pad; k++) noise += Math.floor(rand() * 16).toString(16);
      const text = `{"a":${n++}${pad > 0 ? `,"x":"${noise}"` : ''}}`;
      ch.frame(1000 + n, text);
      m.push(text);
    }
    await w.flush();
    ends.push(statSync(FILE(dir)).size);
    members.push(m);
  }
  await w.close();
  return { ends, members };
}

async function secondSession(dir: string, lines: number): Promise<{ writer: RecordingWriter; warnings: string[]; texts: string[] }> {
  const warnings: string[] = [];
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: { monoNs: 0, wallMs: NOON + 3_600_000 }, warn: (m) => warnings.push(m) });
  const ch = w.channel('binance', 'spot', 'BTCUSDT');
  const texts: string[] = [];
  for (let i = 0; i < lines; i++) {
    texts.push(`{"b":${i}}`);
    ch.frame(5000 + i, texts[i]!);
    if (i === Math.floor(lines / 2)) await w.flush();
  }
  await w.close();
  return { writer: w, warnings, texts };
}

async function readTexts(file: string): Promise<{ texts: string[]; reader: RecordingReader }> {
  const reader = await RecordingReader.open(file, 4096);
  const texts: string[] = [];
  while ((await reader.next()) > 0) texts.push(reader.text);
  reader.close();
  return { texts, reader };
}

/** Cuts the file's last member at `cut` bytes past its start, restarts a writer, reads everything back. */
async function tearAndRestart(t: Test, dir: string, first: Written, cut: number, label: string): Promise<void> {
  const file = FILE(dir);
  const lastStart = first.ends[first.ends.length - 2]!;
  truncateSync(file, lastStart + cut);
  const second = await secondSession(dir, 20);
  const kept = first.members.slice(0, -1).flat();
  const { texts, reader } = await readTexts(file);
  t.same(texts, [...kept, ...second.texts], `${label}: every line of the complete members, then every line appended, each once`);
  t.equal(reader.truncated, false, `${label}: the file reads clean`);
  t.equal(reader.badLines, 0, `${label}: no unreadable line`);
  t.equal(reader.tornMembers, 0, `${label}: no torn member left`);
  if (cut === 0) {
    t.equal(second.writer.tornTailsCut, 0, `${label}: a sound file is not cut`);
    t.same(second.warnings, [], `${label}: nothing reported`);
    return;
  }
  t.equal(second.writer.tornTailsCut, 1, `${label}: one torn tail cut`);
  t.equal(second.writer.tornBytesCut, cut, `${label}: the bytes after the last complete member`);
  t.equal(second.warnings.length, 1, `${label}: reported once`);
  t.match(second.warnings[0], new RegExp(`cut ${cut} bytes? after the last complete gzip member \\(ends at byte ${lastStart}\\)`), `${label}: the report says what was cut`);
  t.match(second.warnings[0], /lines?.*lost/, `${label}: and that lines were lost`);
}

t.test('a torn last member is cut before a restarted writer appends, wherever the crash cut it', async (t) => {
  const probe = tmp(t);
  const layout = await firstSession(probe, [30, 25, 40]);
  const memberBytes = layout.ends[2]! - layout.ends[1]!;
  const cuts: [number, string][] = [
    [1, 'one byte of the header'],
    [3, 'inside the header'],
    [9, 'one byte short of a whole header'],
    [10, 'the header only'],
    [Math.floor(memberBytes / 2), 'inside the compressed data'],
    [memberBytes - 8, 'the whole deflate stream, no trailer'],
    [memberBytes - 5, 'inside the CRC'],
    [memberBytes - 2, 'inside the size'],
    [memberBytes - 1, 'one byte short of a whole member'],
  ];
  for (const [cut, label] of cuts) {
    const dir = tmp(t);
    const first = await firstSession(dir, [30, 25, 40]);
    t.equal(first.ends[2]! - first.ends[1]!, memberBytes, 'the same member every time');
    await tearAndRestart(t, dir, first, cut, label);
  }
});

t.test('the lines of a cut member are counted as lost', async (t) => {
  const dir = tmp(t);
  const first = await firstSession(dir, [10, 12]);
  const file = FILE(dir);
  truncateSync(file, first.ends[1]! - 3); // deflate stream whole, trailer cut: its 12 lines are decodable but unverifiable
  const second = await secondSession(dir, 4);
  t.equal(second.writer.tornLinesLost, 12);
  t.match(second.warnings[0], /12 whole lines in it, and any partial one, are lost/);
});

t.test('a sound day file is appended to untouched', async (t) => {
  const dir = tmp(t);
  const first = await firstSession(dir, [10, 10]);
  const before = readFileSync(FILE(dir));
  const second = await secondSession(dir, 6);
  t.equal(second.writer.tornTailsCut, 0);
  t.same(second.warnings, []);
  t.same(readFileSync(FILE(dir)).subarray(0, before.length), before, 'the old bytes are kept as they were');
  const { texts } = await readTexts(FILE(dir));
  t.same(texts, [...first.members.flat(), ...second.texts]);
});

t.test('a file holding only a torn member is emptied, then written afresh', async (t) => {
  const dir = tmp(t);
  const first = await firstSession(dir, [50]);
  truncateSync(FILE(dir), first.ends[0]! - 20);
  const second = await secondSession(dir, 5);
  t.equal(second.writer.tornBytesCut, first.ends[0]! - 20);
  const { texts, reader } = await readTexts(FILE(dir));
  t.same(texts, second.texts);
  t.equal(reader.truncated, false);
});

t.test('a file with garbage after its last complete member has the garbage cut', async (t) => {
  const dir = tmp(t);
  const first = await firstSession(dir, [10]);
  writeFileSync(FILE(dir), Buffer.concat([readFileSync(FILE(dir)), Buffer.from('not gzip at all')]));
  const second = await secondSession(dir, 3);
  t.equal(second.writer.tornBytesCut, 15);
  t.match(second.warnings[0], /no readable gzip member header/);
  const { texts } = await readTexts(FILE(dir));
  t.same(texts, [...first.members.flat(), ...second.texts]);
});

t.test('members larger than the scan chunk are found and cut the same way', async (t) => {
  // ~6000 lines of 200 hex digits: each member is several hundred KiB compressed
  const sizes = [3000, 3000];
  const probe = tmp(t);
  const layout = await firstSession(probe, sizes, 200);
  t.ok(layout.ends[0]! > 300 * 1024, `first member is ${layout.ends[0]} bytes`);
  const memberBytes = layout.ends[1]! - layout.ends[0]!;
  for (const cut of [5, Math.floor(memberBytes / 3), memberBytes - 4]) {
    const dir = tmp(t);
    const first = await firstSession(dir, sizes, 200);
    await tearAndRestart(t, dir, first, cut, `big member cut at ${cut}`);
  }
});

t.test('property: wherever a crash cuts the last member, a restart keeps every complete line once and cuts the rest', async (t) => {
  const probe = tmp(t);
  const sizes = [7, 40, 3, 25];
  const layout = await firstSession(probe, sizes);
  const memberBytes = layout.ends[3]! - layout.ends[2]!;
  const rand = rng(20261202);
  for (let round = 0; round < 25; round++) {
    const cut = 1 + Math.floor(rand() * (memberBytes - 1)); // 1 .. memberBytes-1
    const dir = tmp(t);
    const first = await firstSession(dir, sizes);
    await tearAndRestart(t, dir, first, cut, `cut at ${cut} of ${memberBytes}`);
  }
});
