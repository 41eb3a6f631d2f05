/**
 * The quote board: latest top of book (and top N depth levels) per (venue, symbol) in one
 * SharedArrayBuffer, written by that venue's feed worker, readable by any thread (dry-run
 * executor fills, strategy guards, monitor).
 *
 * Each entry is guarded by a seqlock: the writer makes the sequence word odd, writes, then
 * makes it even again; a reader copies the entry between two loads of the sequence word and
 * retries when they differ or were odd. A reader therefore never sees a torn record, and the
 * writer never waits for readers.
 *
 * Entry layout (float64 words; the entry's first 8 bytes hold the int32 sequence word):
 *
 *   0      1    2        3        4       5      6       7        8        9..12            13..
 *   +------+----+--------+--------+-------+------+-------+--------+--------+----------------+-------------+
 *   | SEQL | ID | EXCH_MS| RECV_NS| PUB_NS| FLAGS| REASON| UPDATES| NLEVELS| bid px/sz ask  | levels x 4  |
 *   +------+----+--------+--------+-------+------+-------+--------+--------+----------------+-------------+
 *
 * Entries are padded to 64-byte multiples so two venues' writers never share a cache line.
 */
import { D_LEVEL_WORDS, FLAG_USABLE } from './records.js';

export const B_UPDATE_ID = 1;
export const B_EXCH_MS = 2;
export const B_RECV_NS = 3;
export const B_PUB_NS = 4;
export const B_FLAGS = 5;
export const B_REASON = 6;
export const B_UPDATES = 7;
export const B_NLEVELS = 8;
export const B_BID_PX = 9;
export const B_BID_SZ = 10;
export const B_ASK_PX = 11;
export const B_ASK_SZ = 12;
/** Level i: B_LEVELS + 4*i, in records.ts depth order (bid px, bid sz, ask px, ask sz). */
export const B_LEVELS = 13;

const BOARD_HEADER_BYTES = 64; // venues, symbols, levels, entryWords

export interface QuoteBoardShape {
  venues: number;
  symbols: number;
  levels: number;
}

export function boardEntryWords(levels: number): number {
  return (B_LEVELS + D_LEVEL_WORDS * levels + 7) & ~7;
}

export function createQuoteBoard(shape: QuoteBoardShape): SharedArrayBuffer {
  const entryWords = boardEntryWords(shape.levels);
  const sab = new SharedArrayBuffer(BOARD_HEADER_BYTES + shape.venues * shape.symbols * entryWords * 8);
  const h = new Int32Array(sab, 0, 4);
  h[0] = shape.venues;
  h[1] = shape.symbols;
  h[2] = shape.levels;
  h[3] = entryWords;
  return sab;
}

export class QuoteBoard {
  readonly venues: number;
  readonly symbols: number;
  readonly levels: number;
  readonly entryWords: number;
  /** Whole-board views; entry e starts at word e * entryWords of `f64` (after the header). */
  readonly f64: Float64Array;
  private readonly i32: Int32Array;
  /** Reader retries (contention) and reads that gave up, for monitoring. */
  retries = 0;
  failedReads = 0;

  constructor(sab: SharedArrayBuffer) {
    const h = new Int32Array(sab, 0, 4);
    this.venues = h[0]!;
    this.symbols = h[1]!;
    this.levels = h[2]!;
    this.entryWords = h[3]!;
    this.f64 = new Float64Array(sab, BOARD_HEADER_BYTES);
    this.i32 = new Int32Array(sab, BOARD_HEADER_BYTES);
  }

  /** Word offset of the entry of (venue, symbol). */
  entry(venue: number, symbol: number): number {
    return (venue * this.symbols + symbol) * this.entryWords;
  }

  // ---- writer (one thread per entry) -------------------------------------------------------

  /** Opens a write on the entry at word offset `e`; fields are then written into `f64`. */
  beginWrite(e: number): void {
    Atomics.add(this.i32, e * 2, 1); // odd: write in progress
  }

  endWrite(e: number): void {
    this.f64[e + B_UPDATES]! += 1;
    Atomics.add(this.i32, e * 2, 1); // even again
  }

  /** Writes the top of book in one seqlocked step. */
  writeTop(venue: number, symbol: number, updateId: number, exchMs: number, recvNs: number, pubNs: number,
    flags: number, bidPx: number, bidSz: number, askPx: number, askSz: number): void {
    const e = this.entry(venue, symbol);
    const f = this.f64;
    this.beginWrite(e);
    f[e + B_UPDATE_ID] = updateId;
    f[e + B_EXCH_MS] = exchMs;
    f[e + B_RECV_NS] = recvNs;
    f[e + B_PUB_NS] = pubNs;
    f[e + B_FLAGS] = flags;
    f[e + B_BID_PX] = bidPx;
    f[e + B_BID_SZ] = bidSz;
    f[e + B_ASK_PX] = askPx;
    f[e + B_ASK_SZ] = askSz;
    this.endWrite(e);
  }

  /** Marks the entry usable or not (gap, crossed, stale, disconnected) without touching prices. */
  setUsable(venue: number, symbol: number, usable: boolean, reason: number): void {
    const e = this.entry(venue, symbol);
    const f = this.f64;
    this.beginWrite(e);
    const flags = f[e + B_FLAGS]!;
    f[e + B_FLAGS] = usable ? flags | FLAG_USABLE : flags & ~FLAG_USABLE;
    f[e + B_REASON] = reason;
    this.endWrite(e);
  }

  // ---- readers (any thread) ----------------------------------------------------------------

  /**
   * Copies the entry of (venue, symbol) into `out` (at least entryWords long, word 0 unused)
   * under the seqlock. Returns false if no consistent copy was had in `maxTries` attempts.
   */
  read(venue: number, symbol: number, out: Float64Array, maxTries = 64): boolean {
    const e = this.entry(venue, symbol);
    const i32 = this.i32;
    const f = this.f64;
    const words = this.entryWords;
    for (let t = 0; t < maxTries; t++) {
      const s1 = Atomics.load(i32, e * 2);
      if ((s1 & 1) === 0) {
        for (let k = 1; k < words; k++) out[k] = f[e + k]!;
        if (Atomics.load(i32, e * 2) === s1) return true;
      }
      this.retries++;
    }
    this.failedReads++;
    return false;
  }

  /** Sequence word of an entry: changes on every write (cheap "has it changed" check). */
  version(venue: number, symbol: number): number {
    return Atomics.load(this.i32, this.entry(venue, symbol) * 2);
  }
}
