/**
 * The day files a backtest reads, checked before it starts (run.ts re-exports both): its own
 * module so a sweep's host process (sweep-host.ts) lists the files without loading the engine.
 */
import { existsSync } from 'node:fs';
import { VENUE_NAMES } from '../core/records.js';
import { datesBetween, pathFor } from '../data/store.js';

export class MissingDataError extends Error {
  override readonly name = 'MissingDataError';
  constructor(readonly missing: string[], message: string) {
    super(message);
  }
}


/** Every day file the run needs, in series order (venue, then symbol), or MissingDataError. */
export function dataFiles(dataDir: string, symbols: readonly string[], start: string, end: string, configPath = 'config/arbitrage.toml'): string[][] {
  const dates = datesBetween(start, end);
  const series: string[][] = [];
  const missing: string[] = [];
  for (const venue of VENUE_NAMES) {
    for (const sym of symbols) {
      const files = dates.map((d) => pathFor(dataDir, venue, 'spot', sym, d));
      for (const f of files) if (!existsSync(f)) missing.push(f);
      series.push(files);
    }
  }
  if (missing.length > 0) {
    const list = missing.slice(0, 8).map((f) => `  ${f}`).join('\n') + (missing.length > 8 ? `\n  ... and ${missing.length - 8} more` : '');
    const syms = symbols.join(',');
    throw new MissingDataError(missing,
      `missing market data for ${start}..${end} (${missing.length} file${missing.length === 1 ? '' : 's'}):\n${list}\n` +
      'make it with one of:\n' +
      `  xarb data synth --config ${configPath} --start-date ${start} --end-date ${end} --symbols ${syms} --out ${dataDir}   (synthetic)\n` +
      `  xarb record --config ${configPath} --venues binance,bybit --symbols ${syms} --out ${dataDir}   (record live feeds)\n` +
      `  xarb import ...   (convert a downloaded data set into ${dataDir})`);
  }
  return series;
}
