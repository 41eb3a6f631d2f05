import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

const CONFIG = path.join(REPO_ROOT, 'config', 'arbitrage.toml');

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-record-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Non-header lines of a store file, read with the strict whole-file gunzip. */
function dataLines(file: string): Record<string, unknown>[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => !('wall_ms' in o));
}

function summaryCount(stdout: string): number {
  const m = /wrote (\d+) lines/.exec(stdout);
  if (!m) throw new Error(`no summary line in: ${stdout}`);
  return Number(m[1]);
}

t.test('record --sim --duration records both venues; data cat replays the books', async (t) => {
  const out = tmp(t);
  const r = spawnSync(process.execPath, [XARB_BIN, 'record', '--config', CONFIG, '--venues', 'binance,bybit', '--symbols', 'BTCUSDT', '--sim', '--duration', '2s', '--out', out], {
    cwd: REPO_ROOT,
    env: { ...process.env, XARB_STDOUT_TTY: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(r.status, 0, r.stderr);
  const files = filesUnder(out).map((f) => path.relative(out, f).split(path.sep).slice(0, 3).join('/')).sort();
  t.same(files, ['binance/spot/BTCUSDT', 'bybit/spot/BTCUSDT']);
  const all = filesUnder(out);
  t.equal(all.reduce((n, f) => n + dataLines(f).length, 0), summaryCount(r.stdout), 'every line reported is in the files');

  const binance = all.find((f) => f.includes(`${path.sep}binance${path.sep}`))!;
  const lines = dataLines(binance);
  t.ok(lines.some((l) => typeof l.snapshot === 'string' && String(l.url).includes('/api/v3/depth?symbol=BTCUSDT&limit=1000')), 'the REST depth snapshot is stored');
  t.ok(lines.some((l) => String(l.f).includes('depthUpdate')), 'diff depth frames are stored');

  for (const file of all) {
    const cat = spawnSync(process.execPath, [XARB_BIN, 'data', 'cat', file, '--depth', '3'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 256 * 1024 * 1024, // a busy simulator file prints megabytes
    });
    t.equal(cat.status, 0, cat.stderr);
    const books = cat.stdout.trim().split('\n').map((l) => JSON.parse(l));
    t.ok(books.length > 5, `${path.relative(out, file)}: ${books.length} book lines`);
    const depth = books.filter((b) => b.src === 'depth');
    t.ok(depth.length > 0, 'depth books are printed');
    for (const b of depth.slice(0, 20)) {
      t.ok(b.bids.length > 0 && b.asks.length > 0 && b.bids.length <= 3, 'bids and asks, at most --depth levels');
      t.ok(b.bids[0][0] < b.asks[0][0], 'not crossed');
      t.equal(typeof b.bids[0][1], 'number');
    }
  }
});

t.test('SIGTERM: everything received is written and the files are valid .gz', async (t) => {
  const out = tmp(t);
  const child = spawn(process.execPath, [XARB_BIN, 'record', '--config', CONFIG, '--venues', 'binance,bybit', '--symbols', 'BTCUSDT,ETHUSDT', '--sim', '--out', out], {
    cwd: REPO_ROOT,
    env: { ...process.env, XARB_STDOUT_TTY: '1' }, // the summary as text (stdout-contract.test.ts: piped)
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  // wait (bounded) until all four series have files: frames are flowing on both venues
  for (let i = 0; i < 200 && filesUnder(out).length < 4; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGTERM');
  const code = await exited;
  t.equal(code, 0, stderr);
  t.match(stdout, /stopped \(SIGTERM\)/);
  const files = filesUnder(out);
  t.equal(files.length, 4);
  const total = files.reduce((n, f) => n + dataLines(f).length, 0);
  t.ok(total > 0, `${total} lines recorded`);
  t.equal(total, summaryCount(stdout), 'the files hold every line the recorder reported');
});
