/**
 * The round lifecycle: open a pair, book its fills, protect the first filled leg, hedge or
 * unwind the residual on a venue that is answering, close the round when every order is final
 * and nothing is open, or hand it to the operator (abandoned) when no venue can close it.
 * States and transitions are in round.ts; every transition is journaled (round_state).
 */
import {
  ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, ROLE_UNWIND, SIDE_BUY, SIDE_SELL, VENUE_COUNT,
} from '../core/records.js';
import type { StrategyContext } from './context.js';
import { HALT_UNWIND_FAILED } from './halts.js';
import { ROUND_STATE_NAMES, RS_ABANDONED, RS_HEDGING, RS_IDLE, RS_LEGS, RS_UNWINDING, Round, type RoundStateName } from './round.js';
import { ceilToStep, floorToStep } from './rounding.js';
import { BREAKER_OPEN_AUTH } from './venue-breaker.js';
import { OS_UNKNOWN } from './order-table.js';

/** Hedges sent from reports and quotes before only the timer retries. */
export const MAX_HEDGE_ATTEMPTS = 3;
/** Unwinds (after hedge_timeout_ms or a stop-loss) cross this many times slippage_tolerance. */
export const UNWIND_TOLERANCE_FACTOR = 4;
/** Unwinds with exposure still open before the round is abandoned to the operator (halt). */
export const MAX_UNWIND_ATTEMPTS = 10;
/** Rejected hedges/unwinds on one venue in one round before that venue is given up for it. */
export const MAX_VENUE_REJECTS = 3;
/** Least time between residual orders sent from the timer. */
export const RESIDUAL_RETRY_NS = 50_000_000;
/**
 * Unwinding with no venue able to take the order (balance too low net of reservations, no
 * usable book, back-off) for this long: the round is abandoned (halt), not left waiting
 * silently with exposure open. Longer than the hedge back-off's ceiling (2 s).
 */
export const UNWIND_WAIT_NS = 5_000_000_000;

const RES_SENT = 0;
const RES_WAIT = 1;
const RES_DUST = 2;
const RES_NO_VENUE = 3;

export class RoundLifecycle {
  readonly rounds: Round[] = [];
  /** Signed base that closed rounds left as dust, per symbol, not yet hedged (> 0 long). */
  readonly dust: Float64Array;

  constructor(private readonly x: StrategyContext) {
    for (let s = 0; s < x.nSym; s++) this.rounds.push(new Round(s));
    this.dust = new Float64Array(x.nSym);
  }

  isOpen(s: number): boolean {
    return this.rounds[s]!.active;
  }

  /**
   * Orders the order-rate budget must keep for residual orders that are waiting for it: new
   * entries take only what is left over (first come first served let another symbol's entries
   * take every freed window before a waiting hedge's timer step).
   */
  rateReserve(): number {
    let n = 0;
    for (let s = 0; s < this.x.nSym; s++) {
      const r = this.rounds[s]!;
      if (r.rateWait && r.active) n++;
    }
    return n;
  }

  openCount(): number {
    let n = 0;
    for (let s = 0; s < this.x.nSym; s++) if (this.rounds[s]!.active) n++;
    return n;
  }

  // ---- opening ---------------------------------------------------------------------------------

  /** Both legs out back to back with one pairId (buy first). */
  openRound(s: number, buyV: number, sellV: number, qty: number, buyPx: number, sellPx: number, edge: number, exchMs: number, recvNs: number, nowNs: number): void {
    const x = this.x;
    const pairId = x.nextPairId;
    const buyId = x.send(pairId, buyV, s, SIDE_BUY, buyPx, qty, ROLE_LEG_BUY, nowNs, recvNs, exchMs);
    if (buyId === 0) return;
    x.nextPairId++;
    x.health.onEntrySent(buyV);
    const sellId = x.send(pairId, sellV, s, SIDE_SELL, sellPx, qty, ROLE_LEG_SELL, nowNs, recvNs, exchMs);
    if (sellId !== 0) x.health.onEntrySent(sellV);
    // A refused sell leg leaves the buy leg out alone: the round handles it as legged.
    const r = this.rounds[s]!;
    r.open(pairId, buyV, sellV, qty, buyPx, sellPx, edge, nowNs, buyId, sellId);
    r.pending = sellId === 0 ? 1 : 2;
    x.stats.pairsSent++;
    x.events.onEvent({ type: 'round_opened', nowNs, pairId, symbol: s, buyVenue: buyV, sellVenue: sellV, qty, buyPx, sellPx, edgeBps: edge });
    this.emitState(r, 'idle', 'legs', 'pair sent', nowNs);
    if (sellId === 0) this.advance(r, nowNs, false);
  }

