/**
 * The strategy's configuration: the snake_case shape the config loader hands over, and its
 * compiled form (plain numbers and typed arrays indexed by venue id and symbol id) that the
 * per-quote path reads without a property lookup by name.
 *
 * Venue ids are those of records.ts (VENUE_BINANCE, VENUE_BYBIT); symbol ids are indexes into
 * `strategy.symbols`, the same order as the SymbolTable every thread builds.
 */
import { VENUE_COUNT, VENUE_NAMES } from '../core/records.js';
import { decimalScale } from './rounding.js';
import { DEFAULT_TAKEN_DECAY_MS } from './taken-levels.js';

export interface StrategySettings {
  symbols: string[];
  min_spread_bps: number;
  /** Base units per trade. */
  max_position_size: number;
  /**
   * A venue holding less than this fraction of an asset's total across venues is "low": the
   * direction that refills it trades at a lower required edge (see docs/strategy.md).
   */
  rebalance_threshold: number;
  /** Lowest required edge the rebalancing skew may bring a direction down to (bps, may be < 0). Default 0. */
  rebalance_floor_bps?: number;
  /**
   * Dry-run and backtest only (transfers.ts): a venue low on an asset for this long gets a
   * simulated transfer from the richer venue. 0 (default) = off.
   */
  rebalance_transfer_after_ms?: number;
  /** How long a simulated transfer is in transit (in neither venue's balance). Default 600000. */
  rebalance_transfer_delay_ms?: number;
  /** Fee of one simulated transfer of a base asset, in that asset. Default 0. */
  rebalance_transfer_fee_base?: number;
  /** Fee of one simulated transfer of the quote asset, in quote. Default 0. */
  rebalance_transfer_fee_quote?: number;
  /** How long a touch level we took stays remembered without a new take (taken-levels.ts). Default 1000. */
  taken_level_decay_ms?: number;
}

export interface RiskSettings {
  /** Fraction of starting equity, peak to trough. */
  max_drawdown: number;
  stop_loss_bps: number;
  /** Max |net base exposure| across venues, per symbol, base units. */
  position_limit: number;
  max_orders_per_second: number;
  price_band_bps: number;
  /** Quote units. */
  max_notional_per_trade: number;
  stale_book_ms: number;
  hedge_timeout_ms: number;
  /** A book whose exchange time lags the local wall clock by more than this is not tradable. Default 500. */
  max_feed_lag_ms?: number;
  /** Consecutive rejects from one venue that open its circuit breaker. Default 5. */
  breaker_rejects?: number;
  /** How long a breaker opened by rejects stays open before one pair may try again. Default 60000. */
  breaker_cooldown_ms?: number;
  /**
   * An order of unknown status this long is put to the executor for a reconciliation verdict
   * (order-flow.ts). 0 (default) = 3 × execution.order_timeout_ms.
   */
  reconcile_after_ms?: number;
}

export interface ExecutionSettings {
  order_timeout_ms: number;
  /** Fraction, e.g. 0.001 = 10 bps. */
  slippage_tolerance: number;
}

export interface FeeSettings {
  binance_taker_bps: number;
  binance_maker_bps: number;
  bybit_taker_bps: number;
  bybit_maker_bps: number;
}

export interface ArbitrageConfig {
  strategy: StrategySettings;
  risk: RiskSettings;
  execution: ExecutionSettings;
  fees: FeeSettings;
}

/** Exchange trading rules of one symbol on one venue. */
export interface SymbolFilter {
  tickSize: number;
  stepSize: number;
  minQty: number;
  minNotional: number;
}

/** filters[venueName][symbol], e.g. filters.binance.BTCUSDT. */
export type VenueFilters = Record<string, Record<string, SymbolFilter>>;

/** Starting inventory of one venue: one quote balance, one base balance per symbol. */
export interface VenueBalance {
  quote: number;
  base: Record<string, number>;
}

/** balances[venueName]. */
export type VenueBalances = Record<string, VenueBalance>;

export class StrategyConfigError extends Error {
  override readonly name = 'StrategyConfigError';
}

const NS_PER_MS = 1e6;

