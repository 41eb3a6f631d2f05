/**
 * BookView: how the fill simulator sees a venue's order book, whoever keeps it. The executor
 * worker reads the shared quote board (QuoteBoardBookView below); the backtest engine keeps its
 * own book and implements the same interface.
 *
 * readLevels writes a records.ts depth record into `out` (at least depthWords(levels) words):
 *   out[H_FLAGS]   FLAG_USABLE when the book is in sync and fresh enough to trade on
 *   out[H_RECV_NS] local receive time of the book's last update (monotonic ns)
 *   out[H_SEQ]     book version: any number that changes whenever the book changes (the
 *                  fill simulator forgets the liquidity it consumed when it does)
 *   out[D_LEVELS + 4*i + D_BID_PX | D_BID_SZ | D_ASK_PX | D_ASK_SZ]  level i, 0 = top of book,
 *                  best first; a missing level is px 0, sz 0.
 * and returns the number of levels written: 0 = no book for this (venue, symbol).
 */
import { QuoteBoard, B_ASK_PX, B_ASK_SZ, B_BID_PX, B_BID_SZ, B_FLAGS, B_LEVELS, B_NLEVELS, B_RECV_NS, B_UPDATES } from '../core/quote-board.js';
import { D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVELS, D_LEVEL_WORDS, H_FLAGS, H_RECV_NS, H_SEQ } from '../core/records.js';

export interface BookView {
  readLevels(venue: number, symbol: number, out: Float64Array): number;
}

/** How many levels a depth record buffer of this length can hold. */
export function levelCapacity(out: Float64Array): number {
  return Math.max(0, Math.floor((out.length - D_LEVELS) / D_LEVEL_WORDS));
}

/**
 * The quote board as a BookView (paper mode). Uses the depth levels when the feed wrote some,
 * else the top of book as a single level. Version = the entry's update counter.
 */
export class QuoteBoardBookView implements BookView {
  private readonly scratch: Float64Array;
  /** Reads that gave up under writer contention (reported as "no book"). */
  failedReads = 0;

  constructor(private readonly board: QuoteBoard) {
    this.scratch = new Float64Array(board.entryWords);
  }

  readLevels(venue: number, symbol: number, out: Float64Array): number {
    const e = this.scratch;
    if (!this.board.read(venue, symbol, e)) {
      this.failedReads++;
      return 0;
    }
    const cap = levelCapacity(out);
    out[H_FLAGS] = e[B_FLAGS]!;
    out[H_RECV_NS] = e[B_RECV_NS]!;
    out[H_SEQ] = e[B_UPDATES]!;
    let n = e[B_NLEVELS]!;
    if (n > this.board.levels) n = this.board.levels;
    if (n > cap) n = cap;
    if (n > 0) {
      for (let i = 0; i < n; i++) {
        const src = B_LEVELS + D_LEVEL_WORDS * i;
        const dst = D_LEVELS + D_LEVEL_WORDS * i;
        out[dst + D_BID_PX] = e[src + D_BID_PX]!;
        out[dst + D_BID_SZ] = e[src + D_BID_SZ]!;
        out[dst + D_ASK_PX] = e[src + D_ASK_PX]!;
        out[dst + D_ASK_SZ] = e[src + D_ASK_SZ]!;
      }
      return n;
    }
    if (cap < 1 || (e[B_BID_PX]! <= 0 && e[B_ASK_PX]! <= 0)) return 0;
    out[D_LEVELS + D_BID_PX] = e[B_BID_PX]!;
    out[D_LEVELS + D_BID_SZ] = e[B_BID_SZ]!;
    out[D_LEVELS + D_ASK_PX] = e[B_ASK_PX]!;
    out[D_LEVELS + D_ASK_SZ] = e[B_ASK_SZ]!;
    return 1;
  }
}
