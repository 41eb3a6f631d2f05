/**
 * The cross-venue spot arbitrage strategy: decision, risk gates, legging, inventory.
 *
 * Pure and deterministic: it reads no clock (every entry point takes `nowNs`, monotonic ns as
 * a JS number), draws no random numbers, does no I/O. Orders leave through an OrderSink,
 * everything else worth knowing through StrategyEvents. The strategy worker (paper/live) and
 * the backtest engine drive the same class. The per-quote path allocates nothing; objects are
 * made only when an order goes out or an event fires.
 *
 * The decision rule and the risk rules are explained in docs/strategy.md.
 */
import {
  ASSET_BASE,
  ASSET_QUOTE,
  isTerminalStatus,
  ROLE_HEDGE,
  ROLE_LEG_BUY,
  ROLE_LEG_SELL,
  ROLE_UNWIND,
  SIDE_BUY,
  SIDE_SELL,
  ST_REJECTED,
  TIF_IOC,
  VENUE_COUNT,
  VENUE_NAMES,
} from '../core/records.js';
import { BookTable } from './book-table.js';
import { CompiledConfig, type ArbitrageConfig, type VenueBalances, type VenueFilters } from './config.js';
import type { OrderSink, RiskAction, RiskRule, StrategyEvents } from './events.js';
import { OrderTable, ORDER_SLOTS } from './order-table.js';
import { Positions } from './positions.js';
import { DrawdownTracker, OrderRateLimiter, RiskCounters } from './risk.js';
import { PHASE_HEDGING, PHASE_IDLE, PHASE_LEGS, Round } from './round.js';
import { ceilToStep, floorToStep } from './rounding.js';
import { BPS_EPSILON, deviationBps, edgeBps, worstCaseEdgeBps } from './spread.js';
import { PnlTotals, StrategyStats } from './stats.js';

/** A hedge that has not closed the residual after this many tries waits for the timer. */
export const MAX_HEDGE_ATTEMPTS = 3;
/** Unwinds (after hedge_timeout_ms or a stop-loss) cross this many times slippage_tolerance. */
export const UNWIND_TOLERANCE_FACTOR = 4;
/** After this many unwinds with exposure still open: halt, then retry only from the timer. */
export const MAX_UNWIND_ATTEMPTS = 10;

// Risk rules whose breach event is latched per symbol: fired when the rule starts denying,
// re-armed when it passes again, so a persisting condition is one event, not one per quote.
const LATCH_UNUSABLE = 0;
const LATCH_STALE = 1;
const LATCH_POSITION = 2;
const LATCH_BAND = 3;
const LATCH_RATE = 4;
const LATCH_RULES = 5;

const RES_SENT = 0;
const RES_WAIT = 1;
const RES_DUST = 2;

export class ArbitrageStrategy {
  readonly config: CompiledConfig;
  readonly stats = new StrategyStats();
  readonly riskCounters = new RiskCounters();
  readonly pnl = new PnlTotals();
  readonly positions: Positions;
  readonly books: BookTable;
  readonly drawdown = new DrawdownTracker();
  private readonly orders = new OrderTable();
  private readonly rounds: Round[];
  private readonly limiter: OrderRateLimiter;
  private readonly latch: Uint8Array;
  private readonly quoteLow: Uint8Array; // per venue
  private readonly baseLow: Uint8Array; // per (venue, symbol)
  private readonly nSym: number;
  private halted = false;
  private haltReasonText = '';
  private flattening = false;
  private nextOrderId = 1;
  private nextPairId = 1;

  constructor(
    cfg: ArbitrageConfig,
    filters: VenueFilters,
    balances: VenueBalances,
    private readonly sink: OrderSink,
    private readonly events: StrategyEvents,
  ) {
    this.config = new CompiledConfig(cfg, filters, balances);
    this.nSym = this.config.nSym;
    this.positions = new Positions(this.config, VENUE_COUNT);
    this.books = new BookTable(VENUE_COUNT, this.nSym);
    this.rounds = [];
    for (let s = 0; s < this.nSym; s++) this.rounds.push(new Round(s));
    this.limiter = new OrderRateLimiter(this.config.maxOrdersPerSecond);
    this.latch = new Uint8Array(LATCH_RULES * this.nSym);
    this.quoteLow = new Uint8Array(VENUE_COUNT);
    this.baseLow = new Uint8Array(VENUE_COUNT * this.nSym);
  }

