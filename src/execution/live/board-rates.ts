/**
 * The price of a fee asset in quote for fee conversion (fee-units.ts): a commission paid in
 * BNB is booked at the board's BNB<quote> price when xarb trades that symbol (the mid of the
 * venues whose book is usable, read under the board's seqlock), else at the configured rate
 * (`execution.bnb_price_quote`, `fallback`). The board is the feeds' live top of book, so the
 * rate follows the market instead of a number typed into the config at some earlier date.
 *
 * Called per fill that carries a third-asset fee, never per quote: one read of at most two
 * board entries into a preallocated buffer.
 */
import { FLAG_USABLE } from '../../core/records.js';
import { B_ASK_PX, B_BID_PX, B_FLAGS, type QuoteBoard } from '../../core/quote-board.js';
import { splitSymbolAssets } from '../../report/pnl.js';
import type { RateInQuote } from './fee-units.js';

export function boardRates(board: QuoteBoard, symbols: readonly string[], fallback: RateInQuote): RateInQuote {
  const quote = splitSymbolAssets(symbols[0] ?? '').quote;
  const buf = new Float64Array(board.entryWords + 1);
  return (asset) => {
    const s = quote === '' ? -1 : symbols.indexOf(asset + quote);
    if (s < 0 || s >= board.symbols) return fallback(asset);
    let sum = 0;
    let n = 0;
    for (let v = 0; v < board.venues; v++) {
      if (!board.read(v, s, buf)) continue;
      const bid = buf[B_BID_PX]!;
      const ask = buf[B_ASK_PX]!;
      if ((buf[B_FLAGS]! & FLAG_USABLE) === 0 || !(bid > 0) || !(ask >= bid)) continue;
      sum += (bid + ask) / 2;
      n++;
    }
    return n > 0 ? sum / n : fallback(asset);
  };
}
