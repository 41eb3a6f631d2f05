/**
 * A line-per-record file opened for appending after a crash cut its last line short: the
 * fragment is ended with a newline, so the next line stays whole; a whole file, or an empty or
 * missing one, gets nothing added. The order journal and the run journal open their files so.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openForAppendingLines } from '../../src/core/append-file.js';
import { Journal } from '../../src/report/journal.js';

function dir(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-append-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

function appendLine(file: string, line: string): void {
  const fd = openForAppendingLines(file);
  fs.writeSync(fd, line + '\n');
  fs.closeSync(fd);
}

t.test('a cut last line is ended before the next line; whole, empty and missing files get nothing added', async (t) => {
  const d = dir(t);
  const cut = path.join(d, 'cut.jsonl');
  fs.writeFileSync(cut, '{"a":1}\n{"b":');
  appendLine(cut, '{"c":3}');
  t.equal(fs.readFileSync(cut, 'utf8'), '{"a":1}\n{"b":\n{"c":3}\n');
  const whole = path.join(d, 'whole.jsonl');
  fs.writeFileSync(whole, '{"a":1}\n');
  appendLine(whole, '{"c":3}');
  t.equal(fs.readFileSync(whole, 'utf8'), '{"a":1}\n{"c":3}\n');
  const empty = path.join(d, 'empty.jsonl');
  fs.writeFileSync(empty, '');
  appendLine(empty, '{"c":3}');
  t.equal(fs.readFileSync(empty, 'utf8'), '{"c":3}\n');
  const missing = path.join(d, 'missing.jsonl');
  appendLine(missing, '{"c":3}');
  t.equal(fs.readFileSync(missing, 'utf8'), '{"c":3}\n');
});

t.test('a resumed run journal whose crash cut its last line keeps the resumed entry whole', async (t) => {
  const file = path.join(dir(t), 'journal.jsonl');
  fs.writeFileSync(file, JSON.stringify({ t: 0, type: 'run_start', run_id: 'A' }) + '\n{"t":5,"type":"ord');
  const j = new Journal(file);
  j.append('run_resumed', { run_id: 'A' }, 0, 10);
  j.close();
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  t.equal(lines.length, 3, 'the fragment stays a line of its own');
  t.equal(JSON.parse(lines[2]!).type, 'run_resumed');
});
