/**
 * The stdout contract of every command (src/cli/output.ts), as a script meets it: when stdout
 * is a pipe it carries JSON only, one object per line, each with a `type`; the human text goes
 * to stderr. `--json` gives the same JSON and no text at all. (The bot itself:
 * stdout-json.test.ts.) Each command is a real child process with piped stdout.
 */
import t, { type Test } from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURES, REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { cliDay } from '../backtest/helpers.js';

/** Piped stdout, XARB_STDOUT_TTY unset whatever the caller's environment says. */
function piped(args: string[], timeout = 90_000): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env['XARB_STDOUT_TTY'];
  return spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout, env });
}

/** Every stdout line parsed; fails the test on a line that is not a JSON object with a type. */
function jsonLines(t: Test, stdout: string): Array<Record<string, any>> {
  const lines = stdout.split('\n').filter((l) => l !== '');
  const out: Array<Record<string, any>> = [];
  for (const l of lines) {
    let v: unknown;
    try { v = JSON.parse(l); } catch { t.fail(`stdout line is not JSON: ${l.slice(0, 200)}`); continue; }
    t.ok(typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['type'] === 'string', `a typed JSON object: ${l.slice(0, 80)}`);
    out.push(v as Record<string, any>);
  }
  return out;
}

// A synthetic day, its backtest and a one-point sweep take a couple of minutes on a loaded 2-core host.
t.setTimeout(400_000);

const HLOG = path.join(FIXTURES, 'hlog', 'java-tagged.hlog');
const DATE = '2024-01-01';

t.test('config check: piped, --json, and an invalid file', async (t) => {
  const r = piped(['config', 'check', '--config', 'config/arbitrage.toml']);
  t.equal(r.status, 0, r.stderr);
  const [o] = jsonLines(t, r.stdout);
  t.match(o, { type: 'config', ok: true, mode: 'dry-run', config: { strategy: { symbol: 'BTCUSDT' } } });
  t.match(r.stderr, /\[strategy\]/, 'the TOML went to stderr');
  const j = piped(['config', 'check', '--config', 'config/arbitrage.toml', '--json']);
  t.equal(jsonLines(t, j.stdout).length, 1);
  t.equal(j.stderr, '', '--json: no text');
  const bad = piped(['config', 'check', '--config', path.join(FIXTURES, 'no-such-config.toml')]);
  t.equal(bad.status, 2);
  const [b] = jsonLines(t, bad.stdout);
  t.match(b, { type: 'config', ok: false });
  t.ok(b!['problems'].length >= 1, 'the problems are in the JSON');
});

