/** A plain Map order book: the obviously-correct reference the fast book is compared with. */
import { BOOK_ASK, BOOK_BID, type OrderBook } from '../../src/venues/order-book.js';

export class MapBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  set(side: number, px: number, sz: number): void {
    const m = side === BOOK_BID ? this.bids : this.asks;
    if (sz === 0) m.delete(px);
    else m.set(px, sz);
  }
  /** Levels best first. */
  levels(side: number): [number, number][] {
    const m = side === BOOK_BID ? this.bids : this.asks;
    return [...m.entries()].sort((a, b) => (side === BOOK_BID ? b[0] - a[0] : a[0] - b[0]));
  }
}

export function bookLevels(book: OrderBook, side: number): [number, number][] {
  const out: [number, number][] = [];
  const n = side === BOOK_BID ? book.bidCount : book.askCount;
  for (let i = 0; i < n; i++) out.push(side === BOOK_BID ? [book.bidPx(i), book.bidSize(i)] : [book.askPx(i), book.askSize(i)]);
  return out;
}

export { BOOK_ASK, BOOK_BID };
