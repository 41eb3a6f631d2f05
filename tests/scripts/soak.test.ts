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
