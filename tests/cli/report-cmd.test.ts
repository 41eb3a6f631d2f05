import t from 'tap';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURES, REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

function xarb(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [XARB_BIN, 'report', ...args], { cwd: REPO_ROOT, timeout: 30_000, env: { ...process.env, XARB_STDOUT_TTY: '1' } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const S = 1e9;
const line = (ns: number, type: string, fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ t: 1_700_000_000_000 + ns / 1e6, ns, type, ...fields });

/** One matched round, won; equity 1000 → 1010 → 1005 → 1012 over 3 s. */
const JOURNAL = [
  line(0, 'run_start', { mode: 'dry-run', run_id: 'cli-run', symbols: ['BTCUSDT'], venues: ['binance', 'bybit'], start_equity: 1000, balances: {}, config: {} }),
  line(0.1 * S, 'round_opened', { pair_id: 1, symbol: 'BTCUSDT', buy_venue: 'binance', sell_venue: 'bybit', edge_bps: 4, qty: 0.01 }),
  line(0.1 * S, 'intent', { order_id: 1, pair_id: 1, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 50000, qty: 0.01, role: 'leg_buy' }),
  line(0.1 * S, 'intent', { order_id: 2, pair_id: 1, venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 50100, qty: 0.01, role: 'leg_sell' }),
  line(0.2 * S, 'report', { order_id: 1, pair_id: 1, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', status: 'filled', last_px: 50000, last_qty: 0.01, cum_qty: 0.01, fee: 0.5, fee_asset: 'quote', error: null }),
  line(0.2 * S, 'report', { order_id: 2, pair_id: 1, venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', status: 'filled', last_px: 50100, last_qty: 0.01, cum_qty: 0.01, fee: 0.5, fee_asset: 'quote', error: null }),
  line(0.3 * S, 'round_closed', { pair_id: 1, symbol: 'BTCUSDT', open_ns: 0.1 * S, close_ns: 0.3 * S, pnl: 0, fees: 1, legging_pnl: 0, outcome: 'matched' }),
  line(1 * S, 'equity', { equity: 1010, exposure: { BTCUSDT: 0 }, drawdown: 0 }),
  line(2 * S, 'equity', { equity: 1005, exposure: { BTCUSDT: 0 }, drawdown: 5 / 1010 }),
  line(3 * S, 'equity', { equity: 1012, exposure: { BTCUSDT: 0 }, drawdown: 0 }),
  line(3 * S, 'run_end', { reason: 'duration', end_equity: 1012 }),
].join('\n') + '\n';

async function runDir(t: { teardown(fn: () => unknown): void }, journal: string | null, withHlog = true): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xarb-report-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const run = path.join(dir, 'runs', 'cli-run');
  await mkdir(run, { recursive: true });
  if (journal !== null) await writeFile(path.join(run, 'journal.jsonl'), journal);
  if (withHlog) await copyFile(path.join(FIXTURES, 'hlog', 'xarb-sample.hlog'), path.join(run, 'latency.hlog'));
  return run;
}

t.test('xarb report DIR prints the metrics', async (t) => {
  const dir = await runDir(t, JOURNAL);
  const r = await xarb(dir);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '');
  t.match(r.stdout, /run cli-run  mode dry-run/);
  t.match(r.stdout, /return\s+0\.0000 %\s+1\.2000 %/);
  t.match(r.stdout, /max drawdown.*0\.5000 % \(5\.00 USDT\)/);
  t.match(r.stdout, /win rate:\s+0\.00 %  \(0 of 1/);
  t.match(r.stdout, /fees:\s+-1\.00 USDT/);
  t.match(r.stdout, /sharpe ratio\s+n\/a\s+n\/a/);
  t.match(r.stdout, /n\/a: series shorter than 1 h/);
  t.match(r.stdout, /^\s+sent_to_ack\s+\S+ ms/m);
});

t.test('--json prints the Performance object; --html and --csv write their files', async (t) => {
  const dir = await runDir(t, JOURNAL);
  const r = await xarb(dir, '--json', '--html', '--csv');
  t.equal(r.code, 0, r.stderr);
  const perf = JSON.parse(r.stdout) as { type: string; runId: string; totalReturn: number; rounds: { closed: number }; latency: unknown[]; annualizedReturn: null; written: string[] };
  t.equal(perf.type, 'report');
  t.equal(perf.runId, 'cli-run');
  t.ok(Math.abs(perf.totalReturn - 0.012) < 1e-12);
  t.equal(perf.rounds.closed, 1);
  t.equal(perf.latency.length, 2);
  t.equal(perf.annualizedReturn, null, 'overflowing extrapolation is null in JSON');
  t.match(perf.written, [/report\.html$/, /trades\.csv$/], 'the files written are in the JSON');
  t.equal(r.stderr, '', '--json: no text at all');
  const html = await readFile(path.join(dir, 'report.html'), 'utf8');
  t.match(html, /<svg/);
  t.match(html, /<path class="equity"/);
  const csv = (await readFile(path.join(dir, 'trades.csv'), 'utf8')).trimEnd().split('\n');
  t.equal(csv.length, 3);
  t.match(csv[1], /,1,binance,BTCUSDT,buy,50000,0\.01,0\.5,quote,leg_buy$/);
});

t.test('a torn last journal line is reported and the report still printed', async (t) => {
  const dir = await runDir(t, JOURNAL + '{"t":1700000003500,"ns":35', false);
  const r = await xarb(dir);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /journal\.jsonl:12: torn last line \(cut short\), skipped/);
  t.match(r.stdout, /return\s+0\.0000 %\s+1\.2000 %/);
  t.match(r.stdout, /no latency\.hlog/);
});

t.test('missing run directory or journal: clear message, exit 2', async (t) => {
  const missing = await xarb('runs/no-such-run-xyz');
  t.equal(missing.code, 2);
  t.match(missing.stderr, /runs\/no-such-run-xyz: no such run directory/);
  const dir = await runDir(t, null);
  const noJournal = await xarb(dir);
  t.equal(noJournal.code, 2);
  t.match(noJournal.stderr, /journal\.jsonl: no journal in this run directory/);
  const usage = await xarb();
  t.equal(usage.code, 2);
  t.match(usage.stderr, /usage: xarb report/);
});