  /** A residual adopted from outside any open round (a fill for an order no round claims). */
  private adopt(s: number, nowNs: number): Round {
    const r = this.rounds[s]!;
    r.open(this.x.nextPairId++, 0, 0, 0, 0, 0, 0, nowNs, 0, 0);
    r.phase = RS_HEDGING;
    r.hedgeStartNs = nowNs;
    this.emitState(r, 'idle', 'hedging', 'fill for an order no open round claims', nowNs);
    return r;
  }

  /**
   * A crashed run's leftover exposure (live start-up, execution.live.leftover_exposure):
   * `signedQty` base (> 0 long) bought/sold at `px`, as a round of its own on the symbol. It
   * is hedged like any residual (`adopt`), or unwound at once with the unwind's wider price
   * tolerance (`flatten`); new rounds on the symbol wait until it is closed. False when a
   * round is already open on the symbol (the caller retries).
   */
  adoptLeftover(s: number, signedQty: number, px: number, flatten: boolean, nowNs: number): boolean {
    return this.adoptExposure(s, signedQty, px, flatten, 'leftover exposure of a crashed run adopted', nowNs);
  }

  /** `signedQty` base held at `px` becomes the residual of a round of its own (see adoptLeftover). */
  private adoptExposure(s: number, signedQty: number, px: number, flatten: boolean, why: string, nowNs: number): boolean {
    const r = this.rounds[s]!;
    if (r.active || signedQty === 0) return false;
    r.open(this.x.nextPairId++, 0, 0, 0, 0, 0, 0, nowNs, 0, 0);
    const q = Math.abs(signedQty);
    if (signedQty > 0) {
      r.hedgeBuyQty = q;
      r.hedgeBuyQuote = q * px;
    } else {
      r.hedgeSellQty = q;
      r.hedgeSellQuote = q * px;
    }
    r.firstFillNs = nowNs;
    r.phase = RS_HEDGING;
    r.hedgeStartNs = nowNs;
    this.emitState(r, 'idle', 'hedging', why, nowNs);
    if (flatten) this.transition(r, RS_UNWINDING, `${why}: flatten`, nowNs);
    this.advance(r, nowNs, false);
    return true;
  }

  // ---- order events (from order-flow.ts) ------------------------------------------------------

  /** The round an order belongs to (open rounds keep every order until it is final). */
  roundOf(s: number, pairId: number): Round | null {
    const r = this.rounds[s]!;
    return r.active && r.pairId === pairId ? r : null;
  }

