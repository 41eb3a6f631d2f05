/** The strategy core's public surface (see docs/strategy.md). */
export {
  ArbitrageStrategy, MAX_HEDGE_ATTEMPTS, MAX_UNWIND_ATTEMPTS, MAX_VENUE_REJECTS, UNWIND_TOLERANCE_FACTOR, type StrategyOptions,
} from './arbitrage.js';
export { HALT_KINDS, type HaltKind } from './halts.js';
export {
  CompiledConfig,
  StrategyConfigError,
  type ArbitrageConfig,
  type ExecutionSettings,
  type FeeSettings,
  type RiskSettings,
  type StrategySettings,
  type SymbolFilter,
  type VenueBalance,
  type VenueBalances,
  type VenueFilters,
} from './config.js';
export type { OrderSink, RiskAction, RiskRule, StrategyEvent, StrategyEvents } from './events.js';
export { RiskCounters } from './risk.js';
export { PnlTotals, StrategyStats } from './stats.js';
export { edgeBps, worstCaseEdgeBps } from './spread.js';
export { ceilToStep, decimalScale, floorToStep } from './rounding.js';
