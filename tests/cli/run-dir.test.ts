/**
 * Runs and restarts: every run gets a new directory; --run-id of an existing run is refused
 * (it used to append a second run to a crashed run's journal); --resume RUN continues it
 * explicitly with a run_resumed entry; an unusable runs folder is one clear line and exit 2,
 * even with the in-process simulator (which used to keep the failed process alive).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { chooseRunDir, RunDirError } from '../../src/cli/run-dir.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(path.join(tmpdir(), 'xarb-rundir-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function xarb(args: string[], timeout = 90_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CRASHED = [
  { t: 1_700_000_000_000, ns: 1, type: 'run_start', mode: 'dry-run', run_id: 'old' },
  { t: 1_700_000_000_100, ns: 2, type: 'round_opened', pair_id: 4, symbol: 'BTCUSDT', buy_venue: 'bybit', sell_venue: 'binance', qty: 0.02 },
].map((x) => JSON.stringify(x)).join('\n') + '\n';

t.test('chooseRunDir: new ids, refusals, resume', async (t) => {
  const runs = tmp(t);
  let n = 0;
  const ids = ['same', 'same', 'other'];
  const a = chooseRunDir({ runsDir: runs, newId: () => ids[n++]! });
  t.equal(a.runId, 'same');
  const b = chooseRunDir({ runsDir: runs, newId: () => ids[n++]! });
  t.equal(b.runId, 'other', 'a colliding generated id is drawn again');
  t.ok(existsSync(b.runDir));
  mkdirSync(path.join(runs, 'old'));
  writeFileSync(path.join(runs, 'old', 'journal.jsonl'), CRASHED);
  t.throws(() => chooseRunDir({ runsDir: runs, runId: 'old', newId: () => 'x' }),
    /run "old" already exists in .* \(its journal has no run_end: it crashed\); choose a new --run-id, or continue it with --resume old/);
  t.throws(() => chooseRunDir({ runsDir: runs, runId: '../x', newId: () => 'x' }), RunDirError, 'a path is not a run id');
  const r = chooseRunDir({ runsDir: runs, resume: 'old', newId: () => 'x' });
  t.match(r, { runId: 'old', resumed: { previous: 'crashed', openRounds: 1 } });
  t.throws(() => chooseRunDir({ runsDir: runs, resume: 'nope', newId: () => 'x' }), /--resume nope: no run there/);
  t.throws(() => chooseRunDir({ runsDir: runs, resume: 'old', runId: 'y', newId: () => 'x' }), /give one of them/);
  const file = path.join(runs, 'a-file');
  writeFileSync(file, '');
  t.throws(() => chooseRunDir({ runsDir: path.join(file, 'runs'), newId: () => 'x' }), /runs directory .* is not usable: ENOTDIR/);
});

t.test('an unusable runs folder: one line, exit 2, nothing started, even with the simulator', async (t) => {
  const d = tmp(t);
  writeFileSync(path.join(d, 'not-a-dir'), '');
  const r = xarb(['--venues', 'sim', '--duration', '30s', '--runs-dir', path.join(d, 'not-a-dir', 'runs'), '--no-status'], 30_000);
  t.equal(r.code, 2, `exit code (the process ended: ${r.code !== null})`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  t.equal(lines.length, 1, `one line: ${r.stderr}`);
  t.match(lines[0], /^xarb: runs directory .*not-a-dir\/runs is not usable: ENOTDIR/);
  t.notMatch(r.stdout, /simulator started/, 'the simulator never started');
});

t.test('--run-id of an existing run is refused; --resume continues it; xarb report tells the story', async (t) => {
  const runs = tmp(t);
  mkdirSync(path.join(runs, 'old'));
  writeFileSync(path.join(runs, 'old', 'journal.jsonl'), CRASHED);

  const before = xarb(['report', path.join(runs, 'old')]);
  t.equal(before.code, 0, before.stderr);
  // (stdout is a pipe: the text report is on stderr)
  t.match(before.stderr, /run status: CRASHED/);
  t.match(before.stderr, /open rounds at the end of the journal: 1\n\s+pair 4 BTCUSDT buy bybit \/ sell binance qty 0\.02/);
  const asJson = JSON.parse(xarb(['report', path.join(runs, 'old'), '--json']).stdout) as { run_status: { status: string; openRounds: unknown[] } };
  t.equal(asJson.run_status.status, 'crashed');
  t.equal(asJson.run_status.openRounds.length, 1);

  const reuse = xarb(['--venues', 'sim', '--duration', '2s', '--runs-dir', runs, '--run-id', 'old', '--no-status'], 30_000);
  t.equal(reuse.code, 2);
  t.match(reuse.stderr, /run "old" already exists .*--resume old/);
  t.equal(readFileSync(path.join(runs, 'old', 'journal.jsonl'), 'utf8'), CRASHED, 'its journal untouched');

  const resumed = xarb(['--venues', 'sim', '--duration', '2s', '--runs-dir', runs, '--resume', 'old', '--no-status']);
  t.equal(resumed.code, 0, resumed.stderr.slice(-2000));
  const lines = readFileSync(path.join(runs, 'old', 'journal.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(lines.slice(0, 2), CRASHED.trim().split('\n').map((l) => JSON.parse(l)), 'the earlier lines kept');
  t.match(lines[2], { type: 'run_resumed', previous: 'crashed', run_id: 'old' }, 'then run_resumed');
  t.equal(lines.filter((l) => l['type'] === 'run_start').length, 1, 'no second run_start');
  t.match(lines[lines.length - 1], { type: 'run_end' });
  const after = xarb(['report', path.join(runs, 'old')]);
  t.match(after.stderr, /resumed 1 time \(1 earlier segment crashed\)/);
  t.match(after.stderr, /pair 4 BTCUSDT/, 'the crashed segment\'s open round is still listed');
});
