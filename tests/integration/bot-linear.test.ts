/**
 * Binance USD-M futures end to end, as a user sets it up: binance.toml with market = "linear"
 * (and the fstream/fapi URLs) passes `xarb config check`, and a sim run connects the Binance
 * feed to the simulator's futures port, syncs both venues' books, and stops cleanly.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

t.test('xarb config check accepts market = "linear" for Binance', async (t) => {
  const file = configSet(t, { 'binance.toml': linearBinance() });
  const r = spawnSync(process.execPath, [XARB_BIN, 'config', 'check', '--config', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /\[venues\.binance\.connection\][^[]*market = "linear"/);
  t.match(r.stdout, /\[venues\.bybit\.connection\][^[]*market = "spot"/);
});

t.test('xarb config check still refuses linear for Bybit', async (t) => {
  const file = configSet(t, { 'bybit.toml': shipped('bybit.toml').replace('market = "spot"', 'market = "linear"') });
  const r = spawnSync(process.execPath, [XARB_BIN, 'config', 'check', '--config', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.not(r.status, 0);
  t.match(r.stderr + r.stdout, /market/);
});

interface Metrics { usable: Record<string, number> }

async function scrape(url: string): Promise<Metrics> {
  const text = await (await fetch(url)).text();
  const usable: Record<string, number> = {};
  for (const m of text.matchAll(/xarb_actor_counter\{actor="(feed:\w+)",name="usable_books"\} (\d+)/g)) usable[m[1]!] = Number(m[2]);
  return { usable };
}

t.test('a sim run with a linear Binance syncs on the futures port and stops cleanly', async (t) => {
  const file = configSet(t, { 'binance.toml': linearBinance() });
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-linear-'));
  t.teardown(() => rmSync(runs, { recursive: true, force: true }));
  const child = spawn(process.execPath, [XARB_BIN, '--mode', 'dry-run', '--config', file, '--venues', 'sim', '--runs-dir', runs,
    '--run-id', 'linear', '--monitor-port', '0', '--no-status', '--duration', '6s'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (o['msg'] === 'monitor listening') metricsUrl = String(o['url']);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { clearTimeout(killer); resolve(code); }));

  // Both books usable while the run lasts (polled, bounded by the run's own duration).
  let synced: Metrics = { usable: {} };
  for (let k = 0; k < 100 && child.exitCode === null; k++) {
    await new Promise((r) => setTimeout(r, 50));
    if (metricsUrl === '') continue;
    synced = await scrape(metricsUrl).catch(() => synced);
    if (synced.usable['feed:binance'] === 1 && synced.usable['feed:bybit'] === 1) break;
  }
  const code = await exited;
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

  const journal = readFileSync(path.join(runs, 'linear', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  t.equal(journal[journal.length - 1]!.type, 'run_end', 'the journal ends with run_end');
});
