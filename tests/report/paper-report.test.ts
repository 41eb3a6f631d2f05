/**
 * A paper run against the simulator writes the backtest's journal entries (equity with
 * exposure, drawdown, balances and marks; spread in both directions with the threshold), so its
 * report.html draws every chart with data.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

t.test('a paper run: equity, spread and inventory charts carry data', async (t) => {
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-paper-report-'));
  t.teardown(() => rmSync(runs, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, [XARB_BIN, '--mode', 'dry-run', '--config', 'config/arbitrage.toml', '--venues', 'sim',
    '--runs-dir', runs, '--run-id', 'paper', '--monitor-port', '0', '--no-status', '--duration', '30s'],
  { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  t.equal(r.status, 0, r.stderr);
  const dir = path.join(runs, 'paper');
  const journal = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const equity = journal.filter((e) => e.type === 'equity');
  // run_start carries start_equity, from the same source as the first equity entry (its value)
  t.equal(journal[0]!.type, 'run_start', 'run_start is the first line');
  t.equal(typeof journal[0]!.start_equity, 'number', `run_start.start_equity ${journal[0]!.start_equity} (${journal[0]!.start_equity_missing ?? ''})`);
  t.equal(journal[0]!.start_equity, equity[0]?.equity, 'run_start.start_equity = the first equity entry');
  t.equal(journal[1]!.type, 'equity', 'the first equity entry comes before any intent or risk entry');
  t.equal(typeof journal[0]!.seed, 'number', 'run_start names the executor seed (a replay uses it)');
  t.ok(equity.length >= 2, `equity entries: ${equity.length}`);
  for (const k of ['equity', 'exposure', 'drawdown', 'balances', 'marks']) t.ok(equity.every((e) => e[k] !== undefined), `every equity entry has ${k}`);
  const spread = journal.filter((e) => e.type === 'spread');
  t.ok(spread.length >= 2, `spread entries: ${spread.length}`);
  t.ok(spread.every((e) => typeof e.ab_bps === 'number' && typeof e.ba_bps === 'number' && typeof e.threshold_bps === 'number'), 'both directions and the threshold');
  const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
  const pathOf = (cls: string): string | undefined => new RegExp(`<path class="${cls}"[^>]* d="([^"]*)"`).exec(html)?.[1];
  for (const cls of ['equity', 'spread-ab', 'spread-ba', 'threshold', 'inventory', 'quote-balance', 'exposure']) {
    const d = pathOf(cls);
    t.ok(d !== undefined && (d.match(/L/g)?.length ?? 0) >= 1, `${cls}: a line with at least two points`);
  }
  t.notMatch(html, /no spread entries|no balances or exposure|no equity entries/);
  t.notMatch(html, /e\+\d/, 'no exponent in the page');
});
