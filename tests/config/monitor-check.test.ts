/**
 * [monitor] rules between keys: the monitor exposes PnL and a halt/flatten control, so a
 * non-loopback bind without a token fails `config check`; webhook URLs must be http(s).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { loadConfig, ConfigError } from '../../src/config/index.js';
import { isLoopbackHost } from '../../src/config/monitor-check.js';
import { configSet, edited } from './config-set.js';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

/** The shipped arbitrage.toml with extra [monitor] keys and extra [monitor.alerts] keys. */
const monitor = (monitorLines: string, alertLines: string) => edited('arbitrage.toml', 'status_interval_ms = 5000\n', `status_interval_ms = 5000\n${monitorLines}\n`)
  .replace('spread_abs_bps = 150', `spread_abs_bps = 150\n${alertLines}`);
const problems = (file: string) => {
  try {
    loadConfig(file, { mode: 'dry-run', env: {} });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

t.test('loopback hosts', async (t) => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) t.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '127.0.0.256', '128.0.0.1']) t.notOk(isLoopbackHost(h), h);
});

t.test('a non-loopback bind without a token fails config check, with the reason', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'host = "127.0.0.1"\nport = 9464', 'host = "0.0.0.0"\nport = 9464') });
  const p = problems(file);
  t.equal(p.length, 1);
  t.equal(p[0]!.path, 'monitor.token');
  t.match(p[0]!.expected, /not loopback/);
  const r = spawnSync(process.execPath, [XARB_BIN, 'config', 'check', '--config', file], { cwd: REPO_ROOT, encoding: 'utf8' });
  t.not(r.status, 0, 'xarb config check exits non-zero');
  t.match(r.stderr + r.stdout, /monitor\.token/);
});

t.test('a non-loopback bind with a token of 16+ characters loads; the token is never printed', async (t) => {
  const token = 'abcdefghijklmnopqrstuvwx';
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'host = "127.0.0.1"\nport = 9464', `host = "0.0.0.0"\nport = 9464\ntoken = "${token}"`) });
  t.same(problems(file), []);
  const r = spawnSync(process.execPath, [XARB_BIN, 'config', 'check', '--config', file], { cwd: REPO_ROOT, encoding: 'utf8' });
  t.equal(r.status, 0);
  t.notMatch(r.stdout + r.stderr, token);
});

t.test('a short token, a non-http webhook and a Telegram URL without a chat are refused', async (t) => {
  const file = configSet(t, {
    'arbitrage.toml': monitor('token = "short"', 'webhook_url = "ftp://x/hook"\ntelegram_url = "https://api.telegram.org/bot123:SECRET/sendMessage"'),
  });
  const p = problems(file);
  t.same(p.map((x) => x.path).sort(), ['monitor.alerts.telegram_chat_id', 'monitor.alerts.webhook_url', 'monitor.token']);
  t.notMatch(JSON.stringify(p), /SECRET|ftp:\/\/x/, 'no secret or URL in the messages');
});