  onFill(s: number, pairId: number, orderId: number, role: number, side: number, px: number, qty: number, feeQ: number, nowNs: number): void {
    let r = this.roundOf(s, pairId);
    let asHedge = role === ROLE_HEDGE || role === ROLE_UNWIND;
    if (r === null) {
      // Not expected (rounds outlive their orders), but a fill is never dropped: it becomes
      // residual of the open round, or of a round adopted for it, and is hedged.
      r = this.rounds[s]!.active ? this.rounds[s]! : this.adopt(s, nowNs);
      asHedge = true;
    }
    if (!asHedge && role === ROLE_LEG_BUY && orderId === r.buyOrderId) {
      r.buyFilled += qty;
      r.buyQuote += px * qty;
      r.buyFeeQ += feeQ;
    } else if (!asHedge && role === ROLE_LEG_SELL && orderId === r.sellOrderId) {
      r.sellFilled += qty;
      r.sellQuote += px * qty;
      r.sellFeeQ += feeQ;
    } else if (side === SIDE_BUY) {
      r.hedgeBuyQty += qty;
      r.hedgeBuyQuote += px * qty;
      r.hedgeFeeQ += feeQ;
    } else {
      r.hedgeSellQty += qty;
      r.hedgeSellQuote += px * qty;
      r.hedgeFeeQ += feeQ;
    }
    if (r.firstFillNs === 0) r.firstFillNs = nowNs;
    // A fill that re-opens a residual the round had closed (a late leg fill after the hedge
    // went through) starts protection afresh: hedge first, its own timer and stop-loss.
    if (r.phase === RS_UNWINDING || r.phase === RS_HEDGING) {
      const now = r.openResidual();
      const before = now - (side === SIDE_BUY ? qty : -qty);
      const entry = r.residualEntryPx();
      if (this.isDust(s, Math.abs(before), entry) && !this.isDust(s, Math.abs(now), entry)) {
        r.hedgeAttempts = 0;
        r.unwindAttempts = 0;
        r.stopLossFired = false;
        r.nextRetryNs = 0;
        if (this.x.flattening) {
          // Shutdown: whatever re-opens is unwound, not hedged.
          this.transition(r, RS_UNWINDING, 'a late fill re-opened the residual while flattening', nowNs);
        } else if (r.phase === RS_HEDGING) r.hedgeStartNs = nowNs;
        else this.transition(r, RS_HEDGING, 'a late fill re-opened the residual', nowNs);
      }
    }
  }

  /** The order has a final venue answer (or verdict); its slot is about to be freed. */
  onFinal(s: number, pairId: number, orderId: number): void {
    const r = this.roundOf(s, pairId);
    if (r === null) return;
    this.releaseOrder(r, orderId);
    if (r.pending > 0) r.pending--;
  }

  /** The order's status is unknown: it no longer holds the round's steps, but may still fill. */
  onUnknown(s: number, pairId: number, orderId: number): void {
    const r = this.roundOf(s, pairId);
    if (r !== null) this.releaseOrder(r, orderId);
  }

  /** The order no longer holds its place in the round (final, or unknown). */
  private releaseOrder(r: Round, orderId: number): void {
    if (orderId === r.buyOrderId) r.buyLive = false;
    else if (orderId === r.sellOrderId) r.sellLive = false;
    if (orderId === r.hedgeOrderId) r.hedgeLive = false;
  }

  /** A hedge/unwind rejected by venue v: counted against v for this round. */
  onResidualReject(s: number, pairId: number, v: number): void {
    const r = this.roundOf(s, pairId);
    if (r !== null) r.venueRejects[v]! += 1;
  }

  /** After any change to symbol s (report, quote): protection checks, then the next step. */
  step(s: number, nowNs: number, fromTimer: boolean): void {
    const r = this.rounds[s]!;
    if (!r.active) return;
    this.checkStopLoss(r, nowNs);
    this.advance(r, nowNs, fromTimer);
  }

  // ---- the state machine ------------------------------------------------------------------------

