/**
 * The merged market events of a backtest, decoded once into SharedArrayBuffers, for a sweep:
 * every point of a grid replays the same data, so the main thread gunzips, unescapes and
 * merges the day files once (readEventStore) and the piscina workers replay the events from
 * shared memory (replayEventStore), instead of each point re-reading and re-decoding every
 * file: that repeated work (gunzip on the libuv pool, V8's GC of the chunk buffers) kept a
 * 2-worker sweep near 1x on 2 cores (docs/benchmarks.md, Session 4).
 *
 * Layout: per event, in `meta` (Float64Array): the merge key (recorded receive time on the
 * merge timeline, ns), the series index, the kind (EV_FRAME / EV_SNAPSHOT), the payload's
 * offset and length in `bytes` (frame bytes as the venue sent them, or the snapshot's REST
 * body as UTF-8). The replay hands the engine exactly what the streaming loop of run.ts
 * hands it, in the same order: same journal (tested: a sweep point equals its backtest).
 *
 * Memory: the whole range is held, about 10x its gzip size, in one shared buffer sized from
 * that estimate (no copy at the end); readEventStore declines (returns null: the points stream
 * as before) when the files' gzip size times 12 passes `maxBytes`.
 *
 * Every payload starts on a 4-byte boundary, so the replay hands a frame over by copying
 * 32-bit words through Int32Array views made once: Buffer#copy out of a SharedArrayBuffer made
 * a Uint8Array per call (Node 20's _copyActual) and took ~1 µs per frame, about a quarter of
 * a sweep point's time and a third of its allocation (77 MB of 270 MB per point on the bench day).
 */
import { statSync } from 'node:fs';
import { MergedRecording } from '../data/recording-merge.js';
import { EV_FRAME, EV_SNAPSHOT } from '../data/recording-reader.js';

const M_TS = 0;
const M_SERIES = 1;
const M_KIND = 2;
const M_OFF = 3;
const M_LEN = 4;
const M_WORDS = 5;

/** Default ceiling of a shared event store (decoded bytes, estimated from the gzip sizes). */
export const DEFAULT_STORE_MAX_BYTES = 1536 * 1024 * 1024;
/** Decoded bytes per gzip byte assumed for the estimate (measured ~9-10 on recorded and synthetic days). */
const INFLATE_RATIO = 12;

export interface EventStore {
  /** M_WORDS float64 per event (see the layout above). */
  meta: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
  count: number;
  /** The damage met while reading (MergedRecording.problems()), for every point's result. */
  problems: string[];
}

/** What the engine is handed per event (run.ts implements it). */
export interface EventSink {
  frame(series: number, ts: number, buf: Buffer, len: number): void;
  snapshot(series: number, ts: number, text: string): void;
}

/** Estimated decoded size of the files, bytes. */
export function estimatedBytes(series: readonly (readonly string[])[]): number {
  let gz = 0;
  for (const files of series) for (const f of files) gz += statSync(f).size;
  return gz * INFLATE_RATIO;
}

/** A byte buffer in shared memory, grown by doubling (rare: sized from the estimate). */
class Growing {
  sab: SharedArrayBuffer;
  buf: Buffer;
  n = 0;
  constructor(size: number) {
    this.sab = new SharedArrayBuffer((size + 7) & ~7);
    this.buf = Buffer.from(this.sab);
  }

  reserve(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + extra) size *= 2;
    const sab = new SharedArrayBuffer(size);
    const b = Buffer.from(sab);
    this.buf.copy(b, 0, 0, this.n);
    this.sab = sab;
    this.buf = b;
  }
}

/**
 * Reads and merges the series (the files of dataFiles(), in its order) once; null when they
 * would take more than maxBytes decoded.
 */
/** `n` rounded up to a multiple of 4 (payload offsets, see the header). */
const align4 = (n: number): number => (n + 3) & ~3;

/** A writer of 32-bit words into `dst` from `src` when `src` is 4-byte aligned (one view per source buffer, kept). */
class WordCopy {
  private src: Buffer | null = null;
  private words: Int32Array | null = null;

