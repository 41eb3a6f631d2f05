/**
 * Test harness for the strategy: a config with round numbers, a recording order sink, a
 * recording event listener, and a few helpers to script quotes and reports.
 */
import { ArbitrageStrategy, type StrategyOptions } from '../../src/strategy/arbitrage.js';
import type { ArbitrageConfig, SymbolFilter, VenueBalances, VenueFilters } from '../../src/strategy/config.js';
import type { OrderSink, StrategyEvent, StrategyEvents } from '../../src/strategy/events.js';

export const BINANCE = 0;
export const BYBIT = 1;
export const BTC = 0;
export const MS = 1e6;

export interface NewOrderCall {
  kind: 'new';
  orderId: number;
  pairId: number;
  venue: number;
  symbol: number;
  side: number;
  price: number;
  qty: number;
  tif: number;
  role: number;
  decisionNs: number;
  deadlineNs: number;
  tickRecvNs: number;
  tickExchMs: number;
}

export interface CancelCall {
  kind: 'cancel';
  orderId: number;
  venue: number;
  symbol: number;
  nowNs: number;
}

export class RecordingSink implements OrderSink {
  readonly calls: (NewOrderCall | CancelCall)[] = [];
  /** Answers of newOrder, consumed in order; true once exhausted. */
  answers: boolean[] = [];

  newOrder(orderId: number, pairId: number, venue: number, symbol: number, side: number, price: number, qty: number, tif: number, role: number, decisionNs: number, deadlineNs: number, tickRecvNs: number, tickExchMs: number): boolean {
    this.calls.push({ kind: 'new', orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs, tickExchMs });
    const a = this.answers.shift();
    return a ?? true;
  }

  cancelOrder(orderId: number, venue: number, symbol: number, nowNs: number): void {
    this.calls.push({ kind: 'cancel', orderId, venue, symbol, nowNs });
  }

  get orders(): NewOrderCall[] {
    return this.calls.filter((c): c is NewOrderCall => c.kind === 'new');
  }

  get cancels(): CancelCall[] {
    return this.calls.filter((c): c is CancelCall => c.kind === 'cancel');
  }
}

export class RecordingEvents implements StrategyEvents {
  readonly events: StrategyEvent[] = [];
  onEvent(e: StrategyEvent): void {
    this.events.push(e);
  }
  of<T extends StrategyEvent['type']>(type: T): Extract<StrategyEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<StrategyEvent, { type: T }>[];
  }
}

export function baseConfig(): ArbitrageConfig {
  return {
    // taken_level_decay_ms 1: these venues' feeds show our fills at once, so a scripted quote
    // repeated a ms later is fresh liquidity; tests/strategy/taken-levels.test.ts sets the default.
    strategy: { symbols: ['BTCUSDT'], min_spread_bps: 10, max_position_size: 1, rebalance_threshold: 0.1, taken_level_decay_ms: 1 },
    risk: {
      max_drawdown: 0.05,
      stop_loss_bps: 50,
      position_limit: 2,
      max_orders_per_second: 20,
      price_band_bps: 200,
      max_notional_per_trade: 1_000_000,
      stale_book_ms: 1000,
      hedge_timeout_ms: 500,
    },
    execution: { order_timeout_ms: 1000, slippage_tolerance: 0.0002 },
    fees: { binance_taker_bps: 10, binance_maker_bps: 2, bybit_taker_bps: 10, bybit_maker_bps: 1 },
  };
}

export function baseFilters(): VenueFilters {
  const binance: SymbolFilter = { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 };
  const bybit: SymbolFilter = { tickSize: 0.1, stepSize: 0.000001, minQty: 0.000048, minNotional: 5 };
  return { binance: { BTCUSDT: binance }, bybit: { BTCUSDT: bybit } };
}

export function baseBalances(): VenueBalances {
  return {
    binance: { quote: 100_000, base: { BTCUSDT: 1 } },
    bybit: { quote: 100_000, base: { BTCUSDT: 1 } },
  };
}

export interface Rig {
  strat: ArbitrageStrategy;
  sink: RecordingSink;
  ev: RecordingEvents;
  /** Quote on `venue` at time `ms` (ms → ns; the quote is received and processed then). */
  quote(venue: number, bid: number, bidSz: number, ask: number, askSz: number, ms: number, usable?: boolean): void;
  report(orderId: number, status: number, lastPx: number, lastQty: number, cumQty: number, fee: number, feeAsset: number, ms: number, errorCode?: number): void;
  timer(ms: number): void;
}

export function rig(
  tweak: (cfg: ArbitrageConfig, filters: VenueFilters, balances: VenueBalances) => void = () => {},
  opts: StrategyOptions = {},
): Rig {
  const cfg = baseConfig();
  const filters = baseFilters();
  const balances = baseBalances();
  tweak(cfg, filters, balances);
  const sink = new RecordingSink();
  const ev = new RecordingEvents();
  const strat = new ArbitrageStrategy(cfg, filters, balances, sink, ev, opts);
  return {
    strat,
    sink,
    ev,
    quote(venue, bid, bidSz, ask, askSz, ms, usable = true) {
      strat.onQuote(venue, BTC, bid, bidSz, ask, askSz, usable, 1_700_000_000_000 + ms, ms * MS, ms * MS);
    },
    report(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, ms, errorCode = 0) {
      strat.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, ms * MS);
    },
    timer(ms) {
      strat.onTimer(ms * MS);
    },
  };
}

/** Quotes that open a 0.3 pair in the base config: buy Binance @30003, sell Bybit @30096.9 (orders 1, 2 on a fresh rig). */
export function openPair(r: Rig, ms: number): void {
  r.quote(BINANCE, 29990, 0.5, 30000, 0.5, ms);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, ms + 1);
}

/** The base rig with a second symbol, ETHUSDT (index 1), filtered and funded on both venues. */
export function twoSymbols(tweak: (cfg: ArbitrageConfig) => void = () => {}): { s: ArbitrageStrategy; sink: RecordingSink; ev: RecordingEvents } {
  const cfg = baseConfig();
  cfg.strategy.symbols = ['BTCUSDT', 'ETHUSDT'];
  tweak(cfg);
  const filters = baseFilters();
  filters.binance!.ETHUSDT = { tickSize: 0.01, stepSize: 0.0001, minQty: 0.0001, minNotional: 5 };
  filters.bybit!.ETHUSDT = { tickSize: 0.01, stepSize: 0.0001, minQty: 0.0001, minNotional: 5 };
  const bal = baseBalances();
  bal.binance!.base.ETHUSDT = 100;
  bal.bybit!.base.ETHUSDT = 100;
  const sink = new RecordingSink();
  const ev = new RecordingEvents();
  return { s: new ArbitrageStrategy(cfg, filters, bal, sink, ev), sink, ev };
}
