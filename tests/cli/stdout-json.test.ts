/**
 * `npm start | jq`: when stdout is not a terminal it carries JSON lines only, the logs and
 * then the report as one JSON object; the human report goes to stderr. A short real run on
 * the in-process simulator.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

t.test('piped stdout: every line is JSON; the last is the report; the text report is on stderr', async (t) => {
  const runs = mkdtempSync(path.join(tmpdir(), 'xarb-json-'));
  t.teardown(() => rmSync(runs, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, [XARB_BIN, '--mode', 'dry-run', '--config', 'config/arbitrage.toml', '--venues', 'sim',
    '--duration', '3s', '--runs-dir', runs, '--no-status'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 90_000 });
  t.equal(r.status, 0, r.stderr.slice(-2000));
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  t.ok(lines.length >= 3, `${lines.length} lines`);
  const parsed = lines.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return null; } });
  t.same(parsed.filter((p) => p === null).length, 0, 'every stdout line parses as JSON');
  const last = parsed[parsed.length - 1]!;
  t.equal(last['type'], 'report', 'the last line is the report');
  t.match(last, { run_status: { status: 'ended' }, endReason: 'duration elapsed' });
  t.ok(parsed.slice(0, -1).every((p) => typeof p!['level'] === 'number' && typeof p!['msg'] === 'string'), 'the others are log lines');
  t.match(r.stderr, /strategy pnl \(USDT\)/, 'the text report went to stderr');
});
