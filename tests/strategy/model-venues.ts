/**
 * A model venue pair for property tests of the order and round lifecycle: two spot venues
 * with real balances, random latencies, and an executor in front of them that misbehaves the
 * ways real ones do: reports lost, duplicated, late (after the order's deadline), reordered;
 * rejects for balance (checked against the venue's own balances), filters and auth (a broken
 * key); partial, full and empty IOC fills. Lost reports are recovered only by the strategy's
 * own reconciliation request (OrderSink.requestVerdict): the model executor answers it, one
 * latency later, with the venue's final word (nothing while the venue has not settled the
 * order: the strategy asks again), or "no record" for an order it forgot (`pForget`: an
 * executor restart), which must keep the order unknown and halt entries.
 *
 * All amounts are dyadic (integer prices, quantities in 1/64ths, fee rate 1/1024), so the
 * venue's balances and the strategy's positions can be compared exactly.
 */
import {
  ASSET_BASE, ASSET_QUOTE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED,
  ST_PARTIAL, ST_REJECTED, VERDICT_FINAL, VERDICT_NO_RECORD,
} from '../../src/core/records.js';
import { Prng } from '../../src/core/prng.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { ArbitrageConfig, VenueBalances, VenueFilters } from '../../src/strategy/config.js';
import type { OrderSink, StrategyEvent, StrategyEvents } from '../../src/strategy/events.js';
import { Scheduled } from './scheduled.js';

export const FEE = 1 / 1024;
export const STEP = 1 / 64;
export const MS = 1e6;
const AUTH_CODE = [-2015, 10003];
const BALANCE_CODE = [-2010, 170131];
const FILTER_CODE = [-1013, 170136];

export interface VenueFaults {
  seed: number;
  /** Probabilities per report. */
  pLost: number;
  pDup: number;
  pLate: number;
  /** Per order at arrival. */
  pFilterReject: number;
  pEmpty: number;
  pPartial: number;
  /** Venue whose key breaks (-1: none) and the step it breaks at. */
  authBroken: number;
  authBreakStep: number;
  maxLatencyMs: number;
  /** The executor answers reconciliation requests (false: requestVerdict refuses, as a sink that cannot ask). */
  reconcile: boolean;
  /** Per order: the executor forgets it (answers "no record"). Default 0. */
  pForget?: number;
}

interface ModelOrder {
  id: number;
  venue: number;
  side: number;
  role: number;
  price: number;
  qty: number;
  cum: number;
  cumQuote: number;
  cumFee: number;
  feeAsset: number;
  final: number; // final status once the venue settled it, 0 before
  finalDelivered: boolean;
  lost: boolean;
  forgotten: boolean;
  deadlineNs: number;
}

export function propertyConfig(): ArbitrageConfig {
  return {
    strategy: { symbols: ['BTCUSDT'], min_spread_bps: 10, max_position_size: 1, rebalance_threshold: 0.1 },
    risk: {
      max_drawdown: 0.5, stop_loss_bps: 50, position_limit: 3, max_orders_per_second: 1000, price_band_bps: 500,
      max_notional_per_trade: 1e9, stale_book_ms: 500, hedge_timeout_ms: 500,
    },
    execution: { order_timeout_ms: 1000, slippage_tolerance: 0.0002 },
    fees: { binance_taker_bps: FEE * 1e4, binance_maker_bps: 0, bybit_taker_bps: FEE * 1e4, bybit_maker_bps: 0 },
  };
}

export function propertyFilters(): VenueFilters {
  const f = { tickSize: 1, stepSize: STEP, minQty: STEP, minNotional: 5 };
  return { binance: { BTCUSDT: { ...f } }, bybit: { BTCUSDT: { ...f } } };
}

export const START_QUOTE = 1_000_000;
export const START_BASE = 4;

export function propertyBalances(): VenueBalances {
  return { binance: { quote: START_QUOTE, base: { BTCUSDT: START_BASE } }, bybit: { quote: START_QUOTE, base: { BTCUSDT: START_BASE } } };
}

