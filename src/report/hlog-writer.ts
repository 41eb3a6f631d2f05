/**
 * Writes HdrHistogram interval logs (`.hlog`) in the text format of Java's HistogramLogWriter
 * (log format version 1.3), which HistogramLogReader, HistogramLogProcessor,
 * HistogramLogAnalyzer, hdr-histogram-js and `xarb hist` all read:
 *
 *   #[Histogram log format version 1.3]
 *   #[StartTime: 1700000000.000 (seconds since epoch), Tue Nov 14 22:13:20 UTC 2023]
 *   #[BaseTime: 1700000000.000 (seconds since epoch)]
 *   "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
 *   Tag=decision,0.000,1.000,0.018,HISTFAAAA...
 *
 * Interval start times are written relative to BaseTime, in seconds with 3 decimals.
 * Interval_Max is the interval's max divided by `maxValueUnitRatio`, 1e6 by default as in
 * Java (values recorded in ns, max shown in ms). Readers take the max from the payload; the
 * column is for humans. The payload lines come from hdr-histogram-js's HistogramLogWriter,
 * whose interval line matches Java's; the header lines are written here because its
 * `outputStartTime` adds a stray blank line and it has no `outputBaseTime`.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export const HLOG_LEGEND = '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"';
export const HLOG_FORMAT_VERSION = '1.3';
/** Java's default maxValueUnitRatio: ns values, max column in ms. */
export const DEFAULT_MAX_VALUE_UNIT_RATIO = 1_000_000;

export class HlogWriteError extends Error {
  override readonly name = 'HlogWriteError';
}

export interface HlogInterval {
  /** Tag, e.g. a hop name; null for an untagged line. No commas, spaces or line breaks. */
  tag: string | null;
  startMs: number;
  endMs: number;
  histogram: Histogram;
}

export interface HlogHeaderOptions {
  /** Wall-clock ms since the epoch; also the BaseTime that interval starts are relative to. */
  startTimeMs: number;
  /** Unit of the recorded values, written as `#[ValueUnit: ns]` (a comment to other readers). */
  valueUnit?: string;
  /** Free comment lines (without '#'), e.g. what recorded the log. */
  comments?: string[];
  maxValueUnitRatio?: number;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** `java.util.Date.toString()` in UTC: `Tue Nov 14 22:13:20 UTC 2023`. */
export function javaDateString(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const TAG_FORBIDDEN = /[,\s]/;

/** Streams an `.hlog`: `header()` once, then `interval()` per closed interval. Each returns text. */
export class HlogWriter {
  private readonly baseTimeMs: number;
  private readonly ratio: number;
  private readonly lib: InstanceType<typeof hdr.HistogramLogWriter>;
  private buffered = '';

  constructor(private readonly options: HlogHeaderOptions) {
    this.baseTimeMs = options.startTimeMs;
    this.ratio = options.maxValueUnitRatio ?? DEFAULT_MAX_VALUE_UNIT_RATIO;
    this.lib = new hdr.HistogramLogWriter((text: string) => { this.buffered += text; });
    this.lib.baseTime = this.baseTimeMs;
  }

  header(): string {
    const o = this.options;
    const secs = (o.startTimeMs / 1000).toFixed(3);
    let out = '';
    for (const c of o.comments ?? []) out += `#${c}\n`;
    out += `#[Histogram log format version ${HLOG_FORMAT_VERSION}]\n`;
    out += `#[StartTime: ${secs} (seconds since epoch), ${javaDateString(o.startTimeMs)}]\n`;
    out += `#[BaseTime: ${secs} (seconds since epoch)]\n`;
    if (o.valueUnit !== undefined) out += `#[ValueUnit: ${o.valueUnit}]\n`;
    out += `#[MaxValueUnitRatio: ${this.ratio}]\n`;
    out += HLOG_LEGEND + '\n';
    return out;
  }

  interval(i: HlogInterval): string {
    if (i.tag !== null && (i.tag === '' || TAG_FORBIDDEN.test(i.tag))) {
      throw new HlogWriteError(`hlog tag "${i.tag}" must be non-empty, without commas, spaces or line breaks`);
    }
    const h = i.histogram;
    const savedTag = h.tag;
    h.tag = i.tag ?? 'NO TAG';
    this.buffered = '';
    this.lib.outputIntervalHistogram(h, (i.startMs - this.baseTimeMs) / 1000, (i.endMs - this.baseTimeMs) / 1000, this.ratio);
    h.tag = savedTag;
    return this.buffered;
  }
}

/** A whole `.hlog` as one string. */
export function formatHlog(options: HlogHeaderOptions, intervals: readonly HlogInterval[]): string {
  const w = new HlogWriter(options);
  let out = w.header();
  for (const i of intervals) out += w.interval(i);
  return out;
}
