/**
 * The typed shape of a loaded configuration. Keys are snake_case, exactly as written in the
 * TOML files, so a key in a file, in an error message, in the docs and in code is one string.
 * Every field is present after loading: the loader fills defaults (see schema.ts).
 */

export type Mode = 'dry-run' | 'live';
export type VenueName = 'binance' | 'bybit';
export const VENUE_NAMES: readonly VenueName[] = ['binance', 'bybit'];

export type WaitStrategyName = 'spin-then-park' | 'busy-spin' | 'park';
/** A strategy, or 'auto' (src/core/wait-strategy.ts resolveWaitStrategy picks at start). */
export type WaitStrategySetting = WaitStrategyName | 'auto';
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
  /** A venue holding less than this fraction of an asset's total is low: thresholds skew to refill it. */
  rebalance_threshold: number;
  /** Lowest required edge the rebalancing skew may give the refilling direction (bps, may be < 0). */
  rebalance_floor_bps: number;
  /** Dry-run/backtest: a venue low this long gets a simulated transfer (ms, 0 = off). */
  rebalance_transfer_after_ms: number;
  /** Simulated transfer time in transit (ms). */
  rebalance_transfer_delay_ms: number;
  /** Simulated transfer fee of a base asset, in that asset. */
  rebalance_transfer_fee_base: number;
  /** Simulated transfer fee of the quote asset, in quote. */
  rebalance_transfer_fee_quote: number;
  /** ms a touch level the strategy took stays remembered without a new take (default 1000). */
  taken_level_decay_ms: number;
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
  /** A book whose exchange time lags local wall time by more than this is not traded. */
  max_feed_lag_ms: number;
  /** Consecutive rejects from one venue that open its circuit breaker. */
  breaker_rejects: number;
  /** A breaker opened by rejects lets one pair try again after this long. */
  breaker_cooldown_ms: number;
  /** An order of unknown status this long gets a reconciliation request (0 = 3 × order_timeout_ms). */
  reconcile_after_ms: number;
}

export interface VenueBalance {
  /** Amount of each symbol's base asset: one number for every symbol, or one per symbol. */
  base: number | Record<string, number>;
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
  /** Live: price of BNB in the quote asset, for commissions paid in BNB (0 = unknown). */
  bnb_price_quote?: number;
  live: LiveRulesConfig;
}

/** `[execution.live]`: the venues' rules kept by the live executor during the run. */
export interface LiveRulesConfig {
  /** Fraction of every venue rate limit left unused (0.2 = stay below 80 %). */
  usage_margin: number;
  /** Clock offset re-measured at least this often (and at once after -1021 / 10002). */
  clock_resync_s: number;
  /** Symbol filters read again from the venues this often (0 = only at start; filter-refresh.ts). */
  filter_refresh_s: number;
  /** Venue balances compared with the executor's expectation this often; 0 = never. */
  balance_check_s: number;
  /** Drift beyond this fraction of the expected balance halts new entries. */
  balance_tolerance: number;
  /** This many orders of unknown status at once halt new entries. */
  max_unresolved_orders: number;
  /**
   * What a crashed run's leftover exposure does at start: `halt` refuses to trade until an
   * operator acts; `adopt` hands it to the strategy as a residual to hedge; `flatten` closes it
   * with IOC orders where a book takes it (an unwinding round).
   */
  leftover_exposure: 'halt' | 'adopt' | 'flatten';
  /**
   * At start, the venues' balances against what the latest live run's journal says they should
   * hold (its starting balances + its fills), beyond `balance_tolerance`: `warn` logs the
   * difference, `halt` refuses the start, `off` skips the check.
   */
  start_balance_check: 'warn' | 'halt' | 'off';
  /**
   * While the live executor is idle, a synthetic pair runs through the order path (nothing sent
   * to a venue) at most this often, in µs, so a rare real order finds its code and data warm; 0
   * turns it off.
   */
  keep_warm_us: number;
}

export interface EngineConfig {
  wait_strategy: WaitStrategySetting;
  spin_polls: number;
  /** Dry-run only: run the fill simulator on the strategy's thread, or on a thread of its own. */
  dry_run_executor: 'strategy-thread' | 'own-thread';
  /** Live mode: where the live executor runs; auto = the strategy's thread when the host has fewer cores than the bot has threads. */
  live_executor: 'auto' | 'strategy-thread' | 'own-thread';
  park_timeout_ms: number;
  /**
   * Live: the executor's thread sleeps this long (µs) right after a pair's frames are written,
   * so its core goes to what the pair made runnable; 0 = off; off under busy-spin.
   */
  yield_after_pair_us: number;
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
  /** Bearer token for every endpoint; "" = none (loopback only). */
  token: string;
  alerts: AlertsConfig;
}

/** [monitor.alerts]: see docs/configuration.md and src/monitor/alert-rules.ts. */
export interface AlertsConfig {
  enabled: boolean;
  webhook_url: string;
  slack_webhook_url: string;
  telegram_url: string;
  telegram_chat_id: string;
  repeat_interval_ms: number;
  max_per_minute: number;
  event_hold_ms: number;
  feed_down_ms: number;
  silent_feed_ms: number;
  book_unusable_ms: number;
  spread_abs_bps: number;
  spread_zscore: number;
  spread_window_s: number;
  drawdown: number;
  exposure_fraction: number;
  unresolved_order_ms: number;
  event_loop_lag_ms: number;
  gc_pause_ms: number;
  memory_mb: number;
  disk_free_mb: number;
}

export interface BacktestConfig {
  data_dir: string;
  feed_latency_ms: number;
  /** Consumed liquidity is forgotten this long after the last take (fill simulator memory). */
  liquidity_decay_ms: number;
  /** Fraction of a level's remaining offer also gone after a take; 0 = no market impact. */
  market_impact: number;
  /** Fraction (0, 1] of each displayed level size the backtest may take; 1 = all of it. */
  fill_ratio: number;
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
  /** Live order path: the WebSocket order API (REST as fallback) or REST only. */
  order_entry: 'ws' | 'rest';
  reconnect_min_ms: number;
  reconnect_max_ms: number;
}

export interface AuthConfig {
  /** Empty in dry-run when the variable is unset. Never log it. */
  api_key: string;
  secret_key: string;
  key_type: 'hmac' | 'ed25519';
  /** Ed25519 private key PEM file (absolute after loading), or '' */
  private_key_path: string;
  /** Ed25519 private key PEM text, or ''. Never log it. */
  private_key: string;
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

/** The starting base of `symbol` on a venue (a symbol missing from a per-symbol table has 0). */
export function baseBalanceOf(b: VenueBalance, symbol: string): number {
  return typeof b.base === 'number' ? b.base : (b.base[symbol.toUpperCase()] ?? 0);
}
