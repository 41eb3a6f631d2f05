/**
 * A personality's own copy of one generator book, advanced one update at a time.
 * The generator runs a whole batch before the personalities see it, so its book shows the
 * state after the batch; a message about update i must show the book after update i.
 */
import { BookSide } from './book-side.js';
import type { VenueBook } from './market-generator.js';
import type { UpdateBatch } from './update-batch.js';

export class BookMirror {
  readonly bids: BookSide;
  readonly asks: BookSide;
  readonly tickUnit: number;
  readonly tickDecimals: number;
  readonly stepDecimals: number;

  constructor(source: VenueBook) {
    this.bids = copySide(source.bids, true);
    this.asks = copySide(source.asks, false);
    this.tickUnit = source.tickUnit;
    this.tickDecimals = source.tickDecimals;
    this.stepDecimals = source.stepDecimals;
  }

  apply(batch: UpdateBatch, first: number, end: number): void {
    for (let j = first; j < end; j++) {
      (batch.cSide[j] === 0 ? this.bids : this.asks).set(batch.cPrice[j]!, batch.cLots[j]!);
    }
  }
}

function copySide(from: BookSide, isBid: boolean): BookSide {
  const side = new BookSide(from.capacity, isBid);
  side.prices.set(from.prices);
  side.lots.set(from.lots);
  side.count = from.count;
  return side;
}
