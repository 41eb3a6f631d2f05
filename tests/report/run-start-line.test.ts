/**
 * The paper/live run_start waits for its start_equity: written just before the next line,
 * with the first equity entry's value, stamped with the run's own start.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../../src/report/journal.js';
import { RunStartLine } from '../../src/report/run-start-line.js';

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function fresh(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-start-line-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'journal.jsonl');
}

t.test('the first equity entry gives run_start its start_equity; run_start stays first and keeps its own time', async (t) => {
  const file = fresh(t);
  const j = new Journal(file);
  const line = new RunStartLine(j, 'run_start', { mode: 'dry-run', run_id: 'r' }, 1000, 1_700_000_000_000);
  t.ok(line.isPending);
  j.append('equity', { equity: 400123.5 }, 5000, 1_700_000_000_004);
  j.append('intent', { order_id: 1 }, 6000, 1_700_000_000_005);
  j.close();
  const l = lines(file);
  t.same(l.map((e) => e.type), ['run_start', 'equity', 'intent']);
  t.equal(l[0]!.start_equity, 400123.5);
  t.equal(l[0]!.ns, 1000);
  t.equal(l[0]!.t, 1_700_000_000_000);
  t.equal(l[0]!.start_equity_missing, undefined);
  t.notOk(line.isPending);
});

t.test('another line first: run_start is written before it with start_equity null and the reason', async (t) => {
  const file = fresh(t);
  const j = new Journal(file);
  new RunStartLine(j, 'run_start', { mode: 'live' }, 1, 2);
  j.append('risk', { rule: 'kill_switch' }, 3, 4);
  j.append('equity', { equity: 5 }, 5, 6);
  j.close();
  const l = lines(file);
  t.same(l.map((e) => e.type), ['run_start', 'risk', 'equity']);
  t.equal(l[0]!.start_equity, null);
  t.match(String(l[0]!.start_equity_missing), /"risk" line came before the first equity entry/);
});

t.test('nothing follows: close() and release() still write it (never a journal without run_start)', async (t) => {
  const a = fresh(t);
  const ja = new Journal(a);
  new RunStartLine(ja, 'run_resumed', { previous: 'x' }, 1, 2);
  ja.close();
  t.same(lines(a).map((e) => [e.type, e.start_equity]), [['run_resumed', null]]);

  const b = fresh(t);
  const jb = new Journal(b);
  const line = new RunStartLine(jb, 'run_start', {}, 1, 2);
  line.release('no equity entry within 60 s of the start');
  line.release('twice');
  jb.append('equity', { equity: 9 }, 3, 4);
  jb.close();
  const l = lines(b);
  t.same(l.map((e) => e.type), ['run_start', 'equity']);
  t.equal(l[0]!.start_equity, null);
  t.equal(l[0]!.start_equity_missing, 'no equity entry within 60 s of the start');
});
