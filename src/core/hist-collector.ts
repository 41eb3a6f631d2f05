/**
 * Main-thread side of histogram collection: receives `HistogramSnapshot`s posted by workers,
 * merges them per tag (the hop name), and keeps both the running totals and the list of
 * closed intervals (what an `.hlog` holds). Never on the hot path: it decodes and allocates.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { LATENCY_DIGITS, LATENCY_HIGHEST_NS, LATENCY_LOWEST_NS } from './histogram.js';
import type { HistogramSnapshot } from './histogram.js';
import { formatHlog } from '../report/hlog-writer.js';
import { formatPrometheus } from '../report/prometheus.js';

/** One tag's merged histogram over [startMs, endMs]. */
export interface TaggedInterval {
  tag: string;
  startMs: number;
  endMs: number;
  histogram: Histogram;
}

export interface TagCounters {
  errors: number;
  saturated: number;
}

/** JS (not WASM) histograms with 64-bit counts: totals outgrow 32 bits, and need no destroy(). */
export function buildAccumulator(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LATENCY_LOWEST_NS,
    highestTrackableValue: LATENCY_HIGHEST_NS,
    numberOfSignificantValueDigits: LATENCY_DIGITS,
    bitBucketSize: 64,
    autoResize: true,
    useWebAssembly: false,
  });
}

export class HistogramCollector {
  private readonly totals = new Map<string, Histogram>();
  private readonly pending = new Map<string, TaggedInterval>();
  private readonly closed: TaggedInterval[] = [];
  /**
   * Keep every closed interval for `intervals()`/`toHlog()` (backtests, tests). A long-running
   * bot passes false and streams each flushed interval to its .hlog instead, so memory stays
   * flat however long it runs.
   */
  private readonly retain: boolean;

  constructor(opts: { retainIntervals?: boolean } = {}) {
    this.retain = opts.retainIntervals ?? true;
  }
  private readonly counters = new Map<string, TagCounters>();
  /** Earliest interval start seen, wall ms (NaN until the first snapshot). */
  startMs = Number.NaN;

  /** Merges one worker snapshot into the running totals and the open interval of each tag. */
  add(snapshot: HistogramSnapshot): void {
    if (Number.isNaN(this.startMs) || snapshot.startMs < this.startMs) this.startMs = snapshot.startMs;
    for (const hop of snapshot.hops) {
      const c = this.countersOf(hop.hop);
      c.errors += hop.errors;
      c.saturated += hop.saturated;
      if (hop.count === 0) continue;
      const decoded = hdr.decodeFromCompressedBase64(hop.encoded, 64, false);
      let total = this.totals.get(hop.hop);
      if (total === undefined) { total = buildAccumulator(); this.totals.set(hop.hop, total); }
      total.add(decoded);
      let open = this.pending.get(hop.hop);
      if (open === undefined) {
        open = { tag: hop.hop, startMs: snapshot.startMs, endMs: snapshot.endMs, histogram: buildAccumulator() };
        this.pending.set(hop.hop, open);
      }
      open.histogram.add(decoded);
      if (snapshot.startMs < open.startMs) open.startMs = snapshot.startMs;
      if (snapshot.endMs > open.endMs) open.endMs = snapshot.endMs;
    }
  }

  /**
   * Closes the open interval of every tag (everything added since the previous flush) and
   * returns them, in tag order. Call it on the log cadence (e.g. once a second).
   */
  flushInterval(): TaggedInterval[] {
    const out = [...this.pending.values()].sort((a, b) => a.tag.localeCompare(b.tag));
    this.pending.clear();
    for (const i of out) {
      i.histogram.tag = i.tag;
      i.histogram.startTimeStampMsec = i.startMs;
      i.histogram.endTimeStampMsec = i.endMs;
      if (this.retain) this.closed.push(i);
    }
    return out;
  }

  /** Every closed interval so far, in flush order. */
  intervals(): readonly TaggedInterval[] { return this.closed; }

  /** Accumulated histogram per tag since start. */
  totalsByTag(): ReadonlyMap<string, Histogram> { return this.totals; }

  countersByTag(): ReadonlyMap<string, TagCounters> { return this.counters; }

  /** Every closed interval as a complete `.hlog` (values in ns, Interval_Max in ms). */
  toHlog(comments: string[] = []): string {
    const startTimeMs = Number.isNaN(this.startMs) ? 0 : this.startMs;
    return formatHlog({ startTimeMs, valueUnit: 'ns', comments }, this.closed);
  }

  /** Totals since start as Prometheus text (`xarb_latency_seconds{hop=...}`). */
  toPrometheus(): string {
    return formatPrometheus(this.totals, { errors: this.counters });
  }

  private countersOf(tag: string): TagCounters {
    let c = this.counters.get(tag);
    if (c === undefined) { c = { errors: 0, saturated: 0 }; this.counters.set(tag, c); }
    return c;
  }
}
