/**
 * A nastier model venue pair than model-venues.ts, for the adversarial property test: two
 * spot venues, two symbols sharing each venue's quote balance, and an executor in front that
 *
 *   - fills an IOC in up to four pieces at different prices (walking the book), one report each;
 *   - delivers every report of an order with its own latency: partials reordered among
 *     themselves and after the final, fills before the ack, the ack after the final;
 *   - duplicates any report (finals included), sometimes long after the order was settled;
 *   - loses any report; lost ones are recovered by a reconciliation verdict (the venue's
 *     cumulative quantity, quote amount and fee) some time after the deadline;
 *   - rejects for balance (the venue's own balances), filters, and a broken key;
 *   - reports EXPIRED at the order's deadline when its final has not come through.
 *
 * Amounts are dyadic (integer prices, quantities in 1/64ths, fee rate 1/1024), so the venue's
 * balances and the strategy's positions compare exactly (a verdict's average price aside).
 */
import {
  ASSET_BASE, ASSET_QUOTE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED,
  ST_PARTIAL, ST_REJECTED,
} from '../../src/core/records.js';
import { Prng } from '../../src/core/prng.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { ArbitrageConfig, VenueBalances, VenueFilters } from '../../src/strategy/config.js';
import type { OrderSink, StrategyEvent, StrategyEvents } from '../../src/strategy/events.js';
import { Scheduled } from './scheduled.js';

export const FEE = 1 / 1024;
export const STEP = 1 / 64;
export const MS = 1e6;
export const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
/** Mid prices the quote paths start from, per symbol. */
export const MIDS = [30000, 2000];
const AUTH_CODE = [-2015, 10003];
const BALANCE_CODE = [-2010, 170131];
const FILTER_CODE = [-1013, 170136];

export interface NastyFaults {
  seed: number;
  pLost: number;
  pDup: number;
  pLate: number;
  pFilterReject: number;
  pEmpty: number;
  pPartial: number;
  /** Fill pieces per order, at most. */
  maxPieces: number;
  authBroken: number;
  authBreakStep: number;
  maxLatencyMs: number;
  /** Quote per venue: small enough that the two symbols compete for it. */
  startQuote: number;
}

interface Report {
  status: number;
  lastPx: number;
  lastQty: number;
  cum: number;
  fee: number;
  code: number;
}

export interface NastyOrder {
  id: number;
  venue: number;
  symbol: number;
  side: number;
  role: number;
  price: number;
  qty: number;
  cum: number;
  cumQuote: number;
  cumFee: number;
  feeAsset: number;
  final: number;
  finalDelivered: boolean;
  verdictDue: boolean;
  deadlineNs: number;
}

export function nastyConfig(): ArbitrageConfig {
  return {
    strategy: { symbols: SYMBOLS, min_spread_bps: 10, max_position_size: 2, rebalance_threshold: 0.1 },
    risk: {
      max_drawdown: 0.5, stop_loss_bps: 50, position_limit: 6, max_orders_per_second: 1000, price_band_bps: 500,
      max_notional_per_trade: 1e9, stale_book_ms: 500, hedge_timeout_ms: 500,
    },
    execution: { order_timeout_ms: 1000, slippage_tolerance: 0.0002 },
    fees: { binance_taker_bps: FEE * 1e4, binance_maker_bps: 0, bybit_taker_bps: FEE * 1e4, bybit_maker_bps: 0 },
  };
}

function nastyFilters(): VenueFilters {
  const f = { tickSize: 1, stepSize: STEP, minQty: STEP, minNotional: 5 };
  return { binance: { BTCUSDT: { ...f }, ETHUSDT: { ...f } }, bybit: { BTCUSDT: { ...f }, ETHUSDT: { ...f } } };
}

export const START_BASE = [4, 40];

function nastyBalances(quote: number): VenueBalances {
  const base = { BTCUSDT: START_BASE[0]!, ETHUSDT: START_BASE[1]! };
  return { binance: { quote, base: { ...base } }, bybit: { quote, base: { ...base } } };
}

export class NastyVenues extends Scheduled implements OrderSink, StrategyEvents {
  readonly quote: number[];
  /** base[venue][symbol] */
  readonly base = [[START_BASE[0]!, START_BASE[1]!], [START_BASE[0]!, START_BASE[1]!]];
  readonly baseFees = [0, 0];
  readonly strat: ArbitrageStrategy;
  readonly violations: string[] = [];
  readonly events: StrategyEvent[] = [];
  readonly rng: Prng;
  step = 0;
  sent = 0;
  /** Entry legs the venue rejected for balance (the strategy's reservations should prevent them). */
  legBalanceRejects = 0;
  private readonly authOpen = [false, false];

  constructor(readonly f: NastyFaults, cfg: ArbitrageConfig = nastyConfig()) {
    super();
    this.rng = new Prng(f.seed);
    this.quote = [f.startQuote, f.startQuote];
    this.strat = new ArbitrageStrategy(cfg, nastyFilters(), nastyBalances(f.startQuote), this, this);
  }

  // ---- strategy side -------------------------------------------------------------------------

  onEvent(e: StrategyEvent): void {
    this.events.push(e);
    if (e.type === 'breaker') {
      if (!e.open) this.authOpen[e.venue] = false;
      else if (AUTH_CODE.includes(e.code)) this.authOpen[e.venue] = true;
    }
  }

