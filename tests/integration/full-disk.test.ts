/**
 * The bot on a disk that fills up (a small tmpfs, or a file-size limit where mounting is not
 * allowed), against the in-process simulator: the latency log failing is logged and trading
 * goes on; the journal failing halts new entries, unwinds (flatten), stops in order and exits
 * non-zero; the journal ends on its last complete line; the process does not hang.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { readJournal } from '../../src/report/journal.js';
import { smallTmpfs, withFileSizeLimit } from '../helpers/small-disk.js';

t.test('journal write error: orderly stop, exit 1, last line intact', async (t) => {
  const tmpfs = smallTmpfs(t, 48 * 1024);
  const runs = tmpfs ?? mkdtempSync(path.join(tmpdir(), 'xarb-full-'));
  if (tmpfs === null) t.teardown(() => rmSync(runs, { recursive: true, force: true }));
  const bot = [process.execPath, XARB_BIN, '--mode', 'dry-run', '--config', 'config/arbitrage.toml', '--venues', 'sim',
    '--duration', '120s', '--runs-dir', runs, '--no-status', '--dislocation-every-ms', '300'];
  const cmd = tmpfs !== null ? { file: bot[0]!, args: bot.slice(1) } : withFileSizeLimit(48, bot);
  const r = spawnSync(cmd.file, cmd.args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 100_000 });
  t.not(r.signal, 'SIGTERM', 'ended by itself, well before --duration and the test timeout');
  t.equal(r.status, 1, `exit code 1 (${tmpfs !== null ? 'tmpfs' : 'ulimit -f'}); stderr: ${r.stderr.slice(-800)}`);
  const logs = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; code?: string });
  const failed = logs.find((l) => l.msg.startsWith('journal write failed'));
  t.ok(failed, 'the journal failure is logged');
  t.equal(failed?.level, 50, 'at error level');
  t.match(failed?.code, /^(ENOSPC|EFBIG)$/);
  t.ok(logs.some((l) => l.msg.startsWith('shutting down')), 'stopped in order (flatten, then threads)');
  t.ok(logs.some((l) => l.msg === 'bot stopped'), 'and finished');
  const [run] = readdirSync(runs).filter((d) => !d.startsWith('.') && d !== 'lost+found');
  const back = readJournal(path.join(runs, run!, 'journal.jsonl'));
  t.equal(back.partialLastLine, null, 'the journal ends on a complete line');
  t.same(back.errors, [], 'every line parses');
  t.equal(back.entries[0]?.type, 'run_start');
});
