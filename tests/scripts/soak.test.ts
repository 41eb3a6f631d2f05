/**
 * `npm run soak` for ~20 s: the live bot against `xarb sim` in its own process with the
 * order-entry fault schedule, Binance on an Ed25519 key (REST orders) and Bybit on HMAC
 * (WebSocket orders). The venue's ledger and xarb's agree: no client id placed twice, no
 * venue fill missing from xarb, the same base position per venue; the figures are written
 * as JSON.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import type { SoakResult } from '../../scripts/soak.js';

t.setTimeout(240_000);

t.test('a 20 s soak under the fault schedule: duplicates 0, lost fills 0, positions equal', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-soak-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'soak.json');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'scripts', 'soak.js'), '--seconds', '20', '--out', out],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 200_000);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearTimeout(watchdog);
  t.ok(fs.existsSync(out), `JSON written (stderr: ${stderr.slice(-500)})`);
  const r = JSON.parse(fs.readFileSync(out, 'utf8')) as SoakResult;
  t.equal(r.binance_key, 'ed25519');
  t.ok(r.orders_sent.binance + r.orders_sent.bybit > 0, 'the bot traded');
  t.ok(Object.keys(r.faults_injected).length >= 5, 'faults of several kinds injected');
  t.equal(r.duplicates, 0, 'no client id placed twice');
  t.equal(r.lost_fills, 0, 'every venue fill is in xarb\'s ledger');
  t.ok(r.positions.binance.equal && r.positions.bybit.equal, `final positions equal: ${JSON.stringify(r.positions)}`);
  t.equal(r.bot_exit_code, 0, 'the bot stopped in order');
  t.equal(code, 0, 'the soak passes');
  t.match(stdout, /duplicates \(one client id twice\)\s+0/, 'the table');
});

t.test('--check-run: a run that already happened, against the venue it traded on', async (t) => {
  const { startSimProcess, writeLiveConfig } = await import('../../scripts/sim-process.js');
  const { checkRun } = await import('../../scripts/soak.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-check-run-'));
  const children: import('node:child_process').ChildProcess[] = [];
  t.teardown(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const sim = await startSimProcess(dir, children);
  const config = writeLiveConfig(path.join(dir, 'cfg'), sim, { binanceKey: 'ed25519', orderEntry: { binance: 'ws', bybit: 'ws' } });
  const bot = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'xarb.js'), '--mode', 'live', '--venues', 'live', '--confirm-live', '--config', config,
    '--runs-dir', path.join(dir, 'runs'), '--run-id', 'day1', '--monitor-port', '0', '--no-status', '--duration', '10s'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
  children.push(bot);
  const exited = new Promise<number | null>((r) => bot.on('exit', r));
  // Something to trade: a dislocation a second.
  for (let i = 0; i < 8 && bot.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    await fetch(`${sim.urls.binance.rest}/__sim/fault`, { method: 'POST', body: JSON.stringify({ kind: 'dislocate', venue: i % 2 === 0 ? 'binance' : 'bybit', symbol: 'BTCUSDT', bps: 80, durationMs: 500 }) });
  }
  t.equal(await exited, 0, 'the run stopped in order');
  const r = await checkRun(path.join(dir, 'runs', 'day1'), config, false);
  t.equal(r.binance_key, 'ed25519', 'the venue read with the run\'s own Ed25519 key');
  t.equal(r.duplicates, 0);
  t.equal(r.lost_fills, 0);
  t.ok(r.positions.binance.equal && r.positions.bybit.equal, JSON.stringify(r.positions));
  t.equal(r.orders_at_venue.binance + r.orders_at_venue.bybit, r.orders_sent.binance + r.orders_sent.bybit, 'every order sent is at the venue');
  t.equal(r.ok, true, r.problems.join('; '));
});
