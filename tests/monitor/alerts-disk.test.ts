/**
 * The `disk` alert end to end, on a real small disk (a tmpfs; where this process may not mount
 * one, a file-size limit for the journal failure, and the free-space case is skipped):
 * - free space: a file filling the runs directory's disk below monitor.alerts.disk_free_mb
 *   fires it, removing the file resolves it; delivered to a local webhook once each, journaled.
 * - a journal write error (ENOSPC / EFBIG) fires it at once, before the orderly stop: the
 *   webhook gets it and the log has it at level alert (55). (It cannot be journaled: the
 *   journal is what failed; the journal keeps its last complete line, full-disk.test.ts.)
 */
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSet, shipped } from '../config/config-set.js';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { smallTmpfs, withFileSizeLimit } from '../helpers/small-disk.js';
import { waitFor } from '../helpers/running-bot.js';
import { startHookServer } from '../helpers/webhook-server.js';

t.setTimeout(300_000);

function alertsConfig(t: Test, hookUrl: string, extra: string): string {
  return configSet(t, {
    'arbitrage.toml': shipped('arbitrage.toml').replace('spread_abs_bps = 150',
      `spread_abs_bps = 0\nwebhook_url = "${hookUrl}"\nevent_hold_ms = 3000\nrepeat_interval_ms = 600000\n${extra}`),
  });
}

/** The bot in a child process (stdout lines collected); killed at teardown if still running. */
function startBot(t: Test, argv: string[], watchdogMs: number) {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const watchdog = setTimeout(() => child.kill('SIGKILL'), watchdogMs);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => { clearTimeout(watchdog); r(code); }));
  t.teardown(async () => { if (child.exitCode === null) { child.kill('SIGKILL'); await exited; } });
  return { child, lines, exited, stderr: () => stderr };
}

t.test('low free space on the runs directory\'s disk: fired, then resolved', async (t) => {
  const disk = smallTmpfs(t, 64 * 2 ** 20);
  if (disk === null) {
    t.comment('SKIP: cannot mount a tmpfs here (not root): free space cannot be controlled');
    return;
  }
  const hook = await startHookServer(t);
  const config = alertsConfig(t, hook.url, 'disk_free_mb = 32');
  const bot = startBot(t, [process.execPath, XARB_BIN, '--mode', 'dry-run', '--config', config, '--venues', 'sim', '--runs-dir', disk,
    '--run-id', 'disk', '--monitor-port', '0', '--no-status', '--duration', '0', '--dislocation-every-ms', '0'], 240_000);
  await waitFor('monitor listening', () => (bot.lines.some((l) => l.includes('monitor listening')) ? true : bot.child.exitCode !== null ? false : undefined), 120_000);
  t.equal(bot.child.exitCode, null, `the bot runs (${bot.stderr().slice(-300)})`);
  const filler = path.join(disk, 'filler.bin');
  writeFileSync(filler, Buffer.alloc(40 * 2 ** 20)); // 64 MiB disk, 24 MiB left: under the 32 MiB bound
  await waitFor('disk alert fired', () => (hook.received.some((h) => h.key === 'disk') ? true : undefined), 60_000);
  rmSync(filler);
  await waitFor('disk alert resolved', () => (hook.received.filter((h) => h.key === 'disk').length >= 2 ? true : undefined), 60_000);
  t.same(hook.received.filter((h) => h.key === 'disk').map((h) => h.state), ['firing', 'resolved']);
  t.match(hook.received.find((h) => h.key === 'disk')!.message, /MiB free for the journal \(bound 32 MiB\)/);
  bot.child.kill('SIGTERM');
  t.equal(await bot.exited, 0);
  const journal = readFileSync(path.join(disk, 'disk', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(journal.filter((e) => e['type'] === 'alert' && e['key'] === 'disk').map((e) => e['state']), ['firing', 'resolved'], 'journaled both times');
});

t.test('journal write error: the disk alert goes out before the orderly stop', async (t) => {
  const tmpfs = smallTmpfs(t, 48 * 1024);
  const runs = tmpfs ?? mkdtempSync(path.join(tmpdir(), 'xarb-full-alert-'));
  if (tmpfs === null) t.teardown(() => rmSync(runs, { recursive: true, force: true }));
  const hook = await startHookServer(t);
  const config = alertsConfig(t, hook.url, 'disk_free_mb = 0');
  const argv = [process.execPath, XARB_BIN, '--mode', 'dry-run', '--config', config, '--venues', 'sim', '--runs-dir', runs,
    '--monitor-port', '0', '--no-status', '--duration', '120s', '--dislocation-every-ms', '300'];
  const cmd = tmpfs !== null ? argv : (({ file, args }) => [file, ...args])(withFileSizeLimit(48, argv));
  const bot = startBot(t, cmd, 110_000);
  const code = await bot.exited;
  t.equal(code, 1, `exit 1 on the journal failure (${tmpfs !== null ? 'tmpfs' : 'ulimit -f'}); stderr: ${bot.stderr().slice(-500)}`);
  const disk = hook.received.filter((h) => h.key === 'disk');
  t.same(disk.map((h) => h.state), ['firing'], 'delivered once (the process ends with the condition)');
  t.match(disk[0]?.message, /journal write errors \(1 so far\)/);
  t.ok(bot.lines.some((l) => l.includes('"level":55') && l.includes('"alert":"disk"')), 'a log line at level alert');
  const [run] = readdirSync(runs).filter((d) => !d.startsWith('.') && d !== 'lost+found');
  t.notMatch(readFileSync(path.join(runs, run!, 'journal.jsonl'), 'utf8'), /"key":"disk"/, 'not in the journal that failed');
});
