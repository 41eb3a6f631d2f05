/**
 * `xarb data synth --config FILE --start-date D --end-date D [--symbols A,B] [--rate 20]
 *  [--seed N] [--out DIR]`: writes synthetic days of both venues into the market-data store
 * (see src/backtest/synth.ts and docs/backtest.md). Dispatched from data-cmd.ts. Piped or --json:
 * the summary as one JSON line on stdout (output.ts).
 */
import path from 'node:path';
import { ConfigError, formatProblem, loadConfig } from '../config/index.js';
import { DEFAULT_SYNTH_RATE, synthesize } from '../backtest/synth.js';
import { StoreError } from '../data/store.js';
import { opt, parseArgs, printHelp, UsageError, usageFailure, dateRange, type CommandSpec } from './args.js';
import { emit, JSON_OPTION, outputModeOf } from './output.js';

export const SYNTH_SPEC: CommandSpec = {
  name: 'xarb data synth',
  usage: ['xarb data synth [--config FILE] --start-date YYYY-MM-DD [--end-date YYYY-MM-DD] [--symbols A,B] [--rate N] [--seed N] [--out DIR]'],
  summary: 'Writes synthetic days of both venues into the market-data store (docs/backtest.md).',
  options: [
    { name: 'config', type: 'string', value: 'FILE', help: 'take symbols, data_dir and seed from this configuration' },
    { name: 'start-date', type: 'string', value: 'YYYY-MM-DD', help: 'first UTC day (required)' },
    { name: 'end-date', type: 'string', value: 'YYYY-MM-DD', default: '--start-date', help: 'last UTC day, inclusive' },
    { name: 'symbols', type: 'string', value: 'A,B', default: '[strategy] symbols', help: 'symbols to write' },
    { name: 'rate', type: 'string', value: 'N', default: String(DEFAULT_SYNTH_RATE), help: 'book updates per second per venue' },
    { name: 'seed', type: 'string', value: 'N', default: '[backtest] seed, else 1', help: 'random seed' },
    { name: 'out', type: 'string', value: 'DIR', default: '[backtest] data_dir, else data', help: 'store root' },
    JSON_OPTION,
  ],
  maxPositionals: 0,
};

export async function run(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, SYNTH_SPEC);
    if (args.flags.has('help')) return printHelp(SYNTH_SPEC);
    const { start, end } = dateRange(args);
    const configPath = opt(args, 'config');
    let symbols: string[] | undefined;
    let dataDir = 'data';
    let seed = 1;
    if (configPath !== undefined) {
      const cfg = loadConfig(configPath, { mode: 'dry-run' });
      symbols = cfg.strategy.symbols;
      dataDir = cfg.backtest.data_dir;
      seed = cfg.backtest.seed;
    }
    const symText = opt(args, 'symbols');
    if (symText !== undefined) symbols = symText.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
    if (symbols === undefined || symbols.length === 0) throw new UsageError('give --symbols or a --config with [strategy] symbols');
    const out = opt(args, 'out') ?? dataDir;
    const rate = Number(opt(args, 'rate') ?? DEFAULT_SYNTH_RATE);
    if (!(rate > 0 && rate <= 100_000)) throw new UsageError(`--rate must be in (0, 100000] updates/s per venue, got ${opt(args, 'rate')}`);
    const seedText = opt(args, 'seed');
    if (seedText !== undefined) seed = Number(seedText);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got ${seedText}`);
    const r = await synthesize({
      dataDir: out, symbols, startDate: start, endDate: end, rate, seed,
      onDay: (date, files) => process.stderr.write(`synth: ${date}: ${files.length} files\n`),
    });
    emit(outputModeOf(args), { type: 'synth', files: r.files.length, bytes: r.bytes, updates: r.updates, dir: path.resolve(out) },
      `wrote ${r.files.length} files, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.updates} book updates under ${path.resolve(out)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof StoreError) return usageFailure(SYNTH_SPEC, e);
    throw e;
  }
}
