/**
 * The merged market events of a backtest, decoded once into SharedArrayBuffers, for a sweep:
 * every point of a grid replays the same data, so the range is gunzipped, unescaped and
 * merged once (readEventStore) and the piscina workers replay the events from shared memory
 * (replayEventStore), instead of each point re-reading and re-decoding every file: that
 * repeated work (gunzip on the libuv pool, V8's GC of the chunk buffers) kept a 2-worker
 * sweep near 1x on 2 cores (docs/benchmarks.md, Session 4).
 *
 * The decode is split by file: each day file of each series is one part (decodeStorePart),
 * decoded on its own into its own shared buffers, so a sweep's pool decodes the files in
 * parallel, one per worker at a time (the decode run serially on the main thread had been the
 * serial part that kept a 2-worker sweep under 1.7x; docs/benchmarks.md, Session 6). The
 * calling thread then merges the parts' event lists by time (mergeStoreParts), exactly as
 * MergedRecording merges the series: within a series its files in order, across series the
 * earliest merge key first, ties to the series listed first. The payloads are not copied.
 *
 * Layout. A part: per event, in `meta` (Float64Array), the merge key (recorded receive time on
 * the merge timeline, ns), the kind (EV_FRAME / EV_SNAPSHOT), the payload's offset and length
 * in the part's `bytes` (frame bytes as the venue sent them, or the snapshot's REST body as
 * UTF-8). The store: per event, the merge key, the series index, the kind, the part, the
 * offset and the length. The replay hands the engine exactly what the streaming loop of run.ts
 * hands it, in the same order: same journal (tested: a sweep point equals its backtest).
 *
 * Memory: the whole range is held, about 8x its gzip size, each part in one shared buffer
 * sized from its file's gzip size (no copy at the end; pages never written are never
 * committed); readEventStore declines (returns null: the points stream as before) when the
 * files' gzip size times 12 passes `maxBytes`, or when a part cannot be decoded on its own
 * (a damaged or headerless file, a part past 2 GiB): streaming then meets exactly what a
 * single backtest meets.
 *
 * Every payload starts on a 4-byte boundary, so the replay hands a frame over by copying
 * 32-bit words through Int32Array views made once: Buffer#copy out of a SharedArrayBuffer made
 * a Uint8Array per call (Node 20's _copyActual) and took ~1 µs per frame, about a quarter of
 * a sweep point's time and a third of its allocation (77 MB of 270 MB per point on the bench day).
 */
import { statSync } from 'node:fs';
import { seriesProblem } from '../data/recording-merge.js';
import { EV_FRAME, EV_SNAPSHOT, RecordingReader } from '../data/recording-reader.js';

// a part's meta words per event
const P_TS = 0;
const P_KIND = 1;
const P_OFF = 2;
const P_LEN = 3;
const P_WORDS = 4;
// the store's meta words per event
const M_TS = 0;
const M_SERIES = 1;
const M_KIND = 2;
const M_PART = 3;
const M_OFF = 4;
const M_LEN = 5;
const M_WORDS = 6;

/** Default ceiling of a shared event store (decoded bytes, estimated from the gzip sizes). */
export const DEFAULT_STORE_MAX_BYTES = 1536 * 1024 * 1024;
/** Decoded bytes per gzip byte assumed for the estimate (lines measured ~9-10x, stored payloads ~7.5x on recorded and synthetic days). */
const INFLATE_RATIO = 12;
/** Largest part buffer: offsets and 32-bit word indices stay int32 (a larger part declines the store). */
const MAX_PART_BYTES = 2 ** 31 - 8;

/** One file of a series, to decode on its own (a sweep worker's task). */
export interface StorePartTask {
  file: string;
  /** Series index (dataFiles order). */
  series: number;
  /** Epoch ms of merge key 0 (the range's start date). */
  originMs: number;
}

/** A decoded file (decodeStorePart): its events in file order, and the damage met. */
export interface StorePart {
  series: number;
  /** P_WORDS float64 per event. */
  meta: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
  count: number;
  truncated: boolean;
  badLines: number;
  problem: string | null;
}