  newOrder(orderId: number, _pairId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    _tif: number, role: number, _decisionNs: number, deadlineNs: number): boolean {
    if (this.authOpen[venue]) this.violations.push(`order ${orderId} (role ${role}) sent to venue ${venue} with its breaker open on auth`);
    if (!(qty > 0) || Math.round(qty / STEP) * STEP !== qty || Math.round(price) !== price) this.violations.push(`order ${orderId} off the grid: ${qty} @ ${price}`);
    this.sent++;
    const o: NastyOrder = {
      id: orderId, venue, symbol, side, role, price, qty, cum: 0, cumQuote: 0, cumFee: 0,
      feeAsset: side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, final: 0, finalDelivered: false, verdictDue: false, deadlineNs,
    };
    this.at(this.now + this.latency(), () => this.arrive(o));
    this.at(deadlineNs, () => {
      if (!o.finalDelivered) this.strat.onReport(o.id, ST_EXPIRED, 0, 0, o.cum, 0, o.feeAsset, -9004, this.now);
    });
    return true;
  }

  cancelOrder(): void {
    // IOC: settled on arrival.
  }

  // ---- venue side ----------------------------------------------------------------------------

  private arrive(o: NastyOrder): void {
    const r = this.rng;
    const v = o.venue;
    const s = o.symbol;
    const leg = o.role === ROLE_LEG_BUY || o.role === ROLE_LEG_SELL;
    if (this.f.authBroken === v && this.step >= this.f.authBreakStep) return this.rejectWith(o, AUTH_CODE[v]!);
    if (r.next() < this.f.pFilterReject) return this.rejectWith(o, FILTER_CODE[v]!);
    if (o.side === SIDE_BUY ? this.quote[v]! < o.price * o.qty * (1 + FEE) : this.base[v]![s]! < o.qty) {
      if (leg) this.legBalanceRejects++;
      return this.rejectWith(o, BALANCE_CODE[v]!);
    }
    let fillQty = o.qty;
    const u = r.next();
    if (u < this.f.pEmpty) fillQty = 0;
    else if (u < this.f.pEmpty + this.f.pPartial) fillQty = Math.floor((o.qty / STEP) * r.next()) * STEP;
    const reports: Report[] = [];
    // Pieces at prices at or better than the limit, walking away from it.
    let left = fillQty;
    let piece = 0;
    while (left > 0) {
      const last = piece === this.f.maxPieces - 1;
      const q = last ? left : Math.max(STEP, Math.floor((left / STEP) * r.next()) * STEP);
      const px = o.side === SIDE_BUY ? o.price - r.int(3) : o.price + r.int(3);
      const notional = px * q;
      let fee: number;
      if (o.side === SIDE_BUY) {
        fee = q * FEE;
        this.quote[v] = this.quote[v]! - notional;
        this.base[v]![s] = this.base[v]![s]! + q - fee;
        this.baseFees[s] = this.baseFees[s]! + fee;
      } else {
        fee = notional * FEE;
        this.base[v]![s] = this.base[v]![s]! - q;
        this.quote[v] = this.quote[v]! + notional - fee;
      }
      o.cum += q;
      o.cumQuote += notional;
      o.cumFee += fee;
      left -= q;
      piece++;
      const full = left === 0 && o.cum === o.qty;
      reports.push({ status: full ? ST_FILLED : ST_PARTIAL, lastPx: px, lastQty: q, cum: o.cum, fee, code: 0 });
    }
    if (o.cum < o.qty) reports.push({ status: ST_CANCELED, lastPx: 0, lastQty: 0, cum: o.cum, fee: 0, code: 0 });
    if (r.next() < 0.7) reports.unshift({ status: ST_ACKED, lastPx: 0, lastQty: 0, cum: 0, fee: 0, code: 0 });
    o.final = o.cum === o.qty ? ST_FILLED : ST_CANCELED;
    for (const rep of reports) this.deliver(o, rep);
  }

  private rejectWith(o: NastyOrder, code: number): void {
    o.final = ST_REJECTED;
    this.deliver(o, { status: ST_REJECTED, lastPx: 0, lastQty: 0, cum: 0, fee: 0, code });
  }

  /** One report, with its own latency; maybe lost (then a verdict), late, or twice. */
  private deliver(o: NastyOrder, rep: Report): void {
    const r = this.rng;
    if (r.next() < this.f.pLost) {
      if (!o.verdictDue) {
        o.verdictDue = true;
        this.at(Math.max(this.now, o.deadlineNs) + (2000 + r.int(3000)) * MS, () => {
          this.strat.reconcileOrder(o.id, o.final, o.cum, o.cumQuote, o.cumFee, o.feeAsset, this.now);
        });
      }
      return;
    }
    const final = rep.status === ST_FILLED || rep.status === ST_CANCELED || rep.status === ST_REJECTED;
    const when = this.now + this.latency() + (r.next() < this.f.pLate ? (1000 + r.int(5000)) * MS : 0);
    const run = (): void => {
      if (final) o.finalDelivered = true;
      this.strat.onReport(o.id, rep.status, rep.lastPx, rep.lastQty, rep.cum, rep.fee, o.feeAsset, rep.code, this.now);
    };
    this.at(when, run);
    if (r.next() < this.f.pDup) this.at(when + r.int(8000) * MS, run);
  }

  // ---- time ------------------------------------------------------------------------------------

  private latency(): number {
    return (1 + this.rng.int(this.f.maxLatencyMs)) * MS;
  }

  protected tick(): void {
    this.strat.onTimer(this.now);
  }

  quoteOn(venue: number, symbol: number, bid: number, bidSz: number, ask: number, askSz: number): void {
    this.strat.onQuote(venue, symbol, bid, bidSz, ask, askSz, true, 0, this.now, this.now);
  }
}
