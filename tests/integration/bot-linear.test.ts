/**
 * The linear market end to end, as a user sets it up: binance.toml with market = "linear"
 * (and the fstream/fapi URLs) and bybit.toml with market = "linear" (and the
 * `/v5/public/linear` URL) pass `xarb config check`; a sim run connects a linear Binance feed
 * to the simulator's futures port, a linear Bybit feed to the Bybit port's linear path, syncs
 * both venues' books, and stops cleanly.
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { configSet, shipped } from '../config/config-set.js';

function linearBinance(): string {
  return shipped('binance.toml')
    .replace('wss://stream.binance.com:9443/ws', 'wss://fstream.binance.com/ws')
    .replace('https://api.binance.com', 'https://fapi.binance.com')
    .replace('market = "spot"', 'market = "linear"');
}

function linearBybit(): string {
  return shipped('bybit.toml')
    .replace('wss://stream.bybit.com/v5/public/spot', 'wss://stream.bybit.com/v5/public/linear')
    .replace('market = "spot"', 'market = "linear"');
}

t.test('xarb config check accepts market = "linear" for Binance', async (t) => {
  const file = configSet(t, { 'binance.toml': linearBinance() });
  const r = spawnSync(process.execPath, [XARB_BIN, 'config', 'check', '--config', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /\[venues\.binance\.connection\][^[]*market = "linear"/);
  t.match(r.stderr, /\[venues\.bybit\.connection\][^[]*market = "spot"/);
});

t.test('xarb config check accepts market = "linear" for Bybit, and refuses other markets', async (t) => {
  const file = configSet(t, { 'bybit.toml': linearBybit() });
  const r = spawnSync(process.execPath, [XARB_BIN, 'config', 'check', '--config', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /\[venues\.bybit\.connection\][^[]*market = "linear"/);
  t.match(r.stderr, /\[venues\.bybit\.connection\][^[]*websocket_url = "wss:\/\/stream\.bybit\.com\/v5\/public\/linear"/);
  const bad = configSet(t, { 'bybit.toml': shipped('bybit.toml').replace('market = "spot"', 'market = "inverse"') });
  const r2 = spawnSync(process.execPath, [XARB_BIN, 'config', 'check', '--config', bad], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.not(r2.status, 0);
  t.match(r2.stderr + r2.stdout, /market/);
});

interface Metrics { usable: Record<string, number> }

async function scrape(url: string): Promise<Metrics> {
  const text = await (await fetch(url)).text();
  const usable: Record<string, number> = {};
  for (const m of text.matchAll(/^xarb_feed_books_usable\{venue="(\w+)"\} (\d+)$/gm)) usable[`feed:${m[1]!}`] = Number(m[2]);
  return { usable };
}

interface SimRun {
  code: number | null;
  stderr: string;
  synced: Metrics;
  lines: Array<Record<string, unknown>>;
  journal: Array<{ type: string }>;
  runDir: string;
}

/** A 6 s dry-run on the simulator with the given venue files; polls until both books are usable. */
async function simRun(t: Test, files: Record<string, string>, extraArgs: string[] = []): Promise<SimRun> {
  const file = configSet(t, files);
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-linear-'));
  t.teardown(() => rmSync(runs, { recursive: true, force: true }));
  const child = spawn(process.execPath, [XARB_BIN, '--mode', 'dry-run', '--config', file, '--venues', 'sim', '--runs-dir', runs,
    '--run-id', 'linear', '--monitor-port', '0', '--no-status', '--duration', '15s', ...extraArgs], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  let metricsUrl = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.startsWith('{')) continue;
      const o = JSON.parse(line) as Record<string, unknown>;
      lines.push(o);
      if (typeof o['msg'] === 'string' && o['msg'].startsWith('monitor listening')) metricsUrl = String(o['metrics']);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { clearTimeout(killer); resolve(code); }));

  // Both books usable while the run lasts (polled, bounded by the run's own duration).
  let synced: Metrics = { usable: {} };
  for (let k = 0; k < 300 && child.exitCode === null; k++) {
    await new Promise((r) => setTimeout(r, 50));
    if (metricsUrl === '') continue;
    synced = await scrape(metricsUrl).catch(() => synced);
    if (synced.usable['feed:binance'] === 1 && synced.usable['feed:bybit'] === 1) break;
  }
  const code = await exited;
  const journalFile = path.join(runs, 'linear', 'journal.jsonl');
  const journal = code === 0 ? readFileSync(journalFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string }) : [];
  return { code, stderr, synced, lines, journal, runDir: path.join(runs, 'linear') };
}

