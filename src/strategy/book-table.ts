/**
 * Latest top of book per (venue, symbol), as the strategy last saw it: one Float64Array,
 * BOOK_WORDS words per entry at index (v * nSym + s) * BOOK_WORDS.
 */
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
