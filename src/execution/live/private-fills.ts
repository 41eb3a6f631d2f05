/**
 * One venue's private truth in live mode: every fill through ONE FillLedger, and the venue's
 * balance view.
 *
 * Fills arrive three ways and are applied once, by venue trade id, whichever comes first:
 *
 *   answer   the order answer (Binance FULL `fills`; for an order settled by the order query,
 *            its trades from myTrades): the fast path. Recorded here silently (`answer()`); the
 *            answer's own cumulative update reaches the executor through the order client.
 *   stream   Binance `executionReport` x=TRADE / Bybit `execution` (`fill()`).
 *   gapfill  on every (re)connect of the private stream, the REST history (Binance
 *            myTrades + allOrders, Bybit /v5/execution/list) since the stream went down,
 *            less a margin for clock skew (`gapFill()`).
 *
 * A stream or gap-fill fill that is new is reported to the executor (`FillTarget`) as the
 * order's cumulative quantity, average price and fee (fee-units.ts, the same rule as the order
 * answer's): the executor reports only what exceeds what it already reported, so the
 * strategy's positions move once per fill whatever the order of arrival. Fills of orders the
 * executor no longer tracks (final already, or an earlier run's) stay in the ledger and are
 * counted (`fills_untracked`).
 *
 * Balances: Binance `outboundAccountPosition` (free, locked per asset) and Bybit `wallet`
 * (walletBalance, locked per coin) are kept as the venue's balance view (`balances`),
 * exported in the executor's stats. Not the hot path: a few messages per order.
 */
import { FillLedger, type FillVenue, type VenueFill } from '../fill-ledger.js';
import type { VenueOrderView } from '../reconcile.js';
import { splitSymbol } from './binance-order.js';
import type { LiveLog } from './client-base.js';
import { executorFee, type FeeFill, type RateInQuote } from './fee-units.js';
import type { BinanceUserDataEvent } from '../../venues/binance/user-data.js';
import { fillFromExecutionReport } from '../../venues/binance/user-data.js';
import { fillFromBybitExecution, parseBybitExecutionRow, parseBybitPrivate } from '../../venues/bybit/private-stream.js';
import type { BinanceExecutionReport } from '../../venues/binance/user-data.js';
import { ASSET_BASE, ASSET_QUOTE, ST_CANCELED, ST_FILLED, ST_REJECTED } from '../../core/records.js';
import { mapBybitOrderRow } from './bybit-order.js';
import { ERR_LIVE_BAD_RESPONSE, ERR_LIVE_VENUE_REJECTED } from './live-errors.js';
import { finalUpdate, UPD_FINAL, type OrderUpdate } from './order-types.js';
import type { VenueFeeSource } from './held-finals.js';

/** The executor side: a cumulative view of one of its orders, by client order id. */
export interface FillTarget {
  /**
   * A final state of one of its orders (cumulative quantity, average price and fees as the
   * venue has them): settles it once, whichever final comes first. False when the client id is
   * not a live order of this run (settled already, or not this run's).
   */
  onVenueFinal(venue: number, clientOrderId: string, u: OrderUpdate): boolean;
  /** Whether the client id is a live order of this run on `venue`. */
  isLive(venue: number, clientOrderId: string): boolean;
  /** Returns false when the client id is not a live order of this run (nothing reported). */
  onVenueFills(venue: number, clientOrderId: string, cumQty: number, avgPx: number, cumFee: number, feeAsset: number): boolean;
}

/** The venue's fill history since a time (up to `untilMs`, when given), for one symbol (account-rest.ts `fillsSince`). */
export type GapFillSource = (symbol: string, sinceMs: number, untilMs?: number) => Promise<VenueFill[] | GapFillResult>;

/** A gap-fill's fills, and the orders of the same window (Binance allOrders, Bybit order history). */
export interface GapFillResult {
  fills: VenueFill[];
  orders?: readonly VenueOrderView[];
}