t.test('hist show, compare and plot', async (t) => {
  const show = piped(['hist', 'show', HLOG]);
  t.equal(show.status, 0, show.stderr);
  const [s] = jsonLines(t, show.stdout);
  t.equal(s!['type'], 'hist_show');
  t.match(s!['tags'], [{ tag: 'decision', count: 200, ns: { p50: Number, p99: Number, max: Number } }, { tag: 'tick_to_order' }]);
  t.match(show.stderr, /p99\.9/, 'the table went to stderr');
  const cmp = piped(['hist', 'compare', HLOG, HLOG, '--json']);
  const [c] = jsonLines(t, cmp.stdout);
  t.match(c, { type: 'hist_compare', tags: [{ tag: 'decision', a: { count: 200 }, b: { count: 200 } }] });
  t.equal(cmp.stderr, '');
  const dir = mkdtempSync(path.join(tmpdir(), 'xarb-contract-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const plot = piped(['hist', 'plot', HLOG, '-o', path.join(dir, 'p.svg')]);
  const [p] = jsonLines(t, plot.stdout);
  t.match(p, { type: 'hist_plot', file: path.join(dir, 'p.svg') });
});

t.test('data synth, backtest, report and sweep over one synthetic day', async (t) => {
  const { dir, data } = cliDay(t, DATE, 'xarb-contract-day-');
  const synth = piped(['data', 'synth', '--config', 'config/arbitrage.toml', '--start-date', DATE, '--rate', '1', '--out', path.join(dir, 'd2')]);
  t.equal(synth.status, 0, synth.stderr);
  t.match(jsonLines(t, synth.stdout), [{ type: 'synth', files: Number, dir: path.join(dir, 'd2') }]);
  const runs = path.join(dir, 'runs');
  const bt = piped(['--mode', 'dry-run', '--config', 'config/arbitrage.toml', '--start-date', DATE, '--end-date', DATE, '--data', data,
    '--runs-dir', runs, '--run-id', 'x', '--no-progress']);
  t.equal(bt.status, 0, bt.stderr);
  const btOut = jsonLines(t, bt.stdout);
  t.match(btOut.at(-1), { type: 'report', run_dir: path.join(runs, 'x'), events: Number, run_status: { status: 'ended' } });
  t.match(bt.stderr, /run directory: /, 'the text report went to stderr');
  const rep = piped(['report', path.join(runs, 'x'), '--html']);
  t.equal(rep.status, 0, rep.stderr);
  const [r] = jsonLines(t, rep.stdout);
  t.match(r, { type: 'report', runId: 'x', written: [/report\.html$/] });
  t.match(rep.stderr, /wrote .*report\.html/);
  const sw = piped(['sweep', '--config', 'config/arbitrage.toml', '--start-date', DATE, '--end-date', DATE, '--data', data,
    '--runs-dir', runs, '--param', 'min_spread_bps=5', '--workers', '1', '--json']);
  t.equal(sw.status, 0, sw.stderr);
  const [w] = jsonLines(t, sw.stdout);
  t.match(w, { type: 'sweep', rank_by: 'pnl', ranked: [{ rank: 1, overrides: [{ key: 'strategy.min_spread_bps', value: 5 }], strategyPnl: Number }] });
  t.notMatch(sw.stderr, /ranked by/, '--json: no table');
});

t.test('record --sim and data cat', async (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'xarb-contract-rec-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const rec = piped(['record', '--config', 'config/arbitrage.toml', '--symbols', 'BTCUSDT', '--sim', '--duration', '1s', '--out', out]);
  t.equal(rec.status, 0, rec.stderr);
  const [o] = jsonLines(t, rec.stdout);
  t.match(o, { type: 'record', lines: Number, frames: Number });
  t.ok(o!['lines'] > 0, `${o!['lines']} lines recorded`);
  const files: string[] = [];
  const walk = (d: string): void => { for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))); };
  walk(out);
  const cat = piped(['data', 'cat', files.find((f) => f.includes('binance'))!, '--json']);
  t.equal(cat.status, 0, cat.stderr);
  t.ok(cat.stdout.trim().split('\n').every((l) => typeof JSON.parse(l) === 'object'), 'data cat: JSON lines');
});

t.test('sim: a sim_started line with the URLs, a sim_stopped line at the end', async (t) => {
  const env = { ...process.env };
  delete env['XARB_STDOUT_TTY'];
  const c = spawn(process.execPath, [XARB_BIN, 'sim', '--binance-port', '0', '--bybit-port', '0', '--rate', '50', '--symbols', 'BTCUSDT'],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => c.kill('SIGKILL'), 60_000);
  let stdout = '';
  let stderr = '';
  c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const started = new Promise<void>((resolve) => {
    c.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('\n')) resolve();
    });
    c.on('exit', () => resolve());
  });
  await started;
  c.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.on('exit', (x) => r(x))));
  clearTimeout(killer);
  t.equal(code, 0, stderr);
  const lines = jsonLines(t, stdout);
  t.match(lines[0], { type: 'sim_started', binance: { ws: /^ws:\/\/127\.0\.0\.1:\d+/, rest: /^http:/ }, bybit: { ws: /^ws:/ }, fault_url: /\/__sim\/fault$/ });
  t.match(lines.at(-1), { type: 'sim_stopped', messages: { binance: Number, bybit: Number } });
  t.match(stderr, /xarb sim: binance ws/, 'the text went to stderr');
});

t.test('ctl: the bot\'s answer as a JSON line', async (t) => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"message":"halt sent"}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, XARB_MONITOR_TOKEN: '' };
  delete env['XARB_STDOUT_TTY'];
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, [XARB_BIN, 'ctl', 'halt', '--url', url], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  t.equal(r.code, 0, r.stderr);
  t.match(jsonLines(t, r.stdout), [{ type: 'control', action: 'halt', ok: true, message: 'halt sent', http_status: 200 }]);
  t.match(r.stderr, /^ok: halt sent/);
});
