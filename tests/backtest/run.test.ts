import t from 'tap';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/config/index.js';
import { synthesize } from '../../src/backtest/synth.js';
import { runBacktest, JOURNAL_FILE } from '../../src/backtest/run.js';
import { runSweep, grid, parseParam, type SweepTask } from '../../src/backtest/sweep.js';
import { formatPhases, type SweepPhase } from '../../src/backtest/sweep-timings.js';
import { metricsOf } from '../../src/backtest/sweep-worker.js';
import { applyOverrides } from '../../src/backtest/sweep.js';
import { XARB_BIN } from '../helpers/paths.js';
import { fileSha256, SMALL_RATE, tempDir, writeConfig } from './helpers.js';


const dir = tempDir();
const data = path.join(dir, 'data');
const cfgPath = writeConfig(dir, data);
const DATE = '2024-01-01';

t.before(async () => {
  await synthesize({ dataDir: data, symbols: ['BTCUSDT'], startDate: DATE, endDate: DATE, rate: SMALL_RATE, seed: 7, dislocationEveryMs: 60_000, fairStepMs: 100 });
});

t.test('synth: same arguments give the same bytes', async (t) => {
  const other = path.join(dir, 'data2');
  const r = await synthesize({ dataDir: other, symbols: ['BTCUSDT'], startDate: DATE, endDate: DATE, rate: SMALL_RATE, seed: 7, dislocationEveryMs: 60_000, fairStepMs: 100 });
  t.equal(r.files.length, 2, 'one file per venue');
  for (const venue of ['binance', 'bybit']) {
    const rel = path.join(venue, 'spot', 'BTCUSDT', `${DATE}.jsonl.gz`);
    t.equal(fileSha256(path.join(other, rel)), fileSha256(path.join(data, rel)), `${venue} identical`);
  }
});

t.test('determinism: two runs of the same data and config write the same journal', async (t) => {
  const config = loadConfig(cfgPath, { mode: 'dry-run' });
  const a = await runBacktest({ config, startDate: DATE, endDate: DATE, runsDir: path.join(dir, 'runsA'), artifacts: false });
  const b = await runBacktest({ config, startDate: DATE, endDate: DATE, runsDir: path.join(dir, 'runsB'), artifacts: false });
  t.equal(a.runId, b.runId, 'same default run id');
  t.ok(a.events > 1000, 'events replayed');
  const ja = path.join(a.runDir, JOURNAL_FILE);
  t.ok(readFileSync(ja, 'utf8').includes('"type":"round_closed"'), 'the strategy traded');
  t.equal(fileSha256(ja), fileSha256(path.join(b.runDir, JOURNAL_FILE)), 'journal hashes equal');
  t.ok(existsSync(path.join(a.runDir, 'latency.hlog')), 'latency.hlog written');
});

t.test('a missing day names the file and the commands that make it, exit 2', async (t) => {
  const r = spawnSync(process.execPath, [XARB_BIN, '--mode', 'dry-run', '--config', cfgPath, '--start-date', DATE, '--end-date', '2024-01-02',
    '--runs-dir', path.join(dir, 'runsM')], { encoding: 'utf8' });
  t.equal(r.status, 2);
  t.match(r.stderr, /binance[/\\]spot[/\\]BTCUSDT[/\\]2024-01-02\.jsonl\.gz/);
  t.match(r.stderr, /bybit[/\\]spot[/\\]BTCUSDT[/\\]2024-01-02\.jsonl\.gz/);
  t.match(r.stderr, /xarb data synth/);
  t.match(r.stderr, /xarb record/);
  t.match(r.stderr, /xarb import/);
});

t.test('a sweep of 4 points equals 4 single backtests, on 2 workers and on 1', async (t) => {
  const config = loadConfig(cfgPath, { mode: 'dry-run' });
  const points = grid([parseParam('min_spread_bps=1,4', config), parseParam('slippage_tolerance=0.0005,0.001', config)]);
  t.equal(points.length, 4);
  const runsDir = path.join(dir, 'sweep');
  const tasks: SweepTask[] = points.map((overrides, i) => ({
    configPath: cfgPath, overrides, startDate: DATE, endDate: DATE, runsDir, runId: `p${i + 1}`, book: 'depth',
  }));
  const swept = await runSweep(tasks, { workers: 2 });
  t.same(await runSweep(tasks.map((x) => ({ ...x, runsDir: path.join(dir, 'sweep1') })), { workers: 1 }), swept, 'one worker: the same results');
  for (let i = 0; i < points.length; i++) {
    const single = await runBacktest({ config: applyOverrides(config, points[i]!), startDate: DATE, endDate: DATE, runsDir: path.join(dir, 'single'), runId: `s${i}`, artifacts: false });
    const m = metricsOf(single.runDir, swept[i]!.runId, points[i]!, single.events);
    t.same(swept[i], m, `point ${i + 1} (${points[i]!.map((o) => o.join('=')).join(' ')})`);
  }
  t.not(swept[0]!.rounds, swept[3]!.rounds, 'the parameters matter');
});

t.test('a sweep with onTimings: the same results, and its phases by thread', async (t) => {
  const config = loadConfig(cfgPath, { mode: 'dry-run' });
  const points = grid([parseParam('min_spread_bps=1,4', config), parseParam('slippage_tolerance=0.0005,0.001', config)]);
  const tasks = (dir2: string): SweepTask[] => points.map((overrides, i) => ({
    configPath: cfgPath, overrides, startDate: DATE, endDate: DATE, runsDir: path.join(dir, dir2), runId: `p${i + 1}`, book: 'depth',
  }));
  let phases: SweepPhase[] = [];
  const timed = await runSweep(tasks('timed'), { workers: 2, onTimings: (p) => { phases = p; } });
  t.same(timed, await runSweep(tasks('untimed'), { workers: 2 }), 'timing a sweep changes none of its results');
  const named = (name: string): SweepPhase[] => phases.filter((p) => p.phase === name);
  t.same(named('point backtest').map((p) => p.item).sort(), ['p1', 'p2', 'p3', 'p4'], 'one backtest phase per point');
  t.equal(named('point metrics').length, 4);
  t.equal(named('decode').length, 2, 'one decode per day file');
  t.equal(named('worker start').length, 2, 'one start-up per worker');
  t.equal(new Set(named('point backtest').map((p) => p.thread)).size, 2, 'the points ran on both workers');
  for (const name of ['fork', 'host start', 'shared events', 'merge', 'points', 'pool destroy', 'host exit', 'process, all threads']) t.equal(named(name).length, 1, name);
  const threads = phases.filter((p) => (p.thread === 'host' || p.thread.startsWith('worker')) && !['shared events', 'points'].includes(p.phase));
  t.ok(named('process, all threads')[0]!.cpuMs >= threads.reduce((a, p) => a + p.cpuMs, 0) * 0.99, 'the process total holds its threads\' phases');
  t.ok(phases.every((p) => p.endMs >= p.startMs), 'every phase ends after it starts');
  t.ok(named('point backtest').every((p) => p.startMs >= named('fork')[0]!.startMs && p.endMs <= named('host exit')[0]!.endMs), 'the points within the sweep');
  t.match(formatPhases(phases), /point backtest p1/);
});
