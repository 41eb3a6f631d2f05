/**
 * Raw frames in batches, for recording a paper session without file I/O in the feed worker.
 * The feed worker copies each frame (bytes + receive ns) into a preallocated ArrayBuffer and
 * transfers the whole buffer to the main thread every ~50 ms or when it is full: one
 * postMessage per batch, never per frame. The main thread reads the batch, writes it to the
 * store, and transfers the buffer back, so in steady state no buffer is allocated at all.
 *
 * Batch layout (records back to back from byte 0, each starting on an 8-byte boundary):
 *
 *   0        8        12       16                16+len   (padded to a multiple of 8)
 *   +--------+--------+--------+-----------------+
 *   | t (f64)| len u32| unused | frame bytes ... |
 *   +--------+--------+--------+-----------------+
 *
 * `t` is the receive time on core/clock's monoNs timebase (shared by every thread).
 */

export const REC_T = 0;
export const REC_LEN = 8;
export const REC_BYTES = 16;
export const DEFAULT_BATCH_BYTES = 1 << 18;
export const DEFAULT_BATCH_EVERY_MS = 50;

/** Worker → main: one batch of frames of this worker's venue. `buf` is transferred. */
export interface RecordFramesMessage {
  type: 'record-frames';
  buf: ArrayBuffer;
  /** Bytes of `buf` in use. */
  used: number;
  frames: number;
}

/** Worker → main: a REST depth snapshot the feed applied at `t` (rare: one message each). */
export interface RecordSnapshotMessage {
  type: 'record-snapshot';
  symbol: number;
  t: number;
  text: string;
  url: string;
}

/** Main → worker: a batch buffer handed back for reuse (transferred). */
export interface RecordBufferMessage {
  type: 'record-buffer';
  buf: ArrayBuffer;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes a frame of `len` bytes takes in a batch. */
export function recordBytes(len: number): number {
  return align8(REC_BYTES + len);
}

/**
 * Worker side: appends frames to the current buffer; `flush()` hands it over. The send
 * function must transfer the buffer (it is not touched afterwards).
 */
export class FrameBatcher {
  frames = 0;
  batches = 0;
  /** Batches sent early because a frame did not fit. */
  fullFlushes = 0;
  private buf: ArrayBuffer;
  private f64: Float64Array;
  private u32: Uint32Array;
  private u8: Uint8Array;
  private used = 0;
  private count = 0;
  private readonly spare: ArrayBuffer[] = [];

  constructor(
    private readonly send: (buf: ArrayBuffer, used: number, frames: number) => void,
    private readonly capacity = DEFAULT_BATCH_BYTES,
  ) {
    this.buf = new ArrayBuffer(capacity);
    this.f64 = new Float64Array(this.buf);
    this.u32 = new Uint32Array(this.buf);
    this.u8 = new Uint8Array(this.buf);
  }

  /** Per frame: one copy of the bytes, two stores; no allocation unless the batch is full. */
  add(tNs: number, frame: Buffer): void {
    const len = frame.length;
    const need = recordBytes(len);
    if (this.used + need > this.u8.length) {
      this.flush();
      this.fullFlushes++;
      if (need > this.u8.length) this.use(new ArrayBuffer(need)); // a frame larger than a batch: a buffer of its own
    }
    const o = this.used;
    this.f64[(o + REC_T) >> 3] = tNs;
    this.u32[(o + REC_LEN) >> 2] = len;
    frame.copy(this.u8, o + REC_BYTES, 0, len);
    this.used = o + need;
    this.count++;
    this.frames++;
  }

  /** Sends the current batch (if any frames) and moves to a spare buffer. */
  flush(): void {
    if (this.count === 0) return;
    const buf = this.buf;
    const used = this.used;
    const n = this.count;
    this.batches++;
    this.use(this.spare.pop() ?? new ArrayBuffer(this.capacity));
    this.send(buf, used, n);
  }

  /** A buffer handed back by the main thread. */
  recycle(buf: ArrayBuffer): void {
    if (buf.byteLength === this.capacity && this.spare.length < 4) this.spare.push(buf);
  }

  private use(buf: ArrayBuffer): void {
    this.buf = buf;
    this.f64 = new Float64Array(buf);
    this.u32 = new Uint32Array(buf);
    this.u8 = new Uint8Array(buf);
    this.used = 0;
    this.count = 0;
  }
}

/**
 * Main side: calls `each(tNs, frame)` for every record of a batch, in order. `frame` is a view
 * into `buf`, valid only during the call.
 */
export function forEachFrame(buf: ArrayBuffer, used: number, each: (tNs: number, frame: Buffer) => void): number {
  const f64 = new Float64Array(buf, 0, used >> 3);
  const u32 = new Uint32Array(buf, 0, used >> 2);
  let o = 0;
  let n = 0;
  while (o + REC_BYTES <= used) {
    const t = f64[(o + REC_T) >> 3]!;
    const len = u32[(o + REC_LEN) >> 2]!;
    if (o + REC_BYTES + len > used) break;
    each(t, Buffer.from(buf, o + REC_BYTES, len));
    o += recordBytes(len);
    n++;
  }
  return n;
}
