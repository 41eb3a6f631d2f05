/** What every importer returns, and the writer set-up they share. */
import { EPOCH_ANCHOR, RecordingWriter } from './recording-writer.js';

export interface ImportResult {
  frames: number;
  snapshots: number;
  /** Input rows or lines not imported (before the first snapshot, filtered out, unusable). */
  skipped: number;
  /** Series written, as venue/market/symbol. */
  series: string[];
}

export interface ImportOptions {
  inFile: string;
  outDir: string;
  /** Only this symbol (upper case); all when absent. */
  symbol?: string;
}

/** Imports store epoch ns in `t`: the data set's own receive time (or exchange time). */
export function importWriter(outDir: string, kind: string): RecordingWriter {
  return new RecordingWriter({ dataDir: outDir, source: `import:${kind}`, anchor: EPOCH_ANCHOR });
}

/** µs (Tardis) -> ns, exactly while the value stays below 2^53 / 1000 (until year 2255). */
export function usToNs(us: number): number {
  return us * 1000;
}

export function msToNs(ms: number): number {
  return ms * 1e6;
}