  private advance(r: Round, nowNs: number, fromTimer: boolean): void {
    const x = this.x;
    const c = x.config;
    const open = r.openResidual();
    const dust = this.isDust(r.symbol, Math.abs(open), r.residualEntryPx());
    if (r.phase === RS_ABANDONED) {
      if (dust && r.pending === 0) this.closeRound(r, nowNs, open);
      return;
    }
    if (r.phase === RS_LEGS) {
      if (r.legsDone) {
        if (dust) {
          if (r.pending === 0) {
            if (Math.abs(open) > 1e-12) {
              this.reportResidual(r, open, nowNs);
              x.stats.dustResiduals++;
            }
            this.closeRound(r, nowNs, open);
          }
          return; // a leg of unknown status may still fill
        }
        this.reportResidual(r, open, nowNs);
        this.transition(r, RS_HEDGING, 'legs done, residual open', nowNs);
        if (x.flattening) this.transition(r, RS_UNWINDING, 'flatten', nowNs);
      } else if (!dust && r.firstFillNs > 0 && nowNs - r.firstFillNs >= c.hedgeTimeoutNs) {
        // The filled leg is protected from its first fill: its twin gets hedge_timeout_ms.
        this.reportResidual(r, open, nowNs);
        this.transition(r, RS_HEDGING, 'hedge_timeout_ms since the first fill, twin still out', nowNs);
        if (x.flattening) this.transition(r, RS_UNWINDING, 'flatten', nowNs);
      } else {
        return;
      }
    }
    if (r.phase === RS_HEDGING && !dust && nowNs - r.hedgeStartNs >= c.hedgeTimeoutNs) {
      x.riskCounters.hedgeTimeouts++;
      x.breach('hedge_timeout', 'unwind', r.symbol, nowNs, `${c.symbols[r.symbol]} pair ${r.pairId}: ${open} base still open ${c.hedgeTimeoutNs / 1e6} ms after hedging began`);
      this.transition(r, RS_UNWINDING, 'hedge_timeout', nowNs);
    }
    if (r.hedgeLive) {
      r.waitSinceNs = 0; // an order is out: not waiting for a venue
      return;
    }
    // Hedges and unwinds of unknown status may still fill: they cover that much of the
    // residual, so the next one is sized net of them (else late fills over-hedge, then the
    // over-hedge is hedged back, and so on).
    const cover = this.unknownCover(r, open);
    const net = open - cover;
    if (!dust && this.isDust(r.symbol, Math.abs(net), r.residualEntryPx())) {
      r.waitSinceNs = 0; // covered: wait for their answers
      return;
    }
    if (dust) {
      if (Math.abs(open) > 1e-12 && r.pending === 0) x.stats.dustResiduals++;
      if (r.pending === 0) this.closeRound(r, nowNs, open);
      return;
    }
    if (r.phase === RS_UNWINDING && r.unwindAttempts >= MAX_UNWIND_ATTEMPTS) {
      this.abandon(r, nowNs, `${MAX_UNWIND_ATTEMPTS} unwinds sent, ${open} base still open`);
      return;
    }
    if (fromTimer) {
      if (nowNs < r.nextRetryNs) return;
    } else if (r.phase === RS_HEDGING && r.hedgeAttempts >= MAX_HEDGE_ATTEMPTS) {
      return;
    }
    const res = this.sendResidualOrder(r, net, nowNs);
    if (res === RES_DUST) {
      x.stats.dustResiduals++;
      if (r.pending === 0) this.closeRound(r, nowNs, open);
    } else if (res === RES_WAIT) {
      x.stats.hedgeWaits++;
      if (r.waitSinceNs === 0) r.waitSinceNs = nowNs;
      else if (r.phase === RS_UNWINDING && nowNs - r.waitSinceNs >= UNWIND_WAIT_NS) {
        this.abandon(r, nowNs, `${open} base open and no venue could take an unwind for ${UNWIND_WAIT_NS / 1e6} ms (balance net of reservations, book, or back-off)`);
      }
    } else if (res === RES_NO_VENUE) {
      this.abandon(r, nowNs, `${open} base open and no venue left to close it (rejected ${MAX_VENUE_REJECTS}× each, or breaker open on auth)`);
    }
  }

  /** Signed base the round's hedges/unwinds of unknown status would close if they filled. */
  private unknownCover(r: Round, open: number): number {
    const o = this.x.orders;
    if (o.unknownCount === 0 || open === 0) return 0;
    let cover = 0;
    for (let k = 0; k < o.capacity; k++) {
      if (o.state[k] !== OS_UNKNOWN || o.pairId[k] !== r.pairId || o.symbol[k] !== r.symbol) continue;
      const role = o.role[k];
      if (role !== ROLE_HEDGE && role !== ROLE_UNWIND) continue;
      // What may still fill: the unfilled rest, or, once the venue's final stated the order's
      // fill (finalCum), only what of that is not booked yet.
      const fc = o.finalCum[k]!;
      const rest = fc >= 0 && fc < Infinity ? Math.max(0, Math.min(o.qty[k]!, fc) - o.filled[k]!) : o.qty[k]! - o.filled[k]!;
      cover += o.side[k] === SIDE_SELL ? rest : -rest;
    }
    // Only cover in the residual's direction counts, and never more than the residual.
    if (open > 0) return Math.min(open, Math.max(0, cover));
    return Math.max(open, Math.min(0, cover));
  }