t.test('a sim run with a linear Binance syncs on the futures port and stops cleanly', async (t) => {
  const { code, stderr, synced, lines, journal } = await simRun(t, { 'binance.toml': linearBinance() });
  t.equal(code, 0, `exit code 0 (stderr: ${stderr.slice(-500)})`);
  t.equal(synced.usable['feed:binance'], 1, 'the linear Binance book was usable');
  t.equal(synced.usable['feed:bybit'], 1, 'the Bybit book was usable');

  const sim = lines.find((o) => o['msg'] === 'venue simulator started on loopback')!;
  const conn = lines.find((o) => o['actor'] === 'feed:binance' && o['msg'] === 'connected')!;
  t.ok(sim && conn, 'simulator and Binance feed logged');
  const futuresPort = new URL(String(sim['binanceFutures'])).port;
  t.equal(new URL(String(conn['url'])).port, futuresPort, 'the Binance feed connected to the futures port');
  t.not(futuresPort, new URL(String(sim['binance'])).port, 'not the spot port');
  t.ok(lines.some((o) => o['msg'] === 'bot stopped'), 'bot stopped');

  t.equal(journal[journal.length - 1]?.type, 'run_end', 'the journal ends with run_end');
});

t.test('a sim run with both venues linear: Binance on the futures port, Bybit on the linear path', async (t) => {
  const { code, stderr, synced, lines, journal, runDir } = await simRun(t, { 'binance.toml': linearBinance(), 'bybit.toml': linearBybit() }, ['--record']);
  // --record files a linear feed under its own market.
  for (const venue of ['binance', 'bybit']) {
    const dir = path.join(runDir, 'data', venue, 'linear', 'BTCUSDT');
    t.ok(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.jsonl.gz')), `${venue} recorded under linear/`);
    t.notOk(existsSync(path.join(runDir, 'data', venue, 'spot')), `${venue} not recorded as spot`);
  }
  t.equal(code, 0, `exit code 0 (stderr: ${stderr.slice(-500)})`);
  t.equal(synced.usable['feed:binance'], 1, 'the linear Binance book was usable');
  t.equal(synced.usable['feed:bybit'], 1, 'the linear Bybit book was usable');

  const sim = lines.find((o) => o['msg'] === 'venue simulator started on loopback')!;
  const binance = lines.find((o) => o['actor'] === 'feed:binance' && o['msg'] === 'connected')!;
  const bybit = lines.find((o) => o['actor'] === 'feed:bybit' && o['msg'] === 'connected')!;
  t.ok(sim && binance && bybit, 'simulator and both feeds logged');
  t.equal(new URL(String(binance['url'])).port, new URL(String(sim['binanceFutures'])).port, 'Binance on the futures port');
  const bybitUrl = new URL(String(bybit['url']));
  t.equal(bybitUrl.port, new URL(String(sim['bybit'])).port, 'Bybit on the Bybit port');
  t.equal(bybitUrl.pathname, '/v5/public/linear', 'Bybit on the linear path');
  t.notOk(lines.some((o) => o['level'] === 'error' || o['level'] === 50), 'no error logged');
  t.ok(lines.some((o) => o['msg'] === 'bot stopped'), 'bot stopped');
  t.equal(journal[journal.length - 1]?.type, 'run_end', 'the journal ends with run_end');
});
