/**
 * `xarb import`: brings public historical data into the store, as frames in each venue's own
 * wire format (docs/data.md has every mapping).
 *
 *   xarb import tardis         --in FILE.csv[.gz] --out data/ [--symbol X]
 *   xarb import binance-public --in SYM-bookTicker-DATE.csv[.gz] --out data/ [--symbol X]
 *   xarb import bybit-public   --in DATE_SYM_ob500.data[.gz] --out data/ [--symbol X] [--market linear|spot]
 */
import { parseArgs, opt, printHelp, UsageError, usageFailure, type CommandSpec } from './args.js';
import { emit, JSON_OPTION, outputModeOf, type OutputMode } from './output.js';
import { ImportInputError } from '../data/csv-lines.js';
import { importBinancePublic } from '../data/import-binance-public.js';
import { importBybitPublic } from '../data/import-bybit-public.js';
import type { ImportResult } from '../data/import-common.js';
import { importTardis } from '../data/import-tardis.js';

export const IMPORT_SPEC: CommandSpec = {
  name: 'xarb import',
  usage: ['xarb import tardis|binance-public|bybit-public --in FILE --out DIR [--symbol X] [--market linear|spot]'],
  summary: 'Brings public historical data into the store, as frames in each venue\'s own wire format (docs/data.md). '
    + 'Zip archives: unzip first.',
  subcommands: [
    { name: 'tardis', help: 'a tardis.dev CSV (.csv or .csv.gz)' },
    { name: 'binance-public', help: 'a Binance public-data bookTicker CSV' },
    { name: 'bybit-public', help: 'a Bybit public order-book file (ob500 .data)' },
  ],
  options: [
    { name: 'in', type: 'string', value: 'FILE', help: 'input file (required)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'store root to write into (required)' },
    { name: 'symbol', type: 'string', value: 'X', default: 'from the file', help: 'symbol to import' },
    { name: 'market', type: 'string', value: 'linear|spot', default: 'from the file', help: 'bybit-public: the market the file is from' },
    JSON_OPTION,
  ],
  maxPositionals: 1,
};

export async function run(argv: string[]): Promise<number> {
  let kind: string;
  let inFile: string;
  let outDir: string;
  let symbol: string | undefined;
  let market: 'spot' | 'linear' | undefined;
  let mode: OutputMode;
  try {
    const args = parseArgs(argv, IMPORT_SPEC);
    mode = outputModeOf(args);
    if (args.flags.has('help')) return printHelp(IMPORT_SPEC);
    kind = args.positionals[0] ?? '';
    if (!['tardis', 'binance-public', 'bybit-public'].includes(kind)) throw new UsageError(kind ? `unknown source "${kind}"` : 'which source?');
    const i = opt(args, 'in');
    const o = opt(args, 'out');
    if (i === undefined) throw new UsageError('--in is required');
    if (o === undefined) throw new UsageError('--out is required');
    inFile = i;
    outDir = o;
    symbol = opt(args, 'symbol')?.toUpperCase();
    const m = opt(args, 'market');
    if (m !== undefined && m !== 'spot' && m !== 'linear') throw new UsageError('--market must be spot or linear');
    market = m as 'spot' | 'linear' | undefined;
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(IMPORT_SPEC, err);
    throw err;
  }
  let res: ImportResult;
  try {
    const opts = { inFile, outDir, ...(symbol === undefined ? {} : { symbol }) };
    if (kind === 'tardis') res = await importTardis(opts);
    else if (kind === 'binance-public') res = await importBinancePublic(opts);
    else res = await importBybitPublic({ ...opts, ...(market === undefined ? {} : { market }) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof ImportInputError || e.code === 'ENOENT' || e.code === 'EACCES') {
      process.stderr.write(`xarb import ${kind}: ${e.message}\n`);
      return 1;
    }
    throw err;
  }
  emit(mode, { type: 'import', source: kind, frames: res.frames, snapshots: res.snapshots, skipped: res.skipped, series: res.series.map((s) => `${outDir}/${s}`) },
    `xarb import ${kind}: ${res.frames} frames, ${res.snapshots} snapshots, ${res.skipped} rows skipped -> ${res.series.map((s) => outDir + '/' + s).join(', ') || 'nothing'}\n`,
  );
  return 0;
}
