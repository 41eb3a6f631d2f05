/**
 * What the paper strategy thread saw, and when (`--record`): the replay of a session
 * (src/backtest/session-replay.ts) needs more than the frames the feeds received. The strategy
 * read each quote some time after its feed received it (ring hand-off, a descheduled thread),
 * in an order across the two venues' rings that the receive times alone do not give; the
 * dry-run executor on the same thread met the quote board when it polled, not when an order
 * was due; and the strategy read the reports when it got to them. All of that moves decisions.
 *
 * So the strategy thread appends one record per thing it consumed to a preallocated batch
 * (four doubles, no allocation) and transfers the batch to the main thread every ~50 ms, as the
 * feed workers do with frames (frame-batch.ts); the supervisor appends the batches to
 * `<record dir>/strategy-trace.bin`.
 *
 * Record (4 float64, little endian):  kind, a, key, ns      (ns: monoNs when it happened)
 *   TR_QUOTE   a = venue, key = the record's receive ns (H_RECV_NS): a top of book read
 *   TR_STATE   a = venue, key = the record's receive ns: a book-state record read
 *   TR_REPORT  a = status, key = order id: an execution report read by the strategy
 *   TR_ARRIVE  a = receive ns of the board entry it met (NaN: none), key = order id: the dry-run
 *              executor handled the order's arrival (filled it against the board as it stood then)
 *   TR_TIMER   a = 0, key = 0: the strategy's timer ran (order and hedge timeouts, stop-loss)
 *   TR_VERDICT a = verdict kind × 16 + status (records.ts VERDICT_*, ST_*), key = order id: a
 *              reconciliation verdict read by the strategy (an order report like the others:
 *              the order's history in the trace is complete). Readers that predate it skip it.
 * File: a header record (TR_MAGIC, TR_VERSION, anchor monoNs, anchor wall ms: the journal's
 * run_start and the recording's headers share that anchor), then records in the order they
 * happened on the strategy thread.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export const TR_QUOTE = 1;
export const TR_STATE = 2;
export const TR_REPORT = 3;
export const TR_ARRIVE = 4;
export const TR_TIMER = 5;
export const TR_VERDICT = 6;
export const TR_WORDS = 4;
export const TR_MAGIC = 0x78617274; // "xart"
export const TR_VERSION = 1;
export const TRACE_FILE = 'strategy-trace.bin';
/** Records per batch (32 KiB). */
export const TRACE_BATCH_RECORDS = 1024;

/** Strategy worker → main: one batch; `buf` is transferred. */
export interface RecordTraceMessage {
  type: 'record-trace';
  buf: ArrayBuffer;
  /** Records in use. */
  records: number;
}

/** Worker side: appends records; `flush()` hands the batch to `send` (which must transfer it). */
export class TraceBatcher {
  records = 0;
  batches = 0;
  private buf: ArrayBuffer;
  private f64: Float64Array;
  private n = 0;
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly send: (buf: ArrayBuffer, records: number) => void, private readonly capacity = TRACE_BATCH_RECORDS) {
    this.buf = new ArrayBuffer(capacity * TR_WORDS * 8);
    this.f64 = new Float64Array(this.buf);
  }

  /** Four stores; a full batch is sent first (the only allocation, and only when no buffer came back). */
  add(kind: number, a: number, key: number, ns: number): void {
    if (this.n === this.capacity) this.flush();
    const o = this.n * TR_WORDS;
    const f = this.f64;
    f[o] = kind;
    f[o + 1] = a;
    f[o + 2] = key;
    f[o + 3] = ns;
    this.n++;
    this.records++;
  }

  flush(): void {
    if (this.n === 0) return;
    const buf = this.buf;
    const n = this.n;
    this.batches++;
    this.buf = this.spare.pop() ?? new ArrayBuffer(this.capacity * TR_WORDS * 8);
    this.f64 = new Float64Array(this.buf);
    this.n = 0;
    this.send(buf, n);
  }

  /** A buffer handed back by the main thread. */
  recycle(buf: ArrayBuffer): void {
    if (buf.byteLength === this.capacity * TR_WORDS * 8 && this.spare.length < 4) this.spare.push(buf);
  }
}

/** Main side: the trace file of a recorded session. */
export class TraceWriter {
  records = 0;
  private fd: number | null;

  constructor(file: string, anchorMonoNs: number, anchorWallMs: number) {
    this.fd = openSync(file, 'w');
    writeSync(this.fd, new Uint8Array(Float64Array.of(TR_MAGIC, TR_VERSION, anchorMonoNs, anchorWallMs).buffer));
  }

  /** Appends `records` records of a batch (little endian: the host's order, checked on read). */
  write(buf: ArrayBuffer, records: number): void {
    if (this.fd === null) return;
    writeSync(this.fd, new Uint8Array(buf, 0, records * TR_WORDS * 8));
    this.records += records;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export class TraceReadError extends Error {
  override readonly name = 'TraceReadError';
}

export interface StrategyTrace {
  anchorMonoNs: number;
  anchorWallMs: number;
  /** Records after the header, TR_WORDS each. */
  records: Float64Array;
  count: number;
}

/** Reads a trace file; a torn last record (the session was killed mid-write) is ignored. */
export function readStrategyTrace(file: string): StrategyTrace {
  const bytes = readFileSync(file);
  const n = Math.floor(bytes.length / 8);
  if (n < TR_WORDS) throw new TraceReadError(`${file}: too short for a strategy trace header`);
  const all = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n * 8));
  if (all[0] !== TR_MAGIC || all[1] !== TR_VERSION) throw new TraceReadError(`${file}: not a strategy trace (version ${TR_VERSION})`);
  const count = Math.floor((n - TR_WORDS) / TR_WORDS);
  return { anchorMonoNs: all[2]!, anchorWallMs: all[3]!, records: all.subarray(TR_WORDS, TR_WORDS + count * TR_WORDS), count };
}