export class ModelVenues extends Scheduled implements OrderSink, StrategyEvents {
  readonly quote = [START_QUOTE, START_QUOTE];
  readonly base = [START_BASE, START_BASE];
  readonly strat: ArbitrageStrategy;
  readonly violations: string[] = [];
  readonly events: StrategyEvent[] = [];
  readonly orders = new Map<number, ModelOrder>();
  readonly rng: Prng;
  step = 0;
  sent = 0;
  /** Reconciliation requests received, verdicts given (final / no record). */
  verdictRequests = 0;
  verdictsFinal = 0;
  verdictsNoRecord = 0;
  /** Base paid as fees (spot buys pay in the base they receive): inventory drift, not a residual. */
  baseFees = 0;
  // what the strategy said about its breakers (from its events)
  private readonly authOpen = [false, false];
  private readonly rejectsOpenSince = [-1, -1];
  private readonly cooldownNs: number;

  constructor(readonly f: VenueFaults, cfg: ArbitrageConfig = propertyConfig()) {
    super();
    this.rng = new Prng(f.seed);
    this.strat = new ArbitrageStrategy(cfg, propertyFilters(), propertyBalances(), this, this);
    this.cooldownNs = (cfg.risk.breaker_cooldown_ms ?? 60_000) * MS;
  }

  // ---- strategy side -------------------------------------------------------------------------

  onEvent(e: StrategyEvent): void {
    this.events.push(e);
    if (e.type === 'breaker') {
      if (!e.open) {
        this.authOpen[e.venue] = false;
        this.rejectsOpenSince[e.venue] = -1;
      } else if (AUTH_CODE.includes(e.code)) {
        this.authOpen[e.venue] = true;
      } else {
        this.rejectsOpenSince[e.venue] = e.nowNs;
      }
    }
  }

  newOrder(orderId: number, _pairId: number, venue: number, _symbol: number, side: number, price: number, qty: number,
    _tif: number, role: number, decisionNs: number, deadlineNs: number): boolean {
    const entry = role === ROLE_LEG_BUY || role === ROLE_LEG_SELL;
    if (this.authOpen[venue]) this.violations.push(`order ${orderId} (role ${role}) sent to ${venue} with its breaker open on auth`);
    if (entry && this.rejectsOpenSince[venue]! >= 0 && decisionNs < this.rejectsOpenSince[venue]! + this.cooldownNs) {
      this.violations.push(`entry ${orderId} sent to ${venue} inside its breaker's cool-down`);
    }
    if (!(qty > 0) || Math.round(qty / STEP) * STEP !== qty || Math.round(price) !== price) this.violations.push(`order ${orderId} off the grid: ${qty} @ ${price}`);
    this.sent++;
    const o: ModelOrder = {
      id: orderId, venue, side, role, price, qty, cum: 0, cumQuote: 0, cumFee: 0, feeAsset: side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE,
      final: 0, finalDelivered: false, lost: false, forgotten: (this.f.pForget ?? 0) > 0 && this.rng.next() < this.f.pForget!, deadlineNs,
    };
    this.orders.set(orderId, o);
    this.at(this.now + this.latency(), () => this.arrive(o));
    // The executor's local deadline: EXPIRED if the venue's final answer has not come through.
    this.at(deadlineNs, () => {
      if (!o.finalDelivered) this.strat.onReport(o.id, ST_EXPIRED, 0, 0, o.cum, 0, o.feeAsset, -9004, this.now);
    });
    return true;
  }

  cancelOrder(): void {
    // IOC orders are settled on arrival: nothing to cancel (as on the venues).
  }

  requestVerdict(orderId: number): boolean {
    if (!this.f.reconcile) return false;
    this.verdictRequests++;
    const o = this.orders.get(orderId);
    this.at(this.now + this.latency(), () => {
      if (o === undefined || o.forgotten) {
        this.verdictsNoRecord++;
        this.strat.onVerdict(orderId, VERDICT_NO_RECORD, 0, 0, 0, 0, 0, this.now);
        return;
      }
      if (o.final === 0) return; // not settled at the venue yet: no answer, the strategy asks again
      this.verdictsFinal++;
      this.strat.onVerdict(o.id, VERDICT_FINAL, o.final, o.cum, o.cumQuote, o.cumFee, o.feeAsset, this.now);
    });
    return true;
  }

