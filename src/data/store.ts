/**
 * The market-data store: where recorded and imported frames live, and the shape of each line.
 *
 *   <dataDir>/<venue>/<market>/<symbol>/<YYYY-MM-DD>.jsonl.gz      (UTC date)
 *
 * Every line is one JSON object:
 *   header   {"t":<ns>,"wall_ms":<epoch ms>,"venue","market","symbol","streams":[...],"source"}
 *            first line of every file (and again whenever a writer appends to an existing file):
 *            it anchors `t` to the wall clock, wall(t') = wall_ms + (t' - t) / 1e6.
 *   frame    {"t":<ns>,"f":"<frame text as received>"}
 *   snapshot {"t":<ns>,"snapshot":"<REST response text>","url":"<where it came from>"}
 *
 * `t` is the local receive time in ns: monotonic (core/clock monoNs) for recordings, epoch ns
 * for imports (the data set's own receive time, or the exchange time when it has none).
 */
import path from 'node:path';

export type RecordingSource = 'record' | 'synth' | `import:${string}`;

export interface RecordingHeader {
  t: number;
  wall_ms: number;
  venue: string;
  market: string;
  symbol: string;
  streams: string[];
  source: RecordingSource;
}

/** One (venue, market, symbol) series of the store. */
export interface SeriesKey {
  venue: string;
  market: string;
  symbol: string;
}

export const MS_PER_DAY = 86_400_000;
export const FILE_SUFFIX = '.jsonl.gz';

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** "2024-03-01" for an epoch-ms instant (UTC). */
export function utcDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 UTC of a YYYY-MM-DD date. */
export function dateStartMs(dateUtc: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dateUtc)) throw new StoreError(`bad date "${dateUtc}" (expected YYYY-MM-DD)`);
  const ms = Date.parse(dateUtc + 'T00:00:00Z');
  if (!Number.isFinite(ms) || utcDate(ms) !== dateUtc) throw new StoreError(`bad date "${dateUtc}"`);
  return ms;
}

/** Path of one day file. Venue and market are lower case, the symbol upper case. */
export function pathFor(dataDir: string, venue: string, market: string, symbol: string, dateUtc: string): string {
  dateStartMs(dateUtc); // validates
  return path.join(dataDir, venue.toLowerCase(), market.toLowerCase(), symbol.toUpperCase(), dateUtc + FILE_SUFFIX);
}

/** Every UTC date from start to end inclusive ("2024-01-30".."2024-02-02" -> 4 dates). */
export function datesBetween(start: string, end: string): string[] {
  const a = dateStartMs(start);
  const b = dateStartMs(end);
  if (b < a) throw new StoreError(`end date ${end} is before start date ${start}`);
  const out: string[] = [];
  for (let ms = a; ms <= b; ms += MS_PER_DAY) out.push(utcDate(ms));
  return out;
}

/** The header line (with its newline). */
export function headerLine(h: RecordingHeader): string {
  return JSON.stringify({ t: h.t, wall_ms: h.wall_ms, venue: h.venue, market: h.market, symbol: h.symbol, streams: h.streams, source: h.source }) + '\n';
}

/** A frame line; `t` is written as an integer number of ns. */
export function frameLine(tNs: number, text: string): string {
  return '{"t":' + Math.round(tNs) + ',"f":' + JSON.stringify(text) + '}\n';
}

export function snapshotLine(tNs: number, text: string, url: string): string {
  return '{"t":' + Math.round(tNs) + ',"snapshot":' + JSON.stringify(text) + ',"url":' + JSON.stringify(url) + '}\n';
}
