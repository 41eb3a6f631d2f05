/**
 * Bybit v5 adapter: URLs, topics, subscribe batches, heartbeat and REST parsing (pure builders).
 * Public WS: wss://stream.bybit.com/v5/public/{spot|linear}; REST https://api.bybit.com.
 */
import { MARKET_LINEAR, MARKET_NAMES, VENUE_BYBIT } from '../../core/records.js';
import type { SymbolTable } from '../../core/symbols.js';
import type { BookSync, Endpoints, FrameParser, Heartbeat, StreamKind, SymbolFilters, VenueAdapter } from '../venue.js';
import type { DepthSnapshot } from '../sync-result.js';
import { BybitFrameParser } from './frame-parser.js';
import { BybitBookSync } from './book-sync.js';
import { parseBybitOrderbookSnapshot, parseBybitSymbolFilters } from './rest.js';

export const BYBIT_WS = 'wss://stream.bybit.com';
export const BYBIT_REST = 'https://api.bybit.com';
/** Spot accepts at most 10 args per subscribe request. */
export const BYBIT_SPOT_SUBSCRIBE_BATCH = 10;
/** Linear has no documented count limit, only 21,000 chars of args per connection. */
export const BYBIT_LINEAR_SUBSCRIBE_BATCH = 100;
export const BYBIT_PING_INTERVAL_MS = 20_000;
/** Depth of the book stream used for the L2 book. */
export const BYBIT_DEPTH_LEVELS = 50;

function trimSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

function category(market: number): string {
  return MARKET_NAMES[market] ?? 'spot';
}

export const bybitAdapter: VenueAdapter = {
  id: VENUE_BYBIT,
  name: 'bybit',
  restSnapshotSync: false,

  /** `orderbook.1.<SYM>` (top; spot has no bid1/ask1 in tickers), `orderbook.50.<SYM>`, `publicTrade.<SYM>`. */
  streamName(symbol: string, kind: StreamKind, _market: number): string {
    const s = symbol.toUpperCase();
    if (kind === 'top') return `orderbook.1.${s}`;
    if (kind === 'depth') return `orderbook.${BYBIT_DEPTH_LEVELS}.${s}`;
    return `publicTrade.${s}`;
  },

  /** Topics are subscribed after connecting; the URL only picks the category. */
  marketDataUrl(market: number, _streams: readonly string[], endpoints: Endpoints = {}): string {
    return `${trimSlash(endpoints.wsBase ?? BYBIT_WS)}/v5/public/${category(market)}`;
  },

  /** `{"req_id":"N","op":"subscribe","args":[…]}`, at most 10 args each on spot. */
  subscribeMessages(market: number, streams: readonly string[], firstId: number): string[] {
    const batch = market === MARKET_LINEAR ? BYBIT_LINEAR_SUBSCRIBE_BATCH : BYBIT_SPOT_SUBSCRIBE_BATCH;
    const out: string[] = [];
    for (let i = 0; i < streams.length; i += batch) {
      out.push(JSON.stringify({ req_id: String(firstId + out.length), op: 'subscribe', args: streams.slice(i, i + batch) }));
    }
    return out;
  },

  heartbeat(_market: number): Heartbeat {
    return {
      intervalMs: BYBIT_PING_INTERVAL_MS,
      message: '{"op":"ping"}',
      note: 'client sends {"op":"ping"} every 20 s; the server answers with op "ping"/"pong" and cuts idle connections after 10 min',
    };
  },

  /** `/v5/market/orderbook?category=spot&symbol=X&limit=N` (spot 1..200, linear 1..500 in current docs; 1000 documented for some). */
  snapshotUrl(market: number, symbol: string, limit: number, endpoints: Endpoints = {}): string {
    return `${trimSlash(endpoints.restBase ?? BYBIT_REST)}/v5/market/orderbook?category=${category(market)}&symbol=${symbol.toUpperCase()}&limit=${limit}`;
  },

  parseSnapshot(body: string): DepthSnapshot {
    return parseBybitOrderbookSnapshot(body);
  },

  parseSymbolFilters(body: string, symbol: string, market: number): SymbolFilters {
    return parseBybitSymbolFilters(body, symbol, market);
  },

  createFrameParser(symbols: SymbolTable, market: number): FrameParser {
    return new BybitFrameParser(symbols, market);
  },

  createBookSync(_market: number): BookSync {
    return new BybitBookSync();
  },
};