  // ---- state for reports and the status line ----------------------------------------------

  get isHalted(): boolean {
    return this.halted;
  }
  get haltReason(): string {
    return this.haltReasonText;
  }
  get isFlattening(): boolean {
    return this.flattening;
  }
  get liveOrders(): number {
    return this.orders.liveCount;
  }
  openRounds(): number {
    let n = 0;
    for (let s = 0; s < this.nSym; s++) if (this.rounds[s]!.active) n++;
    return n;
  }
  /** The round state of one symbol (read-only view; for status and tests). */
  round(symbol: number): Readonly<Round> {
    return this.rounds[symbol]!;
  }
  /** Equity in quote at current mids (NaN until every held symbol has a price). */
  equity(): number {
    return this.positions.equity(this.books);
  }

  // ---- market data ---------------------------------------------------------------------------

  /** Top of book changed on one venue. May emit a pair. */
  onQuote(venue: number, symbol: number, bidPx: number, bidSz: number, askPx: number, askSz: number, usable: boolean, exchMs: number, recvNs: number, nowNs: number): void {
    if (venue < 0 || venue >= VENUE_COUNT || symbol < 0 || symbol >= this.nSym) {
      this.stats.ignoredQuotes++;
      return;
    }
    this.stats.quotes++;
    this.books.set(venue, symbol, bidPx, bidSz, askPx, askSz, usable, exchMs, recvNs);
    const r = this.rounds[symbol]!;
    if (r.phase === PHASE_HEDGING) {
      this.checkStopLoss(r, nowNs);
      this.advanceRound(r, nowNs, false);
    }
    this.evaluate(symbol, exchMs, recvNs, nowNs);
  }

  /** The feed says a book became usable or unusable (gap, crossed, disconnect...). */
  onBookState(venue: number, symbol: number, usable: boolean, reason: number, nowNs: number): void {
    if (venue < 0 || venue >= VENUE_COUNT || symbol < 0 || symbol >= this.nSym) return;
    this.books.setUsable(venue, symbol, usable);
  }

