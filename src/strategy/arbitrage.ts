/**
 * The cross-venue spot arbitrage strategy: the small class that ties its parts together.
 *
 *   decision.ts        spread → pair intent, through the gates          (per quote)
 *   risk-gates.ts      book freshness/lag, breakers, position, band, rate, drawdown
 *   round-lifecycle.ts legs → hedging → unwinding → closed / abandoned   (round.ts states)
 *   order-flow.ts      reports and reconciliation verdicts → orders, positions, rounds
 *   inventory.ts       reservations per order in flight, rebalancing skew
 *   halts.ts           why entries are stopped, and what lifts each reason
 *   venue-breaker.ts   per-venue circuit breaker and hedge back-off
 *   transfers.ts       simulated transfers between venues (dry-run, backtest; never live)
 *
 * Pure and deterministic: it reads no clock (every entry point takes `nowNs`, monotonic ns as
 * a JS number), draws no random numbers, does no I/O. Orders leave through an OrderSink,
 * everything else worth knowing through StrategyEvents. The strategy worker (paper/live) and
 * the backtest engine drive the same class. The per-quote path allocates nothing; objects are
 * made only when an order goes out or an event fires. docs/strategy.md explains the rules.
 */
import { H_SYMBOL, H_VENUE, VENUE_COUNT, VENUE_NAMES } from '../core/records.js';
import { CompiledConfig, type ArbitrageConfig, type VenueBalances, type VenueFilters } from './config.js';
import { StrategyContext } from './context.js';
import { Decision } from './decision.js';
import type { OrderSink, StrategyEvents } from './events.js';
import {
  HALT_BALANCE_DRIFT, HALT_FLATTEN, HALT_KILL_SWITCH, HALT_MAX_DRAWDOWN, HALT_UNWIND_FAILED, haltBit, haltKindsOf, type HaltKind,
} from './halts.js';
import { OrderFlow } from './order-flow.js';
import { ORDER_SLOTS } from './order-table.js';
import type { Positions } from './positions.js';
import { DrawdownTracker, type PnlDrawdown, type RiskCounters } from './risk.js';
import { RiskGates } from './risk-gates.js';
import type { Round } from './round.js';
import { RoundLifecycle } from './round-lifecycle.js';
import type { PnlTotals, StrategyStats } from './stats.js';
import type { BookTable } from './book-table.js';
import { Transfers } from './transfers.js';
import type { TakenLevels } from './taken-levels.js';

export { MAX_HEDGE_ATTEMPTS, MAX_UNWIND_ATTEMPTS, MAX_VENUE_REJECTS, UNWIND_TOLERANCE_FACTOR } from './round-lifecycle.js';

export interface StrategyOptions {
  /** Order table size (default ORDER_SLOTS). */
  orderSlots?: number;
  /**
   * Simulate transfers between venues when `rebalance_transfer_after_ms` > 0 (transfers.ts).
   * Only the dry-run and the backtest set it, and apply the 'transfer' events to their
   * simulated venues' balances; live trading never does. Default false.
   */
  simulateTransfers?: boolean;
}

export class ArbitrageStrategy {
  readonly config: CompiledConfig;
  /** Equity drawdown (inventory marked to market), for reports; the halt uses pnlDrawdown. */
  readonly drawdown = new DrawdownTracker();
  private readonly x: StrategyContext;
  private readonly gates: RiskGates;
  private readonly lifecycle: RoundLifecycle;
  private readonly flow: OrderFlow;
  private readonly decision: Decision;
  private readonly transfers: Transfers;

  constructor(cfg: ArbitrageConfig, filters: VenueFilters, balances: VenueBalances, sink: OrderSink, events: StrategyEvents, opts: StrategyOptions = {}) {
    this.config = new CompiledConfig(cfg, filters, balances);
    this.x = new StrategyContext(this.config, sink, events, opts.orderSlots ?? ORDER_SLOTS);
    this.gates = new RiskGates(this.x);
    this.lifecycle = new RoundLifecycle(this.x);
    this.flow = new OrderFlow(this.x, this.lifecycle, this.gates);
    this.decision = new Decision(this.x, this.gates, this.lifecycle);
    this.transfers = new Transfers(this.x, opts.simulateTransfers === true);
  }