/** An order's final state as one of the venue's order lists states it, for `ledgerFinal`. */
interface VenueFinal {
  venueOrderId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  /** The venue's status word. */
  status: string;
  cumQty: number;
  /** NaN when the list does not give it (then the ledger's). */
  cumQuote: number;
  rejectReason: string;
}

export interface VenueBalance {
  free: number;
  locked: number;
  /** Venue event time of the last update. */
  updatedMs: number;
}

export interface PrivateFillsOptions {
  venue: number;
  name: FillVenue;
  symbols: readonly string[];
  rateInQuote: RateInQuote;
  takerFeeRate: number;
  /** null: no gap-fill possible (e.g. a Binance Ed25519 key: the account REST signs with HMAC). */
  gapFill: GapFillSource | null;
  /** Looked back before the moment the stream was lost (clock skew, events in flight). */
  gapMarginMs?: number;
  wallMs: () => number;
  log: LiveLog;
  /** Waits between gap-fill attempts (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

export interface PrivateFillsCounters {
  stream_events: number;
  stream_bad: number;
  stream_ups: number;
  stream_downs: number;
  fills_answer: number;
  /** Trades of an order settled by the order query (myTrades by orderId). */
  fills_query: number;
  fills_stream: number;
  fills_gapfill: number;
  /** Copies of fills already applied (by trade id), all sources. */
  fills_duplicate: number;
  fills_invalid: number;
  /** New fills reported to the executor as progress of a live order. */
  fills_to_executor: number;
  /** New fills of orders the executor no longer tracks (final already, or not this run's). */
  fills_untracked: number;
  fees_converted: number;
  fees_estimated: number;
  gapfills: number;
  gapfill_errors: number;
  gapfill_skipped: number;
  balance_updates: number;
  balance_deltas: number;
  /** Final order states read from the stream (Binance executionReport X final, Bybit order topic). */
  finals: number;
  /** Finals that settled a live order of this run (its answer or look had not yet). */
  finals_settled: number;
  /** Finals of orders already settled (by their answer) or not this run's. */
  finals_late: number;
  /** Binance finals held until the ledger has every fill they count (exact fees). */
  finals_held: number;
  /** Executions queries for an order whose final stated no fee (held-finals.ts VenueFeeSource.queryFills). */
  fee_queries: number;
}

const GAP_TRIES = 3;
/** Binance order statuses after which the order does nothing more (user-data-stream.md). */
const BINANCE_FINAL: ReadonlySet<string> = new Set(['FILLED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH', 'REJECTED']);
/** Final statuses of either venue's order lists (Binance as above; Bybit v5 orderStatus). */
const VENUE_FINAL: ReadonlySet<string> = new Set([...BINANCE_FINAL, 'Filled', 'Cancelled', 'PartiallyFilledCanceled', 'Deactivated', 'Rejected']);
const MAX_HELD_FINALS = 4096;
const MAX_FEE_ORDERS = 100_000;

export class PrivateFills implements VenueFeeSource {
  readonly ledger = new FillLedger();
  readonly balances = new Map<string, VenueBalance>();
  readonly counters: PrivateFillsCounters = {
    stream_events: 0, stream_bad: 0, stream_ups: 0, stream_downs: 0, fills_answer: 0, fills_query: 0, fills_stream: 0, fills_gapfill: 0, fills_duplicate: 0,
    fills_invalid: 0, fills_to_executor: 0, fills_untracked: 0, fees_converted: 0, fees_estimated: 0, gapfills: 0, gapfill_errors: 0,
    gapfill_skipped: 0, balance_updates: 0, balance_deltas: 0, finals: 0, finals_settled: 0, finals_late: 0, finals_held: 0, fee_queries: 0,
  };
  /** Set once the executor exists (it is built after the venue clients). */
  target: FillTarget | null = null;
  /**
   * The run's journal (docs/report.md `venue_fill`, `venue_order`): every fill the ledger
   * applies, with the source that brought it first, and every final order state read from the
   * stream, with whether it settled the order. null = not journaled (tests, tools).
   */
  journal: ((entry: { type: string } & Record<string, unknown>) => void) | null = null;
  /** Every new fill's commission in the asset charged, whatever its source (the balance watch). */
  onFee: ((asset: string, fee: number) => void) | null = null;
  /** Wall ms since when the stream has been down (null while it is up); the start counts as down. */
  private downSinceMs: number | null;
  /** Per order (ledger order key): its fills' fees, for fee-units.ts. */
  private readonly feeFills = new Map<string, FeeFill[]>();
  /** Binance finals waiting for fills the ledger has not seen yet, by ledger order key. */
  private readonly heldFinals = new Map<string, BinanceExecutionReport>();
  private gapRun: Promise<void> = Promise.resolve();
  private readonly sleep: (ms: number) => Promise<void>;
  private closed = false;

