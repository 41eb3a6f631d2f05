/**
 * Latency per hop for the monitor, fed with the collector's one-second intervals (the same
 * ones written to latency.hlog), so nothing is measured twice and no worker is touched:
 * - cumulative bucket counts, _sum and _count per hop: a Prometheus histogram
 *   (`histogram_quantile(0.99, rate(xarb_latency_seconds_bucket[1m]))` moves with the market);
 * - a sliding window over the last `windowIntervals` intervals (add the new one, subtract the
 *   one leaving): quantiles that move, exported as a summary;
 * - one point per interval and hop (p50/p90/p99/max, count) for the dashboard's charts.
 *
 * Hops are whatever the workers record (data-driven); `orderedHops()` puts the headline
 * end-to-end hop first: tick_to_wire if it exists, else tick_to_order, else tick_to_intent.
 */
import type { Histogram } from 'hdr-histogram-js';
import { buildAccumulator, type TaggedInterval } from '../core/hist-collector.js';

/** Bucket upper bounds, seconds: 1 µs .. 10 s in 1-2.5-5 steps. */
export const LATENCY_BUCKETS_S: readonly number[] = (() => {
  const out: number[] = [];
  for (let e = -6; e <= 0; e++) for (const m of [1, 2.5, 5]) out.push(Number((m * 10 ** e).toPrecision(3)));
  out.push(10);
  return out;
})();

export const HEADLINE_HOPS = ['tick_to_wire', 'tick_to_order', 'tick_to_intent'] as const;
export const WINDOW_QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

export interface LatencyPoint {
  /** Interval end, wall ms. */
  t: number;
  /** Seconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

interface HopState {
  buckets: Float64Array;
  count: number;
  sumS: number;
  window: Histogram;
  intervals: Histogram[];
  points: LatencyPoint[];
}

interface IterableHistogram {
  recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } };
}

export class LatencyWindow {
  private readonly hops = new Map<string, HopState>();

  constructor(
    private readonly windowIntervals = 60,
    private readonly maxPoints = 900,
    /** ns per recorded unit. */
    private readonly nsPerUnit = 1,
  ) {}

  /** Adds the intervals just flushed from the collector. */
  add(intervals: readonly TaggedInterval[]): void {
    const toS = this.nsPerUnit / 1e9;
    for (const i of intervals) {
      const h = i.histogram;
      if (h.totalCount === 0) continue;
      const st = this.state(i.tag);
      // Bucket the interval's values (each distinct value level once; 3 digits is finer than any bucket).
      const it = (h as unknown as IterableHistogram).recordedValuesIterator;
      it.reset();
      while (it.hasNext()) {
        const v = it.next();
        const s = v.valueIteratedTo * toS;
        const b = bucketIndex(s);
        if (b < st.buckets.length) st.buckets[b]! += v.countAtValueIteratedTo;
      }
      st.count += h.totalCount;
      st.sumS += h.mean * h.totalCount * toS;
      const copy = buildAccumulator();
      copy.add(h);
      st.window.add(copy);
      st.intervals.push(copy);
      if (st.intervals.length > this.windowIntervals) st.window.subtract(st.intervals.shift()!);
      st.points.push({
        t: i.endMs, p50: h.getValueAtPercentile(50) * toS, p90: h.getValueAtPercentile(90) * toS,
        p99: h.getValueAtPercentile(99) * toS, max: h.maxValue * toS, count: h.totalCount,
      });
      if (st.points.length > this.maxPoints) st.points.shift();
    }
  }

  orderedHops(): string[] {
    const names = [...this.hops.keys()];
    const head = HEADLINE_HOPS.find((h) => this.hops.has(h));
    return [...(head !== undefined ? [head] : []), ...names.filter((n) => n !== head).sort()];
  }

  headline(): string | undefined {
    return HEADLINE_HOPS.find((h) => this.hops.has(h));
  }

  /** Cumulative counts per bucket (non-decreasing, last = +Inf = count). */
  cumulative(hop: string): { le: number[]; counts: number[]; count: number; sumS: number } | undefined {
    const st = this.hops.get(hop);
    if (st === undefined) return undefined;
    const counts: number[] = [];
    let acc = 0;
    for (let b = 0; b < LATENCY_BUCKETS_S.length; b++) { acc += st.buckets[b]!; counts.push(acc); }
    return { le: [...LATENCY_BUCKETS_S], counts, count: st.count, sumS: st.sumS };
  }

  /** Quantiles (seconds) over the sliding window, NaN while it is empty. */
  windowQuantiles(hop: string): { q: number; v: number }[] {
    const st = this.hops.get(hop);
    const toS = this.nsPerUnit / 1e9;
    return WINDOW_QUANTILES.map((q) => ({
      q, v: st === undefined || st.window.totalCount === 0 ? Number.NaN : st.window.getValueAtPercentile(q * 100) * toS,
    }));
  }

  windowCount(hop: string): number {
    return this.hops.get(hop)?.window.totalCount ?? 0;
  }

  /** Sum of the window's values, seconds (HdrHistogram's mean x count). */
  windowSumS(hop: string): number {
    const w = this.hops.get(hop)?.window;
    return w === undefined || w.totalCount === 0 ? 0 : w.mean * w.totalCount * (this.nsPerUnit / 1e9);
  }

  points(hop: string, sinceMs = 0): LatencyPoint[] {
    const p = this.hops.get(hop)?.points ?? [];
    return sinceMs === 0 ? p : p.filter((x) => x.t > sinceMs);
  }

  private state(hop: string): HopState {
    let st = this.hops.get(hop);
    if (st === undefined) {
      st = { buckets: new Float64Array(LATENCY_BUCKETS_S.length), count: 0, sumS: 0, window: buildAccumulator(), intervals: [], points: [] };
      this.hops.set(hop, st);
    }
    return st;
  }
}

/** Index of the first bucket whose bound is >= s (LATENCY_BUCKETS_S.length = beyond the last). */
function bucketIndex(s: number): number {
  const b = LATENCY_BUCKETS_S;
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b[mid]! >= s) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