  private evaluate(s: number, exchMs: number, recvNs: number, nowNs: number): void {
    const c = this.config;
    const b = this.books;
    let buyV = -1;
    let sellV = -1;
    let best = -Infinity;
    for (let a = 0; a < VENUE_COUNT; a++) {
      const ask = b.askPx(a, s);
      if (!(ask > 0)) continue;
      for (let d = 0; d < VENUE_COUNT; d++) {
        if (d === a) continue;
        const bid = b.bidPx(d, s);
        if (!(bid > 0)) continue;
        const e = edgeBps(ask, bid, c.takerFee[a]!, c.takerFee[d]!, c.slippage);
        if (e > best) {
          best = e;
          buyV = a;
          sellV = d;
        }
      }
    }
    if (buyV < 0 || best < c.minSpreadBps - BPS_EPSILON) return;
    const st = this.stats;
    st.opportunities++;
    if (this.halted) {
      st.skipHalted++;
      return;
    }
    if (this.rounds[s]!.active) {
      st.skipPairOpen++;
      return;
    }
    // Feed guard: both books in sync and fresh.
    if (!b.usable(buyV, s) || !b.usable(sellV, s)) {
      this.riskCounters.unusableBookDenials++;
      if (this.latchOn(LATCH_UNUSABLE, s)) {
        const v = b.usable(buyV, s) ? sellV : buyV;
        this.breach('unusable_book', 'deny', s, nowNs, `${VENUE_NAMES[v]} ${c.symbols[s]} book marked unusable`);
      }
      return;
    }
    this.latchOff(LATCH_UNUSABLE, s);
    const ageBuy = nowNs - b.recvNs(buyV, s);
    const ageSell = nowNs - b.recvNs(sellV, s);
    if (ageBuy > c.staleBookNs || ageSell > c.staleBookNs) {
      this.riskCounters.staleBookDenials++;
      if (this.latchOn(LATCH_STALE, s)) {
        const v = ageBuy > c.staleBookNs ? buyV : sellV;
        const age = Math.max(ageBuy, ageSell) / 1e6;
        this.breach('stale_book', 'deny', s, nowNs, `${VENUE_NAMES[v]} ${c.symbols[s]} book is ${age} ms old (limit ${c.staleBookNs / 1e6} ms)`);
      }
      return;
    }
    this.latchOff(LATCH_STALE, s);
    // Inventory bias: never drain a venue's low balance further.
    if (this.quoteLow[buyV] === 1 || this.baseLow[sellV * this.nSym + s] === 1) {
      st.skipInventoryBias++;
      return;
    }

    // Limit prices: the touch widened by half the slippage tolerance each, so the pair's worst
    // case (both legs at their limits) gives away at most the whole tolerance, which the edge
    // already paid for. If tick rounding would push that worst case below break-even, the
    // limits fall back to the touch.
    const bi = buyV * this.nSym + s;
    const si = sellV * this.nSym + s;
    const ask = b.askPx(buyV, s);
    const bid = b.bidPx(sellV, s);
    const fb = c.takerFee[buyV]!;
    const fs = c.takerFee[sellV]!;
    const half = c.slippage / 2;
    let buyLimit = ceilToStep(ask * (1 + half), c.tickSize[bi]!, c.tickScale[bi]!);
    let sellLimit = floorToStep(bid * (1 - half), c.tickSize[si]!, c.tickScale[si]!);
    if (worstCaseEdgeBps(buyLimit, sellLimit, fb, fs) < -BPS_EPSILON) {
      buyLimit = ceilToStep(ask, c.tickSize[bi]!, c.tickScale[bi]!);
      sellLimit = floorToStep(bid, c.tickSize[si]!, c.tickScale[si]!);
      if (worstCaseEdgeBps(buyLimit, sellLimit, fb, fs) < -BPS_EPSILON) {
        st.skipBreakEven++;
        return;
      }
    }

    // Size. The quantity must be valid on both venues: the coarser step (exchange steps are
    // powers of ten, so the finer one divides it).
    const coarseIdx = c.stepSize[bi]! >= c.stepSize[si]! ? bi : si;
    const step = c.stepSize[coarseIdx]!;
    const scale = c.stepScale[coarseIdx]!;
    // Position limit: if one leg fails, the round leaves its whole quantity as exposure.
    const room = c.positionLimit - Math.abs(this.positions.netExposure(s));
    if (floorToStep(room, step, scale) <= 0) {
      this.riskCounters.positionLimitDenials++;
      if (this.latchOn(LATCH_POSITION, s)) {
        this.breach('position_limit', 'deny', s, nowNs, `${c.symbols[s]} net exposure ${this.positions.netExposure(s)} leaves no room under position_limit ${c.positionLimit}`);
      }
      return;
    }
    this.latchOff(LATCH_POSITION, s);
    const inventory = Math.min(this.positions.quote(buyV) / (buyLimit * (1 + fb)), this.positions.base(sellV, s));
    if (floorToStep(inventory, step, scale) <= 0) {
      st.skipNoInventory++;
      return;
    }
    let qty = Math.min(b.askSz(buyV, s), b.bidSz(sellV, s), c.maxPositionSize, c.maxNotionalPerTrade / Math.max(buyLimit, sellLimit), inventory, room);
    qty = floorToStep(qty, step, scale);
    if (qty <= 0 || qty < c.minQty[bi]! || qty < c.minQty[si]!) {
      st.skipMinQty++;
      return;
    }
    if (qty * buyLimit < c.minNotional[bi]! || qty * sellLimit < c.minNotional[si]!) {
      st.skipMinNotional++;
      return;
    }
    // Price band: each leg's price against the other venue's mid (catches a bad quote).
    const midSell = b.mid(sellV, s);
    const midBuy = b.mid(buyV, s);
    const devBuy = deviationBps(buyLimit, midSell);
    const devSell = deviationBps(sellLimit, midBuy);
    if (devBuy > c.priceBandBps || devSell > c.priceBandBps) {
      this.riskCounters.priceBandDenials++;
      if (this.latchOn(LATCH_BAND, s)) {
        this.breach('price_band', 'deny', s, nowNs, `${c.symbols[s]} buy ${buyLimit} on ${VENUE_NAMES[buyV]} is ${devBuy.toFixed(1)} bps from ${VENUE_NAMES[sellV]} mid ${midSell}, sell ${sellLimit} is ${devSell.toFixed(1)} bps from ${midBuy} (band ${c.priceBandBps} bps)`);
      }
      return;
    }
    this.latchOff(LATCH_BAND, s);
    if (!this.limiter.canSend(2, nowNs)) {
      this.riskCounters.rateLimitDenials++;
      if (this.latchOn(LATCH_RATE, s)) {
        this.breach('rate_limit', 'deny', s, nowNs, `${this.limiter.inWindow(nowNs)} orders in the last second (max_orders_per_second ${c.maxOrdersPerSecond})`);
      }
      return;
    }
    this.latchOff(LATCH_RATE, s);
    if (!this.orders.hasRoom(this.nextOrderId, 2)) {
      st.skipOrderTable++;
      return;
    }
    this.sendPair(s, buyV, sellV, qty, buyLimit, sellLimit, best, exchMs, recvNs, nowNs);
  }

