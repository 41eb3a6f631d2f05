/**
 * ArbitrageStrategy.onQuoteRecord (the strategy thread's entry: the quote read from its ring
 * record) is onQuote: the same quotes through either give the same orders, events and books.
 * Quotes, a legged round and an unusable book are driven through both.
 */
import t from 'tap';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import {
  FLAG_USABLE, H_EXCH_MS, H_FLAGS, H_KIND, H_RECV_NS, H_SYMBOL, H_VENUE, KIND_QUOTE, Q_ASK_PX, Q_ASK_SZ, Q_BID_PX, Q_BID_SZ,
  QUOTE_WORDS, ST_FILLED, ST_REJECTED, ASSET_BASE,
} from '../../src/core/records.js';
import { BINANCE, BTC, BYBIT, MS, RecordingEvents, RecordingSink, baseBalances, baseConfig, baseFilters } from './harness.js';

type Quote = [venue: number, bid: number, bidSz: number, ask: number, askSz: number, ms: number, usable: boolean];

const QUOTES: Quote[] = [
  [BINANCE, 29990, 0.5, 30000, 0.5, 1, true],
  [BYBIT, 30100, 0.3, 30110, 0.4, 2, true], // a pair
  [BYBIT, 30105, 0.2, 30112, 0.4, 3, true],
  [BINANCE, 29995, 0.5, 30001, 0.5, 4, false], // unusable book
  [BINANCE, 29980, 1.5, 29990, 0.7, 5000, true],
  [BYBIT, 30200, 0.9, 30210, 0.4, 5001, true],
];

function drive(viaRecord: boolean) {
  const sink = new RecordingSink();
  const ev = new RecordingEvents();
  const s = new ArbitrageStrategy(baseConfig(), baseFilters(), baseBalances(), sink, ev);
  const rec = new Float64Array(QUOTE_WORDS * 4);
  let slot = 0;
  for (const [venue, bid, bidSz, ask, askSz, ms, usable] of QUOTES) {
    const exch = 1_700_000_000_000 + ms;
    if (viaRecord) {
      const o = (slot++ & 3) * QUOTE_WORDS + 0; // any offset in the array
      rec[o + H_KIND] = KIND_QUOTE; rec[o + H_VENUE] = venue; rec[o + H_SYMBOL] = BTC;
      rec[o + Q_BID_PX] = bid; rec[o + Q_BID_SZ] = bidSz; rec[o + Q_ASK_PX] = ask; rec[o + Q_ASK_SZ] = askSz;
      rec[o + H_FLAGS] = usable ? FLAG_USABLE : 0; rec[o + H_EXCH_MS] = exch; rec[o + H_RECV_NS] = ms * MS;
      s.onQuoteRecord(rec, o, ms * MS);
    } else {
      s.onQuote(venue, BTC, bid, bidSz, ask, askSz, usable, exch, ms * MS, ms * MS);
    }
    if (ms === 2) {
      // The pair's buy leg fills, the sell leg is rejected: a legged round that hedges.
      s.onReport(1, ST_FILLED, 30003, 0.3, 0.3, 0, ASSET_BASE, 0, 3 * MS);
      s.onReport(2, ST_REJECTED, 0, 0, 0, 0, ASSET_BASE, -2010, 3 * MS);
    }
  }
  return { orders: sink.calls, events: ev.events.map((e) => JSON.stringify(e)), quotes: s.stats.quotes, books: [0, 1].map((v) => [s.books.bidPx(v, BTC), s.books.askSz(v, BTC), s.books.recvNs(v, BTC), s.books.exchMs(v, BTC), s.books.usable(v, BTC)]) };
}

t.test('onQuoteRecord decides exactly as onQuote', async (t) => {
  const a = drive(false);
  const b = drive(true);
  t.ok(a.orders.length >= 3, `the sequence trades (a pair and a hedge): ${a.orders.length} orders`);
  t.same(b.orders, a.orders);
  t.same(b.events, a.events);
  t.same(b.books, a.books);
  t.equal(b.quotes, QUOTES.length);
});

t.test('a record with a venue or symbol out of range is counted and ignored', async (t) => {
  const s = new ArbitrageStrategy(baseConfig(), baseFilters(), baseBalances(), new RecordingSink(), new RecordingEvents());
  const rec = new Float64Array(QUOTE_WORDS);
  rec[H_KIND] = KIND_QUOTE; rec[H_VENUE] = 7; rec[H_SYMBOL] = BTC; rec[Q_BID_PX] = 1; rec[Q_ASK_PX] = 2;
  s.onQuoteRecord(rec, 0, MS);
  rec[H_VENUE] = BINANCE; rec[H_SYMBOL] = 3;
  s.onQuoteRecord(rec, 0, MS);
  t.equal(s.stats.ignoredQuotes, 2);
  t.equal(s.stats.quotes, 0);
});
