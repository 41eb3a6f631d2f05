/**
 * The typed shape of a loaded configuration. Keys are snake_case, exactly as written in the
 * TOML files, so a key in a file, in an error message, in the docs and in code is one string.
 * Every field is present after loading: the loader fills defaults (see schema.ts).
 */

export type Mode = 'dry-run' | 'live';
export type VenueName = 'binance' | 'bybit';
export const VENUE_NAMES: readonly VenueName[] = ['binance', 'bybit'];

export type WaitStrategyName = 'spin-then-park' | 'busy-spin' | 'park';
export type LatencyModelKind = 'constant' | 'normal' | 'lognormal';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface StrategyConfig {
  /** Primary symbol, e.g. "BTCUSDT". */
  symbol: string;
  /** Every symbol traded; defaults to [symbol] and always contains it. */
  symbols: string[];
  /** Minimum edge net of fees and slippage tolerance, in basis points. */
  min_spread_bps: number;
  /** Largest base quantity of one arbitrage (each leg). */
  max_position_size: number;
  /** Inventory imbalance (fraction of the total of an asset) that triggers rebalancing action. */
  rebalance_threshold: number;
}

export interface RiskConfig {
  /** Fraction of starting equity lost at which trading halts. */
  max_drawdown: number;
  /** Open (unhedged) exposure loss, in bps of its notional, at which it is closed. */
  stop_loss_bps: number;
  /** Largest absolute net base position across both venues. */
  position_limit: number;
  max_orders_per_second: number;
  /** An order price must lie within this many bps of the other venue's mid. */
  price_band_bps: number;
  /** While this file exists, trading halts. Relative paths are relative to the working directory. */
  kill_switch_file: string;
  /** Quote units per trade. */
  max_notional_per_trade: number;
  stale_book_ms: number;
  hedge_timeout_ms: number;
}

export interface VenueBalance {
  /** Amount of each symbol's base asset. */
  base: number;
  /** Amount of the quote asset. */
  quote: number;
}

export interface ExecutionConfig {
  order_timeout_ms: number;
  /** Fraction (0.001 = 10 bps) allowed between the seen price and the limit price. */
  slippage_tolerance: number;
  entry_latency_model: LatencyModelKind;
  entry_latency_mean_ms: number;
  entry_latency_std_ms: number;
  response_latency_model: LatencyModelKind;
  response_latency_mean_ms: number;
  response_latency_std_ms: number;
  initial_balances: Record<VenueName, VenueBalance>;
}

export interface EngineConfig {
  wait_strategy: WaitStrategyName;
  spin_polls: number;
  /** Dry-run only: run the fill simulator on the strategy's thread, or on a thread of its own. */
  dry_run_executor: 'strategy-thread' | 'own-thread';
  park_timeout_ms: number;
  feed_ring_slots: number;
  order_ring_slots: number;
  depth_levels: number;
  stale_feed_ms: number;
  histogram_interval_ms: number;
}

export interface FeesConfig {
  binance_taker_bps: number;
  binance_maker_bps: number;
  bybit_taker_bps: number;
  bybit_maker_bps: number;
}

export interface MonitorConfig {
  enabled: boolean;
  host: string;
  /** 0 = any free port. */
  port: number;
  status_interval_ms: number;
}

export interface BacktestConfig {
  data_dir: string;
  feed_latency_ms: number;
  seed: number;
}

export interface LogConfig {
  level: LogLevel;
  pretty: 'auto' | boolean;
}

/**
 * The `[venues]` table of arbitrage.toml once loaded: its `binance`/`bybit` file paths are
 * replaced by the venue files' contents (the resolved paths are in `sourceFiles`).
 */
export interface VenuesConfig extends Record<VenueName, VenueConfig> {
  /** "testnet": every URL on the venues' testnets (testnet-profile.ts), applied by the loader. */
  profile: 'live' | 'sim' | 'testnet';
  sim_host: string;
  /** 0 = the simulator picks a free port at start. */
  sim_port: number;
}

export interface ConnectionConfig {
  websocket_url: string;
  rest_api_url: string;
  /** WebSocket order-entry API. */
  ws_api_url: string;
  /** "linear" = Binance USD-M futures or Bybit USDT perpetuals (`/v5/public/linear`). */
  market: 'spot' | 'linear';
  recv_window_ms: number;
  reconnect_min_ms: number;
  reconnect_max_ms: number;
}

export interface AuthConfig {
  /** Empty in dry-run when the variable is unset. Never log it. */
  api_key: string;
  secret_key: string;
}

export interface VenueConfig {
  name: VenueName;
  connection: ConnectionConfig;
  auth: AuthConfig;
}

export interface SourceFiles {
  /** Absolute paths of the files the configuration was read from. */
  arbitrage: string;
  binance: string;
  bybit: string;
}

export interface XarbConfig {
  mode: Mode;
  strategy: StrategyConfig;
  risk: RiskConfig;
  execution: ExecutionConfig;
  engine: EngineConfig;
  fees: FeesConfig;
  monitor: MonitorConfig;
  backtest: BacktestConfig;
  log: LogConfig;
  venues: VenuesConfig;
  sourceFiles: SourceFiles;
}