  private sendPair(s: number, buyV: number, sellV: number, qty: number, buyPx: number, sellPx: number, edge: number, exchMs: number, recvNs: number, nowNs: number): void {
    const pairId = this.nextPairId++;
    const buyId = this.nextOrderId++;
    const sellId = this.nextOrderId++;
    const deadline = nowNs + this.config.orderTimeoutNs;
    if (!this.sink.newOrder(buyId, pairId, buyV, s, SIDE_BUY, buyPx, qty, TIF_IOC, ROLE_LEG_BUY, nowNs, deadline, recvNs, exchMs)) {
      this.stats.sinkFull++;
      return;
    }
    this.noteSent(nowNs);
    this.orders.add(buyId, pairId, buyV, s, SIDE_BUY, ROLE_LEG_BUY, buyPx, qty, deadline);
    const r = this.rounds[s]!;
    r.open(pairId, buyV, sellV, qty, buyPx, sellPx, edge, nowNs, buyId, sellId);
    this.stats.pairsSent++;
    if (this.sink.newOrder(sellId, pairId, sellV, s, SIDE_SELL, sellPx, qty, TIF_IOC, ROLE_LEG_SELL, nowNs, deadline, recvNs, exchMs)) {
      this.noteSent(nowNs);
      this.orders.add(sellId, pairId, sellV, s, SIDE_SELL, ROLE_LEG_SELL, sellPx, qty, deadline);
    } else {
      // The buy leg is out alone: treat the sell leg as rejected; legging handles the rest.
      this.stats.sinkFull++;
      r.sellLive = false;
    }
    this.events.onEvent({ type: 'round_opened', nowNs, pairId, symbol: s, buyVenue: buyV, sellVenue: sellV, qty, buyPx, sellPx, edgeBps: edge });
  }

  private noteSent(nowNs: number): void {
    this.limiter.record(nowNs);
    this.stats.ordersSent++;
  }

  // ---- execution reports ---------------------------------------------------------------------

  /** One state change of one order, from the executor (records.ts R_* fields). */
  onReport(orderId: number, status: number, lastPx: number, lastQty: number, cumQty: number, fee: number, feeAsset: number, errorCode: number, nowNs: number): void {
    this.stats.reports++;
    const o = this.orders;
    const k = o.find(orderId);
    if (k < 0) {
      this.stats.unknownReports++;
      return;
    }
    const v = o.venue[k]!;
    const s = o.symbol[k]!;
    const side = o.side[k]!;
    const r = this.rounds[s]!;
    const inRound = r.active && r.pairId === o.pairId[k];
    if (lastQty > 0) {
      const feeQ = this.positions.applyFill(v, s, side, lastPx, lastQty, fee, feeAsset);
      o.filled[k] = o.filled[k]! + lastQty;
      if (inRound) this.bookRoundFill(r, o.role[k]!, side, lastPx, lastQty, feeQ);
      if (!inRound || o.forcedExpired[k] === 1) {
        this.stats.lateFills++;
        this.events.onEvent({ type: 'late_fill', nowNs, orderId, venue: v, symbol: s, side, qty: lastQty, price: lastPx });
      }
      this.checkInventory(v, s, nowNs);
    }
    if (status === ST_REJECTED) {
      this.stats.rejects++;
      this.stats.lastRejectCode = errorCode;
    }
    if (isTerminalStatus(status)) {
      const wasForced = o.forcedExpired[k] === 1;
      o.release(k);
      if (inRound && !wasForced) this.orderDone(r, orderId);
    }
    if (lastQty > 0) this.checkDrawdown(nowNs);
    if (r.active) {
      if (r.phase === PHASE_HEDGING) this.checkStopLoss(r, nowNs);
      this.advanceRound(r, nowNs, false);
    }
  }