  constructor(private readonly o: PrivateFillsOptions) {
    this.downSinceMs = o.wallMs();
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  close(): void {
    this.closed = true;
  }

  // ---- fills -------------------------------------------------------------------------------------

  /** Fills of the order path (answer, or an order's trades after a query): recorded for deduplication, not reported. */
  answer(fills: readonly VenueFill[]): void {
    for (const f of fills) this.apply(f, false);
  }

  /** A fill from the stream or the gap-fill: applied once; new ones reach the executor. */
  fill(f: VenueFill): void {
    this.apply(f, true);
  }

  private apply(f: VenueFill, report: boolean): void {
    const c = this.counters;
    const before = this.ledger.counters.invalid;
    const t = this.ledger.apply(f);
    if (t === null) {
      if (this.ledger.counters.invalid > before) {
        c.fills_invalid++;
        this.o.log('warn', `${this.o.name} fill refused as malformed`, { source: f.source, trade_id: f.tradeId, client_order_id: f.clientOrderId });
      } else c.fills_duplicate++;
      return;
    }
    if (this.journal !== null) {
      this.journal({ type: 'venue_fill', venue: f.venue, symbol: f.symbol, client_order_id: f.clientOrderId, venue_order_id: f.orderId,
        trade_id: f.tradeId, side: f.side, price: f.price, qty: f.qty, fee: f.fee, fee_asset: f.feeAsset, trade_ms: f.timeMs, source: f.source });
    }
    if (f.source === 'answer') c.fills_answer++;
    else if (f.source === 'gapfill') c.fills_gapfill++;
    else if (f.source === 'reconcile') c.fills_query++;
    else c.fills_stream++;
    const key = FillLedger.orderKey(f.venue, f.orderId);
    let fees = this.feeFills.get(key);
    if (fees === undefined) {
      if (this.feeFills.size >= MAX_FEE_ORDERS) this.feeFills.delete(this.feeFills.keys().next().value!);
      fees = [];
      this.feeFills.set(key, fees);
    }
    fees.push({ fee: f.fee, feeAsset: f.feeAsset, price: f.price, qty: f.qty });
    if (this.onFee !== null && f.fee !== 0) {
      // No asset named: the received one (fee-units.ts).
      const asset = f.feeAsset !== '' ? f.feeAsset : (t.side === 'buy' ? splitSymbol(t.symbol).base : splitSymbol(t.symbol).quote);
      this.onFee(asset, f.fee);
    }
    const held = this.heldFinals.size > 0 ? this.heldFinals.get(key) : undefined;
    if (held !== undefined && this.binanceFinal(held)) this.heldFinals.delete(key);
    if (!report) return;
    const clientOrderId = t.clientOrderId;
    const fee = executorFee(fees, t.side === 'buy' ? 'BUY' : 'SELL', splitSymbol(t.symbol), this.o.rateInQuote, this.o.takerFeeRate);
    if (fee.converted) c.fees_converted++;
    if (fee.estimated) {
      // Logged the first time only (a run paying in BNB without a price would repeat it per fill).
      if (c.fees_estimated++ === 0) {
        this.o.log('warn', `${this.o.name} fee in ${f.feeAsset} with no configured price: estimated at the taker rate (set execution.bnb_price_quote; later ones counted only)`,
          { client_order_id: clientOrderId });
      }
    }
    const target = this.target;
    if (target !== null && clientOrderId !== '' && target.onVenueFills(this.o.venue, clientOrderId, t.cumQty, t.cumQuote / t.cumQty, fee.cumFee, fee.feeAsset)) {
      c.fills_to_executor++;
    } else c.fills_untracked++;
  }

  // ---- stream events -----------------------------------------------------------------------------

  /** A parsed Binance user-data event. */
  onBinanceEvent(e: BinanceUserDataEvent): void {
    this.counters.stream_events++;
    switch (e.kind) {
      case 'executionReport': {
        const f = fillFromExecutionReport(e);
        if (f !== null) this.fill(f);
        if (BINANCE_FINAL.has(e.status)) {
          this.counters.finals++;
          const key = FillLedger.orderKey('binance', String(e.orderId));
          if (!this.binanceFinal(e) && !this.heldFinals.has(key)) {
            this.counters.finals_held++;
            if (this.heldFinals.size >= MAX_HELD_FINALS) this.heldFinals.delete(this.heldFinals.keys().next().value!);
            this.heldFinals.set(key, e);
          }
        }
        return;
      }
      case 'outboundAccountPosition':
        for (const b of e.balances) this.setBalance(b.asset, b.free, b.locked, e.eventMs);
        return;
      case 'balanceUpdate':
        // A change outside trading; the outboundAccountPosition that follows carries the new total.
        this.counters.balance_deltas++;
        this.o.log('info', 'binance balance changed outside trading', { asset: e.asset, delta: e.delta });
        return;
      default:
    }
  }

  /**
   * A Binance final (X = FILLED, CANCELED, EXPIRED, EXPIRED_IN_MATCH, REJECTED) settles its
   * order with the venue's cumulative quantity (z) and quote (Z); the fees are the ledger's.
   * False while the ledger lacks some of its fills (held: the fill that completes it, from the
   * stream or the gap-fill, settles it then; meanwhile the order's own answer or look may).
   */
  private binanceFinal(e: BinanceExecutionReport): boolean {
    return this.ledgerFinal({ venueOrderId: String(e.orderId), clientOrderId: e.clientOrderId, symbol: e.symbol, side: e.side, status: e.status,
      cumQty: e.cumQty, cumQuote: e.cumQuote, rejectReason: e.rejectReason }, 'stream');
  }

  /**
   * Settles an order from a final state whose fees the ledger must supply (Binance
   * executionReport and allOrders, Bybit order history): exact only once the ledger has every
   * fill the venue counts, so false (nothing done) until then.
   */
  private ledgerFinal(v: VenueFinal, source: 'stream' | 'gapfill'): boolean {
    const t = this.ledger.totals(this.o.name, v.venueOrderId);
    const have = t?.cumQty ?? 0;
    if (!(v.cumQty >= 0) || (v.cumQty > 0 && !(Math.abs(have - v.cumQty) <= 1e-9 * v.cumQty))) return false;
    const side = v.side === 'buy' ? 'BUY' : 'SELL';
    const rejected = v.status === 'REJECTED' || v.status === 'Rejected';
    let u: OrderUpdate;
    if (v.cumQty === 0) {
      u = finalUpdate(rejected ? ST_REJECTED : ST_CANCELED, 0, 0, 0, side === 'BUY' ? ASSET_BASE : ASSET_QUOTE,
        rejected ? ERR_LIVE_VENUE_REJECTED : 0, v.rejectReason, v.venueOrderId, v.status);
    } else {
      const fee = executorFee(this.feeFills.get(FillLedger.orderKey(this.o.name, v.venueOrderId)) ?? [], side, splitSymbol(v.symbol),
        this.o.rateInQuote, this.o.takerFeeRate);
      const avg = Number.isFinite(v.cumQuote) && v.cumQuote > 0 ? v.cumQuote / v.cumQty : t!.cumQuote / t!.cumQty;
      // A rejection that counts fills keeps its code: the executor applies the fill first.
      u = finalUpdate(v.status === 'FILLED' || v.status === 'Filled' ? ST_FILLED : rejected ? ST_REJECTED : ST_CANCELED, v.cumQty, avg, fee.cumFee,
        fee.feeAsset, rejected ? ERR_LIVE_VENUE_REJECTED : 0, rejected ? v.rejectReason : '', v.venueOrderId, v.status);
    }
    this.settle(v.clientOrderId, u, source);
    return true;
  }

  private settle(clientOrderId: string, u: OrderUpdate, source: 'stream' | 'gapfill' = 'stream'): void {
    u.source = source;
    const target = this.target;
    const settled = target !== null && clientOrderId !== '' && target.onVenueFinal(this.o.venue, clientOrderId, u);
    if (settled) this.counters.finals_settled++;
    else this.counters.finals_late++;
    if (this.journal !== null) {
      this.journal({ type: 'venue_order', venue: this.o.name, client_order_id: clientOrderId, venue_order_id: u.venueOrderId,
        status: u.venueStatus, cum_qty: u.cumQty, avg_px: u.avgPx, source, settled, ...(u.feeMissing === true ? { fee_missing: true } : {}) });
    }
  }

  /** A raw Bybit `order` topic row: a final one settles its order (cumExecQty, cumExecValue, cumFeeDetail: the venue's cumulative). */
  onBybitOrder(row: Record<string, unknown>): void {
    this.counters.stream_events++;
    const link = typeof row.orderLinkId === 'string' ? row.orderLinkId : '';
    const u = mapBybitOrderRow(row, row.side === 'Buy' ? 'BUY' : 'SELL', this.o.rateInQuote, this.o.takerFeeRate);
    if (u.kind !== UPD_FINAL) return;
    this.counters.finals++;
    if (u.errorCode === ERR_LIVE_BAD_RESPONSE) return this.bad('order row without status or quantities');
    this.settle(link, u);
  }

  /** A raw Bybit `execution` row. */
  onBybitExecution(row: Record<string, unknown>): void {
    this.counters.stream_events++;
    const p = parseBybitExecutionRow(row);
    if (!p.ok) return this.bad(p.error);
    const f = fillFromBybitExecution(p.value, '');
    if (f !== null) this.fill(f);
  }

  /** A raw Bybit `wallet` row (one account with its coin[]). */
  onBybitWallet(row: Record<string, unknown>): void {
    this.counters.stream_events++;
    const p = parseBybitPrivate({ topic: 'wallet', data: [row] });
    if (!p.ok) return this.bad(p.error);
    if (p.value.topic !== 'wallet') return;
    for (const c of p.value.coins) this.setBalance(c.coin, c.walletBalance - c.locked, c.locked, p.value.creationTime);
  }

  private bad(why: string): void {
    this.counters.stream_bad++;
    this.o.log('warn', `${this.o.name} private stream: unreadable row`, { err: why });
  }

  private setBalance(asset: string, free: number, locked: number, ms: number): void {
    this.counters.balance_updates++;
    this.balances.set(asset, { free, locked, updatedMs: Number.isFinite(ms) ? ms : this.o.wallMs() });
  }

  // ---- connection state and gap-fill -------------------------------------------------------------

  /** The private stream's state changes (WsSession.stateListeners). */
  onStreamState(ready: boolean): void {
    if (!ready) {
      this.counters.stream_downs++;
      if (this.downSinceMs === null) this.downSinceMs = this.o.wallMs();
      return;
    }
    this.counters.stream_ups++;
    const since = this.downSinceMs;
    this.downSinceMs = null;
    if (since !== null) this.gapRun = this.gapRun.then(() => this.gapFill(since - (this.o.gapMarginMs ?? 5000)));
  }

  /** Resolves when every gap-fill started so far has finished (tests, shutdown). */
  whenGapFilled(): Promise<void> {
    return this.gapRun;
  }

  /** The REST history since `sinceMs` for every symbol, applied through the ledger. Never throws. */
  async gapFill(sinceMs: number): Promise<void> {
    const src = this.o.gapFill;
    if (src === null) {
      this.counters.gapfill_skipped++;
      this.o.log('warn', `${this.o.name} private stream (re)connected: no REST gap-fill possible with this key; fills missed while it was down come only from the order answers and queries`, {});
      return;
    }
    this.counters.gapfills++;
    let applied = 0;
    for (const symbol of this.o.symbols) applied += await this.gapFillSymbol(src, symbol, sinceMs);
    this.o.log(applied > 0 ? 'warn' : 'info', `${this.o.name} private stream gap-fill done`, { since_ms: Math.floor(sinceMs), fills_applied: applied });
  }

  /**
   * VenueFeeSource: an order's final stated no fee and its executions have not come: the
   * venue's REST executions of `symbol` in [sinceMs, untilMs] (Bybit /v5/execution/list, Binance
   * myTrades) through the ledger, like a gap-fill; new ones reach the executor. Never rejects.
   */
  async queryFills(symbol: string, sinceMs: number, untilMs: number): Promise<void> {
    const src = this.o.gapFill;
    this.counters.fee_queries++;
    if (src === null) {
      this.o.log('warn', `${this.o.name}: no REST executions query possible with this key`, { symbol });
      return;
    }
    await this.gapFillSymbol(src, symbol, sinceMs, untilMs);
  }

  /** VenueFeeSource: `qty` at `px` charged at the account's taker rate, in the received asset. */
  takerFee(side: 'BUY' | 'SELL', qty: number, px: number): { fee: number; feeAsset: number } {
    return side === 'BUY' ? { fee: qty * this.o.takerFeeRate, feeAsset: ASSET_BASE } : { fee: qty * px * this.o.takerFeeRate, feeAsset: ASSET_QUOTE };
  }

  /** One symbol's REST history since `sinceMs` (3 tries): its fills, and the finals it lists. Returns the fills newly applied. */
  private async gapFillSymbol(src: GapFillSource, symbol: string, sinceMs: number, untilMs?: number): Promise<number> {
    for (let attempt = 1; attempt <= GAP_TRIES && !this.closed; attempt++) {
      try {
        const got = await (untilMs === undefined ? src(symbol, Math.floor(sinceMs)) : src(symbol, Math.floor(sinceMs), Math.ceil(untilMs)));
        const r = Array.isArray(got) ? { fills: got } : got;
        const before = this.counters.fills_gapfill;
        for (const f of r.fills) this.fill(f);
        // Finals the stream missed: an order of this run still live here is settled by its
        // listed final state once the ledger holds its fills (a no-op for settled ones).
        for (const o of r.orders ?? []) {
          if (o.open || !VENUE_FINAL.has(o.status) || this.target === null || !this.target.isLive(this.o.venue, o.clientOrderId)) continue;
          this.counters.finals++;
          if (!this.ledgerFinal({ venueOrderId: o.orderId, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, status: o.status,
            cumQty: o.cumQty, cumQuote: NaN, rejectReason: '' }, 'gapfill')) this.counters.finals_held++;
        }
        return this.counters.fills_gapfill - before;
      } catch (e) {
        this.counters.gapfill_errors++;
        this.o.log(attempt === GAP_TRIES ? 'error' : 'warn', `${this.o.name} gap-fill failed`, { symbol, attempt, err: (e as Error).message });
        if (attempt < GAP_TRIES) await this.sleep(500 * attempt);
      }
    }
    return 0;
  }

  /** Flat stats: counters, then the balance view as `bal_<ASSET>` (free) and `bal_<ASSET>_locked`. */
  stats(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.counters)) out[`stream_${k.replace(/^stream_/, '')}`] = v;
    for (const [a, b] of this.balances) {
      out[`bal_${a}`] = b.free;
      out[`bal_${a}_locked`] = b.locked;
    }
    return out;
  }
}
