/**
 * `xarb sweep --config FILE --start-date D --end-date D --param k=a:b:step [--param ...]
 *  [--workers N] [--book top|depth] [--data DIR] [--runs-dir DIR] [--latency-hlog FILE]`:
 * [--rank-by pnl|sharpe|sortino|return|calmar|drawdown|win_rate|rounds|equity_sharpe|equity_return]`:
 * a grid of backtests on a piscina pool (one worker per core by default), printed ranked by
 * --rank-by (default strategy PnL) and written to runs/sweep-<id>.csv. Each point's run is runs/sweep-<id>/p<N>.
 * Piped or --json: the ranking as one JSON line on stdout (output.ts); progress stays on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { ConfigError, formatProblem, loadConfig } from '../config/index.js';
import { StoreError } from '../data/store.js';
import { dataFiles, MissingDataError } from '../backtest/run.js';
import { DEFAULT_RANK_KEY, grid, parseParam, RANK_KEYS, rankBy, runSweep, SweepParamError, sweepCsv, sweepTable, type SweepTask } from '../backtest/sweep.js';
import { opt, parseArgs, printHelp, UsageError, usageFailure, dateRange, type CommandSpec } from './args.js';
import { emit, JSON_OPTION, outputModeOf } from './output.js';

export const SWEEP_SPEC: CommandSpec = {
  name: 'xarb sweep',
  usage: ['xarb sweep [--config FILE] --start-date D [--end-date D] --param key=from:to:step|a,b,c [--param ...] [--workers N] [--book top|depth]'],
  summary: 'Runs one backtest per point of a parameter grid on worker threads and ranks the points (by strategy PnL unless --rank-by says otherwise).',
  options: [
    { name: 'config', type: 'string', value: 'FILE', default: 'config/arbitrage.toml', help: 'base configuration' },
    { name: 'start-date', type: 'string', value: 'YYYY-MM-DD', help: 'first UTC day (required)' },
    { name: 'end-date', type: 'string', value: 'YYYY-MM-DD', default: '--start-date', help: 'last UTC day, inclusive' },
    { name: 'param', type: 'string', value: 'key=from:to:step|a,b,c', multiple: true, help: 'a configuration key and its values (at least one)' },
    { name: 'workers', type: 'string', value: 'N', default: 'one per core', help: 'worker threads' },
    { name: 'book', type: 'string', value: 'top|depth', default: 'depth', help: 'fill against the top of book only, or the depth books too' },
    { name: 'data', type: 'string', value: 'DIR', default: '[backtest] data_dir', help: 'market-data store root' },
    { name: 'runs-dir', type: 'string', value: 'DIR', default: 'runs', help: 'where runs/sweep-<id>/ is written' },
    { name: 'sweep-id', type: 'string', value: 'ID', default: 'hash of the inputs', help: 'name of the sweep' },
    { name: 'latency-hlog', type: 'string', value: 'FILE', help: 'empirical order latency from a recorded latency.hlog' },
    { name: 'seed', type: 'string', value: 'N', default: '[backtest] seed', help: 'latency draws' },
    { name: 'rank-by', type: 'string', value: 'KEY', default: 'pnl', help: 'ranking key: ' + Object.keys(RANK_KEYS).join('|') },
    JSON_OPTION,
  ],
  maxPositionals: 0,
};

export async function run(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, SWEEP_SPEC);
    if (args.flags.has('help')) return printHelp(SWEEP_SPEC);
    const configPath = opt(args, 'config') ?? 'config/arbitrage.toml';
    const { start, end } = dateRange(args);
    const specs = args.options.get('param') ?? [];
    if (specs.length === 0) throw new UsageError('give at least one --param');
    const cfg = loadConfig(configPath, { mode: 'dry-run' });
    const params = specs.map((s) => parseParam(s, cfg));
    const points = grid(params);
    const rankKey = opt(args, 'rank-by') ?? DEFAULT_RANK_KEY;
    if (RANK_KEYS[rankKey] === undefined) throw new UsageError(`--rank-by takes one of ${Object.keys(RANK_KEYS).join(', ')}; got "${rankKey}"`);
    const book = opt(args, 'book') ?? 'depth';
    if (book !== 'top' && book !== 'depth') throw new UsageError(`--book takes top or depth, got "${book}"`);
    const dataDir = opt(args, 'data') ?? cfg.backtest.data_dir;
    dataFiles(dataDir, cfg.strategy.symbols.map((s) => s.toUpperCase()), start, end, configPath); // fail early, once
    const workersText = opt(args, 'workers');
    const workers = workersText === undefined ? undefined : Number(workersText);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError(`--workers must be an integer >= 1, got ${workersText}`);
    const runsDir = path.resolve(opt(args, 'runs-dir') ?? 'runs');
    const id = opt(args, 'sweep-id') ?? createHash('sha256').update(JSON.stringify({ configPath, start, end, specs, book })).digest('hex').slice(0, 8);
    const sweepDir = path.join(runsDir, `sweep-${id}`);
    mkdirSync(sweepDir, { recursive: true });
    const seedText = opt(args, 'seed');
    const tasks: SweepTask[] = points.map((overrides, i) => ({
      configPath: path.resolve(configPath), overrides, startDate: start, endDate: end, dataDir: path.resolve(dataDir), runsDir: sweepDir,
      runId: `p${i + 1}`, book, latencyHlog: opt(args, 'latency-hlog'), seed: seedText === undefined ? undefined : Number(seedText),
    }));
    process.stderr.write(`sweep ${id}: ${tasks.length} points on ${workers ?? 'one per core'} worker(s)\n`);
    const results = await runSweep(tasks, {
      workers,
      onDone: (m, done, total) => process.stderr.write(`  ${done}/${total} ${m.runId}: strategy pnl ${m.strategyPnl.toFixed(2)}, sharpe ${m.sharpe === null ? 'n/a' : m.sharpe.toFixed(3)}\n`),
    });
    const ranked = rankBy(results, rankKey);
    const csvPath = path.join(runsDir, `sweep-${id}.csv`);
    writeFileSync(csvPath, sweepCsv(ranked));
    emit(outputModeOf(args), {
      type: 'sweep', sweep_id: id, rank_by: rankKey, csv: csvPath, runs_dir: sweepDir,
      ranked: ranked.map((m, i) => ({ rank: i + 1, ...m, overrides: m.overrides.map(([s, k, v]) => ({ key: `${s}.${k}`, value: v })) })),
    }, `ranked by ${rankKey}${rankKey === DEFAULT_RANK_KEY ? ' (strategy pnl, the default)' : ''}\n`
      + `${sweepTable(ranked)}\n\ncsv: ${path.relative(process.cwd(), csvPath)}\nruns: ${path.relative(process.cwd(), sweepDir)}/p<N>\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return 2;
    }
    if (e instanceof UsageError) return usageFailure(SWEEP_SPEC, e);
    if (e instanceof SweepParamError || e instanceof MissingDataError || e instanceof StoreError) {
      process.stderr.write(`xarb sweep: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