  // ---- state for reports, the status line and tests --------------------------------------------

  get stats(): StrategyStats { return this.x.stats; }
  get riskCounters(): RiskCounters { return this.x.riskCounters; }
  get pnl(): PnlTotals { return this.x.pnl; }
  get positions(): Positions { return this.x.positions; }
  get books(): BookTable { return this.x.books; }
  /** The touch levels the strategy's pairs took and the market has not cleared yet. */
  get takenLevels(): TakenLevels { return this.decision.taken; }
  get pnlDrawdown(): PnlDrawdown { return this.gates.pnlDrawdown; }
  get isHalted(): boolean { return this.x.halts.halted; }
  /** Every halt in force with its reason ('' when trading). */
  get haltReason(): string { return this.x.halts.describe(); }
  haltKinds(): HaltKind[] { return haltKindsOf(this.x.halts.mask); }
  get isFlattening(): boolean { return this.x.flattening; }
  /** Orders without a final venue answer (live or unknown). */
  get liveOrders(): number { return this.x.orders.liveCount; }
  /** Orders whose status is unknown (timed out locally, no final answer yet). */
  get unknownOrders(): number { return this.x.orders.unknownCount; }
  get orderTableFree(): number { return this.x.orders.free; }
  get orderTableReserve(): number { return this.x.tableReserve; }
  openRounds(): number { return this.lifecycle.openCount(); }
  /** The round of one symbol (read-only view). */
  round(symbol: number): Readonly<Round> { return this.lifecycle.rounds[symbol]!; }
  /** Equity in quote at current mids (NaN until every held symbol has a price). */
  equity(): number { return this.x.positions.equity(this.x.books); }
  /** Realized PnL plus open rounds marked to market: what max_drawdown watches. */
  strategyPnl(): number { return this.lifecycle.strategyPnl(); }
  breakerOpen(venue: number): boolean { return this.x.health.isOpen(venue); }
  /** Required edge of "buy on buyVenue, sell on sellVenue", after the rebalancing skew (bps). */
  requiredEdgeBps(symbol: number, buyVenue: number, sellVenue: number): number {
    return this.x.inventory.requiredEdge(symbol, buyVenue, sellVenue);
  }
  /** Base that orders of unknown status on `symbol` could still fill. */
  possibleExposure(symbol: number): number { return this.gates.possibleExposure(symbol); }
  availableQuote(venue: number): number { return this.x.inventory.availableQuote(venue); }
  availableBase(venue: number, symbol: number): number { return this.x.inventory.availableBase(venue, symbol); }
  /** Simulated transfers are on (dry-run/backtest with rebalance_transfer_after_ms > 0). */
  get transfersEnabled(): boolean { return this.transfers.enabled; }
  /** Simulated transfers in transit. */
  get transfersInFlight(): number { return this.transfers.inFlight; }

  /**
   * Wall-clock ms minus monotonic ms of the nowNs/recvNs timebase, for the feed-lag gate
   * (exchange time against local wall time at receipt). Until set, that gate is off.
   */
  setWallClockOffset(offsetMs: number): void {
    this.x.wallOffsetMs = offsetMs;
  }

  // ---- market data ---------------------------------------------------------------------------

  /** Top of book changed on one venue. May emit a pair. */
  onQuote(venue: number, symbol: number, bidPx: number, bidSz: number, askPx: number, askSz: number, usable: boolean, exchMs: number, recvNs: number, nowNs: number): void {
    const x = this.x;
    if (venue < 0 || venue >= VENUE_COUNT || symbol < 0 || symbol >= x.nSym) {
      x.stats.ignoredQuotes++;
      return;
    }
    x.stats.quotes++;
    x.books.set(venue, symbol, bidPx, bidSz, askPx, askSz, usable, exchMs, recvNs);
    x.quoteNowNs = nowNs;
    this.quoted(venue, symbol);
  }