/** Everything the strategy reads, resolved once. Arrays of (venue, symbol) use index v * nSym + s. */
export class CompiledConfig {
  // Number fields start as a number: declared bare, an ES2022 class field is first defined as
  // undefined and V8 keeps it tagged (a map and HeapNumber check on every read in the quote path).
  readonly nSym: number = 0;
  readonly symbols: readonly string[];
  readonly minSpreadBps: number = NaN;
  readonly maxPositionSize: number = NaN;
  readonly rebalanceThreshold: number = NaN;
  readonly rebalanceFloorBps: number = NaN;
  /** Simulated transfers: low this long first (0 = off), in transit this long, fee per asset. */
  readonly transferAfterNs: number = NaN;
  readonly transferDelayNs: number = NaN;
  readonly transferFeeBase: number = NaN;
  readonly transferFeeQuote: number = NaN;
  /** Lifetime of a taken-level entry (taken-levels.ts), ns. */
  readonly takenDecayNs: number = NaN;
  readonly maxFeedLagMs: number = NaN;
  readonly breakerRejects: number = NaN;
  readonly breakerCooldownNs: number = NaN;
  /** An order unknown this long is asked about (reconciliation request), ns. */
  readonly reconcileAfterNs: number = NaN;
  readonly maxDrawdown: number = NaN;
  readonly stopLossBps: number = NaN;
  readonly positionLimit: number = NaN;
  readonly maxOrdersPerSecond: number = NaN;
  readonly priceBandBps: number = NaN;
  readonly maxNotionalPerTrade: number = NaN;
  readonly staleBookNs: number = NaN;
  readonly hedgeTimeoutNs: number = NaN;
  readonly orderTimeoutNs: number = NaN;
  readonly slippage: number = NaN;
  /** Taker / maker fee per venue, as a fraction. */
  readonly takerFee: Float64Array;
  readonly makerFee: Float64Array;
  readonly tickSize: Float64Array;
  readonly tickScale: Float64Array;
  readonly stepSize: Float64Array;
  readonly stepScale: Float64Array;
  readonly minQty: Float64Array;
  readonly minNotional: Float64Array;
  readonly initQuote: Float64Array; // per venue
  readonly initBase: Float64Array; // per (venue, symbol)

