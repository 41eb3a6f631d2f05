/**
 * The paper pipeline's components, built as the paper bot wires them, for tests that drive
 * them on one thread: per venue a feed handler (parser, book sync, quote board, drop-oldest
 * ring), the quote board, and the dry-run executor with a paper run's seeded latency draws
 * (src/actors/dry-run-executor-setup.ts).
 */
import type { XarbConfig } from '../../src/config/index.js';
import { createQuoteBoard, QuoteBoard } from '../../src/core/quote-board.js';
import { createRing, POLICY_DROP_OLDEST, RingConsumer, RingProducer } from '../../src/core/ring.js';
import { QUOTE_WORDS, VENUE_BINANCE, VENUE_BYBIT, VENUE_COUNT, VENUE_NAMES } from '../../src/core/records.js';
import { HopRecorders } from '../../src/core/histogram.js';
import { SymbolTable } from '../../src/core/symbols.js';
import { FeedHandler, type FeedActions } from '../../src/actors/feed-handler.js';
import { QuoteBoardBookView } from '../../src/execution/book-view.js';
import { DryRunExecutor } from '../../src/execution/dry-run-executor.js';
import { dryRunExecutorLatency, type LatencyModelConfig } from '../../src/execution/latency-model.js';
import type { VenueBalances } from '../../src/strategy/config.js';
import { BinanceFrameParser } from '../../src/venues/binance/frame-parser.js';
import { BINANCE_SPOT, BinanceBookSync } from '../../src/venues/binance/book-sync.js';
import { BybitFrameParser } from '../../src/venues/bybit/frame-parser.js';
import { BybitBookSync } from '../../src/venues/bybit/book-sync.js';
import { ParsedFrame } from '../../src/venues/parsed-frame.js';

export interface PaperComponents {
  board: QuoteBoard;
  hist: HopRecorders;
  rings: RingConsumer[];
  handlers: FeedHandler[];
  binSync: BinanceBookSync[];
  exec: DryRunExecutor;
  view: QuoteBoardBookView;
}

export function paperComponents(cfg: XarbConfig, symbols: string[], balances: VenueBalances, levels: number,
  entry: LatencyModelConfig, response: LatencyModelConfig, seed: number): PaperComponents {
  const table = new SymbolTable(symbols);
  const board = new QuoteBoard(createQuoteBoard({ venues: VENUE_COUNT, symbols: symbols.length, levels }));
  const hist = new HopRecorders('test', 0, 'js');
  const noActions: FeedActions = { resync() {}, reconnect() {}, badFrame() {} };
  const rings: RingConsumer[] = [];
  const handlers: FeedHandler[] = [];
  const binSync = symbols.map(() => new BinanceBookSync(BINANCE_SPOT, { bookCapacity: 1024 }));
  for (const venue of [VENUE_BINANCE, VENUE_BYBIT]) {
    const sab = createRing(4096, QUOTE_WORDS, POLICY_DROP_OLDEST);
    rings.push(new RingConsumer(sab));
    const parser = venue === VENUE_BINANCE ? new BinanceFrameParser(table, 0, new ParsedFrame()) : new BybitFrameParser(table, 0, new ParsedFrame());
    const books = venue === VENUE_BINANCE ? binSync : symbols.map(() => new BybitBookSync({ bookCapacity: 1024 }));
    const h = new FeedHandler(venue, 0, parser, books, new RingProducer(sab), board, hist, noActions, true);
    h.setConnected(true, 0);
    handlers.push(h);
  }
  const lat = dryRunExecutorLatency(entry, response, seed);
  const exec = new DryRunExecutor({
    venues: VENUE_COUNT, symbols: symbols.length, depthLevels: board.levels, entryLatency: lat.entry, responseLatency: lat.response,
    takerFeeRate: [cfg.fees.binance_taker_bps / 1e4, cfg.fees.bybit_taker_bps / 1e4],
    balances: VENUE_NAMES.map((v) => ({ base: symbols.map((s) => balances[v]!.base[s] ?? 0), quote: balances[v]!.quote })),
  });
  return { board, hist, rings, handlers, binSync, exec, view: new QuoteBoardBookView(board) };
}