  /**
   * onQuote from a QUOTE record (core/records.ts layout) at word `o` of `d`: the strategy
   * thread's entry. The same rule; the record's doubles are copied into the book table instead
   * of passed as arguments, because each double passed to a call V8 does not inline is boxed
   * in a fresh 16-byte HeapNumber, and whether V8 inlines onQuote into its caller changes with
   * the code's history (deopts): measured 17 B per quote one run, 130 the next.
   */
  onQuoteRecord(d: Float64Array, o: number, nowNs: number): void {
    const x = this.x;
    const venue = d[o + H_VENUE]!;
    const symbol = d[o + H_SYMBOL]!;
    if (venue < 0 || venue >= VENUE_COUNT || symbol < 0 || symbol >= x.nSym) {
      x.stats.ignoredQuotes++;
      return;
    }
    x.stats.quotes++;
    x.books.setFromRecord(venue, symbol, d, o);
    x.quoteNowNs = nowNs;
    this.quoted(venue, symbol);
  }

  /**
   * After a quote is in the book table: the open round's step, then the decision. No doubles
   * as arguments (Decision.evaluate is too large to inline): the quote's stamps are in the book
   * table and the time in the context's quoteNowNs, a double field written in place.
   */
  private quoted(venue: number, symbol: number): void {
    const x = this.x;
    // The levels our pairs took, cleared as this touch shows (only when there is one to clear:
    // its doubles would be boxed per quote otherwise).
    const taken = this.decision.taken;
    if (taken.holds(venue, symbol)) {
      const b = x.books;
      taken.observe(venue, symbol, b.bidPx(venue, symbol), b.bidSz(venue, symbol), b.askPx(venue, symbol), b.askSz(venue, symbol), x.quoteNowNs);
    }
    if (this.lifecycle.isOpen(symbol)) this.lifecycle.step(symbol, x.quoteNowNs, false);
    this.decision.evaluate(symbol, venue);
  }

  /** The feed says a book became usable or unusable (gap, crossed, disconnect...). */
  onBookState(venue: number, symbol: number, usable: boolean, _reason: number, _nowNs: number): void {
    if (venue < 0 || venue >= VENUE_COUNT || symbol < 0 || symbol >= this.x.nSym) return;
    this.x.books.setUsable(venue, symbol, usable);
  }

  // ---- orders --------------------------------------------------------------------------------