  private bookRoundFill(r: Round, role: number, side: number, px: number, qty: number, feeQ: number): void {
    if (role === ROLE_LEG_BUY) {
      r.buyFilled += qty;
      r.buyQuote += px * qty;
      r.buyFeeQ += feeQ;
    } else if (role === ROLE_LEG_SELL) {
      r.sellFilled += qty;
      r.sellQuote += px * qty;
      r.sellFeeQ += feeQ;
    } else {
      if (side === SIDE_BUY) {
        r.hedgeBuyQty += qty;
        r.hedgeBuyQuote += px * qty;
      } else {
        r.hedgeSellQty += qty;
        r.hedgeSellQuote += px * qty;
      }
      r.hedgeFeeQ += feeQ;
    }
  }

  private orderDone(r: Round, orderId: number): void {
    if (orderId === r.buyOrderId) r.buyLive = false;
    else if (orderId === r.sellOrderId) r.sellLive = false;
    else if (orderId === r.hedgeOrderId) r.hedgeLive = false;
  }

  // ---- legging: hedge, unwind, close ---------------------------------------------------------

  /**
   * Move a round forward: once both legs are terminal, close it if nothing is left open, else
   * send a hedge (or unwind) for the residual when none is in flight. Sends triggered by
   * reports and quotes stop after MAX_HEDGE_ATTEMPTS / MAX_UNWIND_ATTEMPTS; the timer retries.
   */
  private advanceRound(r: Round, nowNs: number, fromTimer: boolean): void {
    if (r.phase === PHASE_IDLE) return;
    if (r.phase === PHASE_LEGS) {
      if (r.buyLive || r.sellLive) return;
      r.phase = PHASE_HEDGING;
      r.hedgeStartNs = nowNs;
      const res = r.legResidual();
      if (res !== 0 && Math.abs(res) > 1e-12) {
        this.stats.leggedRounds++;
        this.events.onEvent({ type: 'leg_residual', nowNs, pairId: r.pairId, symbol: r.symbol, residual: res, dust: this.isDust(r.symbol, Math.abs(res), r.residualEntryPx()) });
      }
    }
    if (r.hedgeLive) return;
    const open = r.openResidual();
    if (this.isDust(r.symbol, Math.abs(open), r.residualEntryPx())) {
      if (Math.abs(open) > 1e-12) this.stats.dustResiduals++;
      this.closeRound(r, nowNs, open);
      return;
    }
    if (!fromTimer && (r.unwindMode ? r.unwindAttempts >= MAX_UNWIND_ATTEMPTS : r.hedgeAttempts >= MAX_HEDGE_ATTEMPTS)) return;
    const res = this.sendResidualOrder(r, open, nowNs);
    if (res === RES_DUST) {
      this.stats.dustResiduals++;
      this.closeRound(r, nowNs, open);
    } else if (res === RES_WAIT) {
      this.stats.hedgeWaits++;
    }
  }

  /**
   * A residual below every venue's minimum (step, minQty, minNotional at `refPx` or the mid)
   * cannot be traded: it stays in inventory.
   */
  private isDust(s: number, qty: number, refPx: number): boolean {
    if (qty <= 1e-12) return true;
    const c = this.config;
    for (let v = 0; v < VENUE_COUNT; v++) {
      const i = v * this.nSym + s;
      const q = floorToStep(qty, c.stepSize[i]!, c.stepScale[i]!);
      const m = this.books.mid(v, s);
      const px = m > 0 ? m : refPx;
      if (q > 0 && q >= c.minQty[i]! && q * px >= c.minNotional[i]!) return false;
    }
    return true;
  }

