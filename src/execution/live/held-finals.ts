/**
 * Finals held for their fees (the live executor's one fee-wait job): a final that counts
 * filled quantity but states no fee (OrderUpdate.feeMissing, e.g. a Bybit row with an empty
 * `cumFeeDetail`) is never booked at fee 0. Held here, per tracker slot, until:
 *
 *   the order's executions bring the fees (the executor releases it with the ledger's), or
 *   `feeWaitMs` passes (at once when stopping): the venue's executions are asked of its REST
 *   once (VenueFeeSource.queryFills) over the order's life in the venue's clock (our wall
 *   clock plus the measured offset, `venueClockOffsetMs`), from its send less
 *   FEE_QUERY_MARGIN_MS, to the query's time plus the margin (the offset's drift), at most
 *   FEE_QUERY_MAX_SPAN_MS (review F3: a late final or a long hold still finds the trades, and
 *   the query reads no more than that window); new ones settle it through the executor;
 *   after that answer, one still held is settled with the ledger's fees for what they cover
 *   and the account's taker-rate estimate for the rest, counted `fees_missing`, with an error
 *   line and a journal `warning` (topic `fee_missing`): an estimate, never a silent 0.
 *
 * A held final is in flight (`in_flight`): a shutdown waits for it, bounded, like for an answer.
 * The executor settles a released final itself (`settle`), exactly as if it had come with its
 * fees. Not the hot path: a few orders a day.
 */
import { ASSET_QUOTE, SIDE_BUY, VENUE_NAMES } from '../../core/records.js';
import type { OrderTracker } from '../order-tracker.js';
import type { LiveLog } from './client-base.js';
import type { LiveOrder, OrderUpdate } from './order-types.js';

/** The executions query of a held final starts this long before the order's send and ends this long after the query, in venue time (the offset may drift between resyncs). */
export const FEE_QUERY_MARGIN_MS = 5_000;
/** And covers never more than this (under Binance's 24 h per myTrades query): bounded however long the order lived. */
export const FEE_QUERY_MAX_SPAN_MS = 23 * 3600_000;
/** Default wait for the executions before they are asked of the REST. */
export const FEE_WAIT_MS = 3000;

/** A held final's state: waiting for the executions, asking the REST, asked. */
const HELD_WAIT = 0;
const HELD_ASKING = 1;
const HELD_ASKED = 2;

/**
 * Where a venue's fees come from when an order's final states none (private-fills.ts): its
 * executions, read again from the venue's REST, and the account's taker rate as the last resort.
 */
export interface VenueFeeSource {
  /** Reads the venue's executions of `symbol` in [sinceMs, untilMs] (wall ms) into the ledger (new ones reach onVenueFills). Never rejects. */
  queryFills(symbol: string, sinceMs: number, untilMs: number): Promise<void>;
  /** The fee of `qty` at `px` at the account's taker rate, in the executor's unit (base on a buy, quote on a sell). */
  takerFee(side: 'BUY' | 'SELL', qty: number, px: number): { fee: number; feeAsset: number };
}

/** The executor's counters this part keeps. */
export interface HeldFinalsCounters {
  finals_fee_held: number;
  fee_queries: number;
  fees_missing: number;
  in_flight: number;
}

/** The order's executions as the ledger has them so far, per tracker slot (the executor's arrays, read only). */
export interface LedgerView {
  readonly qty: Float64Array;
  readonly fee: Float64Array;
  readonly feeAsset: Uint8Array;
}

export interface HeldFinalsOptions {
  tracker: OrderTracker;
  symbols: readonly string[];
  /** Per venue id (set by the wiring; null = nowhere to ask). */
  feeSources: readonly (VenueFeeSource | null)[];
  ledger: LedgerView;
  counters: HeldFinalsCounters;
  feeWaitMs?: number;
  wallMs: () => number;
  /**
   * Per venue id: the venue's clock minus ours, as last measured (the executor's clock sync;
   * absent = 0). The venue filters its executions by its own clock.
   */
  venueClockOffsetMs?: (venue: number) => number;
  log: LiveLog;
  journal?: ((entry: { type: string } & Record<string, unknown>) => void) | null;
  clientOrderId: (orderId: number) => string;
  /** Settles the order with its final, now stating its fees (the executor's own path). */
  settle: (order: LiveOrder, u: OrderUpdate) => void;
  /** A held final left (released or superseded): the executor may be idle now. */
  onDrop: () => void;
}

export class HeldFinals {
  private readonly finals: (OrderUpdate | null)[];
  private readonly orders: (LiveOrder | null)[];
  private readonly sinceNs: Float64Array;
  private readonly sentWallMs: Float64Array;
  private readonly state: Uint8Array;
  /** Finals held now. */
  count = 0;

  constructor(private readonly o: HeldFinalsOptions) {
    const cap = o.tracker.capacity;
    this.finals = new Array<OrderUpdate | null>(cap).fill(null);
    this.orders = new Array<LiveOrder | null>(cap).fill(null);
    this.sinceNs = new Float64Array(cap);
    this.sentWallMs = new Float64Array(cap);
    this.state = new Uint8Array(cap);
  }

  /** Whether the slot's final is held. */
  has(slot: number): boolean {
    return this.finals[slot] != null;
  }

  /** The held final's quantity (the executions must cover it). Only when has(slot). */
  cumQty(slot: number): number {
    return this.finals[slot]!.cumQty;
  }

