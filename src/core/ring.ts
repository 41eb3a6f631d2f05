/**
 * Single-producer single-consumer ring of fixed-size float64 records over one SharedArrayBuffer.
 *
 * Layout (bytes):
 *
 *   0        128       256            384                          512
 *   +--------+---------+--------------+----------------------------+---------------------------+
 *   | WRITE  |  READ   | (reserved)   | STATS: capacity, slotWords, | slots: capacity x          |
 *   | (i32)  |  (i32)  |              | policy, dropped, full waits,| slotWords float64 words    |
 *   |        |         |              | timeouts                    |                           |
 *   +--------+---------+--------------+----------------------------+---------------------------+
 *
 * WRITE and READ are free-running 32-bit sequence counters; each sits on its own 128-byte
 * block (two cache lines, as Agrona does, so adjacent-line prefetch does not make producer
 * and consumer share one). They wrap past 2^32: every comparison uses `(a - b) | 0`, which
 * stays correct while the ring holds fewer than 2^31 records. Slot of sequence s = s & mask.
 *
 * Producer: write the payload, then Atomics.store(WRITE). Consumer: Atomics.load(WRITE), read,
 * then Atomics.store(READ). The atomic store/load pair orders the plain payload accesses.
 *
 * Overflow policy, fixed per ring at creation:
 * - DROP_OLDEST (market data): the producer never waits; it overwrites. The consumer detects
 *   that it was lapped, skips to the oldest intact record and adds the loss to DROPPED. A
 *   record overwritten while being copied is detected (WRITE re-read after the copy) and
 *   dropped too, so a torn record never reaches the handler.
 * - BLOCK (intents, reports): the producer waits for space up to a timeout, counting every
 *   wait in FULL_WAITS; on timeout the offer fails, TIMEOUTS counts it and the caller decides.
 */
import { Doorbell } from './doorbell.js';

export const POLICY_DROP_OLDEST = 0;
export const POLICY_BLOCK = 1;

// int32 indices into the header
const WRITE = 0; // byte 0
const READ = 32; // byte 128
const CAPACITY = 96; // byte 384
const SLOT_WORDS = 97;
const POLICY = 98;
const DROPPED = 99; // consumer-owned
const FULL_WAITS = 100; // producer-owned
const TIMEOUTS = 101; // producer-owned
const HEADER_BYTES = 512;

export interface RingStats {
  capacity: number;
  slotWords: number;
  written: number;
  read: number;
  depth: number;
  dropped: number;
  fullWaits: number;
  timeouts: number;
}

export function ringBytes(capacity: number, slotWords: number): number {
  return HEADER_BYTES + capacity * slotWords * 8;
}

export class RingError extends Error {
  override readonly name = 'RingError';
}

/** Allocates a ring. `initialSeq` exists so tests can start the counters near 2^32. */
export function createRing(capacity: number, slotWords: number, policy: number, initialSeq = 0): SharedArrayBuffer {
  if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0 || capacity > 1 << 24) {
    throw new RingError(`ring capacity must be a power of two in [2, 2^24], got ${capacity}`);
  }
  if (!Number.isInteger(slotWords) || slotWords < 1) throw new RingError(`slotWords must be a positive integer, got ${slotWords}`);
  if (policy !== POLICY_DROP_OLDEST && policy !== POLICY_BLOCK) throw new RingError(`unknown overflow policy ${policy}`);
  const sab = new SharedArrayBuffer(ringBytes(capacity, slotWords));
  const h = new Int32Array(sab, 0, HEADER_BYTES / 4);
  h[WRITE] = initialSeq | 0;
  h[READ] = initialSeq | 0;
  h[CAPACITY] = capacity;
  h[SLOT_WORDS] = slotWords;
  h[POLICY] = policy;
  return sab;
}

