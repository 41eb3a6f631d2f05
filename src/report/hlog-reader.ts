/**
 * Reads HdrHistogram interval logs written by any implementation: Java's HistogramLogWriter
 * (format 1.01 to 1.3: with or without `Tag=`, `#[StartTime: ...]`/`#[BaseTime: ...]`
 * comments, the `"StartTimestamp"` or older `"Timestamp"` legend, comma or space delimited),
 * hdr-histogram-js, and xarb's own (`#[ValueUnit: ns]`).
 *
 * Parsing follows Java's HistogramLogReader: timestamps are absolute unless a BaseTime is given
 * (then relative to it) or they are more than a year before StartTime (then relative to it).
 * Payloads are the V2 compressed encoding ("HISTFAAAA..."); the pre-2015 V0/V1 encodings are
 * refused with a message saying so. hdr-histogram-js's own reader is not used because it
 * chokes on the older legends and throws bare errors on corrupt lines.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export class HlogFormatError extends Error {
  override readonly name = 'HlogFormatError';
}

export interface ReadInterval {
  /** The `Tag=` value, or null for an untagged line. */
  tag: string | null;
  /** Absolute start (seconds since the epoch) when the log says so, else as written. */
  startSec: number;
  lengthSec: number;
  /** Values in the log's own unit (see `HlogFile.valueUnit`). */
  histogram: Histogram;
  line: number;
}

export interface HlogFile {
  startTimeSec: number | null;
  baseTimeSec: number | null;
  formatVersion: string | null;
  /** From a `#[ValueUnit: ...]` comment (xarb writes one), else null. */
  valueUnit: string | null;
  intervals: ReadInterval[];
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const V2_COMPRESSED = 0x1c849304;
const V1_COMPRESSED = 0x1c849302;
const V0_COMPRESSED = 0x1c849309;
const YEAR_SEC = 365 * 24 * 3600;

function commentNumber(line: string, prefix: string): number | null {
  const rest = line.slice(prefix.length).trim().split(/[\s,]/)[0] ?? '';
  return NUMBER.test(rest) ? Number(rest) : null;
}

function decodePayload(base64: string, where: string): Histogram {
  if (!BASE64.test(base64) || base64.length % 4 !== 0) {
    throw new HlogFormatError(`${where}: histogram payload is not valid base64`);
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 8) throw new HlogFormatError(`${where}: histogram payload too short (${bytes.length} bytes)`);
  const cookie = bytes.readInt32BE(0) & ~0xf0;
  if (cookie === V0_COMPRESSED || cookie === V1_COMPRESSED) {
    throw new HlogFormatError(`${where}: histogram uses the V${cookie === V0_COMPRESSED ? 0 : 1} encoding of ` +
      'HdrHistogram Java before 2.1 (unsupported); re-encode it with a current HistogramLogProcessor');
  }
  if (cookie !== V2_COMPRESSED) {
    throw new HlogFormatError(`${where}: histogram payload has no compressed-histogram cookie (0x${(bytes.readInt32BE(0) >>> 0).toString(16)})`);
  }
  try {
    return hdr.decodeFromCompressedBase64(base64, 64, false);
  } catch (err) {
    throw new HlogFormatError(`${where}: corrupt histogram payload (${(err as Error).message ?? String(err)})`);
  }
}

/** Parses `.hlog` text; `name` (a file name) only labels error messages. */
export function parseHlog(text: string, name = 'hlog'): HlogFile {
  const out: HlogFile = { startTimeSec: null, baseTimeSec: null, formatVersion: null, valueUnit: null, intervals: [] };
  const raw: Array<{ tag: string | null; start: number; length: number; payload: string; line: number }> = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const where = `${name}:${i + 1}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (line.startsWith('#[StartTime:')) out.startTimeSec = commentNumber(line, '#[StartTime:');
      else if (line.startsWith('#[BaseTime:')) out.baseTimeSec = commentNumber(line, '#[BaseTime:');
      else if (line.startsWith('#[ValueUnit:')) out.valueUnit = line.slice('#[ValueUnit:'.length).replace(/\].*$/, '').trim();
      else {
        const m = /^#\[Histogram log format version ([^\]]+)\]/.exec(line);
        if (m) out.formatVersion = m[1]!.trim();
      }
      continue;
    }
    if (line.startsWith('"')) continue; // legend: "StartTimestamp",... or the older "Timestamp",...
    const tokens = line.split(/[\s,]+/).filter((t) => t !== '');
    let tag: string | null = null;
    if (tokens[0]!.startsWith('Tag=')) tag = tokens.shift()!.slice(4);
    if (tokens.length < 4) throw new HlogFormatError(`${where}: not an interval line (expected start,length,max,payload): "${line.slice(0, 80)}"`);
    const [start, length, max, payload] = tokens as [string, string, string, string];
    if (!NUMBER.test(start) || !NUMBER.test(length) || !NUMBER.test(max)) {
      throw new HlogFormatError(`${where}: not an interval line (start, length and max must be numbers): "${line.slice(0, 80)}"`);
    }
    raw.push({ tag, start: Number(start), length: Number(length), payload, line: i + 1 });
  }
  if (raw.length === 0) throw new HlogFormatError(`${name}: no interval histograms found (not an HdrHistogram log?)`);

  let base = out.baseTimeSec;
  if (base === null) {
    const first = raw[0]!.start;
    base = out.startTimeSec !== null && first < out.startTimeSec - YEAR_SEC ? out.startTimeSec : 0;
  }
  for (const r of raw) {
    out.intervals.push({
      tag: r.tag,
      startSec: base + r.start,
      lengthSec: r.length,
      histogram: decodePayload(r.payload, `${name}:${r.line}`),
      line: r.line,
    });
  }
  return out;
}

/** Tags present in a log, in first-seen order; null stands for untagged lines. */
export function hlogTags(file: HlogFile): Array<string | null> {
  const seen: Array<string | null> = [];
  for (const i of file.intervals) if (!seen.includes(i.tag)) seen.push(i.tag);
  return seen;
}

/**
 * The warm-up interval: the log's first interval (start-up, JIT, connections), whose start is
 * the earliest. Returns its [start, end) in seconds (the log's time base), or null when the log
 * has fewer than two interval start times (nothing else to show).
 */
export function warmupInterval(file: HlogFile): { startSec: number; endSec: number } | null {
  const starts = [...new Set(file.intervals.map((i) => i.startSec))].sort((a, b) => a - b);
  if (starts.length < 2) return null;
  const first = file.intervals.find((i) => i.startSec === starts[0])!;
  return { startSec: first.startSec, endSec: first.startSec + first.lengthSec };
}

/**
 * All intervals of one tag added together (64-bit counts), or null when the tag is absent.
 * `skipBeforeSec`: leave out intervals that start before it (e.g. the warm-up's end).
 */
export function mergeTag(file: HlogFile, tag: string | null, skipBeforeSec = -Infinity): Histogram | null {
  let acc: Histogram | null = null;
  for (const i of file.intervals) {
    if (i.tag !== tag || i.startSec < skipBeforeSec) continue;
    if (acc === null) {
      // Same resolution as the source, so merging loses nothing.
      const first = i.histogram as Histogram & { lowestDiscernibleValue?: number };
      acc = hdr.build({
        bitBucketSize: 64,
        autoResize: true,
        lowestDiscernibleValue: first.lowestDiscernibleValue ?? 1,
        numberOfSignificantValueDigits: first.numberOfSignificantValueDigits as 1 | 2 | 3 | 4 | 5,
        useWebAssembly: false,
      });
    }
    acc.add(i.histogram);
  }
  return acc;
}