  /** Copies src[0, len) to dst at byte offset `off` (a multiple of 4) and returns true, or false when src is not aligned. */
  copy(src: Buffer, len: number, dst: Int32Array, off: number): boolean {
    if (src !== this.src) {
      this.src = src;
      this.words = (src.byteOffset & 3) === 0 ? new Int32Array(src.buffer, src.byteOffset, src.length >> 2) : null;
    }
    const w = this.words;
    // the last word may reach past len (and past src.length when len is not a multiple of 4)
    if (w === null || align4(len) > src.length) return false;
    for (let i = 0, d = off >> 2, n = align4(len) >> 2; i < n; i++) dst[d + i] = w[i]!;
    return true;
  }
}

export async function readEventStore(series: readonly (readonly string[])[], originMs: number, maxBytes = DEFAULT_STORE_MAX_BYTES): Promise<EventStore | null> {
  const estimate = estimatedBytes(series);
  if (estimate > maxBytes) return null;
  const merged = await MergedRecording.openSeries(series, { originMs });
  const bytes = new Growing(Math.max(1 << 16, estimate));
  const meta = new Growing(1 << 16);
  let count = 0;
  const words = new WordCopy();
  let bytesWords = new Int32Array(bytes.sab);
  let metaF64 = new Float64Array(meta.sab);
  try {
    for (;;) {
      let st = merged.nextSync();
      if (st === 0) st = await merged.next();
      if (st < 0) break;
      const r = merged.current!;
      const off = align4(bytes.n);
      let len: number;
      if (r.kind === EV_FRAME) {
        len = r.frameLen;
        bytes.reserve(off - bytes.n + align4(len));
        if (bytes.sab !== bytesWords.buffer) bytesWords = new Int32Array(bytes.sab);
        if (!words.copy(r.frame, len, bytesWords, off)) r.frame.copy(bytes.buf, off, 0, len);
      } else {
        const text = r.snapshotText;
        len = Buffer.byteLength(text);
        bytes.reserve(off - bytes.n + align4(len));
        bytes.buf.write(text, off, 'utf8');
      }
      bytes.n = off + len;
      meta.reserve(M_WORDS * 8);
      if (meta.sab !== metaF64.buffer) metaF64 = new Float64Array(meta.sab);
      const at = meta.n >> 3;
      metaF64[at + M_TS] = merged.currentTs;
      metaF64[at + M_SERIES] = merged.currentIndex;
      metaF64[at + M_KIND] = r.kind;
      metaF64[at + M_OFF] = off;
      metaF64[at + M_LEN] = len;
      meta.n += M_WORDS * 8;
      count++;
    }
  } finally {
    merged.close();
  }
  return { meta: meta.sab, bytes: bytes.sab, count, problems: merged.problems() };
}

/** Merge key of the store's first event (NaN when it holds none). */
export function firstEventTs(store: EventStore): number {
  return store.count > 0 ? new Float64Array(store.meta, 0, M_WORDS)[M_TS]! : NaN;
}

/** A scratch buffer of its own ArrayBuffer (offset 0, so its Int32Array view covers it from byte 0). */
function scratchOf(size: number): { buf: Buffer; words: Int32Array } {
  const buf = Buffer.allocUnsafeSlow(align4(size));
  return { buf, words: new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2) };
}

/**
 * Hands every stored event to the sink in order; returns the last event's merge key (-1 when
 * there was none). Frames are copied into one reused buffer (the venue parsers read from 0)
 * word by word: nothing is allocated per frame.
 */
export function replayEventStore(store: EventStore, sink: EventSink): number {
  const meta = new Float64Array(store.meta);
  const bytes = Buffer.from(store.bytes);
  const src = new Int32Array(store.bytes, 0, store.bytes.byteLength >> 2);
  let scratch = scratchOf(1 << 16);
  let last = -1;
  for (let i = 0, m = 0; i < store.count; i++, m += M_WORDS) {
    const ts = meta[m + M_TS]!;
    const series = meta[m + M_SERIES]!;
    const off = meta[m + M_OFF]!;
    const len = meta[m + M_LEN]!;
    if (meta[m + M_KIND] === EV_SNAPSHOT) {
      sink.snapshot(series, ts, bytes.toString('utf8', off, off + len));
    } else {
      if (len > scratch.buf.length) scratch = scratchOf(len * 2);
      const dst = scratch.words;
      // readEventStore reserved whole words: the last one stays inside the store
      for (let w = 0, s = off >> 2, n = (len + 3) >> 2; w < n; w++) dst[w] = src[s + w]!;
      sink.frame(series, ts, scratch.buf, len);
    }
    last = ts;
  }
  return last;
}