export function ringStats(sab: SharedArrayBuffer): RingStats {
  const h = new Int32Array(sab, 0, HEADER_BYTES / 4);
  const w = Atomics.load(h, WRITE);
  const r = Atomics.load(h, READ);
  return {
    capacity: h[CAPACITY]!,
    slotWords: h[SLOT_WORDS]!,
    written: w >>> 0,
    read: r >>> 0,
    depth: Math.min((w - r) | 0, h[CAPACITY]!),
    dropped: Atomics.load(h, DROPPED) >>> 0,
    fullWaits: Atomics.load(h, FULL_WAITS) >>> 0,
    timeouts: Atomics.load(h, TIMEOUTS) >>> 0,
  };
}

/** The producer half. One instance, one thread. */
export class RingProducer {
  readonly slotWords: number;
  readonly capacity: number;
  /** Payload view: the claimed record starts at word `offset` after `claim()`. */
  readonly data: Float64Array;
  private readonly header: Int32Array;
  private readonly mask: number;
  private readonly policy: number;
  private readonly bell: Doorbell | null;
  private seq: number;
  private cachedRead: number;
  /** Word offset of the currently claimed slot. */
  offset = 0;

  constructor(sab: SharedArrayBuffer, bell: Doorbell | null = null) {
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.capacity = this.header[CAPACITY]!;
    this.slotWords = this.header[SLOT_WORDS]!;
    this.policy = this.header[POLICY]!;
    this.mask = this.capacity - 1;
    this.data = new Float64Array(sab, HEADER_BYTES, this.capacity * this.slotWords);
    this.seq = Atomics.load(this.header, WRITE);
    this.cachedRead = Atomics.load(this.header, READ);
    this.bell = bell;
  }

  /**
   * Claims the next slot and sets `offset` to it; write the record into `data` from there,
   * then call `publish()`. For BLOCK rings returns false when no space appeared within
   * `timeoutNs` (counted), in which case nothing was claimed. DROP_OLDEST never fails.
   */
  claim(timeoutNs = 0): boolean {
    const seq = this.seq;
    if (this.policy === POLICY_BLOCK && ((seq - this.cachedRead) | 0) >= this.capacity) {
      this.cachedRead = Atomics.load(this.header, READ);
      if (((seq - this.cachedRead) | 0) >= this.capacity && !this.waitForSpace(seq, timeoutNs)) return false;
    }
    this.offset = (seq & this.mask) * this.slotWords;
    return true;
  }

  /** Makes the claimed record visible to the consumer and rings its doorbell if it sleeps. */
  publish(): void {
    this.seq = (this.seq + 1) | 0;
    Atomics.store(this.header, WRITE, this.seq);
    if (this.bell !== null) this.bell.ring();
  }

  /**
   * Publishes without ringing the doorbell: for a producer that publishes several records as
   * one decision and wakes the consumer once, with `ringConsumer()`, after the last.
   */
  publishQuiet(): void {
    this.seq = (this.seq + 1) | 0;
    Atomics.store(this.header, WRITE, this.seq);
  }

  /** Wakes the consumer if it is parked (after `publishQuiet`). */
  ringConsumer(): void {
    if (this.bell !== null) this.bell.ring();
  }

  /** Copies `words` words from `src` at `srcOff` into a new record and publishes it. */
  offer(src: Float64Array, srcOff: number, timeoutNs = 0): boolean {
    if (!this.claim(timeoutNs)) return false;
    const d = this.data;
    const o = this.offset;
    const n = this.slotWords;
    for (let i = 0; i < n; i++) d[o + i] = src[srcOff + i]!;
    this.publish();
    return true;
  }

