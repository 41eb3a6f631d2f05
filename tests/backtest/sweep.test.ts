import t from 'tap';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { MissingDataError } from '../../src/backtest/run.js';
import { hostExecArgv, rankBy, RANK_KEYS, runSweep, SWEEP_V8_FLAGS, sweepV8Flags, SweepParamError, sweepTable, type SweepMetrics, type SweepTask } from '../../src/backtest/sweep.js';
import { criticalCpuMs, type SweepPhase } from '../../src/backtest/sweep-timings.js';
import { tempDir, writeConfig } from './helpers.js';

function point(runId: string, strategyPnl: number, sharpe: number | null, maxDrawdown: number | null, equitySharpe: number | null): SweepMetrics {
  return {
    runId, overrides: [['strategy', 'min_spread_bps', Number(runId.slice(1))]], strategyPnl, arbitragePnl: strategyPnl, leggingPnl: 0, fees: 0,
    inventoryPnl: -1000, sharpe, sortino: null, totalReturn: strategyPnl / 1e5, maxDrawdown, calmar: null, equitySharpe, equityReturn: -0.0155,
    rounds: 10, unfilledRounds: 0, winRate: 1, events: 100,
  };
}

// the case: 10 bps made 228.42, 20 bps 46.54, and both had the same total-equity Sharpe
const rows = [point('p20', 46.54, 12, 0.001, -17.2), point('p10', 228.42, 9, 0.002, -17.2), point('p15', 100, null, null, -17.2)];

t.test('ranking: strategy PnL by default; any RANK_KEYS metric; n/a last; lower drawdown first', async (t) => {
  t.same(rankBy(rows).map((r) => r.runId), ['p10', 'p15', 'p20'], 'by strategy pnl: the equity Sharpe tie is no tie');
  t.same(rankBy(rows, 'sharpe').map((r) => r.runId), ['p20', 'p10', 'p15'], 'n/a Sharpe last');
  t.same(rankBy(rows, 'drawdown').map((r) => r.runId), ['p20', 'p10', 'p15'], 'smaller drawdown is better');
  t.same(rankBy(rows, 'equity_sharpe').map((r) => r.runId), ['p20', 'p10', 'p15'], 'ties keep grid order');
  t.throws(() => rankBy(rows, 'luck'), SweepParamError);
  t.ok(Object.keys(RANK_KEYS).includes('pnl'));
});

t.test('the table: strategy pnl with separators, n/a for undefined', async (t) => {
  const text = sweepTable(rankBy(rows));
  t.match(text, /strategy pnl/);
  t.match(text, /228\.42/);
  t.match(text, /-1,000\.00/);
  t.match(text, /n\/a/);
});

t.test('a sweep runs in a child process with SWEEP_V8_FLAGS; its errors come back as the classes callers catch', async (t) => {
  t.ok(SWEEP_V8_FLAGS.includes('--single-threaded'), 'V8 helper threads off in the sweep process');
  t.same(sweepV8Flags({}), SWEEP_V8_FLAGS);
  t.same(hostExecArgv(['--input-type=module', '-e', 'run()', '--max-old-space-size=512', '--enable-source-maps']), ['--max-old-space-size=512', '--enable-source-maps'],
    'a sweep started from node -e does not run that script again in its host');
  t.same(sweepV8Flags({ XARB_SWEEP_V8_FLAGS: '' }), [], 'XARB_SWEEP_V8_FLAGS="" runs the host without flags (to compare)');
  t.same(sweepV8Flags({ XARB_SWEEP_V8_FLAGS: ' --single-threaded-gc  --max-semi-space-size=32 ' }), ['--single-threaded-gc', '--max-semi-space-size=32']);
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cfgPath = writeConfig(dir, path.join(dir, 'no-data'));
  const task: SweepTask = { configPath: cfgPath, overrides: [], startDate: '2024-01-01', endDate: '2024-01-01', runsDir: path.join(dir, 'runs'), runId: 'p1', book: 'depth' };
  const err = await runSweep([task], { workers: 1 }).then(() => null, (e: unknown) => e);
  t.ok(err instanceof MissingDataError, 'MissingDataError from the host process');
  t.equal((err as MissingDataError).missing.length, 2, 'with the missing files (one per venue)');
  t.match((err as Error).message, /xarb data synth/);
  const here = await runSweep([task], { workers: 1, inProcess: true }).then(() => null, (e: unknown) => e);
  t.equal((here as Error).message, (err as Error).message, 'the same error in process');
});

t.test("a sweep's CPU critical path: the host's serial phases and the busiest worker's tasks", async (t) => {
  const ph = (thread: string, phase: string, cpuMs: number): SweepPhase => ({ phase, thread, startMs: 0, endMs: 1, cpuMs, sysMs: 0, waitMs: 0 });
  const phases = [
    ph('parent', 'fork', NaN), ph('host', 'host start', 200), ph('host', 'shared events', 70), ph('host', 'points', 50),
    ph('worker 3', 'worker start', 80), ph('worker 4', 'worker start', 90), ph('worker 3', 'decode', 600), ph('worker 4', 'decode', 500),
    ph('host', 'merge', 50), ph('worker 3', 'point backtest', 2000), ph('worker 4', 'point backtest', 2200), ph('worker 3', 'point metrics', 100),
    ph('worker 4', 'point metrics', 150), ph('host', 'pool destroy', 5), ph('parent', 'host exit', NaN),
  ];
  // host: start 200 + merge 50 + destroy 5 (it waits through shared events and points); worker 4: 500 + 2200 + 150 (start-up overlaps the host's)
  t.equal(criticalCpuMs(phases), 255 + 2850);
  t.equal(criticalCpuMs(phases.filter((p) => p.thread !== 'worker 4')), 255 + 2700, 'the other worker when it is the busiest');
});
