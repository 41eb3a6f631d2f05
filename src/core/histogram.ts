/**
 * Per-hop latency recording on hdr-histogram-js, one recorder per hop, made at start-up.
 *
 * Values are integer nanoseconds in [1 ns, 60 s] at 3 significant digits. The WebAssembly
 * build is the default: `recordValue` costs ~15 ns there against ~100 ns for the JS build
 * (bench/hist.ts). WASM must be initialised (async) before any histogram is built, and WASM
 * histograms live outside the JS heap: `close()` them (which calls `destroy()`).
 *
 * Interval semantics: `snapshot(nowMs)` encodes every hop's counts since the previous snapshot
 * and resets them, like HdrHistogram's interval Recorder. A worker is single-threaded, so one
 * histogram per hop is enough (no active/inactive swap).
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Hop names, in index order. These strings are the `.hlog` tags and the Prometheus `hop` label. */
export const HOP_NAMES = [
  'frame_to_parsed', // feed: frame received -> record parsed
  'parsed_to_published', // feed: parsed -> ring publish
  'publish_to_strategy', // feed publish -> strategy read
  'decision', // strategy: record read -> intent decided
  'tick_to_intent', // frame received -> intent published
  'intent_to_sent', // executor: intent read -> order sent
  'sent_to_ack', // order sent -> venue ack
  'tick_to_order', // frame received -> intent read by the executor
  'intent_to_wire', // executor: intent read -> the request's bytes handed to the socket (dry-run: simulated send)
  'tick_to_wire', // frame received -> the order's bytes handed to the socket: the headline figure
  'leg_gap', // executor: a pair's first leg's bytes handed to the socket -> its second leg's (one value per pair)
] as const;
export type HopName = (typeof HOP_NAMES)[number];

export const HOP_FRAME_TO_PARSED = 0;
export const HOP_PARSED_TO_PUBLISHED = 1;
export const HOP_PUBLISH_TO_STRATEGY = 2;
export const HOP_DECISION = 3;
export const HOP_TICK_TO_INTENT = 4;
export const HOP_INTENT_TO_SENT = 5;
export const HOP_SENT_TO_ACK = 6;
export const HOP_TICK_TO_ORDER = 7;
export const HOP_INTENT_TO_WIRE = 8;
export const HOP_TICK_TO_WIRE = 9;
export const HOP_LEG_GAP = 10;
/** What users feel: the status line, the report and docs/latency.md lead with it. */
export const HEADLINE_HOP: HopName = 'tick_to_wire';

/** Lowest discernible value, highest trackable value (60 s), significant digits. */
export const LATENCY_LOWEST_NS = 1;
export const LATENCY_HIGHEST_NS = 60_000_000_000;
export const LATENCY_DIGITS = 3;

export type HistogramImpl = 'wasm' | 'js';

/**
 * Prepares the chosen implementation; call once per thread before building recorders.
 * 'wasm' falls back to nothing: it throws if WebAssembly cannot be instantiated.
 */
export async function initHistograms(impl: HistogramImpl = 'wasm'): Promise<HistogramImpl> {
  if (impl === 'wasm') await hdr.initWebAssembly();
  return impl;
}

/** A fresh latency histogram with xarb's range; `impl` 'wasm' needs `initHistograms('wasm')` first. */
export function buildLatencyHistogram(impl: HistogramImpl, autoResize = false): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LATENCY_LOWEST_NS,
    highestTrackableValue: LATENCY_HIGHEST_NS,
    numberOfSignificantValueDigits: LATENCY_DIGITS,
    bitBucketSize: 32,
    autoResize,
    useWebAssembly: impl === 'wasm',
  });
}

/** One hop's interval, as posted from a worker: plain data, structured-clone friendly. */
export interface HopSnapshot {
  hop: string;
  /** Values recorded in the interval (errors not included). */
  count: number;
  /** Negative or NaN values refused in the interval. */
  errors: number;
  /** Values above 60 s, recorded as 60 s, in the interval. */
  saturated: number;
  /** Largest value in the interval, ns (0 when empty). */
  maxNs: number;
  /** V2 compressed histogram, base64 (the `.hlog` payload). */
  encoded: string;
}

export interface HistogramSnapshot {
  /** Who recorded it, e.g. 'feed:binance'; informational, hops are merged across sources. */
  source: string;
  /** Interval start and end, wall-clock ms since the epoch. */
  startMs: number;
  endMs: number;
  hops: HopSnapshot[];
}

/** One hop's recorder. `record` never allocates; `take` encodes and resets (off the hot path). */
export class LatencyRecorder {
  readonly name: string;
  readonly impl: HistogramImpl;
  private histogram: Histogram;
  errors = 0;
  saturated = 0;

  constructor(name: string, impl: HistogramImpl) {
    this.name = name;
    this.impl = impl;
    this.histogram = buildLatencyHistogram(impl);
  }

  /** Records a latency in ns. Negative or NaN: counted in `errors`. Above 60 s: recorded as 60 s. */
  record(ns: number): void {
    if (!(ns >= 0)) { this.errors++; return; }
    if (ns > LATENCY_HIGHEST_NS) { this.saturated++; ns = LATENCY_HIGHEST_NS; }
    this.histogram.recordValue(Math.floor(ns));
  }

  get count(): number { return this.histogram.totalCount; }

  /** Encodes the counts since the last take, then resets them. */
  take(): HopSnapshot {
    const h = this.histogram;
    const snap: HopSnapshot = {
      hop: this.name,
      count: h.totalCount,
      errors: this.errors,
      saturated: this.saturated,
      maxNs: h.totalCount === 0 ? 0 : h.maxValue,
      encoded: hdr.encodeIntoCompressedBase64(h),
    };
    h.reset();
    this.errors = 0;
    this.saturated = 0;
    return snap;
  }

  /** Frees the WASM memory; the recorder is unusable afterwards. */
  close(): void { this.histogram.destroy(); }
}

/**
 * The recorders of one thread, addressed by small integer index (`HOP_*`):
 * `hops.record(HOP_DECISION, ns)` is one bounds-free array read plus the histogram call.
 */
export class HopRecorders {
  readonly source: string;
  readonly recorders: LatencyRecorder[];
  private intervalStartMs: number;

  constructor(source: string, startMs: number, impl: HistogramImpl = 'wasm', names: readonly string[] = HOP_NAMES) {
    this.source = source;
    this.recorders = names.map((n) => new LatencyRecorder(n, impl));
    this.intervalStartMs = startMs;
  }

  record(hop: number, ns: number): void {
    this.recorders[hop]!.record(ns);
  }

  /** Every hop's interval since the previous snapshot (or construction); resets them. */
  snapshot(nowMs: number): HistogramSnapshot {
    const hops = this.recorders.map((r) => r.take());
    const snap: HistogramSnapshot = { source: this.source, startMs: this.intervalStartMs, endMs: nowMs, hops };
    this.intervalStartMs = nowMs;
    return snap;
  }

  close(): void {
    for (const r of this.recorders) r.close();
  }
}