  private waitForSpace(seq: number, timeoutNs: number): boolean {
    Atomics.add(this.header, FULL_WAITS, 1);
    // Rare path: the consumer is behind. Back off in growing sleeps rather than spin, so a
    // full ring on a 2-core host does not steal the consumer's CPU.
    // Spin briefly first: a consumer that is merely mid-batch frees space within microseconds.
    for (let i = 0; i < 2000; i++) {
      this.cachedRead = Atomics.load(this.header, READ);
      if (((seq - this.cachedRead) | 0) < this.capacity) return true;
    }
    const deadline = performance.now() + timeoutNs / 1e6;
    let sleepMs = 0.01;
    for (;;) {
      this.cachedRead = Atomics.load(this.header, READ);
      if (((seq - this.cachedRead) | 0) < this.capacity) return true;
      const now = performance.now();
      if (now >= deadline) {
        Atomics.add(this.header, TIMEOUTS, 1);
        return false;
      }
      Atomics.wait(this.header, FULL_WAITS + 8, 0, Math.min(sleepMs, deadline - now));
      sleepMs = Math.min(sleepMs * 2, 1);
    }
  }
}

/** Receives records from `RingConsumer.drain`. Create one handler object up front. */
export interface RecordHandler {
  onRecord(data: Float64Array, offset: number): void;
}

/** The consumer half. One instance, one thread. */
export class RingConsumer {
  readonly slotWords: number;
  readonly capacity: number;
  readonly data: Float64Array;
  private readonly header: Int32Array;
  private readonly mask: number;
  private readonly lossy: boolean;
  /** Copy target for lossy rings: a record is validated after copying, before handing it out. */
  private readonly scratch: Float64Array;
  private seq: number;

  constructor(sab: SharedArrayBuffer) {
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.capacity = this.header[CAPACITY]!;
    this.slotWords = this.header[SLOT_WORDS]!;
    this.lossy = this.header[POLICY] === POLICY_DROP_OLDEST;
    this.mask = this.capacity - 1;
    this.data = new Float64Array(sab, HEADER_BYTES, this.capacity * this.slotWords);
    this.scratch = new Float64Array(this.slotWords);
    this.seq = Atomics.load(this.header, READ);
  }

  /** Records waiting (bounded by capacity). */
  available(): number {
    const n = (Atomics.load(this.header, WRITE) - this.seq) | 0;
    return n > this.capacity ? this.capacity : n;
  }

  /**
   * Hands up to `limit` records to `handler` in order, then publishes the read position once.
   * Returns how many were handed out (0 = idle).
   */
  drain(handler: RecordHandler, limit: number): number {
    const header = this.header;
    let seq = this.seq;
    const write = Atomics.load(header, WRITE);
    let avail = (write - seq) | 0;
    if (avail <= 0) return 0;
    if (this.lossy && avail >= this.capacity) {
      // Lapped: the oldest slot may be under the producer's pen right now (it writes sequence
      // WRITE into slot WRITE & mask before publishing), so at most capacity - 1 records of a
      // full lossy ring are safe to read.
      const lost = avail - this.capacity + 1;
      Atomics.add(header, DROPPED, lost);
      seq = (seq + lost) | 0;
      avail = this.capacity - 1;
    }
    const n = avail < limit ? avail : limit;
    const words = this.slotWords;
    const data = this.data;
    let handed = 0;
    if (this.lossy) {
      const scratch = this.scratch;
      for (let i = 0; i < n; i++) {
        const off = (seq & this.mask) * words;
        for (let k = 0; k < words; k++) scratch[k] = data[off + k]!;
        // The producer starts overwriting this slot once WRITE reaches seq + capacity.
        if (((Atomics.load(header, WRITE) - seq) | 0) >= this.capacity) {
          Atomics.add(header, DROPPED, 1);
        } else {
          handler.onRecord(scratch, 0);
          handed++;
        }
        seq = (seq + 1) | 0;
      }
    } else {
      for (let i = 0; i < n; i++) {
        handler.onRecord(data, (seq & this.mask) * words);
        seq = (seq + 1) | 0;
      }
      handed = n;
    }
    this.seq = seq;
    Atomics.store(header, READ, seq);
    return handed;
  }
}
