/** A small config and a top-of-book engine over it, for hand-built event sequences (journal entries and fills read back). */
import { BacktestEngine } from '../../src/backtest/engine.js';
import { MemoryJournal } from '../../src/backtest/journal-writer.js';
import { ConstantLatency } from '../../src/execution/latency-model.js';
import type { ArbitrageConfig } from '../../src/strategy/config.js';

export const MS = 1e6;
export const BIN = 0;
export const BYB = 1;
export const WALL0 = Date.UTC(2024, 0, 1);
const filter = { tickSize: 0.01, stepSize: 0.001, minQty: 0.001, minNotional: 1 };

/** tests/backtest/engine.test.ts's config: taken_level_decay_ms 1 (the strategy retries at once) unless given (its default is 1000). */
export function config(takenLevelDecayMs = 1): ArbitrageConfig {
  return {
    strategy: { symbols: ['BTCUSDT'], min_spread_bps: 5, max_position_size: 1, rebalance_threshold: 0.01, taken_level_decay_ms: takenLevelDecayMs },
    risk: {
      max_drawdown: 0.5, stop_loss_bps: 500, position_limit: 10, max_orders_per_second: 100, price_band_bps: 1000,
      max_notional_per_trade: 1e9, stale_book_ms: 10_000, hedge_timeout_ms: 1000,
    },
    execution: { order_timeout_ms: 5000, slippage_tolerance: 0.001 },
    fees: { binance_taker_bps: 10, binance_maker_bps: 10, bybit_taker_bps: 10, bybit_maker_bps: 10 },
  } as ArbitrageConfig;
}

export function engine(o: { entryMs?: number; responseMs?: number; decayMs?: number; feedMs?: [number, number]; takenLevelDecayMs?: number } = {}) {
  const journal = new MemoryJournal();
  const e = new BacktestEngine({
    config: config(o.takenLevelDecayMs), filters: { binance: { BTCUSDT: filter }, bybit: { BTCUSDT: filter } },
    balances: { binance: { quote: 100_000, base: { BTCUSDT: 10 } }, bybit: { quote: 100_000, base: { BTCUSDT: 10 } } },
    entryLatency: new ConstantLatency((o.entryMs ?? 1) * MS), responseLatency: new ConstantLatency((o.responseMs ?? 1) * MS), journal,
    wallStartMs: WALL0, book: 'top', equityEveryNs: 1000 * MS, liquidityDecayNs: (o.decayMs ?? 1000) * MS,
    feedLatencyNs: (o.feedMs ?? [0, 0]).map((x) => x * MS),
  });
  const entries = () => journal.text.map((l) => JSON.parse(l) as Record<string, unknown>);
  const fills = (venue: string, side: string) => entries().filter((x) => x.type === 'report' && x.venue === venue && x.side === side && (x.last_qty as number) > 0);
  return { e, entries, fills };
}
