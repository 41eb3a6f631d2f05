/**
 * The journal on a full disk: the line that did not fit is cut off again, so the file ends on
 * its last complete line; with onWriteError the failure is reported once and later lines are
 * counted as dropped, never thrown; without it, append() throws a JournalError.
 * Run in child processes under a file-size limit (EFBIG), and on a small tmpfs (ENOSPC) when
 * this process may mount one.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '../../src/report/journal.js';
import { smallTmpfs, withFileSizeLimit } from '../helpers/small-disk.js';

const JOURNAL_JS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'report', 'journal.js');

/** A child that appends 300 lines of ~700 bytes and prints what the journal said. */
function script(file: string, withHandler: boolean): string {
  return `
    const { Journal } = await import(${JSON.stringify(JOURNAL_JS)});
    const failures = [];
    const j = new Journal(${JSON.stringify(file)}, ${withHandler ? '{ onWriteError: (f) => failures.push(f) }' : '{}'});
    let thrown = null;
    for (let i = 0; i < 300; i++) {
      try { j.append('fill', { i, pad: 'x'.repeat(650) }); } catch (e) { thrown = e.name + ': ' + e.message; break; }
    }
    process.stdout.write(JSON.stringify({ lines: j.lines, writeErrors: j.writeErrors, dropped: j.droppedLines, failures, thrown }));
  `;
}

interface ChildResult { lines: number; writeErrors: number; dropped: number; failures: { code: string; linesWritten: number; entryType: string }[]; thrown: string | null }

function runChild(cmd: string, args: string[]): ChildResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

function checkFile(t: Test, file: string, lines: number): void {
  const back = readJournal(file);
  t.equal(back.partialLastLine, null, 'the file ends on a complete line');
  t.same(back.errors, [], 'every line parses');
  t.equal(back.entries.length, lines, 'exactly the lines the journal counted as written');
  t.same(back.entries.map((e) => e['i']), [...Array(lines).keys()], 'in order, none missing');
}

t.test('file-size limit (EFBIG): cut back, reported once, the rest dropped', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xarb-jfail-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'journal.jsonl');
  const c = withFileSizeLimit(20, [process.execPath, '--input-type=module', '-e', script(file, true)]);
  const r = runChild(c.file, c.args);
  t.ok(r.lines > 0 && r.lines < 300, `${r.lines} lines fitted`);
  t.equal(r.failures.length, 1, 'onWriteError called once');
  t.match(r.failures[0], { code: 'EFBIG', linesWritten: r.lines, entryType: 'fill' });
  t.equal(r.writeErrors, 1);
  t.equal(r.dropped, 300 - r.lines, 'every later line counted as dropped');
  t.equal(r.thrown, null, 'nothing thrown');
  checkFile(t, file, r.lines);
});

t.test('without onWriteError the append throws a JournalError, and the file is still whole', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xarb-jfail-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'journal.jsonl');
  const c = withFileSizeLimit(20, [process.execPath, '--input-type=module', '-e', script(file, false)]);
  const r = runChild(c.file, c.args);
  t.match(r.thrown, /^JournalError: cannot append a "fill" line to journal .*: EFBIG/);
  checkFile(t, file, r.lines);
});

t.test('a full tmpfs (ENOSPC)', async (t) => {
  const disk = smallTmpfs(t, 64 * 1024);
  if (disk === null) {
    t.plan(0, 'cannot mount a tmpfs here (not root); the file-size-limit cases above cover the path');
    return;
  }
  const file = path.join(disk, 'journal.jsonl');
  const r = runChild(process.execPath, ['--input-type=module', '-e', script(file, true)]);
  t.ok(r.lines > 0 && r.lines < 300, `${r.lines} lines fitted`);
  t.match(r.failures, [{ code: 'ENOSPC', linesWritten: r.lines }]);
  checkFile(t, file, r.lines);
});
