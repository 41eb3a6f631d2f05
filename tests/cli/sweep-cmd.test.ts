import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cliDay } from '../backtest/helpers.js';

const DATE = '2024-01-01';
const { dir, data, xarb } = cliDay(t, DATE, 'xarb-cli-sweep-');
const runs = path.join(dir, 'runs');

t.test('a sweep of two points prints a ranked table and writes the CSV', async (t) => {
  const r = xarb('sweep', '--config', 'config/arbitrage.toml', '--start-date', DATE, '--end-date', DATE, '--data', data,
    '--runs-dir', runs, '--param', 'min_spread_bps=5,10', '--workers', '2');
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.match(r.stdout, /ranked by pnl \(strategy pnl, the default\)/);
  const head = lines.findIndex((l) => /^\s*#\s+min_spread_bps\s+strategy pnl\s+sharpe/.test(l));
  t.ok(head >= 0, 'table header with the swept parameter');
  const rows = lines.slice(head + 2, head + 4);
  t.match(rows[0], /^\s*1\s+(5|10)\s/, 'rank 1');
  t.match(rows[1], /^\s*2\s+(5|10)\s/, 'rank 2');
  t.not(rows[0]!.trim().split(/\s+/)[1], rows[1]!.trim().split(/\s+/)[1], 'each point once');

  const csvName = readdirSync(runs).find((f) => /^sweep-.*\.csv$/.test(f));
  t.ok(csvName, 'runs/sweep-<id>.csv written');
  t.match(r.stdout, new RegExp(`csv: .*${csvName}`));
  const csv = readFileSync(path.join(runs, csvName!), 'utf8').trim().split('\n');
  t.match(csv[0], /^rank,strategy\.min_spread_bps,strategy_pnl,arbitrage_pnl,legging_pnl,fees,inventory_pnl,sharpe,/);
  t.equal(csv.length, 3, 'header and one line per point');
  t.same(csv.slice(1).map((l) => l.split(',')[0]), ['1', '2']);
});

t.test('a sweep over a day with no data exits 2 before starting workers', async (t) => {
  const r = xarb('sweep', '--config', 'config/arbitrage.toml', '--start-date', '2024-01-02', '--data', data,
    '--runs-dir', runs, '--param', 'min_spread_bps=5,10');
  t.equal(r.status, 2);
  t.match(r.stderr, /2024-01-02\.jsonl\.gz/);
});

t.test('--rank-by takes a known metric, else a usage error before any backtest runs', async (t) => {
  const r = xarb('sweep', '--config', 'config/arbitrage.toml', '--start-date', DATE, '--end-date', DATE, '--data', data,
    '--runs-dir', runs, '--param', 'min_spread_bps=5,10', '--rank-by', 'luck');
  t.equal(r.status, 2);
  t.match(r.stderr, /--rank-by takes one of pnl, sharpe, sortino/);
});