  /** The order whose final is held in the slot, or null. */
  order(slot: number): LiveOrder | null {
    return this.orders[slot] ?? null;
  }

  /**
   * Holds the slot's final `u` of `order`, sent at `sentWallMs` (wall ms): in flight until
   * released. False when a final is held there already (a second copy is late).
   */
  hold(slot: number, order: LiveOrder, u: OrderUpdate, nowNs: number, sentWallMs: number): boolean {
    if (this.finals[slot] != null) return false;
    this.finals[slot] = u;
    this.orders[slot] = order;
    this.sinceNs[slot] = nowNs;
    this.sentWallMs[slot] = sentWallMs;
    this.state[slot] = HELD_WAIT;
    this.count++;
    this.o.counters.finals_fee_held++;
    this.o.counters.in_flight++;
    this.o.log('info', 'order final states no fee: held until its executions bring it', { venue: VENUE_NAMES[this.o.tracker.venue[slot]!],
      client_order_id: order.clientOrderId, status: u.venueStatus, cum_qty: u.cumQty });
    return true;
  }

  /** Forgets the slot's held final (superseded by one with its fees, or the slot settled otherwise). */
  drop(slot: number): void {
    this.finals[slot] = null;
    this.orders[slot] = null;
    this.count--;
    this.o.counters.in_flight--;
    this.o.onDrop();
  }

  /** Settles the slot's held final with these fees (the ledger's, or the estimate). */
  release(slot: number, cumFee: number, feeAsset: number): void {
    const u = this.finals[slot]!;
    const order = this.orders[slot]!;
    this.drop(slot);
    this.o.settle(order, { ...u, cumFee, feeAsset, feeMissing: false });
  }

  /**
   * Held finals past the wait (every one when `stopping`): their executions are asked of the
   * venue's REST once; one still held after that answer is settled at the estimate.
   */
  check(nowNs: number, stopping: boolean): void {
    if (this.count === 0) return;
    const waitNs = (this.o.feeWaitMs ?? FEE_WAIT_MS) * 1e6;
    for (let slot = 0; slot < this.finals.length; slot++) {
      const u = this.finals[slot];
      if (u == null) continue;
      if (this.state[slot] === HELD_WAIT && (stopping || nowNs - this.sinceNs[slot]! >= waitNs)) this.ask(slot);
      if (this.state[slot] === HELD_ASKED) this.settleWithoutFees(slot, u);
    }
  }

  /** The executions query for the slot's order, over its life (see the header). */
  private ask(slot: number): void {
    const tr = this.o.tracker;
    const src = this.o.feeSources[tr.venue[slot]!] ?? null;
    if (src === null) {
      this.state[slot] = HELD_ASKED;
      return;
    }
    this.state[slot] = HELD_ASKING;
    this.o.counters.fee_queries++;
    const orderId = tr.orderId[slot]!;
    const symbol = this.o.symbols[tr.symbol[slot]!]!;
    const offset = this.o.venueClockOffsetMs?.(tr.venue[slot]!) ?? 0;
    const since = this.sentWallMs[slot]! + offset - FEE_QUERY_MARGIN_MS;
    const until = Math.min(this.o.wallMs() + offset + FEE_QUERY_MARGIN_MS, since + FEE_QUERY_MAX_SPAN_MS);
    this.o.log('warn', 'order final states no fee and its executions have not come: asking the venue for them', {
      venue: VENUE_NAMES[tr.venue[slot]!], client_order_id: this.o.clientOrderId(orderId), symbol, since_ms: since, until_ms: until, venue_offset_ms: offset });
    void src.queryFills(symbol, since, until).finally(() => {
      if (tr.slotOf(orderId) === slot && this.finals[slot] != null) this.state[slot] = HELD_ASKED;
    });
  }

  private settleWithoutFees(slot: number, u: OrderUpdate): void {
    const tr = this.o.tracker;
    const led = this.o.ledger;
    const have = led.qty[slot]!;
    let fee = have > 0 ? led.fee[slot]! : 0;
    let asset = have > 0 ? led.feeAsset[slot]! : u.feeAsset;
    const src = this.o.feeSources[tr.venue[slot]!] ?? null;
    const rest = u.cumQty - have;
    if (src !== null && rest > 0) {
      const e = src.takerFee(tr.side[slot] === SIDE_BUY ? 'BUY' : 'SELL', rest, u.avgPx);
      if (have === 0 || e.feeAsset === asset) {
        fee += e.fee;
        asset = e.feeAsset;
      } else {
        // The ledger's fees turned quote (a third asset): the estimate in base joins them at the average price.
        fee += asset === ASSET_QUOTE ? e.fee * u.avgPx : u.avgPx > 0 ? e.fee / u.avgPx : 0;
      }
    }
    this.o.counters.fees_missing++;
    const fields = { venue: VENUE_NAMES[tr.venue[slot]!], client_order_id: this.o.clientOrderId(tr.orderId[slot]!), cum_qty: u.cumQty, ledger_qty: have,
      fee_booked: fee, fee_asset: asset === ASSET_QUOTE ? 'quote' : 'base', estimated: src !== null };
    const msg = 'order fee unknown: none of its executions came (stream, then the executions query); booked at the taker-rate estimate';
    this.o.log('error', msg, fields);
    // In the run's journal too: `xarb report` lists it with the run's warnings.
    this.o.journal?.({ type: 'warning', topic: 'fee_missing', message: `${fields.venue} ${fields.client_order_id}: ${msg}`, ...fields });
    this.release(slot, fee, asset);
  }
}
