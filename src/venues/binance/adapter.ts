/**
 * Binance adapter: URLs, stream names, subscribe messages and REST parsing (pure builders).
 * Spot: wss://stream.binance.com:9443, https://api.binance.com/api/v3/depth.
 * USD-M (MARKET_LINEAR): wss://fstream.binance.com, https://fapi.binance.com/fapi/v1/depth.
 */
import { MARKET_LINEAR, MARKET_SPOT, VENUE_BINANCE } from '../../core/records.js';
import type { SymbolTable } from '../../core/symbols.js';
import type { Endpoints, FrameParser, Heartbeat, StreamKind, SymbolFilters, VenueAdapter, BookSync } from '../venue.js';
import type { DepthSnapshot } from '../sync-result.js';
import { BinanceFrameParser } from './frame-parser.js';
import { BinanceBookSync, BINANCE_FUTURES, BINANCE_SPOT } from './book-sync.js';
import { parseBinanceDepthSnapshot, parseBinanceSymbolFilters } from './rest.js';

export const BINANCE_SPOT_WS = 'wss://stream.binance.com:9443';
export const BINANCE_FUTURES_WS = 'wss://fstream.binance.com';
export const BINANCE_SPOT_REST = 'https://api.binance.com';
export const BINANCE_FUTURES_REST = 'https://fapi.binance.com';
/** Streams per SUBSCRIBE request: keeps each control message small (limits: 5 msgs/s spot, 10 futures). */
export const BINANCE_SUBSCRIBE_BATCH = 100;

/** Symbols in stream names are lower case; the stream type keeps its case (`@bookTicker`). */
function lowerSymbol(stream: string): string {
  const at = stream.indexOf('@');
  return at < 0 ? stream.toLowerCase() : stream.slice(0, at).toLowerCase() + stream.slice(at);
}

function trimSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

export const binanceAdapter: VenueAdapter = {
  id: VENUE_BINANCE,
  name: 'binance',
  restSnapshotSync: true,

  /** `<sym>@bookTicker`, `<sym>@depth@100ms`, `<sym>@trade` (lower case). */
  streamName(symbol: string, kind: StreamKind, _market: number): string {
    const s = symbol.toLowerCase();
    if (kind === 'top') return `${s}@bookTicker`;
    if (kind === 'depth') return `${s}@depth@100ms`;
    return `${s}@trade`;
  },

  /** Combined stream URL: `<base>/stream?streams=a/b/c`. */
  marketDataUrl(market: number, streams: readonly string[], endpoints: Endpoints = {}): string {
    const base = trimSlash(endpoints.wsBase ?? (market === MARKET_LINEAR ? BINANCE_FUTURES_WS : BINANCE_SPOT_WS));
    return `${base}/stream?streams=${streams.map(lowerSymbol).join('/')}`;
  },

  /** `{"method":"SUBSCRIBE","params":[…],"id":N}`; the reply is `{"result":null,"id":N}`. */
  subscribeMessages(_market: number, streams: readonly string[], firstId: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < streams.length; i += BINANCE_SUBSCRIBE_BATCH) {
      const params = streams.slice(i, i + BINANCE_SUBSCRIBE_BATCH).map(lowerSymbol);
      out.push(JSON.stringify({ method: 'SUBSCRIBE', params, id: firstId + out.length }));
    }
    return out;
  },

  heartbeat(market: number): Heartbeat {
    return {
      intervalMs: 0,
      message: null,
      note:
        market === MARKET_LINEAR
          ? 'server pings every 3 min and expects a pong within 10 min; the ws client library answers pings automatically'
          : 'server pings every 20 s and expects a pong within 1 min; the ws client library answers pings automatically',
    };
  },

  /** `/api/v3/depth?symbol=X&limit=N` (spot, max 5000) or `/fapi/v1/depth` (futures, max 1000). */
  snapshotUrl(market: number, symbol: string, limit: number, endpoints: Endpoints = {}): string {
    const futures = market === MARKET_LINEAR;
    const base = trimSlash(endpoints.restBase ?? (futures ? BINANCE_FUTURES_REST : BINANCE_SPOT_REST));
    const path = futures ? '/fapi/v1/depth' : '/api/v3/depth';
    return `${base}${path}?symbol=${symbol.toUpperCase()}&limit=${limit}`;
  },

  parseSnapshot(body: string): DepthSnapshot {
    return parseBinanceDepthSnapshot(body);
  },

  parseSymbolFilters(body: string, symbol: string, _market: number): SymbolFilters {
    return parseBinanceSymbolFilters(body, symbol);
  },

  createFrameParser(symbols: SymbolTable, market: number): FrameParser {
    return new BinanceFrameParser(symbols, market);
  },

  createBookSync(market: number): BookSync {
    return new BinanceBookSync(market === MARKET_SPOT ? BINANCE_SPOT : BINANCE_FUTURES);
  },
};
