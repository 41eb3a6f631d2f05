/**
 * What the strategy talks to: an order sink (hot path, numbers only) and an event listener
 * (off the hot path: journal, logs, counters). Both are implemented by the strategy worker and
 * by the backtest engine, so the strategy is the same object in every mode.
 */
import type { HaltKind } from './halts.js';
import type { RoundStateName } from './round.js';

/**
 * Where orders go. Answers come back later through ArbitrageStrategy.onReport, never from inside
 * newOrder: the strategy books the order (slot, id, round) after newOrder returns true, so a
 * report delivered synchronously would find no order (every sink today is asynchronous: the
 * intent ring, the backtest's and the dry-run's scheduled events).
 */
export interface OrderSink {
  /** Returns false when the order could not be sent (e.g. intent ring full). */
  newOrder(
    orderId: number,
    pairId: number,
    venue: number,
    symbol: number,
    side: number,
    price: number,
    qty: number,
    tif: number,
    role: number,
    decisionNs: number,
    deadlineNs: number,
    tickRecvNs: number,
    tickExchMs: number,
  ): boolean;
  cancelOrder(orderId: number, venue: number, symbol: number, nowNs: number): void;
  /**
   * Asks the executor what became of an order the strategy holds as unknown (a reconciliation
   * request: records.ts ACTION_RECONCILE). The answer comes later through
   * ArbitrageStrategy.onVerdict. Returns false when the request could not be sent (asked again
   * later). Absent: the sink cannot ask (the order waits for its late report or the alert).
   */
  requestVerdict?(orderId: number, venue: number, symbol: number, side: number, price: number, qty: number, nowNs: number): boolean;
}

/** Names of the risk rules; every breach carries one, and has a counter in RiskCounters. */
export type RiskRule =
  | 'max_drawdown'
  | 'stop_loss'
  | 'position_limit'
  | 'rate_limit'
  | 'price_band'
  | 'stale_book'
  | 'unusable_book'
  | 'kill_switch'
  | 'order_timeout'
  | 'forced_expiry'
  | 'hedge_timeout'
  | 'unwind_failed'
  | 'feed_lag'
  | 'order_table_full'
  | 'unresolved_order'
  | 'venue_breaker'
  | 'balance_drift';

export type RiskAction = 'halt' | 'deny' | 'unwind' | 'flatten' | 'cancel' | 'expire' | 'abandon';

export interface RoundOpenedEvent {
  type: 'round_opened';
  nowNs: number;
  pairId: number;
  symbol: number;
  buyVenue: number;
  sellVenue: number;
  qty: number;
  buyPx: number;
  sellPx: number;
  edgeBps: number;
}

export interface RoundClosedEvent {
  type: 'round_closed';
  nowNs: number;
  pairId: number;
  symbol: number;
  buyFilled: number;
  sellFilled: number;
  /** PnL of the matched quantity (both legs), after the legs' fees on it, in quote. */
  pnl: number;
  /** PnL of the residual: hedge/unwind fills against the leg's price, after fees. */
  leggingPnl: number;
  /** All fees of the round (legs, hedges), converted to quote at the fill price. */
  fees: number;
  holdingNs: number;
  /** Base left open when the round closed (dust below the venues' minimums). */
  openResidual: number;
}

export interface LegResidualEvent {
  type: 'leg_residual';
  nowNs: number;
  pairId: number;
  symbol: number;
  /** Signed base: > 0 long (bought more than sold), < 0 short. */
  residual: number;
  dust: boolean;
}

export interface HedgeSentEvent {
  type: 'hedge_sent' | 'unwind_sent';
  nowNs: number;
  pairId: number;
  orderId: number;
  venue: number;
  symbol: number;
  side: number;
  price: number;
  qty: number;
  attempt: number;
}

export interface RiskBreachEvent {
  type: 'risk_breach';
  nowNs: number;
  rule: RiskRule;
  action: RiskAction;
  /** Symbol id, or -1 when the rule is not per symbol. */
  symbol: number;
  detail: string;
}

export interface HaltEvent {
  type: 'halt';
  nowNs: number;
  /** Which halt (halts.ts); several can hold at once. */
  kind: HaltKind;
  reason: string;
}

export interface ResumeEvent {
  type: 'resume';
  nowNs: number;
  /** The halts this resume lifted. */
  kinds: HaltKind[];
  /** Why (the operator's words, or the condition that cleared). */
  reason: string;
  /** Halts still in force after it. */
  remaining: HaltKind[];
}

/** A round moved from one state to another (round.ts); `to: 'closed'` ends it. */
export interface RoundStateEvent {
  type: 'round_state';
  nowNs: number;
  pairId: number;
  symbol: number;
  from: RoundStateName;
  to: RoundStateName;
  reason: string;
}

/** A venue's circuit breaker opened or closed (venue-breaker.ts). */
export interface BreakerEvent {
  type: 'breaker';
  nowNs: number;
  venue: number;
  open: boolean;
  /** Last reject code from the venue (0 when closing). */
  code: number;
  detail: string;
}

/** A venue holds too little of an asset: move `amount` to it to even the asset out. */
export interface RebalanceNeededEvent {
  type: 'rebalance_needed';
  nowNs: number;
  venue: number;
  /** ASSET_BASE or ASSET_QUOTE. */
  asset: number;
  /** Symbol id for a base asset, -1 for the quote asset. */
  symbol: number;
  balance: number;
  /** The asset's total across venues. */
  total: number;
  amount: number;
}

/**
 * A simulated transfer between venues (dry-run and backtest only, transfers.ts): 'started'
 * when `amount` leaves `from` (in transit from then on), 'done' when amount − fee lands on `to`.
 */
export interface TransferEvent {
  type: 'transfer';
  phase: 'started' | 'done';
  nowNs: number;
  from: number;
  to: number;
  /** ASSET_BASE or ASSET_QUOTE. */
  asset: number;
  /** Symbol id for a base asset, -1 for the quote asset. */
  symbol: number;
  amount: number;
  /** In the asset moved; taken from what lands. */
  fee: number;
  /** When it lands (ns). */
  arriveNs: number;
}

export interface FlattenEvent {
  type: 'flatten';
  nowNs: number;
  openRounds: number;
}

export interface InventoryEvent {
  type: 'inventory_low' | 'inventory_ok';
  nowNs: number;
  venue: number;
  /** ASSET_BASE or ASSET_QUOTE. */
  asset: number;
  /** Symbol id for a base balance, -1 for the quote balance. */
  symbol: number;
  balance: number;
  threshold: number;
}

export interface LateFillEvent {
  type: 'late_fill';
  nowNs: number;
  orderId: number;
  venue: number;
  symbol: number;
  side: number;
  qty: number;
  price: number;
}

export type StrategyEvent =
  | RoundOpenedEvent
  | RoundClosedEvent
  | LegResidualEvent
  | HedgeSentEvent
  | RiskBreachEvent
  | HaltEvent
  | ResumeEvent
  | FlattenEvent
  | InventoryEvent
  | LateFillEvent
  | RoundStateEvent
  | BreakerEvent
  | RebalanceNeededEvent
  | TransferEvent;

export interface StrategyEvents {
  onEvent(e: StrategyEvent): void;
}