  /** One state change of one order, from the executor (records.ts R_* fields). */
  onReport(orderId: number, status: number, lastPx: number, lastQty: number, cumQty: number, fee: number, feeAsset: number, errorCode: number, nowNs: number): void {
    this.flow.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, nowNs);
  }

  /**
   * A reconciliation verdict for an order the strategy still holds (live or unknown): its final
   * status (FILLED, CANCELED or REJECTED) and cumulative fill as the venue states it (base,
   * quote amount, fee in feeAsset units). What was not booked is applied (and hedged); the slot
   * is freed. Returns false for an order not held or a status that is not final.
   */
  reconcileOrder(orderId: number, status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number, nowNs: number): boolean {
    return this.flow.reconcile(orderId, status, cumQty, cumQuote, cumFee, feeAsset, nowNs);
  }

  /**
   * The executor's answer to a reconciliation request (records.ts KIND_VERDICT, V_* fields):
   * VERDICT_FINAL is applied as reconcileOrder (once), VERDICT_NO_RECORD keeps the order
   * unknown and raises unresolved_order. Returns true when it changed something.
   */
  onVerdict(orderId: number, kind: number, status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number, nowNs: number): boolean {
    return this.flow.onVerdict(orderId, kind, status, cumQty, cumQuote, cumFee, feeAsset, nowNs);
  }

  // ---- time ----------------------------------------------------------------------------------

  /**
   * Timeouts and periodic checks. Call it often (e.g. every few ms, or per backtest event).
   *
   * Per call (the backtest calls it about once per event): each part that has nothing to do is
   * skipped by a cheap test here rather than by an early return inside it, so V8 never inlines
   * the large bodies of the idle parts into this function and keeps its inlining budget for the
   * equity and PnL marks, whose doubles would otherwise be boxed per call (a HeapNumber each).
   */
  onTimer(nowNs: number): void {
    const x = this.x;
    if (x.orders.liveCount !== 0) this.flow.onTimer(nowNs);
    if (this.transfers.enabled) this.transfers.step(nowNs);
    const rounds = this.lifecycle.rounds;
    let open = 0;
    for (let s = 0; s < x.nSym; s++) {
      if (!rounds[s]!.active) continue;
      open++;
      this.lifecycle.step(s, nowNs, true);
    }
    this.drawdown.update(x.positions.equity(x.books));
    // With no round open the strategy PnL is the realized PnL; unchanged since the last check
    // (and below the limit), checking it again changes nothing.
    if (open !== 0 || !this.gates.drawdownSettled(x.pnl.realized)) this.gates.checkDrawdown(this.lifecycle.strategyPnl(), nowNs);
  }

  // ---- operator controls -----------------------------------------------------------------------

  /** Kill switch: no new rounds. Open rounds still close their residuals. */
  halt(reason: string, nowNs: number): void {
    this.x.riskCounters.killSwitchHalts++;
    this.x.breach('kill_switch', 'halt', -1, nowNs, reason);
    this.x.enterHalt(HALT_KILL_SWITCH, reason, nowNs);
  }

  /**
   * The venue's balances drifted from what the executor expected (live: run-checks.ts). Its own
   * halt kind, so removing the KILL file does not lift it: only an operator's resumeHalts().
   */
  haltBalanceDrift(reason: string, nowNs: number): void {
    this.x.breach('balance_drift', 'halt', -1, nowNs, reason);
    this.x.enterHalt(HALT_BALANCE_DRIFT, reason, nowNs);
  }

  /** Lifts the kill switch only (the KILL file removed). Other halts need resumeHalts(). */
  resume(nowNs: number): void {
    this.x.liftHalts(HALT_KILL_SWITCH, 'kill switch cleared', nowNs);
  }

  /**
   * An operator's explicit resume of the given halts, with a reason for the journal:
   * max_drawdown re-bases the PnL peak, unwind_failed retries abandoned rounds with fresh
   * per-venue budgets, flatten ends the shutdown unwind. Returns the kinds lifted.
   */
  resumeHalts(reason: string, kinds: readonly HaltKind[], nowNs: number): HaltKind[] {
    if (typeof reason !== 'string' || reason.trim() === '') throw new RangeError('resumeHalts needs a reason');
    let bits = 0;
    for (const k of kinds) bits |= haltBit(k);
    const lifted = this.x.liftHalts(bits, reason, nowNs);
    if ((lifted & HALT_MAX_DRAWDOWN) !== 0) this.gates.pnlDrawdown.rebase();
    if ((lifted & HALT_FLATTEN) !== 0) this.x.flattening = false;
    if ((lifted & HALT_UNWIND_FAILED) !== 0) this.lifecycle.retryAbandoned(nowNs);
    return haltKindsOf(lifted);
  }

  /** Operator: close every venue's circuit breaker (keys fixed). Journaled per venue. */
  resetBreakers(reason: string, nowNs: number): void {
    const closed = this.x.health.reset();
    for (let v = 0; v < VENUE_COUNT; v++) {
      if ((closed & (1 << v)) !== 0) this.x.events.onEvent({ type: 'breaker', nowNs, venue: v, open: false, code: 0, detail: `${VENUE_NAMES[v]} circuit breaker reset by the operator: ${reason}` });
    }
  }

  /** A crashed run's leftover exposure, handed over at live start-up (RoundLifecycle.adoptLeftover). */
  adoptLeftover(symbol: number, signedQty: number, px: number, flatten: boolean, nowNs: number): boolean {
    return this.lifecycle.adoptLeftover(symbol, signedQty, px, flatten, nowNs);
  }

  /** Shutdown: stop new rounds and unwind every open residual aggressively. */
  flatten(nowNs: number): void {
    const x = this.x;
    x.enterHalt(HALT_FLATTEN, 'flatten', nowNs);
    x.flattening = true;
    x.events.onEvent({ type: 'flatten', nowNs, openRounds: this.openRounds() });
    this.lifecycle.flatten(nowNs);
  }
}