  /**
   * Close `open` base (> 0: sell, < 0: buy) with one IOC on the venue with the better touch
   * (ties go to the venue of the leg that failed), priced at the touch ± slippage_tolerance
   * (× UNWIND_TOLERANCE_FACTOR when unwinding), capped by that venue's balance.
   */
  private sendResidualOrder(r: Round, open: number, nowNs: number): number {
    const c = this.config;
    const b = this.books;
    const s = r.symbol;
    const sell = open > 0;
    const need = Math.abs(open);
    const tol = r.unwindMode ? c.slippage * UNWIND_TOLERANCE_FACTOR : c.slippage;
    const preferred = sell ? r.sellVenue : r.buyVenue;
    let bestV = -1;
    let bestTouch = 0;
    let bestPx = 0;
    let bestQty = 0;
    for (let v = 0; v < VENUE_COUNT; v++) {
      if (!b.hasQuote(v, s) || !b.usable(v, s)) continue;
      const i = v * this.nSym + s;
      const touch = sell ? b.bidPx(v, s) : b.askPx(v, s);
      const px = sell
        ? floorToStep(touch * (1 - tol), c.tickSize[i]!, c.tickScale[i]!)
        : ceilToStep(touch * (1 + tol), c.tickSize[i]!, c.tickScale[i]!);
      const cap = sell ? this.positions.base(v, s) : this.positions.quote(v) / (px * (1 + c.takerFee[v]!));
      const q = floorToStep(Math.min(need, cap), c.stepSize[i]!, c.stepScale[i]!);
      if (q <= 0 || q < c.minQty[i]! || q * px < c.minNotional[i]!) continue;
      const better = bestV < 0 || (sell ? touch > bestTouch : touch < bestTouch) || (touch === bestTouch && v === preferred);
      if (better) {
        bestV = v;
        bestTouch = touch;
        bestPx = px;
        bestQty = q;
      }
    }
    if (bestV < 0) return this.isDust(s, need, r.residualEntryPx()) ? RES_DUST : RES_WAIT;
    if (!this.limiter.canSend(1, nowNs)) return RES_WAIT;
    const id = this.nextOrderId;
    if (!this.orders.hasRoom(id, 1)) {
      this.stats.skipOrderTable++;
      return RES_WAIT;
    }
    const role = r.unwindMode ? ROLE_UNWIND : ROLE_HEDGE;
    const side = sell ? SIDE_SELL : SIDE_BUY;
    const deadline = nowNs + c.orderTimeoutNs;
    this.nextOrderId++;
    // A hedge or unwind answers a fill, not a tick: no tick time, so tick-to-order hops only
    // measure orders a quote triggered.
    if (!this.sink.newOrder(id, r.pairId, bestV, s, side, bestPx, bestQty, TIF_IOC, role, nowNs, deadline, 0, 0)) {
      this.stats.sinkFull++;
      return RES_WAIT;
    }
    this.noteSent(nowNs);
    this.orders.add(id, r.pairId, bestV, s, side, role, bestPx, bestQty, deadline);
    r.hedgeOrderId = id;
    r.hedgeLive = true;
    let attempt: number;
    if (r.unwindMode) {
      attempt = ++r.unwindAttempts;
      this.stats.unwindsSent++;
    } else {
      attempt = ++r.hedgeAttempts;
      this.stats.hedgesSent++;
    }
    this.events.onEvent({ type: r.unwindMode ? 'unwind_sent' : 'hedge_sent', nowNs, pairId: r.pairId, orderId: id, venue: bestV, symbol: s, side, price: bestPx, qty: bestQty, attempt });
    if (r.unwindMode && r.unwindAttempts === MAX_UNWIND_ATTEMPTS) {
      // The next try only comes from the timer; stop opening new rounds meanwhile.
      this.riskCounters.unwindFailures++;
      this.breach('unwind_failed', 'halt', s, nowNs, `${c.symbols[s]} pair ${r.pairId}: ${MAX_UNWIND_ATTEMPTS} unwinds sent, ${open} base still open`);
      this.enterHalt('unwind_failed', nowNs);
    }
    return RES_SENT;
  }

  private closeRound(r: Round, nowNs: number, openResidual: number): void {
    r.computePnl();
    const p = this.pnl;
    p.roundPnl += r.pnl;
    p.leggingPnl += r.leggingPnl;
    p.realized += r.pnl + r.leggingPnl;
    p.fees += r.fees;
    this.stats.roundsClosed++;
    if (r.pnl + r.leggingPnl > 0) this.stats.roundsWon++;
    r.close();
    this.events.onEvent({
      type: 'round_closed',
      nowNs,
      pairId: r.pairId,
      symbol: r.symbol,
      buyFilled: r.buyFilled,
      sellFilled: r.sellFilled,
      pnl: r.pnl,
      leggingPnl: r.leggingPnl,
      fees: r.fees,
      holdingNs: nowNs - r.openNs,
      openResidual: Math.abs(openResidual) > 1e-12 ? openResidual : 0,
    });
  }