  // ---- venue side ----------------------------------------------------------------------------

  private arrive(o: ModelOrder): void {
    const r = this.rng;
    const v = o.venue;
    const reply = (): number => this.now + this.latency();
    if (this.f.authBroken === v && this.step >= this.f.authBreakStep) return this.settle(o, ST_REJECTED, AUTH_CODE[v]!, reply());
    if (r.next() < this.f.pFilterReject) return this.settle(o, ST_REJECTED, FILTER_CODE[v]!, reply());
    let fillQty = o.qty;
    const u = r.next();
    if (u < this.f.pEmpty) fillQty = 0;
    else if (u < this.f.pEmpty + this.f.pPartial) fillQty = Math.floor((o.qty / STEP) * r.next()) * STEP;
    if (o.side === SIDE_BUY ? this.quote[v]! < o.price * o.qty : this.base[v]! < o.qty) {
      return this.settle(o, ST_REJECTED, BALANCE_CODE[v]!, reply());
    }
    if (fillQty > 0) {
      const notional = o.price * fillQty;
      if (o.side === SIDE_BUY) {
        const fee = fillQty * FEE;
        this.quote[v] = this.quote[v]! - notional;
        this.base[v] = this.base[v]! + fillQty - fee;
        this.baseFees += fee;
        o.cumFee = fee;
      } else {
        const fee = notional * FEE;
        this.base[v] = this.base[v]! - fillQty;
        this.quote[v] = this.quote[v]! + notional - fee;
        o.cumFee = fee;
      }
      o.cum = fillQty;
      o.cumQuote = notional;
    }
    const due = reply();
    if (r.next() < 0.5) this.report(o, ST_ACKED, 0, 0, 0, 0, due);
    if (fillQty === o.qty) return this.settle(o, ST_FILLED, 0, due);
    if (fillQty > 0) this.report(o, ST_PARTIAL, o.price, fillQty, fillQty, o.cumFee, due + this.latency());
    this.settle(o, ST_CANCELED, 0, due + this.latency());
  }

  private settle(o: ModelOrder, status: number, code: number, due: number): void {
    o.final = status;
    const lastQty = status === ST_FILLED ? o.cum : 0;
    this.report(o, status, status === ST_FILLED ? o.price : 0, lastQty, o.cum, status === ST_FILLED ? o.cumFee : 0, due, code);
  }

  /** Delivers one report at `due`, unless lost; maybe late, maybe twice. */
  private report(o: ModelOrder, status: number, lastPx: number, lastQty: number, cum: number, fee: number, due: number, code = 0): void {
    const r = this.rng;
    if (r.next() < this.f.pLost) {
      // Lost for good (a report backlog that overflowed): only the strategy's request recovers it.
      o.lost = true;
      return;
    }
    const final = status === ST_FILLED || status === ST_CANCELED || status === ST_REJECTED;
    const when = r.next() < this.f.pLate ? due + (1500 + r.int(4500)) * MS : due;
    const deliver = (): void => {
      if (final) o.finalDelivered = true;
      this.strat.onReport(o.id, status, lastPx, lastQty, cum, fee, o.feeAsset, code, this.now);
    };
    this.at(when, deliver);
    if (r.next() < this.f.pDup) this.at(when + r.int(50) * MS, deliver);
  }

  // ---- time ------------------------------------------------------------------------------------

  private latency(): number {
    return (1 + this.rng.int(this.f.maxLatencyMs)) * MS;
  }

  protected tick(): void {
    this.strat.onTimer(this.now);
  }

  quote2(venue: number, bid: number, bidSz: number, ask: number, askSz: number): void {
    this.strat.onQuote(venue, 0, bid, bidSz, ask, askSz, true, 0, this.now, this.now);
  }
}
