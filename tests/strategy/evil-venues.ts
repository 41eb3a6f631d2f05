/**
 * Review model (session 6), nastier than model-venues.ts and nasty-venues.ts together: two
 * spot venues, two symbols sharing each venue's quote, and an executor that
 *
 *   - fills an IOC in up to three pieces at prices at or better than the limit, one report each,
 *     each on its own latency, plus empty PARTIAL reports (lastQty 0) as noise;
 *   - charges venue 1's fees in quote on both sides (venue 0: spot, a buy pays in base);
 *   - loses reports (only the strategy's own reconciliation request recovers them), duplicates
 *     any report (finals too) up to 10 s later, delivers some late;
 *   - answers reconciliation requests from the venue's truth, sometimes twice, sometimes
 *     before the order's own reports (which then come after the verdict);
 *   - rejects for balance (the venue's own balances), filters, 'other' codes (the breaker's
 *     reject path and its half-open try) and a broken key;
 *   - reports EXPIRED at the order's deadline when its final has not come through;
 *
 * while an operator pulls the kill switch and lifts it, and books go unusable for a while.
 * The strategy's own checks are watched at every step: no order to an auth-open venue, none
 * off the grid, net exposure never above position_limit (fees paid in base aside).
 *
 * Amounts are dyadic (integer prices, quantities in 1/64ths, fee rate 1/1024).
 */
import {
  ASSET_BASE, ASSET_QUOTE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED,
  ST_PARTIAL, ST_REJECTED, VERDICT_FINAL,
} from '../../src/core/records.js';
import { Prng } from '../../src/core/prng.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { ArbitrageConfig } from '../../src/strategy/config.js';
import type { OrderSink, StrategyEvent, StrategyEvents } from '../../src/strategy/events.js';
import type { NastyOrder } from './nasty-venues.js';
import { Scheduled } from './scheduled.js';

export const FEE = 1 / 1024;
export const STEP = 1 / 64;
export const MS = 1e6;
export const POSITION_LIMIT = 6;
const AUTH = [-2015, 10003];
const BALANCE = [-2010, 170131];
const FILTER = [-1013, 170136];
const OTHER = -9999;

export interface EvilFaults {
  seed: number;
  pLost: number;
  pDup: number;
  pLate: number;
  pReject: number;
  pOther: number;
  pPartial: number;
  pEmpty: number;
  pVerdictDup: number;
  pKill: number;
  pUnusable: number;
  authBroken: number;
  authBreakStep: number;
  maxLatencyMs: number;
  startQuote: number;
  /** Rate-kind rejects (-1003): not the venue's health (finding F2's path when on a half-open try). */
  pRate?: number;
  /** Per step: the operator resumes unwind_failed / max_drawdown and resets the breakers. */
  pOperator?: number;
}

/** An order as the evil venue keeps it: the nasty venue's, without its role and deadlines. */
type Order = Omit<NastyOrder, 'role' | 'verdictDue' | 'deadlineNs'>;

export function evilConfig(): ArbitrageConfig {
  return {
    strategy: { symbols: ['BTCUSDT', 'ETHUSDT'], min_spread_bps: 10, max_position_size: 2, rebalance_threshold: 0.1 },
    risk: {
      max_drawdown: 0.5, stop_loss_bps: 50, position_limit: POSITION_LIMIT, max_orders_per_second: 1000, price_band_bps: 500,
      max_notional_per_trade: 1e9, stale_book_ms: 500, hedge_timeout_ms: 500, breaker_rejects: 3, breaker_cooldown_ms: BREAKER_COOLDOWN_MS,
    },
    execution: { order_timeout_ms: 1000, slippage_tolerance: 0.0002 },
    fees: { binance_taker_bps: FEE * 1e4, binance_maker_bps: 0, bybit_taker_bps: FEE * 1e4, bybit_maker_bps: 0 },
  };
}

export const BASE0 = [4, 40];

/** The model's venue breaker cool-down (risk.breaker_cooldown_ms). */
export const BREAKER_COOLDOWN_MS = 2000;