export interface EventStore {
  /** M_WORDS float64 per event (see the layout above). */
  meta: SharedArrayBuffer;
  /** The parts' payload buffers, by part index. */
  parts: SharedArrayBuffer[];
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

/** A byte buffer in shared memory, grown by doubling (rare: sized from the estimate), at most MAX_PART_BYTES. */
class Growing {
  sab: SharedArrayBuffer;
  buf: Buffer;
  n = 0;
  constructor(size: number) {
    this.sab = new SharedArrayBuffer(Math.min(MAX_PART_BYTES, Math.ceil(size / 8) * 8));
    this.buf = Buffer.from(this.sab);
  }

  reserve(extra: number): void {
    const need = this.n + extra;
    if (need <= this.buf.length) return;
    if (need > MAX_PART_BYTES) throw new RangeError(`a store part needs more than ${MAX_PART_BYTES} bytes`);
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const sab = new SharedArrayBuffer(Math.min(size, MAX_PART_BYTES));
    const b = Buffer.from(sab);
    this.buf.copy(b, 0, 0, this.n);
    this.sab = sab;
    this.buf = b;
  }
}

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

/**
 * Decodes one file on its own (as the series' reader would read it after its previous files)
 * into shared buffers. Throws what the reader throws (e.g. no header before the data), or a
 * RangeError past MAX_PART_BYTES.
 */
export async function decodeStorePart(t: StorePartTask): Promise<StorePart> {
  const r = await RecordingReader.open(t.file);
  r.setOrigin(t.originMs);
  const bytes = new Growing(Math.max(1 << 16, statSync(t.file).size * INFLATE_RATIO));
  const meta = new Growing(1 << 16);
  let count = 0;
  const words = new WordCopy();
  let bytesWords = new Int32Array(bytes.sab);
  let metaF64 = new Float64Array(meta.sab);
  try {
    for (;;) {
      let st = r.nextSync();
      if (st === 0) st = await r.next();
      if (st < 0) break;
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
      meta.reserve(P_WORDS * 8);
      if (meta.sab !== metaF64.buffer) metaF64 = new Float64Array(meta.sab);
      const at = meta.n >> 3;
      metaF64[at + P_TS] = r.ts;
      metaF64[at + P_KIND] = r.kind;
      metaF64[at + P_OFF] = off;
      metaF64[at + P_LEN] = len;
      meta.n += P_WORDS * 8;
      count++;
    }
  } finally {
    r.close();
  }
  return { series: t.series, meta: meta.sab, bytes: bytes.sab, count, truncated: r.truncated, badLines: r.badLines, problem: r.problem };
}

/**
 * The parts' events in MergedRecording's order (parts listed by series, then file: as
 * readEventStore lists them): a series' parts one after the other, across series the smallest
 * merge key first, ties to the lower series index. Copies only the events' meta words.
 */
export function mergeStoreParts(parts: readonly StorePart[]): EventStore {
  let count = 0;
  let nSeries = 0;
  for (const p of parts) {
    count += p.count;
    if (p.series + 1 > nSeries) nSeries = p.series + 1;
  }
  const bySeries: number[][] = Array.from({ length: nSeries }, () => []);
  parts.forEach((p, i) => bySeries[p.series]!.push(i));
  const views = parts.map((p) => new Float64Array(p.meta, 0, p.count * P_WORDS));
  // per series: which of its parts is read (index into bySeries[s]), the event in it, its key
  const at = new Int32Array(nSeries);
  const ev = new Float64Array(nSeries);
  const head = new Float64Array(nSeries).fill(Infinity);
  const settle = (s: number): void => {
    const list = bySeries[s]!;
    while (at[s]! < list.length && ev[s]! >= parts[list[at[s]!]!]!.count) {
      at[s]!++;
      ev[s] = 0;
    }
    head[s] = at[s]! < list.length ? views[list[at[s]!]!]![ev[s]! * P_WORDS + P_TS]! : Infinity;
  };
  for (let s = 0; s < nSeries; s++) settle(s);
  const meta = new SharedArrayBuffer(count * M_WORDS * 8);
  const out = new Float64Array(meta);
  for (let i = 0, o = 0; i < count; i++, o += M_WORDS) {
    let best = 0;
    for (let s = 1; s < nSeries; s++) if (head[s]! < head[best]!) best = s;
    const part = bySeries[best]![at[best]!]!;
    const src = views[part]!;
    const e = ev[best]! * P_WORDS;
    out[o + M_TS] = src[e + P_TS]!;
    out[o + M_SERIES] = best;
    out[o + M_KIND] = src[e + P_KIND]!;
    out[o + M_PART] = part;
    out[o + M_OFF] = src[e + P_OFF]!;
    out[o + M_LEN] = src[e + P_LEN]!;
    ev[best]!++;
    settle(best);
  }
  // a series' damage over its files: any cut, every unreadable line, the first problem in file order
  const problems: string[] = [];
  for (const list of bySeries) {
    const ps = list.map((i) => parts[i]!);
    const p = seriesProblem({
      truncated: ps.some((x) => x.truncated), badLines: ps.reduce((n, x) => n + x.badLines, 0),
      problem: ps.find((x) => x.problem !== null)?.problem ?? null,
    });
    if (p !== null) problems.push(p);
  }
  return { meta, parts: parts.map((p) => p.bytes), count, problems };
}

/** Decodes one part: decodeStorePart on this thread, or a sweep worker's. */
export type PartDecoder = (t: StorePartTask) => Promise<StorePart>;

/**
 * Reads and merges the series (the files of dataFiles(), in its order) once, each file a part
 * handed to `decode` (all at once, largest first: a pool runs them in parallel); null when they
 * would take more than maxBytes decoded, or when a part fails (see the header).
 */
export async function readEventStore(series: readonly (readonly string[])[], originMs: number, maxBytes = DEFAULT_STORE_MAX_BYTES,
  decode: PartDecoder = decodeStorePart): Promise<EventStore | null> {
  if (estimatedBytes(series) > maxBytes) return null;
  const tasks: StorePartTask[] = series.flatMap((files, s) => files.map((file) => ({ file, series: s, originMs })));
  const size = tasks.map((t) => statSync(t.file).size);
  const order = tasks.map((_, i) => i).sort((a, b) => size[b]! - size[a]! || a - b);
  const parts: StorePart[] = new Array<StorePart>(tasks.length);
  let failed = false;
  await Promise.all(order.map(async (i) => {
    try {
      parts[i] = await decode(tasks[i]!);
    } catch {
      failed = true;
    }
  }));
  return failed ? null : mergeStoreParts(parts);
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
  const bytes = store.parts.map((b) => Buffer.from(b));
  const words = store.parts.map((b) => new Int32Array(b, 0, b.byteLength >> 2));
  let scratch = scratchOf(1 << 16);
  let last = -1;
  for (let i = 0, m = 0; i < store.count; i++, m += M_WORDS) {
    const ts = meta[m + M_TS]!;
    const series = meta[m + M_SERIES]!;
    const part = meta[m + M_PART]!;
    const off = meta[m + M_OFF]!;
    const len = meta[m + M_LEN]!;
    if (meta[m + M_KIND] === EV_SNAPSHOT) {
      sink.snapshot(series, ts, bytes[part]!.toString('utf8', off, off + len));
    } else {
      if (len > scratch.buf.length) scratch = scratchOf(len * 2);
      const dst = scratch.words;
      const src = words[part]!;
      // decodeStorePart reserved whole words: the last one stays inside the part
      for (let w = 0, s = off >> 2, n = (len + 3) >> 2; w < n; w++) dst[w] = src[s + w]!;
      sink.frame(series, ts, scratch.buf, len);
    }
    last = ts;
  }
  return last;
}