  constructor(cfg: ArbitrageConfig, filters: VenueFilters, balances: VenueBalances) {
    const st = section(cfg, 'strategy') as unknown as StrategySettings;
    const rk = section(cfg, 'risk') as unknown as RiskSettings;
    const ex = section(cfg, 'execution') as unknown as ExecutionSettings;
    const fe = section(cfg, 'fees') as unknown as FeeSettings;
    if (!Array.isArray(st.symbols) || st.symbols.length === 0) {
      throw new StrategyConfigError('strategy.symbols must be a non-empty list of symbol names');
    }
    this.symbols = st.symbols.map((s) => String(s).toUpperCase());
    this.nSym = this.symbols.length;
    this.minSpreadBps = num(st, 'strategy', 'min_spread_bps', -1e4);
    this.maxPositionSize = pos(st, 'strategy', 'max_position_size');
    this.rebalanceThreshold = num(st, 'strategy', 'rebalance_threshold', 0, 1);
    this.rebalanceFloorBps = opt(st, 'strategy', 'rebalance_floor_bps', 0, -1e4, this.minSpreadBps);
    this.transferAfterNs = opt(st, 'strategy', 'rebalance_transfer_after_ms', 0, 0, 7 * 86_400_000) * NS_PER_MS;
    this.transferDelayNs = opt(st, 'strategy', 'rebalance_transfer_delay_ms', 600_000, 0, 7 * 86_400_000) * NS_PER_MS;
    this.transferFeeBase = opt(st, 'strategy', 'rebalance_transfer_fee_base', 0, 0, 1e12);
    this.transferFeeQuote = opt(st, 'strategy', 'rebalance_transfer_fee_quote', 0, 0, 1e12);
    this.takenDecayNs = opt(st, 'strategy', 'taken_level_decay_ms', DEFAULT_TAKEN_DECAY_MS, 1, 3_600_000) * NS_PER_MS;
    this.maxDrawdown = num(rk, 'risk', 'max_drawdown', 0, 1);
    this.stopLossBps = pos(rk, 'risk', 'stop_loss_bps');
    this.positionLimit = pos(rk, 'risk', 'position_limit');
    this.maxOrdersPerSecond = Math.floor(num(rk, 'risk', 'max_orders_per_second', 2));
    this.priceBandBps = pos(rk, 'risk', 'price_band_bps');
    this.maxNotionalPerTrade = pos(rk, 'risk', 'max_notional_per_trade');
    this.staleBookNs = pos(rk, 'risk', 'stale_book_ms') * NS_PER_MS;
    this.hedgeTimeoutNs = pos(rk, 'risk', 'hedge_timeout_ms') * NS_PER_MS;
    this.maxFeedLagMs = opt(rk, 'risk', 'max_feed_lag_ms', 500, 1, 3_600_000);
    this.breakerRejects = Math.floor(opt(rk, 'risk', 'breaker_rejects', 5, 1, 1e6));
    this.breakerCooldownNs = opt(rk, 'risk', 'breaker_cooldown_ms', 60_000, 0, 86_400_000) * NS_PER_MS;
    this.orderTimeoutNs = pos(ex, 'execution', 'order_timeout_ms') * NS_PER_MS;
    this.slippage = num(ex, 'execution', 'slippage_tolerance', 0, 0.1);
    const reconcileMs = opt(rk, 'risk', 'reconcile_after_ms', 0, 0, 86_400_000);
    this.reconcileAfterNs = reconcileMs > 0 ? reconcileMs * NS_PER_MS : 3 * this.orderTimeoutNs;

    this.takerFee = new Float64Array(VENUE_COUNT);
    this.makerFee = new Float64Array(VENUE_COUNT);
    const n = VENUE_COUNT * this.nSym;
    this.tickSize = new Float64Array(n);
    this.tickScale = new Float64Array(n);
    this.stepSize = new Float64Array(n);
    this.stepScale = new Float64Array(n);
    this.minQty = new Float64Array(n);
    this.minNotional = new Float64Array(n);
    this.initQuote = new Float64Array(VENUE_COUNT);
    this.initBase = new Float64Array(n);

    const feeRec = fe as unknown as Record<string, unknown>;
    for (let v = 0; v < VENUE_COUNT; v++) {
      const venue = VENUE_NAMES[v]!;
      this.takerFee[v] = num(feeRec, 'fees', `${venue}_taker_bps`, -100, 1000) / 1e4;
      this.makerFee[v] = num(feeRec, 'fees', `${venue}_maker_bps`, -100, 1000) / 1e4;
      const vf = filters[venue];
      if (vf === undefined) throw new StrategyConfigError(`no symbol filters for venue "${venue}"`);
      const vb = balances[venue];
      if (vb === undefined) throw new StrategyConfigError(`no starting balances for venue "${venue}"`);
      this.initQuote[v] = num(vb as unknown as Record<string, unknown>, `balances.${venue}`, 'quote', 0);
      for (let s = 0; s < this.nSym; s++) {
        const sym = this.symbols[s]!;
        const f = vf[sym];
        if (f === undefined) throw new StrategyConfigError(`no symbol filters for ${venue} ${sym}`);
        const where = `filters.${venue}.${sym}`;
        const fr = f as unknown as Record<string, unknown>;
        const i = v * this.nSym + s;
        this.tickSize[i] = pos(fr, where, 'tickSize');
        this.stepSize[i] = pos(fr, where, 'stepSize');
        this.minQty[i] = num(fr, where, 'minQty', 0);
        this.minNotional[i] = num(fr, where, 'minNotional', 0);
        this.tickScale[i] = decimalScale(this.tickSize[i]!);
        this.stepScale[i] = decimalScale(this.stepSize[i]!);
        const b = vb.base === undefined ? undefined : vb.base[sym];
        if (b !== undefined && !(Number.isFinite(b) && b >= 0)) {
          throw new StrategyConfigError(`balances.${venue}.base.${sym} must be a number >= 0 (got ${String(b)})`);
        }
        this.initBase[i] = b ?? 0;
      }
    }
  }
}

function section(cfg: ArbitrageConfig, name: keyof ArbitrageConfig): Record<string, unknown> {
  const s = (cfg as unknown as Record<string, unknown>)[name];
  if (s === null || typeof s !== 'object') throw new StrategyConfigError(`config section [${name}] is missing`);
  return s as Record<string, unknown>;
}

function num(obj: object, where: string, key: string, min = -Infinity, max = Infinity): number {
  const v = (obj as Record<string, unknown>)[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new StrategyConfigError(`${where}.${key} must be a finite number (got ${JSON.stringify(v)})`);
  }
  if (v < min || v > max) throw new StrategyConfigError(`${where}.${key} = ${v} is outside [${min}, ${max}]`);
  return v;
}

function opt(obj: object, where: string, key: string, dflt: number, min: number, max: number): number {
  return (obj as Record<string, unknown>)[key] === undefined ? dflt : num(obj, where, key, min, max);
}

function pos(obj: object, where: string, key: string): number {
  const v = num(obj, where, key);
  if (!(v > 0)) throw new StrategyConfigError(`${where}.${key} must be > 0 (got ${v})`);
  return v;
}