  /** Mark-to-market of the open residual; an adverse move ≥ stop_loss_bps switches to unwind. */
  private checkStopLoss(r: Round, nowNs: number): void {
    if (r.stopLossFired) return;
    const open = r.openResidual();
    if (Math.abs(open) <= 1e-12) return;
    const entry = r.residualEntryPx();
    if (!(entry > 0)) return;
    const b = this.books;
    const s = r.symbol;
    let mark = 0;
    for (let v = 0; v < VENUE_COUNT; v++) {
      if (!b.hasQuote(v, s)) continue;
      if (open > 0) mark = Math.max(mark, b.bidPx(v, s));
      else {
        const a = b.askPx(v, s);
        if (mark === 0 || a < mark) mark = a;
      }
    }
    if (mark === 0) return;
    const adverse = open > 0 ? ((entry - mark) / entry) * 1e4 : ((mark - entry) / entry) * 1e4;
    if (adverse < this.config.stopLossBps) return;
    r.stopLossFired = true;
    r.unwindMode = true;
    this.riskCounters.stopLossTriggers++;
    this.breach('stop_loss', 'unwind', s, nowNs, `${this.config.symbols[s]} pair ${r.pairId}: ${open} base open at ${entry}, mark ${mark} is ${adverse.toFixed(1)} bps adverse (stop ${this.config.stopLossBps} bps)`);
  }

  // ---- time ----------------------------------------------------------------------------------

  /** Timeouts and periodic checks. Call it often (e.g. every few ms, or per backtest event). */
  onTimer(nowNs: number): void {
    const c = this.config;
    const o = this.orders;
    if (o.liveCount > 0) {
      for (let k = 0; k < ORDER_SLOTS; k++) {
        if (o.live[k] !== 1 || o.forcedExpired[k] === 1) continue;
        const id = o.id[k]!;
        if (o.cancelNs[k] === 0) {
          if (nowNs < o.deadlineNs[k]!) continue;
          o.cancelNs[k] = nowNs;
          this.sink.cancelOrder(id, o.venue[k]!, o.symbol[k]!, nowNs);
          this.stats.cancelsSent++;
          this.riskCounters.orderTimeouts++;
          this.breach('order_timeout', 'cancel', o.symbol[k]!, nowNs, `order ${id} on ${VENUE_NAMES[o.venue[k]!]} has no terminal report after ${c.orderTimeoutNs / 1e6} ms`);
        } else if (nowNs >= o.cancelNs[k]! + c.orderTimeoutNs) {
          // The cancel got no answer either: stop waiting for the round's sake; a late report
          // still books its fill (the slot stays until a terminal report arrives).
          o.forcedExpired[k] = 1;
          this.riskCounters.forcedExpiries++;
          this.breach('forced_expiry', 'expire', o.symbol[k]!, nowNs, `order ${id} on ${VENUE_NAMES[o.venue[k]!]}: no report ${c.orderTimeoutNs / 1e6} ms after cancel; treated as expired`);
          const r = this.rounds[o.symbol[k]!]!;
          if (r.active && r.pairId === o.pairId[k]) this.orderDone(r, id);
        }
      }
    }
    for (let s = 0; s < this.nSym; s++) {
      const r = this.rounds[s]!;
      if (r.phase === PHASE_HEDGING && !r.unwindMode && nowNs - r.hedgeStartNs >= c.hedgeTimeoutNs && !this.isDust(s, Math.abs(r.openResidual()), r.residualEntryPx())) {
        r.unwindMode = true;
        this.riskCounters.hedgeTimeouts++;
        this.breach('hedge_timeout', 'unwind', s, nowNs, `${c.symbols[s]} pair ${r.pairId}: ${r.openResidual()} base still open ${c.hedgeTimeoutNs / 1e6} ms after the legs`);
      }
      if (r.phase === PHASE_HEDGING) this.checkStopLoss(r, nowNs);
      if (r.active) this.advanceRound(r, nowNs, true);
    }
    this.checkDrawdown(nowNs);
  }

