/**
 * A taken monitor port: in live mode the bot refuses to start (its control and alerts would be
 * missing, or shared with another process); in dry-run it warns and runs without a monitor.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMonitor } from '../../src/monitor/server.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

t.setTimeout(400_000);

function runBot(mode: 'live' | 'dry-run', port: number): Promise<{ code: number | null; stdout: string; runDir: string }> {
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-port-'));
  const env = {
    ...process.env,
    BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey,
  };
  const child = spawn(process.execPath, [XARB_BIN, '--mode', mode, '--config', 'config/arbitrage.toml', '--venues', 'sim', '--duration', '4s',
    '--runs-dir', runs, '--run-id', 'p', '--monitor-port', String(port), '--no-status', '--dislocation-every-ms', '0'],
  { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  // Generous: a loaded CI host can take a minute to start and stop the bot.
  const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  return new Promise((resolve) => child.on('exit', (code) => { clearTimeout(killer); resolve({ code, stdout, runDir: path.join(runs, 'p') }); }));
}

t.test('the monitor port is taken by another process', { timeout: 380_000 }, async (t) => {
  const other = await startMonitor({ host: '127.0.0.1', port: 0 }, { metrics: () => '', status: () => ({ other: true }) });
  t.teardown(() => other.stop());

  const live = await runBot('live', other.port);
  t.equal(live.code, 2, 'live mode exits 2');
  t.match(live.stdout, /monitor unavailable: refusing to trade/);
  t.match(live.stdout, new RegExp(`could not listen on 127\\.0\\.0\\.1:${other.port}: the port is in use`));
  t.notMatch(live.stdout, /live executor ready/, 'no executor was started');
  const journal = readFileSync(path.join(live.runDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(journal.map((e) => e['type']), ['run_start', 'run_end'], 'nothing traded');
  t.equal(journal[1]!['exit_code'], 2);

  const dry = await runBot('dry-run', other.port);
  t.equal(dry.code, 0, `dry-run runs without its monitor (${dry.stdout.slice(-300)})`);
  t.match(dry.stdout, /monitor disabled/);
  // The other process kept its port: every request still reaches it.
  t.same(await (await fetch(`${other.url}/status`)).json(), { other: true });
});
