/**
 * `xarb config check` as a user runs it: a child process, exit code, stdout and stderr.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { configSet, edited } from '../config/config-set.js';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

const SECRET = 'S3CRET-do-not-print-0xC0FFEE';
const CREDENTIALS = ['BINANCE_API_KEY', 'BINANCE_SECRET_KEY', 'BYBIT_API_KEY', 'BYBIT_SECRET_KEY'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with the credential variables removed from the environment, then `env` added. */
function xarb(args: string[], env: Record<string, string> = {}): Run {
  const base: NodeJS.ProcessEnv = { ...process.env, XARB_STDOUT_TTY: '1' }; // text as on a terminal (stdout-contract.test.ts: piped)
  for (const name of CREDENTIALS) delete base[name];
  const r = spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const check = (file: string, ...more: string[]): string[] => ['config', 'check', '--config', file, ...more];

t.test('the shipped config passes in dry-run and prints the effective configuration', async (t) => {
  const r = xarb(check('config/arbitrage.toml'));
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /symbol = "BTCUSDT"/);
  t.match(r.stdout, /wait_strategy = "auto"/, 'defaults and values are shown');
  t.match(r.stdout, /websocket_url = "wss:\/\/stream\.binance\.com:9443\/ws"/);
  t.equal(r.stderr, '');
});

t.test('live mode with credentials set: passes, and prints them only as "****"', async (t) => {
  const env = Object.fromEntries(CREDENTIALS.map((n) => [n, `${SECRET}-${n}`]));
  const r = xarb(check('config/arbitrage.toml', '--mode', 'live'), env);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /api_key = "\*\*\*\*"/);
  t.match(r.stdout, /secret_key = "\*\*\*\*"/);
  t.notMatch(r.stdout + r.stderr, SECRET);
});

t.test('--json prints the same configuration as JSON', async (t) => {
  const r = xarb(check('config/arbitrage.toml', '--json'));
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { type: string; ok: boolean; config: { engine: { feed_ring_slots: number } } };
  t.match(out, { type: 'config', ok: true });
  t.equal(out.config.engine.feed_ring_slots, 4096);
});

t.test('dry-run passes without any credential variables', async (t) => {
  const file = configSet(t);
  const r = xarb(check(file));
  t.equal(r.code, 0, r.stderr);
});

t.test('live mode without credentials: exit 2, names each variable with its file and key', async (t) => {
  const file = configSet(t);
  const r = xarb(check(file, '--mode', 'live'), { BINANCE_API_KEY: SECRET });
  t.equal(r.code, 2);
  t.equal(r.stdout, '', 'nothing is printed as configuration');
  t.match(r.stderr, /binance\.toml: auth\.secret_key: .*BINANCE_SECRET_KEY/);
  t.match(r.stderr, /bybit\.toml: auth\.api_key: .*BYBIT_API_KEY/);
  t.match(r.stderr, /bybit\.toml: auth\.secret_key: .*BYBIT_SECRET_KEY/);
  t.notMatch(r.stderr, /binance\.toml: auth\.api_key/, 'the set one is fine');
  t.notMatch(r.stderr, SECRET);
});

t.test('a bad secret value is not echoed', async (t) => {
  const file = configSet(t);
  const env = Object.fromEntries(CREDENTIALS.map((n) => [n, 'fine-key']));
  const r = xarb(check(file, '--mode', 'live'), { ...env, BYBIT_SECRET_KEY: `${SECRET} with spaces` });
  t.equal(r.code, 2);
  t.match(r.stderr, /bybit\.toml: auth\.secret_key: expected .*, found <redacted>/);
  t.notMatch(r.stdout + r.stderr, SECRET);
});

t.test('TOML syntax error: exit 2, the file with line and column', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'seed = 1', 'seed = = 1') });
  const r = xarb(check(file));
  t.equal(r.code, 2);
  t.match(r.stderr, /arbitrage\.toml:\d+:\d+: TOML syntax error/);
});

t.test('wrong type: exit 2, file, key, expected and found', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'min_spread_bps = 10', 'min_spread_bps = "ten"') });
  const r = xarb(check(file));
  t.equal(r.code, 2);
  t.match(r.stderr, /arbitrage\.toml: strategy\.min_spread_bps: expected a number from 0 to 10000 \(bps\), found "ten"/);
});

t.test('out of range values: exit 2, every one reported, one per line', async (t) => {
  const arb = edited('arbitrage.toml', 'min_spread_bps = 10', 'min_spread_bps = -1').replace('max_drawdown = 0.05', 'max_drawdown = 2');
  const r = xarb(check(configSet(t, { 'arbitrage.toml': arb })));
  t.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  t.match(lines[0], /strategy\.min_spread_bps: expected a number from 0 to 10000 \(bps\), found -1$/);
  t.match(lines[1], /risk\.max_drawdown: expected a number > 0 and ≤ 1 \(fraction of starting equity\), found 2$/);
  t.match(lines[2], /2 problems/);
});

t.test('unknown key: exit 2, with a suggestion', async (t) => {
  const file = configSet(t, { 'bybit.toml': edited('bybit.toml', 'recv_window_ms', 'recv_windw_ms') });
  const r = xarb(check(file));
  t.equal(r.code, 2);
  t.match(r.stderr, /bybit\.toml: connection\.recv_windw_ms: .*unknown key .*did you mean "connection\.recv_window_ms"\?/);
});

t.test('missing venue file: exit 2, names the reference and the missing path', async (t) => {
  const file = configSet(t, { 'bybit.toml': null });
  const r = xarb(check(file));
  t.equal(r.code, 2);
  t.match(r.stderr, /arbitrage\.toml: venues\.bybit: expected a readable venue file.*bybit\.toml does not exist/);
});

t.test('usage errors exit 2', async (t) => {
  t.equal(xarb(['config', 'frobnicate']).code, 2);
  t.equal(xarb(['config', 'check', '--mode', 'paper']).code, 2);
});
