/**
 * Latest top of book per (venue, symbol), as the strategy last saw it: one Float64Array,
 * BOOK_WORDS words per entry at index (v * nSym + s) * BOOK_WORDS.
 */
import { FLAG_USABLE, H_EXCH_MS, H_FLAGS, H_RECV_NS, Q_ASK_PX, Q_ASK_SZ, Q_BID_PX, Q_BID_SZ } from '../core/records.js';

const B_BID_PX = 0;
const B_BID_SZ = 1;
const B_ASK_PX = 2;
const B_ASK_SZ = 3;
const B_RECV_NS = 4; // local receive time of the last quote (staleness is measured from here)
const B_EXCH_MS = 5;
const B_USABLE = 6; // 1 = in sync per the feed, 0 = not
const BOOK_WORDS = 8;

export class BookTable {
  private readonly w: Float64Array;

  constructor(
    readonly nVenue: number,
    readonly nSym: number,
  ) {
    this.w = new Float64Array(nVenue * nSym * BOOK_WORDS);
  }

  set(v: number, s: number, bidPx: number, bidSz: number, askPx: number, askSz: number, usable: boolean, exchMs: number, recvNs: number): void {
    const o = (v * this.nSym + s) * BOOK_WORDS;
    const w = this.w;
    w[o + B_BID_PX] = bidPx;
    w[o + B_BID_SZ] = bidSz;
    w[o + B_ASK_PX] = askPx;
    w[o + B_ASK_SZ] = askSz;
    w[o + B_RECV_NS] = recvNs;
    w[o + B_EXCH_MS] = exchMs;
    w[o + B_USABLE] = usable ? 1 : 0;
  }

  /** `set` from a QUOTE record (core/records.ts layout) at word `o` of `d`, flags and all. */
  setFromRecord(v: number, s: number, d: Float64Array, o: number): void {
    const b = (v * this.nSym + s) * BOOK_WORDS;
    const w = this.w;
    w[b + B_BID_PX] = d[o + Q_BID_PX]!;
    w[b + B_BID_SZ] = d[o + Q_BID_SZ]!;
    w[b + B_ASK_PX] = d[o + Q_ASK_PX]!;
    w[b + B_ASK_SZ] = d[o + Q_ASK_SZ]!;
    w[b + B_RECV_NS] = d[o + H_RECV_NS]!;
    w[b + B_EXCH_MS] = d[o + H_EXCH_MS]!;
    w[b + B_USABLE] = (d[o + H_FLAGS]! & FLAG_USABLE) !== 0 ? 1 : 0;
  }

  setUsable(v: number, s: number, usable: boolean): void {
    this.w[(v * this.nSym + s) * BOOK_WORDS + B_USABLE] = usable ? 1 : 0;
  }

  bidPx(v: number, s: number): number {
    return this.w[(v * this.nSym + s) * BOOK_WORDS + B_BID_PX]!;
  }
  bidSz(v: number, s: number): number {
    return this.w[(v * this.nSym + s) * BOOK_WORDS + B_BID_SZ]!;
  }
  askPx(v: number, s: number): number {
    return this.w[(v * this.nSym + s) * BOOK_WORDS + B_ASK_PX]!;
  }
  askSz(v: number, s: number): number {
    return this.w[(v * this.nSym + s) * BOOK_WORDS + B_ASK_SZ]!;
  }
  recvNs(v: number, s: number): number {
    return this.w[(v * this.nSym + s) * BOOK_WORDS + B_RECV_NS]!;
  }
  exchMs(v: number, s: number): number {
    return this.w[(v * this.nSym + s) * BOOK_WORDS + B_EXCH_MS]!;
  }
  usable(v: number, s: number): boolean {
    return this.w[(v * this.nSym + s) * BOOK_WORDS + B_USABLE] === 1;
  }

  /** Both sides present (a quote has arrived and neither side is empty). */
  hasQuote(v: number, s: number): boolean {
    const o = (v * this.nSym + s) * BOOK_WORDS;
    return this.w[o + B_BID_PX]! > 0 && this.w[o + B_ASK_PX]! > 0;
  }

  /** Mid price, or 0 if the book has no two-sided quote. */
  mid(v: number, s: number): number {
    const o = (v * this.nSym + s) * BOOK_WORDS;
    const b = this.w[o + B_BID_PX]!;
    const a = this.w[o + B_ASK_PX]!;
    return b > 0 && a > 0 ? (b + a) / 2 : 0;
  }
}