export class EvilVenues extends Scheduled implements OrderSink, StrategyEvents {
  readonly quote: number[];
  readonly base = [[BASE0[0]!, BASE0[1]!], [BASE0[0]!, BASE0[1]!]];
  readonly baseFees = [0, 0];
  readonly strat: ArbitrageStrategy;
  readonly violations: string[] = [];
  readonly events: StrategyEvent[] = [];
  readonly rng: Prng;
  readonly orders = new Map<number, Order>();
  step = 0;
  sent = 0;
  legBalanceRejects = 0;
  /** Venues whose breaker the strategy said is open on auth (from its events; an operator reset closes them). */
  readonly authOpen = [false, false];

  constructor(readonly f: EvilFaults) {
    super();
    this.rng = new Prng(f.seed);
    this.quote = [f.startQuote, f.startQuote];
    const filter = { tickSize: 1, stepSize: STEP, minQty: STEP, minNotional: 5 };
    const filters = { binance: { BTCUSDT: { ...filter }, ETHUSDT: { ...filter } }, bybit: { BTCUSDT: { ...filter }, ETHUSDT: { ...filter } } };
    const bal = (): { quote: number; base: Record<string, number> } => ({ quote: f.startQuote, base: { BTCUSDT: BASE0[0]!, ETHUSDT: BASE0[1]! } });
    this.strat = new ArbitrageStrategy(evilConfig(), filters, { binance: bal(), bybit: bal() }, this, this);
  }

  onEvent(e: StrategyEvent): void {
    this.events.push(e);
    if (e.type === 'breaker') this.authOpen[e.venue] = e.open && AUTH.includes(e.code);
  }

  newOrder(id: number, _pair: number, venue: number, symbol: number, side: number, price: number, qty: number,
    _tif: number, role: number, _decisionNs: number, deadlineNs: number): boolean {
    if (this.authOpen[venue]) this.violations.push(`order ${id} (role ${role}) to venue ${venue}, breaker open on auth`);
    if (!(qty > 0) || Math.round(qty / STEP) * STEP !== qty || !(price > 0) || Math.round(price) !== price) this.violations.push(`order ${id} off the grid: ${qty} @ ${price}`);
    this.sent++;
    const o: Order = {
      id, venue, symbol, side, price, qty, cum: 0, cumQuote: 0, cumFee: 0,
      feeAsset: venue === 0 && side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, final: 0, finalDelivered: false,
    };
    this.orders.set(id, o);
    const leg = role === ROLE_LEG_BUY || role === ROLE_LEG_SELL;
    this.at(this.now + this.lat(), () => this.arrive(o, leg));
    this.at(deadlineNs, () => {
      if (!o.finalDelivered) this.strat.onReport(id, ST_EXPIRED, 0, 0, o.cum, 0, o.feeAsset, -9004, this.now);
    });
    return true;
  }

  cancelOrder(): void {
    // IOC: settled at arrival.
  }

  requestVerdict(orderId: number): boolean {
    const o = this.orders.get(orderId);
    const answer = (): void => {
      if (o === undefined || o.final === 0) return;
      this.strat.onVerdict(o.id, VERDICT_FINAL, o.final, o.cum, o.cumQuote, o.cumFee, o.feeAsset, this.now);
    };
    this.at(this.now + this.lat(), answer);
    if (this.rng.next() < this.f.pVerdictDup) this.at(this.now + this.lat() + this.rng.int(5000) * MS, answer);
    return true;
  }

