/**
 * workerData of each actor thread: the shared buffers it uses and the configuration it needs.
 * Built by the supervisor; everything here survives structured clone (SABs are shared).
 */
import type { WaitStrategyConfig } from '../core/wait-strategy.js';
import type { ArbitrageConfig, VenueBalances, VenueFilters } from '../strategy/config.js';

export interface FeedWorkerData {
  actor: string;
  venue: number;
  market: number;
  symbols: string[];
  wsUrl: string;
  restUrl: string;
  quoteRing: SharedArrayBuffer;
  board: SharedArrayBuffer;
  strategyBell: SharedArrayBuffer;
  control: SharedArrayBuffer;
  depthLevels: number;
  staleFeedMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  histogramIntervalMs: number;
  /** Subscribe to the diff-depth stream and keep a synced local book (else top of book only). */
  depth: boolean;
  /** `--record`: batch every frame and applied REST snapshot to the supervisor (data/frame-batch.ts). */
  record?: boolean;
}

export interface StrategyWorkerData {
  actor: string;
  symbols: string[];
  feedRings: SharedArrayBuffer[];
  reportRing: SharedArrayBuffer;
  intentRing: SharedArrayBuffer;
  bell: SharedArrayBuffer;
  executorBell: SharedArrayBuffer;
  control: SharedArrayBuffer;
  wait: WaitStrategyConfig;
  config: ArbitrageConfig;
  filters: VenueFilters;
  balances: VenueBalances;
  histogramIntervalMs: number;
  /** `[engine] dry_run_executor = "strategy-thread"`: run the dry-run executor on this thread. */
  colocatedExecutor?: ExecutorWorkerData;
  /** Live: a crashed run's leftover exposure to adopt (hedge) or flatten, per symbol (live-startup.ts). */
  leftovers?: Array<{ symbol: string; netQty: number; avgPx: number; flatten: boolean }>;
  /** `--record`: send what the strategy read, and when, to the supervisor (data/strategy-trace.ts). */
  record?: boolean;
  /** `[engine] live_executor` resolved to "strategy-thread": run the live executor on this thread. */
  colocatedLiveExecutor?: ExecutorWorkerData;
}

export interface ExecutorWorkerData {
  actor: string;
  symbols: string[];
  intentRing: SharedArrayBuffer;
  reportRing: SharedArrayBuffer;
  board: SharedArrayBuffer;
  bell: SharedArrayBuffer;
  strategyBell: SharedArrayBuffer;
  control: SharedArrayBuffer;
  wait: WaitStrategyConfig;
  histogramIntervalMs: number;
  /** Taker fee per venue id, as a fraction. */
  takerFees: number[];
  balances: VenueBalances;
  latency: {
    entry: { model: string; mean_ms: number; std_ms: number };
    response: { model: string; mean_ms: number; std_ms: number };
  };
  seed: number;
  /** --mode live only: venue endpoints, credentials (never logged) and symbol filters. */
  live?: LiveExecutorWiring;
  /** Live: µs the executor's thread sleeps after a pair is on the wire (core-yield.ts; absent or 0 = never). */
  yieldAfterPairUs?: number;
}

export interface LiveVenueWiring {
  restUrl: string;
  apiKey: string;
  secretKey: string;
  recvWindowMs: number;
  /** WebSocket order API (Binance WS API, Bybit /v5/trade; Bybit's /v5/private beside it). */
  wsApiUrl: string;
  /** 'ws' (default): the WS API, REST while it is down; 'rest': REST only. */
  orderEntry: 'ws' | 'rest';
  keyType: 'hmac' | 'ed25519';
  /** Ed25519 private key PEM ('' for HMAC). Never logged. */
  privateKeyPem: string;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

export interface LiveExecutorWiring {
  /** By venue name; a venue missing or without keys gets its orders refused. */
  venues: Record<string, LiveVenueWiring>;
  filters: VenueFilters;
  /** Per HTTP request. */
  requestTimeoutMs: number;
  /** How long an order with an unknown outcome is queried before it is left unresolved. */
  reconcileBudgetMs: number;
  /** The run directory: the write-ahead order journal `orders.wal` goes there (absent = no WAL). */
  runDir?: string;
  /** Price in quote of fee assets other than base/quote (`execution.bnb_price_quote` as BNB); 0 = unknown. */
  feeAssetPrices?: Record<string, number>;
  /** `[execution.live]`: usage margin, clock resync, balance checks, unresolved-order halt (defaults when absent). */
  rules?: {
    usage_margin: number; clock_resync_s: number; balance_check_s: number; balance_tolerance: number; max_unresolved_orders: number;
    /** Symbol filters read again this often (s; 0 = only at start; absent = 300). */
    filter_refresh_s?: number;
    /** Idle keep-warm period (µs; 0 = off; absent = 1000). */
    keep_warm_us?: number;
  };
}
