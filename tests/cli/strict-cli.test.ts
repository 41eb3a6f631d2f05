/**
 * The CLI's conventions, as a user meets them (child processes, exit codes, stdout/stderr):
 * (every command's --help: help.test.ts) the help lists each option with its meaning and
 * default; unknown options and missing values exit 2 with a suggestion and run
 * nothing; --version/-V; repeatable options repeat; `npm run bench -- --help` lists the suites.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { formatHelp, parseArgs, UsageError, type CommandSpec } from '../../src/cli/args.js';

function xarb(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('the bot\'s help gives each option\'s meaning and default', async (t) => {
  const r = xarb(['--help']);
  t.match(r.stdout, /--duration 60s\s+stop by itself after this long .*default: 0 \(until SIGINT\/SIGTERM\)/);
  t.match(r.stdout, /--config FILE\s+.*default: config\/arbitrage\.toml/);
  t.match(r.stdout, /--resume RUN/);
  t.match(r.stdout, /commands:\n\s+config check/);
});

t.test('an unknown option exits 2 with a suggestion, and runs nothing', async (t) => {
  const r = xarb(['--venues', 'sim', '--durration', '3s']);
  t.equal(r.code, 2);
  t.match(r.stderr, /unknown option --durration \(did you mean --duration\?\)/);
  t.equal(r.stdout, '', 'no log line: nothing started');
  const h = xarb(['hist', 'show', 'x.hlog', '--tga', 'a']);
  t.equal(h.code, 2);
  t.match(h.stderr, /unknown option --tga \(did you mean --tag\?\)/);
  const c = xarb(['config', 'check', '--jsno']);
  t.equal(c.code, 2);
  t.match(c.stderr, /did you mean --json\?/);
  const u = xarb(['hsit']);
  t.equal(u.code, 2);
  t.match(u.stderr, /unknown command "hsit" \(did you mean "hist"\?\)/);
});

t.test('a missing value exits 2 and names the option', async (t) => {
  const end = xarb(['--venues', 'sim', '--duration']);
  t.equal(end.code, 2);
  t.match(end.stderr, /option --duration needs a value/);
  const next = xarb(['--config', '--no-status', '--venues', 'sim']);
  t.equal(next.code, 2);
  t.match(next.stderr, /option --config needs a value \(FILE\), got the option --no-status/);
  const flag = xarb(['report', 'runs/x', '--json=yes']);
  t.equal(flag.code, 2);
  t.match(flag.stderr, /option --json takes no value/);
});

t.test('--version and -V print the version from package.json', async (t) => {
  const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  for (const f of ['--version', '-V']) {
    const r = xarb([f]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, new RegExp(`^xarb ${version.replace(/\./g, '\\.')} \\(node ${process.version.replace(/\./g, '\\.')}; uWebSockets\\.js `));
  }
});

t.test('npm run bench -- --help lists the suites and runs none', async (t) => {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'bench', 'run.js'), '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  for (const s of ['ring', 'clock', 'hist', 'parse', 'feed', 'e2e', 'backtest', 'sign', 'peer', 'wal', 'wake', 'order-path']) t.match(r.stdout, new RegExp(`\\n  ${s}\\s+\\S`), `suite ${s}`);
  t.notMatch(r.stdout, /== /, 'no suite ran');
  const bad = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'bench', 'run.js'), '--quik'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /unknown option --quik/);
});

const SPEC: CommandSpec = {
  name: 'xarb t', usage: ['xarb t'], summary: 'test',
  options: [
    { name: 'tag', type: 'string', multiple: true, help: 'a tag' },
    { name: 'out', short: 'o', type: 'string', help: 'out' },
    { name: 'seed', type: 'string', help: 'seed' },
    { name: 'json', type: 'boolean', help: 'json' },
    { name: 'record', type: 'string', optionalValue: true, help: 'record' },
  ],
  maxPositionals: 1,
};

t.test('parser: repeatable options repeat, the last of the others wins, values may be negative', async (t) => {
  const a = parseArgs(['--tag', 'a', '--tag=b', '-o', 'x.svg', '--seed', '-5', '--seed', '7', 'file', '--json'], SPEC);
  t.same(a.options.get('tag'), ['a', 'b']);
  t.same(a.options.get('out'), ['x.svg'], 'short alias stored under the long name');
  t.same(a.options.get('seed'), ['-5', '7']);
  t.same(a.positionals, ['file']);
  t.ok(a.flags.has('json'));
  t.same(parseArgs(['--record'], SPEC).options.get('record'), [''], 'optional value left out');
  t.same(parseArgs(['--record', '--json'], SPEC).options.get('record'), [''], 'optional value left out before an option');
  t.same(parseArgs(['--record', 'dir'], SPEC).options.get('record'), ['dir']);
  t.same(parseArgs(['--', '--tag'], SPEC).positionals, ['--tag'], 'after --, everything is positional');
  t.throws(() => parseArgs(['a', 'b'], SPEC), UsageError, 'too many positionals');
  t.throws(() => parseArgs(['-x'], SPEC), /unknown option -x/);
  t.ok(parseArgs(['-h'], SPEC).flags.has('help'), '-h is known to every command');
  t.match(formatHelp(SPEC), /--tag VALUE\s+a tag \(repeatable\)/);
});
