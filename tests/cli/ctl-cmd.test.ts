/**
 * `xarb ctl`: talks to a running bot's monitor (here a monitor with recorded control calls), with
 * the URL and token from --url/--token, the environment, or the bot's config file.
 */
import t from 'tap';
import { spawnSync, spawn } from 'node:child_process';
import { startMonitor } from '../../src/monitor/server.js';
import type { ControlAction } from '../../src/monitor/hub.js';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { configSet, edited } from '../config/config-set.js';

const TOKEN = 'ctl-token-0123456789';

function ctl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [XARB_BIN, 'ctl', ...args], { cwd: REPO_ROOT, env: { ...process.env, XARB_MONITOR_TOKEN: '', XARB_STDOUT_TTY: '1', ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const STATUS = {
  run_id: 'r1', mode: 'dry-run', uptime_s: 5, halted: true, halt_reason: 'operator: test', pnl: { realized: 1.5, equity: 400000 },
  rounds: { closed: 3, open: 0 }, symbols: { BTCUSDT: { spread_bps: { binance_to_bybit: 1.2, bybit_to_binance: -2 }, edge_bps: {}, threshold_bps: 40, position: { binance: 2, bybit: 2 } } },
  venues: { binance: { state: 'ok', books: '1/1 usable', balance: { quote: 200000, base: { BTCUSDT: 2 } } } },
  latency: { headline: 'tick_to_intent', hops: { tick_to_intent: { p50_us: 20.5, p99_us: 90.1 } } }, alerts: [{ kind: 'halted', severity: 'critical', message: 'new entries halted' }],
};

t.test('halt, resume, flatten and status against a running monitor', async (t) => {
  const calls: Array<[ControlAction, string]> = [];
  const m = await startMonitor({ host: '127.0.0.1', port: 0, token: TOKEN }, {
    metrics: () => '', status: () => STATUS,
    control: (a, r) => { calls.push([a, r]); return a === 'flatten' ? { ok: false, status: 409, message: 'the bot is shutting down' } : { ok: true, status: 200, message: `${a} sent` }; },
  });
  t.teardown(() => m.stop());
  const url = ['--url', m.url];
  let r = await ctl(['halt', '--reason', 'news at 14:30', ...url, '--token', TOKEN]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^ok: halt sent/);
  r = await ctl(['resume', '--reason', 'news passed', ...url], { XARB_MONITOR_TOKEN: TOKEN });
  t.equal(r.code, 0, 'token from XARB_MONITOR_TOKEN');
  r = await ctl(['flatten', ...url, '--token', TOKEN]);
  t.equal(r.code, 1, 'refused by the bot: exit 1');
  t.match(r.stdout, /refused: the bot is shutting down/);
  t.same(calls, [['halt', 'news at 14:30'], ['resume', 'news passed'], ['flatten', 'operator flatten via xarb ctl']]);
  r = await ctl(['status', ...url, '--token', TOKEN]);
  t.equal(r.code, 0);
  t.match(r.stdout, /HALTED \(operator: test\)/);
  t.match(r.stdout, /BTCUSDT: spread bn>by 1\.2 by>bn -2\.0 bps \(threshold 40\.0\)/);
  t.match(r.stdout, /tick_to_intent\* p50 20\.5µs p99 90\.1µs/);
  t.match(r.stdout, /critical halted/);
  r = await ctl(['status', '--json', ...url, '--token', TOKEN]);
  t.same(JSON.parse(r.stdout), { ...STATUS, type: 'status', action: 'status', http_status: 200 });
  r = await ctl(['halt', ...url, '--token', 'wrong-token-0000000']);
  t.equal(r.code, 1);
  t.match(r.stderr, /refused the token \(wrong token\)/);
  t.notMatch(r.stderr, /wrong-token-0000000/, 'the token is not echoed');
});

t.test('the URL and token come from the bot\'s config file', async (t) => {
  const m = await startMonitor({ host: '127.0.0.1', port: 0, token: TOKEN }, { metrics: () => '', status: () => STATUS });
  t.teardown(() => m.stop());
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'port = 9464 ', `port = ${m.port}\ntoken = "${TOKEN}" `) });
  const r = await ctl(['status', '--config', file]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /run r1/);
});

t.test('usage errors exit 2; an unreachable bot exits 1 with a hint', async (t) => {
  for (const args of [[], ['explode'], ['halt', 'now'], ['halt', '--bogus'], ['resume', '--url', 'http://127.0.0.1:1'], ['status', '--url', 'ftp://x']]) {
    const r = spawnSync(process.execPath, [XARB_BIN, 'ctl', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    t.equal(r.status, 2, args.join(' '));
  }
  const help = spawnSync(process.execPath, [XARB_BIN, 'ctl', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /xarb ctl halt\|resume\|flatten\|status/);
  const r = await ctl(['status', '--url', 'http://127.0.0.1:1']);
  t.equal(r.code, 1);
  t.match(r.stderr, /no bot answering at http:\/\/127\.0\.0\.1:1/);
});
