import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cliDay } from '../backtest/helpers.js';

const DATE = '2024-01-01';
const { dir, data, xarb } = cliDay(t, DATE, 'xarb-cli-bt-');
const runs = path.join(dir, 'runs');

t.test('a one-day backtest prints its report and writes the run directory', async (t) => {
  const r = xarb('--mode', 'dry-run', '--config', 'config/arbitrage.toml', '--start-date', DATE, '--end-date', DATE,
    '--data', data, '--runs-dir', runs, '--run-id', 'x', '--no-progress');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^run x {2}mode backtest/m, 'the report names the run');
  t.match(r.stdout, /^events: \d+/m);
  t.match(r.stdout, /run directory: /);
  for (const f of ['journal.jsonl', 'trades.csv', 'report.html', 'latency.hlog']) {
    t.ok(existsSync(path.join(runs, 'x', f)), `${f} written`);
  }
  t.match(readFileSync(path.join(runs, 'x', 'journal.jsonl'), 'utf8'), /"type":"run_end"/);
});

t.test('a day with no data exits 2 and names the missing file', async (t) => {
  const r = xarb('--mode', 'dry-run', '--config', 'config/arbitrage.toml', '--start-date', '2024-01-02', '--end-date', '2024-01-02',
    '--data', data, '--runs-dir', runs, '--run-id', 'm', '--no-progress');
  t.equal(r.status, 2);
  t.match(r.stderr, /binance[/\\]spot[/\\]BTCUSDT[/\\]2024-01-02\.jsonl\.gz/);
  t.match(r.stderr, /xarb data synth/);
});
