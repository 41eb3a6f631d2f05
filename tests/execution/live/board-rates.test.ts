/**
 * BNB commissions at the board's price: when BNBUSDT is one of the traded symbols, a fee paid
 * in BNB is converted at the mid of the venues whose BNBUSDT book is usable; with none usable,
 * or without BNBUSDT on the board, at the configured `execution.bnb_price_quote`.
 */
import t from 'tap';
import { ASSET_QUOTE, FLAG_USABLE } from '../../../src/core/records.js';
import { QuoteBoard, createQuoteBoard } from '../../../src/core/quote-board.js';
import { boardRates } from '../../../src/execution/live/board-rates.js';
import { executorFee, ratesFrom } from '../../../src/execution/live/fee-units.js';

const SYMBOLS = ['BTCUSDT', 'BNBUSDT'];

function board(): QuoteBoard {
  return new QuoteBoard(createQuoteBoard({ venues: 2, symbols: 2, levels: 1 }));
}

t.test('BNBUSDT on the board: the mid of the usable venues', async (t) => {
  const b = board();
  const rate = boardRates(b, SYMBOLS, ratesFrom({ BNB: 500 }));
  t.equal(rate('BNB'), 500, 'no quote yet: the configured rate');
  b.writeTop(0, 1, 1, 0, 0, 0, FLAG_USABLE, 599, 1, 601, 1);
  t.equal(rate('BNB'), 600, 'one venue: its mid');
  b.writeTop(1, 1, 1, 0, 0, 0, FLAG_USABLE, 603, 1, 605, 1);
  t.equal(rate('BNB'), 602, 'both venues: the mean of their mids');
  b.setUsable(0, 1, false, 1);
  t.equal(rate('BNB'), 604, 'an unusable book does not count');
  b.setUsable(1, 1, false, 1);
  t.equal(rate('BNB'), 500, 'no usable book: the configured rate');
  t.equal(rate('XYZ'), undefined, 'an asset neither on the board nor configured');
  // A buy of 0.01 BTC at 60000 whose commission (0.0009 BNB) is paid in BNB, booked in quote at the board's price.
  b.writeTop(1, 1, 2, 0, 0, 0, FLAG_USABLE, 603, 1, 605, 1);
  const fee = executorFee([{ fee: 0.0009, feeAsset: 'BNB', price: 60000, qty: 0.01 }], 'BUY', { base: 'BTC', quote: 'USDT' }, rate, 0.001);
  t.same(fee, { cumFee: 0.0009 * 604, feeAsset: ASSET_QUOTE, converted: true, estimated: false });
});

t.test('BNBUSDT not traded: the configured rate', async (t) => {
  const rate = boardRates(board(), ['BTCUSDT', 'ETHUSDT'], ratesFrom({ BNB: 610 }));
  t.equal(rate('BNB'), 610);
});
