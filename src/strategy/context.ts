/**
 * The state every part of the strategy shares (config, books, positions, orders, counters,
 * halts, venue health) and the few actions they all take: send an order, raise a breach,
 * enter or lift a halt. One object, made at construction; the parts (decision.ts,
 * round-lifecycle.ts, order-flow.ts, risk-gates.ts, inventory.ts) hold a reference to it.
 */
import { TIF_IOC, VENUE_COUNT } from '../core/records.js';
import { BookTable } from './book-table.js';
import type { CompiledConfig } from './config.js';
import type { OrderSink, RiskAction, RiskRule, StrategyEvents } from './events.js';
import { HALT_KINDS, HALT_ORDER_TABLE_FULL, HaltState, haltKindsOf } from './halts.js';
import { Inventory } from './inventory.js';
import { OrderTable } from './order-table.js';
import { Positions } from './positions.js';
import { OrderRateLimiter, RiskCounters } from './risk.js';
import { PnlTotals, StrategyStats } from './stats.js';
import { VenueHealth } from './venue-breaker.js';

export class StrategyContext {
  readonly stats = new StrategyStats();
  readonly riskCounters = new RiskCounters();
  readonly pnl = new PnlTotals();
  readonly halts = new HaltState();
  readonly nSym: number;
  readonly positions: Positions;
  readonly books: BookTable;
  readonly orders: OrderTable;
  readonly limiter: OrderRateLimiter;
  readonly inventory: Inventory;
  readonly health: VenueHealth;
  /** Free slots kept for hedges and unwinds: below reserve + 2, no new pair goes out. */
  readonly tableReserve: number;
  /** Wall-clock ms minus monotonic ms (NaN = unknown: the feed-lag gate is off). */
  wallOffsetMs = NaN;
  /** nowNs of the quote being decided (ArbitrageStrategy.onQuote → Decision.evaluate, see there). */
  quoteNowNs = 0.5; // not 0: a double from the start, so the field never changes representation
  /** flatten() was called: residuals unwind, legs that finish go straight to unwinding. */
  flattening = false;
  nextOrderId = 1;
  nextPairId = 1;

  constructor(
    readonly config: CompiledConfig,
    readonly sink: OrderSink,
    readonly events: StrategyEvents,
    orderSlots: number,
  ) {
    this.nSym = config.nSym;
    this.positions = new Positions(config, VENUE_COUNT);
    this.books = new BookTable(VENUE_COUNT, this.nSym);
    this.orders = new OrderTable(orderSlots);
    this.limiter = new OrderRateLimiter(config.maxOrdersPerSecond);
    this.inventory = new Inventory(config, this.positions, events, this.stats);
    this.health = new VenueHealth(VENUE_COUNT, config.breakerRejects, config.breakerCooldownNs);
    // One hedge per symbol in flight plus one spare, at most half the table.
    this.tableReserve = Math.max(1, Math.min(Math.floor(orderSlots / 2), 2 * this.nSym + 2));
  }

  /**
   * Sends one IOC order and books it (slot, reservation, rate window). Returns the order id,
   * or 0 when the table is full or the sink refused it (counted).
   */
  send(pairId: number, venue: number, s: number, side: number, price: number, qty: number, role: number, nowNs: number, tickRecvNs: number, tickExchMs: number): number {
    const o = this.orders;
    if (o.free === 0) {
      this.stats.skipOrderTable++;
      return 0;
    }
    const id = this.nextOrderId;
    const deadline = nowNs + this.config.orderTimeoutNs;
    if (!this.sink.newOrder(id, pairId, venue, s, side, price, qty, TIF_IOC, role, nowNs, deadline, tickRecvNs, tickExchMs)) {
      this.stats.sinkFull++;
      return 0;
    }
    this.nextOrderId++;
    const res = this.inventory.reserveFor(venue, side, price, qty);
    o.add(id, pairId, venue, s, side, role, price, qty, deadline, res);
    this.inventory.adjust(venue, s, side, res);
    this.limiter.record(nowNs);
    this.stats.ordersSent++;
    this.checkOrderTable(nowNs);
    return id;
  }

  /** Frees an order's slot and what it still reserved. */
  release(k: number, nowNs: number): void {
    const o = this.orders;
    this.inventory.adjust(o.venue[k]!, o.symbol[k]!, o.side[k]!, -o.reserved[k]!);
    o.reserved[k] = 0;
    o.release(k);
    this.checkOrderTable(nowNs);
  }

  /** A pair needs 2 slots on top of the hedge reserve; below that, entries halt (and lift again). */
  checkOrderTable(nowNs: number): void {
    const full = this.orders.free < this.tableReserve + 2;
    if (full && !this.halts.has(HALT_ORDER_TABLE_FULL)) {
      this.riskCounters.orderTableHalts++;
      this.breach('order_table_full', 'halt', -1, nowNs, `${this.orders.free} of ${this.orders.capacity} order slots free (${this.orders.unknownCount} orders of unknown status); ${this.tableReserve} kept for hedges`);
      this.enterHalt(HALT_ORDER_TABLE_FULL, 'order_table_full', nowNs);
    } else if (!full && this.halts.has(HALT_ORDER_TABLE_FULL)) {
      this.liftHalts(HALT_ORDER_TABLE_FULL, 'order slots free again', nowNs);
    }
  }

  enterHalt(bit: number, reason: string, nowNs: number): void {
    if (!this.halts.set(bit, reason)) return;
    this.events.onEvent({ type: 'halt', nowNs, kind: HALT_KINDS[Math.log2(bit)]!, reason });
  }

  /** Lifts the given halts (those set); journals one resume. Returns the bits lifted. */
  liftHalts(bits: number, reason: string, nowNs: number): number {
    const lifted = this.halts.clear(bits);
    if (lifted !== 0) this.events.onEvent({ type: 'resume', nowNs, kinds: haltKindsOf(lifted), reason, remaining: haltKindsOf(this.halts.mask) });
    return lifted;
  }

  breach(rule: RiskRule, action: RiskAction, symbol: number, nowNs: number, detail: string): void {
    this.events.onEvent({ type: 'risk_breach', nowNs, rule, action, symbol, detail });
  }
}