  private arrive(o: Order, leg: boolean): void {
    const r = this.rng;
    const v = o.venue;
    const s = o.symbol;
    if (this.f.authBroken === v && this.step >= this.f.authBreakStep) return this.reject(o, AUTH[v]!);
    if (r.next() < this.f.pReject) return this.reject(o, FILTER[v]!);
    if (r.next() < this.f.pOther) return this.reject(o, OTHER);
    if ((this.f.pRate ?? 0) > 0 && r.next() < this.f.pRate!) return this.reject(o, -1003); // no draw when off: older cases replay
    const feeInBase = o.feeAsset === ASSET_BASE;
    const need = o.price * o.qty * (1 + FEE);
    if (o.side === SIDE_BUY ? this.quote[v]! < need : this.base[v]![s]! < o.qty) {
      if (leg) this.legBalanceRejects++;
      return this.reject(o, BALANCE[v]!);
    }
    let fill = o.qty;
    const u = r.next();
    if (u < this.f.pEmpty) fill = 0;
    else if (u < this.f.pEmpty + this.f.pPartial) fill = Math.floor((o.qty / STEP) * r.next()) * STEP;
    if (r.next() < 0.5) this.send(o, ST_ACKED, 0, 0, 0, 0);
    let left = fill;
    for (let piece = 0; left > 0; piece++) {
      const q = piece === 2 ? left : Math.max(STEP, Math.floor((left / STEP) * r.next()) * STEP);
      const px = o.side === SIDE_BUY ? o.price - r.int(3) : o.price + r.int(3);
      const notional = px * q;
      const fee = feeInBase ? q * FEE : notional * FEE;
      if (o.side === SIDE_BUY) {
        this.quote[v] = this.quote[v]! - notional - (feeInBase ? 0 : fee);
        this.base[v]![s] = this.base[v]![s]! + q - (feeInBase ? fee : 0);
        if (feeInBase) this.baseFees[s] = this.baseFees[s]! + fee;
      } else {
        this.base[v]![s] = this.base[v]![s]! - q;
        this.quote[v] = this.quote[v]! + notional - fee;
      }
      o.cum += q;
      o.cumQuote += notional;
      o.cumFee += fee;
      left -= q;
      this.send(o, o.cum === o.qty ? ST_FILLED : ST_PARTIAL, px, q, o.cum, fee);
      if (r.next() < 0.2) this.send(o, ST_PARTIAL, 0, 0, o.cum, 0); // empty noise
    }
    o.final = o.cum === o.qty ? ST_FILLED : ST_CANCELED;
    if (o.final === ST_CANCELED) this.send(o, ST_CANCELED, 0, 0, o.cum, 0);
  }

  private reject(o: Order, code: number): void {
    o.final = ST_REJECTED;
    this.send(o, ST_REJECTED, 0, 0, 0, 0, code);
  }

  private send(o: Order, status: number, lastPx: number, lastQty: number, cum: number, fee: number, code = 0): void {
    const r = this.rng;
    if (r.next() < this.f.pLost) return;
    const settles = status === ST_FILLED || status === ST_CANCELED || status === ST_REJECTED;
    const late = r.next() < this.f.pLate ? (1000 + r.int(5000)) * MS : 0;
    const twice = r.next() < this.f.pDup;
    const times = twice ? 2 : 1;
    let due = this.now + this.lat() + late;
    for (let n = 0; n < times; n++, due += r.int(10_000) * MS) {
      this.at(due, () => {
        o.finalDelivered ||= settles;
        this.strat.onReport(o.id, status, lastPx, lastQty, cum, fee, o.feeAsset, code, this.now);
      });
    }
  }

  /** One latency draw: 1 … maxLatencyMs. */
  private lat(): number {
    return MS + MS * this.rng.int(this.f.maxLatencyMs);
  }

  protected tick(): void {
    this.strat.onTimer(this.now);
    for (let s = 0; s < 2; s++) {
      const net = this.strat.positions.netExposure(s) + this.strat.positions.baseFeesPaid(s);
      if (Math.abs(net) > POSITION_LIMIT + STEP) this.violations.push(`symbol ${s}: net exposure ${net} above position_limit ${POSITION_LIMIT} at ${this.now / MS} ms`);
    }
  }

  quoteOn(venue: number, symbol: number, bid: number, bidSz: number, ask: number, askSz: number): void {
    this.strat.onQuote(venue, symbol, bid, bidSz, ask, askSz, true, 0, this.now, this.now);
  }
}
