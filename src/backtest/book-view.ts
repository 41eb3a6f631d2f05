/**
 * The backtest's venue-side books, as arriving orders meet them (execution/book-view.ts
 * BookView): per (venue, symbol) the latest top of book (bookTicker / orderbook.1) at venue
 * time and, in depth mode,
 * the depth book kept by the venue's own book sync. The top-of-book stream is faster than the
 * depth stream (the depth one is batched every 20-100 ms), so level 0 is the latest touch and
 * depth levels at or through it are taken as already consumed.
 */
import { D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVELS, D_LEVEL_WORDS, FLAG_USABLE, H_FLAGS, H_RECV_NS, H_SEQ } from '../core/records.js';
import type { BookView } from '../execution/book-view.js';
import type { OrderBook } from '../venues/order-book.js';

export class BacktestBooks implements BookView {
  /** Top of book per (venue, symbol): index v * nSym + s. */
  readonly bidPx: Float64Array;
  readonly bidSz: Float64Array;
  readonly askPx: Float64Array;
  readonly askSz: Float64Array;
  readonly recvNs: Float64Array;
  /** Version per (venue, symbol): bumped on every change of either book. */
  readonly version: Float64Array;
  /** Depth books (null = top of book only). */
  readonly depth: (OrderBook | null)[];
  readonly depthUsable: Uint8Array;
  private readonly scratch: Float64Array;

  constructor(readonly nVenue: number, readonly nSym: number, readonly levels: number) {
    const n = nVenue * nSym;
    this.bidPx = new Float64Array(n);
    this.bidSz = new Float64Array(n);
    this.askPx = new Float64Array(n);
    this.askSz = new Float64Array(n);
    this.recvNs = new Float64Array(n);
    this.version = new Float64Array(n);
    this.depth = new Array<OrderBook | null>(n).fill(null);
    this.depthUsable = new Uint8Array(n);
    this.scratch = new Float64Array(D_LEVELS + D_LEVEL_WORDS * (levels + 1));
  }

  readLevels(venue: number, symbol: number, out: Float64Array): number {
    const i = venue * this.nSym + symbol;
    const bp = this.bidPx[i]!;
    const ap = this.askPx[i]!;
    const cap = Math.floor((out.length - D_LEVELS) / D_LEVEL_WORDS);
    if (cap < 1 || (bp <= 0 && ap <= 0)) return 0;
    out[H_FLAGS] = FLAG_USABLE;
    out[H_RECV_NS] = this.recvNs[i]!;
    out[H_SEQ] = this.version[i]!;
    out[D_LEVELS + D_BID_PX] = bp;
    out[D_LEVELS + D_BID_SZ] = this.bidSz[i]!;
    out[D_LEVELS + D_ASK_PX] = ap;
    out[D_LEVELS + D_ASK_SZ] = this.askSz[i]!;
    const book = this.depth[i];
    if (book === null || book === undefined || this.depthUsable[i] === 0 || cap === 1) return 1;
    const want = cap < this.levels ? cap : this.levels;
    const sc = this.scratch;
    book.topN(want + 1, sc, 0);
    // bids strictly below the touch, asks strictly above it, each side packed from level 1
    let nb = 1;
    let na = 1;
    for (let k = 0; k <= want; k++) {
      const o = D_LEVELS + D_LEVEL_WORDS * k;
      const px = sc[o + D_BID_PX]!;
      if (px > 0 && px < bp && nb < want) {
        const d = D_LEVELS + D_LEVEL_WORDS * nb++;
        out[d + D_BID_PX] = px;
        out[d + D_BID_SZ] = sc[o + D_BID_SZ]!;
      }
      const pa = sc[o + D_ASK_PX]!;
      if (pa > 0 && pa > ap && na < want) {
        const d = D_LEVELS + D_LEVEL_WORDS * na++;
        out[d + D_ASK_PX] = pa;
        out[d + D_ASK_SZ] = sc[o + D_ASK_SZ]!;
      }
    }
    const n = nb > na ? nb : na;
    for (let k = nb; k < n; k++) {
      const d = D_LEVELS + D_LEVEL_WORDS * k;
      out[d + D_BID_PX] = 0;
      out[d + D_BID_SZ] = 0;
    }
    for (let k = na; k < n; k++) {
      const d = D_LEVELS + D_LEVEL_WORDS * k;
      out[d + D_ASK_PX] = 0;
      out[d + D_ASK_SZ] = 0;
    }
    return n;
  }
}