  private reportResidual(r: Round, open: number, nowNs: number): void {
    if (r.residualReported || Math.abs(open) <= 1e-12) return;
    r.residualReported = true;
    this.x.stats.leggedRounds++;
    this.x.events.onEvent({ type: 'leg_residual', nowNs, pairId: r.pairId, symbol: r.symbol, residual: open, dust: this.isDust(r.symbol, Math.abs(open), r.residualEntryPx()) });
  }

  private transition(r: Round, to: number, reason: string, nowNs: number): void {
    const from = r.phase;
    if (from === to) return;
    r.phase = to;
    if (to === RS_HEDGING) r.hedgeStartNs = nowNs;
    this.emitState(r, ROUND_STATE_NAMES[from]!, ROUND_STATE_NAMES[to]!, reason, nowNs);
  }

  private emitState(r: Round, from: RoundStateName, to: RoundStateName, reason: string, nowNs: number): void {
    this.x.events.onEvent({ type: 'round_state', nowNs, pairId: r.pairId, symbol: r.symbol, from, to, reason });
  }

  private abandon(r: Round, nowNs: number, why: string): void {
    const x = this.x;
    x.riskCounters.unwindFailures++;
    x.riskCounters.abandonedRounds++;
    x.stats.roundsAbandoned++;
    this.transition(r, RS_ABANDONED, why, nowNs);
    x.breach('unwind_failed', 'halt', r.symbol, nowNs, `${x.config.symbols[r.symbol]} pair ${r.pairId}: ${why}; round handed to the operator`);
    x.enterHalt(HALT_UNWIND_FAILED, 'unwind_failed', nowNs);
  }

  /** Operator resume of unwind_failed: abandoned rounds try again, with fresh per-venue budgets. */
  retryAbandoned(nowNs: number): void {
    for (let s = 0; s < this.x.nSym; s++) {
      const r = this.rounds[s]!;
      if (r.phase !== RS_ABANDONED) continue;
      r.venueRejects.fill(0);
      r.unwindAttempts = 0;
      r.nextRetryNs = 0;
      r.waitSinceNs = 0;
      this.transition(r, RS_UNWINDING, 'operator resume', nowNs);
      this.advance(r, nowNs, true);
    }
  }

  /**
   * Shutdown: every open round unwinds now. An abandoned round gets one more try with fresh
   * per-venue budgets (the operator asked to flatten); if that fails too it is abandoned again.
   */
  flatten(nowNs: number): void {
    for (let s = 0; s < this.x.nSym; s++) {
      const r = this.rounds[s]!;
      if (!r.active) continue;
      if (r.phase === RS_LEGS && !r.legsDone) continue; // legs still out: they decide the residual
      if (r.phase === RS_ABANDONED) {
        r.venueRejects.fill(0);
        r.unwindAttempts = 0;
        r.nextRetryNs = 0;
        r.waitSinceNs = 0;
      }
      this.transition(r, RS_UNWINDING, 'flatten', nowNs);
      this.advance(r, nowNs, true);
    }
  }

  /**
   * A residual below every venue's minimum (step, minQty, minNotional at `refPx` or the mid)
   * cannot be traded: it stays in inventory.
   */
  isDust(s: number, qty: number, refPx: number): boolean {
    if (qty <= 1e-12) return true;
    const c = this.x.config;
    const nSym = this.x.nSym;
    for (let v = 0; v < VENUE_COUNT; v++) {
      const i = v * nSym + s;
      const q = floorToStep(qty, c.stepSize[i]!, c.stepScale[i]!);
      const m = this.x.books.mid(v, s);
      const px = m > 0 ? m : refPx;
      if (q > 0 && q >= c.minQty[i]! && q * px >= c.minNotional[i]!) return false;
    }
    return true;
  }

