/**
 * The venue adapter interface: the pure parts of talking to one exchange. The feed worker owns
 * the socket and calls these; nothing here does I/O or reads a clock. Adding a venue means
 * adding a folder that implements `VenueAdapter` and registering it in registry.ts.
 */
import type { SymbolTable } from '../core/symbols.js';
import type { OrderBook } from './order-book.js';
import type { ParsedFrame } from './parsed-frame.js';
import type { DepthSnapshot, SyncCounters } from './sync-result.js';

/** What a stream carries. */
export type StreamKind = 'top' | 'depth' | 'trade';

export interface Endpoints {
  /** Market-data WebSocket base, e.g. wss://stream.binance.com:9443 (a simulator: ws://127.0.0.1:port). */
  wsBase?: string;
  /** REST base, e.g. https://api.binance.com. */
  restBase?: string;
}

export interface Heartbeat {
  /** How often the client must send `message`; 0 = the client sends nothing. */
  intervalMs: number;
  message: string | null;
  /** Who pings whom, for logs and docs. */
  note: string;
}

export interface SymbolFilters {
  symbol: string;
  tickSize: number;
  stepSize: number;
  minQty: number;
  /** Minimum order value in quote currency (0 if the venue gives none). */
  minNotional: number;
}

/** A frame parser: fills `frame` from one frame's bytes; returns frame.msg. Never throws. */
export interface FrameParser {
  readonly frame: ParsedFrame;
  parse(buf: Buffer, len: number): number;
}

/** Book sync for one (symbol, depth stream). Results are sync-result.ts SYNC_* values. */
export interface BookSync extends SyncCounters {
  readonly book: OrderBook;
  readonly usable: boolean;
  /** A depth frame (delta, or a Bybit snapshot frame). */
  onDiff(frame: ParsedFrame): number;
  reset(): void;
}

export interface VenueAdapter {
  /** records.ts VENUE_* id. */
  readonly id: number;
  readonly name: string;
  /** Whether depth sync needs a REST snapshot (Binance) or the stream brings its own (Bybit). */
  readonly restSnapshotSync: boolean;
  streamName(symbol: string, kind: StreamKind, market: number): string;
  marketDataUrl(market: number, streams: readonly string[], endpoints?: Endpoints): string;
  /** Subscribe requests for streams on an open connection, numbered from firstId. */
  subscribeMessages(market: number, streams: readonly string[], firstId: number): string[];
  heartbeat(market: number): Heartbeat;
  snapshotUrl(market: number, symbol: string, limit: number, endpoints?: Endpoints): string;
  parseSnapshot(body: string): DepthSnapshot;
  parseSymbolFilters(body: string, symbol: string, market: number): SymbolFilters;
  createFrameParser(symbols: SymbolTable, market: number): FrameParser;
  createBookSync(market: number): BookSync;
}

/** A venue REST/instrument response that does not have the expected shape. */
export class VenueResponseError extends Error {
  constructor(
    readonly venue: string,
    message: string,
  ) {
    super(`${venue}: ${message}`);
    this.name = 'VenueResponseError';
  }
}