  private checkDrawdown(nowNs: number): void {
    const dd = this.drawdown.update(this.positions.equity(this.books));
    if (dd >= this.config.maxDrawdown && !this.halted) {
      this.riskCounters.drawdownHalts++;
      const d = this.drawdown;
      this.breach('max_drawdown', 'halt', -1, nowNs, `equity ${d.lastEquity} is ${d.peakEquity - d.lastEquity} below its peak ${d.peakEquity}: ${(dd * 100).toFixed(2)}% of starting equity ${d.startEquity} (max_drawdown ${this.config.maxDrawdown * 100}%)`);
      this.enterHalt('max_drawdown', nowNs);
    }
  }

  // ---- operator controls -----------------------------------------------------------------------

  /** Kill switch: no new rounds. Open rounds still close their residuals. */
  halt(reason: string, nowNs: number): void {
    this.riskCounters.killSwitchHalts++;
    this.breach('kill_switch', 'halt', -1, nowNs, reason);
    this.enterHalt(reason, nowNs);
  }

  /** Lift a halt (kill switch, drawdown, flatten). The drawdown peak restarts from now. */
  resume(nowNs: number): void {
    if (!this.halted) return;
    this.halted = false;
    this.flattening = false;
    this.haltReasonText = '';
    this.drawdown.rebase();
    this.events.onEvent({ type: 'resume', nowNs });
  }

  /** Shutdown: stop new rounds and unwind every open residual aggressively. */
  flatten(nowNs: number): void {
    this.enterHalt('flatten', nowNs);
    this.flattening = true;
    this.events.onEvent({ type: 'flatten', nowNs, openRounds: this.openRounds() });
    for (let s = 0; s < this.nSym; s++) {
      const r = this.rounds[s]!;
      if (!r.active) continue;
      r.unwindMode = true;
      this.advanceRound(r, nowNs, true);
    }
  }

  private enterHalt(reason: string, nowNs: number): void {
    if (this.halted) return;
    this.halted = true;
    this.haltReasonText = reason;
    this.events.onEvent({ type: 'halt', nowNs, reason });
  }

  // ---- inventory -------------------------------------------------------------------------------

  /** After a fill on (v, s): flag a balance that fell below rebalance_threshold, or recovered. */
  private checkInventory(v: number, s: number, nowNs: number): void {
    const c = this.config;
    const p = this.positions;
    const thr = c.rebalanceThreshold;
    const qi = p.initialQuote(v);
    const qLow = qi > 0 && p.quote(v) < thr * qi;
    if (qLow !== (this.quoteLow[v] === 1)) {
      this.quoteLow[v] = qLow ? 1 : 0;
      if (qLow) this.stats.inventoryLowEvents++;
      this.events.onEvent({ type: qLow ? 'inventory_low' : 'inventory_ok', nowNs, venue: v, asset: ASSET_QUOTE, symbol: -1, balance: p.quote(v), threshold: thr * qi });
    }
    const i = v * this.nSym + s;
    const bi = p.initialBase(v, s);
    const bLow = bi > 0 && p.base(v, s) < thr * bi;
    if (bLow !== (this.baseLow[i] === 1)) {
      this.baseLow[i] = bLow ? 1 : 0;
      if (bLow) this.stats.inventoryLowEvents++;
      this.events.onEvent({ type: bLow ? 'inventory_low' : 'inventory_ok', nowNs, venue: v, asset: ASSET_BASE, symbol: s, balance: p.base(v, s), threshold: thr * bi });
    }
  }

  /** True while trading direction "buy on buyVenue, sell on sellVenue" is paused by low inventory. */
  directionPaused(symbol: number, buyVenue: number, sellVenue: number): boolean {
    return this.quoteLow[buyVenue] === 1 || this.baseLow[sellVenue * this.nSym + symbol] === 1;
  }

  // ---- risk events -----------------------------------------------------------------------------

  private latchOn(rule: number, s: number): boolean {
    const i = rule * this.nSym + s;
    if (this.latch[i] === 1) return false;
    this.latch[i] = 1;
    return true;
  }

  private latchOff(rule: number, s: number): void {
    this.latch[rule * this.nSym + s] = 0;
  }

  private breach(rule: RiskRule, action: RiskAction, symbol: number, nowNs: number, detail: string): void {
    this.events.onEvent({ type: 'risk_breach', nowNs, rule, action, symbol, detail });
  }
}