  /**
   * Close `open` base (> 0: sell, < 0: buy) with one IOC on the venue with the better touch
   * among those answering (no auth breaker, out of hedge back-off, fewer than
   * MAX_VENUE_REJECTS rejects in this round); ties go to the venue of the leg that failed.
   * Priced at the touch ± slippage_tolerance (× UNWIND_TOLERANCE_FACTOR when unwinding),
   * capped by that venue's balance net of reservations.
   */
  private sendResidualOrder(r: Round, open: number, nowNs: number): number {
    const x = this.x;
    const c = x.config;
    const b = x.books;
    const h = x.health;
    const s = r.symbol;
    const nSym = x.nSym;
    const sell = open > 0;
    const need = Math.abs(open);
    r.rateWait = false; // set again below only if this attempt waits for the rate budget
    const unwinding = r.phase === RS_UNWINDING;
    const tol = unwinding ? c.slippage * UNWIND_TOLERANCE_FACTOR : c.slippage;
    const preferred = sell ? r.sellVenue : r.buyVenue;
    let bestV = -1;
    let bestTouch = 0;
    let bestPx = 0;
    let bestQty = 0;
    let usableVenues = 0; // venues not given up for this round
    for (let v = 0; v < VENUE_COUNT; v++) {
      if (r.venueRejects[v]! >= MAX_VENUE_REJECTS || h.breaker[v] === BREAKER_OPEN_AUTH) continue;
      usableVenues++;
      if (!h.hedgeAllowed(v, nowNs) || !b.hasQuote(v, s) || !b.usable(v, s)) continue;
      const i = v * nSym + s;
      const touch = sell ? b.bidPx(v, s) : b.askPx(v, s);
      const px = sell
        ? floorToStep(touch * (1 - tol), c.tickSize[i]!, c.tickScale[i]!)
        : ceilToStep(touch * (1 + tol), c.tickSize[i]!, c.tickScale[i]!);
      const cap = sell ? x.inventory.availableBase(v, s) : x.inventory.availableQuote(v) / (px * (1 + c.takerFee[v]!));
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
    if (usableVenues === 0) return RES_NO_VENUE;
    if (bestV < 0) return this.isDust(s, need, r.residualEntryPx()) ? RES_DUST : RES_WAIT;
    if (!x.limiter.canSend(1, nowNs)) {
      r.rateWait = true; // entries leave this order room in the budget (rateReserve)
      return RES_WAIT;
    }
    const role = unwinding ? ROLE_UNWIND : ROLE_HEDGE;
    const side = sell ? SIDE_SELL : SIDE_BUY;
    // A hedge or unwind answers a fill, not a tick: no tick time, so tick-to-order hops only
    // measure orders a quote triggered.
    const id = x.send(r.pairId, bestV, s, side, bestPx, bestQty, role, nowNs, 0, 0);
    if (id === 0) return RES_WAIT;
    r.hedgeOrderId = id;
    r.hedgeLive = true;
    r.waitSinceNs = 0;
    r.rateWait = false;
    r.pending++;
    r.nextRetryNs = nowNs + RESIDUAL_RETRY_NS;
    let attempt: number;
    if (unwinding) {
      attempt = ++r.unwindAttempts;
      x.stats.unwindsSent++;
    } else {
      attempt = ++r.hedgeAttempts;
      x.stats.hedgesSent++;
    }
    x.events.onEvent({ type: unwinding ? 'unwind_sent' : 'hedge_sent', nowNs, pairId: r.pairId, orderId: id, venue: bestV, symbol: s, side, price: bestPx, qty: bestQty, attempt });
    return RES_SENT;
  }

  private closeRound(r: Round, nowNs: number, openResidual: number): void {
    const x = this.x;
    r.computePnl();
    const p = x.pnl;
    p.roundPnl += r.pnl;
    p.leggingPnl += r.leggingPnl;
    p.realized += r.pnl + r.leggingPnl;
    p.fees += r.fees;
    x.stats.roundsClosed++;
    if (r.pnl + r.leggingPnl > 0) x.stats.roundsWon++;
    const from = ROUND_STATE_NAMES[r.phase]!;
    r.close();
    this.emitState(r, from, 'closed', Math.abs(openResidual) > 1e-12 ? 'dust residual left in inventory' : 'flat, every order final', nowNs);
    x.events.onEvent({
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
    if (Math.abs(openResidual) > 1e-12) {
      this.dust[r.symbol] = this.dust[r.symbol]! + openResidual;
      this.hedgeAccumulatedDust(r.symbol, nowNs);
    }
  }

  /**
   * Each round judges only its own residual: dust left by many rounds can add up to a
   * tradable exposure. The dust each round leaves is summed per symbol (only what rounds left:
   * not balances against the start, which in live hold a crashed run's leftover, nor base paid
   * as fees); once the sum is tradable it becomes the residual of a round of its own, hedged
   * (then unwound, then abandoned with a halt) like any other, priced at the current exit price
   * (its entry prices stayed with the rounds that left it, so its PnL from there counts as
   * legging). Not while halted (halted means no new rounds): the sum waits for the next close.
   */
  private hedgeAccumulatedDust(s: number, nowNs: number): void {
    const x = this.x;
    if (x.halts.halted) return;
    const net = this.dust[s]!;
    const mark = this.markOf(s, net);
    if (mark === 0 || this.isDust(s, Math.abs(net), mark)) return;
    if (!this.adoptExposure(s, net, mark, x.flattening, `dust of earlier rounds adds up to ${net} base, tradable`, nowNs)) return;
    this.dust[s] = 0;
    x.stats.dustAdopted++;
  }

  // ---- protection --------------------------------------------------------------------------------

  /** Best price to close `open` at (best bid for a long, best ask for a short), 0 if none. */
  private markOf(s: number, open: number): number {
    const b = this.x.books;
    let mark = 0;
    for (let v = 0; v < VENUE_COUNT; v++) {
      if (!b.hasQuote(v, s)) continue;
      if (open > 0) mark = Math.max(mark, b.bidPx(v, s));
      else {
        const a = b.askPx(v, s);
        if (mark === 0 || a < mark) mark = a;
      }
    }
    return mark;
  }

  /**
   * Mark-to-market of the open residual from the first fill on (legs still out included); an
   * adverse move ≥ stop_loss_bps switches to unwind.
   */
  private checkStopLoss(r: Round, nowNs: number): void {
    if (r.stopLossFired || r.phase === RS_ABANDONED || r.phase === RS_UNWINDING || r.firstFillNs === 0) return;
    const open = r.openResidual();
    if (Math.abs(open) <= 1e-12) return;
    const entry = r.residualEntryPx();
    if (!(entry > 0)) return;
    const s = r.symbol;
    const mark = this.markOf(s, open);
    if (mark === 0) return;
    const adverse = open > 0 ? ((entry - mark) / entry) * 1e4 : ((mark - entry) / entry) * 1e4;
    const c = this.x.config;
    if (adverse < c.stopLossBps) return;
    r.stopLossFired = true;
    this.x.riskCounters.stopLossTriggers++;
    this.x.breach('stop_loss', 'unwind', s, nowNs, `${c.symbols[s]} pair ${r.pairId}: ${open} base open at ${entry}, mark ${mark} is ${adverse.toFixed(1)} bps adverse (stop ${c.stopLossBps} bps)`);
    this.reportResidual(r, open, nowNs);
    this.transition(r, RS_UNWINDING, 'stop_loss', nowNs);
  }

  /** Realized PnL plus every open round's cash and open base marked at its exit price. */
  strategyPnl(): number {
    let pnl = this.x.pnl.realized;
    for (let s = 0; s < this.x.nSym; s++) {
      const r = this.rounds[s]!;
      if (r.phase === RS_IDLE) continue;
      const open = r.openResidual();
      let mark = Math.abs(open) > 1e-12 ? this.markOf(s, open) : 0;
      if (mark === 0) mark = r.residualEntryPx();
      pnl += r.markedPnl(mark);
    }
    return pnl;
  }
}
