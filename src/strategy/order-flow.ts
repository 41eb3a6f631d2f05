/**
 * Order flow: what the venues (through the executor) and reconciliation say about each order,
 * applied to the order table, positions, reservations, venue health and the order's round.
 *
 * - Only a final answer (FILLED, CANCELED, REJECTED) or a reconciliation verdict frees a slot.
 *   EXPIRED (the executor's local deadline) and our own unanswered cancel make the order
 *   UNKNOWN: slot, reservation and round kept; a later fill is applied and hedged.
 * - Fills are booked at their own price and fee; by cumulative quantity a duplicated report
 *   adds nothing, and a reordered or late one fills the gap it left (order-table.ts).
 * - Rejects feed the venue's circuit breaker and the hedge back-off (venue-breaker.ts).
 * - An order UNKNOWN for risk.reconcile_after_ms is put to the executor (OrderSink
 *   requestVerdict, records.ts ACTION_RECONCILE), again with back-off until it is settled, at
 *   most VERDICT_ASKS_PER_SECOND requests a second in all. The executor's verdict (onVerdict)
 *   is the venue's final word: applied once (reconcile), the slot freed, a report after it
 *   ignored. "No record" (an executor that restarted or forgot the order) frees nothing: the
 *   order stays UNKNOWN and unresolved_order is raised at once.
 */
import {
  ASSET_BASE, ROLE_HEDGE, ROLE_UNWIND, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_PARTIAL, ST_REJECTED, VENUE_NAMES,
  VERDICT_FINAL, VERDICT_NO_RECORD,
} from '../core/records.js';
import type { StrategyContext } from './context.js';
import { HALT_UNRESOLVED_ORDER } from './halts.js';
import { FILL_EPS, OS_LIVE, OS_UNKNOWN } from './order-table.js';
import type { RiskGates } from './risk-gates.js';
import type { RoundLifecycle } from './round-lifecycle.js';
import { BREAKER_CLOSED, BREAKER_OPEN_REJECTS, REJECT_KIND_NAMES, rejectKind } from './venue-breaker.js';

/** An order unknown for this many order_timeout_ms raises unresolved_order (halts entries). */
export const UNRESOLVED_ALERT_TIMEOUTS = 10;
/** Reconciliation requests sent at most this many per second, all orders together. */
export const VERDICT_ASKS_PER_SECOND = 20;
/** A request is repeated after order_timeout_ms, doubling each time, up to this (ns). */
export const VERDICT_RETRY_MAX_NS = 60e9;

function isFinal(status: number): boolean {
  return status === ST_FILLED || status === ST_CANCELED || status === ST_REJECTED;
}

export class OrderFlow {
  /** Start of the current one-second request window, and the requests sent in it. */
  private askWindowNs = -1e18;
  private asksInWindow = 0;
  /** Where the next round of requests starts when the budget ran out (no slot starves another). */
  private askCursor = 0;

  constructor(
    private readonly x: StrategyContext,
    private readonly rounds: RoundLifecycle,
    private readonly gates: RiskGates,
  ) {}

  /** One state change of one order, from the executor (records.ts R_* fields). */
  onReport(orderId: number, status: number, lastPx: number, lastQty: number, cumQty: number, fee: number, feeAsset: number, errorCode: number, nowNs: number): void {
    const x = this.x;
    x.stats.reports++;
    const o = x.orders;
    const k = o.find(orderId);
    if (k < 0) {
      x.stats.unknownReports++;
      return;
    }
    const s = o.symbol[k]!;
    if (!(lastQty >= 0 && cumQty >= 0 && fee === fee && cumQty < Infinity && lastQty < Infinity && fee < Infinity)) {
      // A malformed report (a NaN, negative or infinite quantity or fee): booking it would
      // poison positions. Nothing of it is applied; the order's status is unknown until
      // reconciliation asks the venue, whose verdict books what filled.
      x.stats.badReports++;
      this.toUnknown(k, nowNs);
      this.rounds.step(s, nowNs, false);
      return;
    }
    if (lastQty > 0 && !(lastPx > 0 && lastPx < Infinity)) {
      // A fill with no usable price (NaN, 0): the quantity is the venue's word and is booked, so
      // the round hedges what is really open; the price is the order's limit, the worst the IOC
      // could have had (PnL errs low by at most the slippage allowed); counted.
      x.stats.badReports++;
      lastPx = o.price[k]!;
    }
    if (lastQty > 0) this.bookReport(k, lastPx, lastQty, cumQty, fee, feeAsset, nowNs);
    if (status === ST_REJECTED) {
      x.stats.rejects++;
      x.stats.lastRejectCode = errorCode;
    }
    this.venueAnswered(k, status, errorCode, '', nowNs);
    if (isFinal(status) && cumQty > o.filled[k]! + FILL_EPS) {
      // The venue says it is done with more filled than we booked: a fill report is lost or
      // still on its way. Unknown until the fills catch up (or a verdict comes).
      o.finalCum[k] = cumQty;
      x.stats.fillGaps++;
      this.toUnknown(k, nowNs);
    } else if (isFinal(status) && cumQty < o.maxCum[k]! - FILL_EPS) {
      // The venue's final answer says less filled than its fill reports did: one of them is
      // wrong, and which one only the venue's order query can say. Not freed on either word:
      // unknown (so it escalates to unresolved_order) until a verdict, which corrects the
      // booking either way.
      if (o.state[k] === OS_LIVE) x.stats.fillMismatches++;
      o.finalCum[k] = Infinity;
      this.toUnknown(k, nowNs);
    } else if (isFinal(status) || (o.finalCum[k]! >= 0 && o.filled[k]! >= o.finalCum[k]! - 1e-12)) {
      const escalated = o.escalated[k] === 1;
      this.rounds.onFinal(s, o.pairId[k]!, orderId);
      x.release(k, nowNs);
      // The venue's late final settled an order that had halted entries: lift the halt if it
      // was the last (the timer does not look once no order is held).
      if (escalated) this.liftUnresolvedIfClear(nowNs);
    } else if (status === ST_EXPIRED) {
      this.toUnknown(k, nowNs);
    }
    if (lastQty > 0) this.gates.checkDrawdown(this.rounds.strategyPnl(), nowNs);
    this.rounds.step(s, nowNs, false);
  }

  /**
   * A reconciliation verdict (venue order query, trade history, restart reconciliation): the
   * order's final status and its cumulative fill (quantity, quote amount, fee in feeAsset).
   * Applies what the strategy had not booked and frees the slot. Returns false when the order
   * is not one the strategy still holds, or the status is not final.
   */
  reconcile(orderId: number, status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number, nowNs: number): boolean {
    const x = this.x;
    const o = x.orders;
    const k = o.find(orderId);
    if (k < 0 || !isFinal(status)) return false;
    if (!(cumQty >= 0 && cumQty < Infinity && cumFee === cumFee && cumFee < Infinity)) {
      // A verdict without a usable quantity settles nothing: the order stays unknown (asked again).
      x.stats.badReports++;
      return false;
    }
    x.stats.verdicts++;
    const s = o.symbol[k]!;
    const delta = cumQty - o.filled[k]!;
    // What is new of the fee, in the verdict's unit: its total less what was booked, restated.
    const feeNew = cumFee - this.bookedFeeIn(k, feeAsset);
    if (delta > FILL_EPS) {
      let px = (cumQuote - o.filledQuote[k]!) / delta;
      if (!(px > 0 && px < Infinity)) {
        // The venue's answer lacks its quote amount (a query without cumExecValue): the
        // quantity is the venue's word and is booked (so its exposure is hedged), at the
        // order's limit, the worst price the IOC could have had; counted.
        px = o.price[k]!;
        x.stats.badReports++;
      }
      this.applyFill(k, px, delta, Math.max(0, feeNew), feeAsset, nowNs);
    } else if (delta < -FILL_EPS) {
      // Less filled than booked (fill reports the final answer contradicted): the excess is
      // taken back at the price and fee it was booked with, so positions follow the verdict.
      let px = (o.filledQuote[k]! - cumQuote) / -delta;
      if (!(px > 0 && px < Infinity)) px = o.filledQuote[k]! / o.filled[k]!;
      this.applyFill(k, px, delta, feeNew, feeAsset, nowNs);
    }
    // The verdict is also the venue's answer to the order, for its circuit breaker (a lost
    // report must not leave a half-open try out for good).
    this.venueAnswered(k, status, 0, ' (reconciliation verdict)', nowNs);
    this.rounds.onFinal(s, o.pairId[k]!, orderId);
    x.release(k, nowNs);
    this.gates.checkDrawdown(this.rounds.strategyPnl(), nowNs);
    this.liftUnresolvedIfClear(nowNs);
    this.rounds.step(s, nowNs, false);
    return true;
  }

  /**
   * The fees booked for order k, in `asset`'s unit (review F4): those booked in the other unit
   * restated at the order's average price so far, as the executor restates an order's fees
   * when a commission in a third asset turns them to quote (live-executor.ts bookedFee).
   */
  private bookedFeeIn(k: number, asset: number): number {
    const o = this.x.orders;
    const base = o.feeBookedBase[k]!;
    const quote = o.feeBookedQuote[k]!;
    const filled = o.filled[k]!;
    const avg = filled > FILL_EPS ? o.filledQuote[k]! / filled : 0;
    if (asset === ASSET_BASE) return base + (quote !== 0 && avg > 0 ? quote / avg : 0);
    return quote + base * avg;
  }

  /**
   * The executor's answer to a reconciliation request (records.ts KIND_VERDICT). FINAL: the
   * venue's final word, applied by reconcile() (once: the slot is freed, anything later about
   * the order is ignored). NO_RECORD: the executor does not know the order (restarted, or it
   * forgot it): nothing is guessed; the order stays unknown and unresolved_order is raised now.
   * Returns true when the verdict changed something.
   */
  onVerdict(orderId: number, kind: number, status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number, nowNs: number): boolean {
    const x = this.x;
    if (kind === VERDICT_FINAL) {
      if (this.reconcile(orderId, status, cumQty, cumQuote, cumFee, feeAsset, nowNs)) return true;
      x.stats.staleVerdicts++;
      return false;
    }
    const o = x.orders;
    const k = o.find(orderId);
    if (kind !== VERDICT_NO_RECORD || k < 0 || o.state[k] !== OS_UNKNOWN) {
      x.stats.staleVerdicts++;
      return false;
    }
    x.stats.verdictsNoRecord++;
    if (o.escalated[k] !== 0) return false;
    this.escalate(k, nowNs, 'the executor has no record of it (restarted or forgot it): check it at the venue');
    return true;
  }

  /**
   * One fill report: the interval (cumQty − lastQty, cumQty] of the order's fill, at lastPx.
   * New ground is booked at its own price and fee (a start above what was seen opens a gap);
   * a report inside an open gap is a missing one, late; anything else is a duplicate.
   */
  private bookReport(k: number, lastPx: number, lastQty: number, cumQty: number, fee: number, feeAsset: number, nowNs: number): void {
    const x = this.x;
    const o = x.orders;
    const top = o.maxCum[k]!;
    if (!(cumQty >= lastQty)) {
      // No usable cumQty: a plain increment (it cannot be told from a duplicate).
      this.applyFill(k, lastPx, lastQty, fee, feeAsset, nowNs);
      if (o.filled[k]! > top) o.maxCum[k] = o.filled[k]!;
      return;
    }
    const start = cumQty - lastQty;
    if (cumQty > top + FILL_EPS) {
      o.maxCum[k] = cumQty;
      if (start < top - FILL_EPS) {
        // Overlaps what was seen (a venue restating part of a fill): only the new part, pro rata.
        const q = cumQty - top;
        this.applyFill(k, lastPx, q, fee * (q / lastQty), feeAsset, nowNs);
        return;
      }
      // Reports before this one are missing (lost, or behind it): their fill waits for them.
      if (start > top + FILL_EPS) o.addGap(k, top, start);
      this.applyFill(k, lastPx, lastQty, fee, feeAsset, nowNs);
      return;
    }
    if (o.takeGap(k, start, cumQty)) {
      // The missing report, late: booked at its own price.
      this.applyFill(k, lastPx, lastQty, fee, feeAsset, nowNs);
      return;
    }
    x.stats.duplicateFills++;
  }

  private applyFill(k: number, px: number, qty: number, fee: number, feeAsset: number, nowNs: number): void {
    const x = this.x;
    const o = x.orders;
    const v = o.venue[k]!;
    const s = o.symbol[k]!;
    const side = o.side[k]!;
    const feeQ = x.positions.applyFill(v, s, side, px, qty, fee, feeAsset);
    o.filled[k] = o.filled[k]! + qty;
    o.filledQuote[k] = o.filledQuote[k]! + px * qty;
    if (feeAsset === ASSET_BASE) o.feeBookedBase[k] = o.feeBookedBase[k]! + fee;
    else o.feeBookedQuote[k] = o.feeBookedQuote[k]! + fee;
    // The reservation follows the unfilled rest.
    const rest = Math.max(0, o.qty[k]! - o.filled[k]!);
    const res = x.inventory.reserveFor(v, side, o.price[k]!, rest);
    x.inventory.adjust(v, s, side, res - o.reserved[k]!);
    o.reserved[k] = res;
    if (o.state[k] === OS_UNKNOWN) {
      x.stats.lateFills++;
      x.events.onEvent({ type: 'late_fill', nowNs, orderId: o.id[k]!, venue: v, symbol: s, side, qty, price: px });
    }
    this.rounds.onFill(s, o.pairId[k]!, o.id[k]!, o.role[k]!, side, px, qty, feeQ, nowNs);
    x.inventory.afterFill(s, nowNs);
  }

  /**
   * What the venue's answer about order k (a report, or a verdict: `via`) tells its venue's
   * health: a reject feeds the circuit breaker and the hedge back-off; any other answer means
   * the venue took the order (an IOC that expired empty was still accepted).
   */
  private venueAnswered(k: number, status: number, code: number, via: string, nowNs: number): void {
    const x = this.x;
    const o = x.orders;
    const v = o.venue[k]!;
    const residualOrder = o.role[k] === ROLE_HEDGE || o.role[k] === ROLE_UNWIND;
    if (status === ST_REJECTED) {
      this.onReject(k, v, code, residualOrder, nowNs);
    } else if (status === ST_ACKED || status === ST_PARTIAL || status === ST_FILLED || status === ST_CANCELED) {
      if (x.health.onAccept(v, residualOrder)) {
        x.events.onEvent({ type: 'breaker', nowNs, venue: v, open: false, code: 0, detail: `${VENUE_NAMES[v]} accepted an order${via}: circuit breaker closed` });
      }
    }
  }

  private onReject(k: number, v: number, code: number, residualOrder: boolean, nowNs: number): void {
    const x = this.x;
    const o = x.orders;
    const kind = rejectKind(code);
    if (residualOrder) this.rounds.onResidualReject(o.symbol[k]!, o.pairId[k]!, v);
    const opened = x.health.onReject(v, code, kind, residualOrder, nowNs);
    if (opened !== BREAKER_CLOSED) {
      x.riskCounters.breakerTrips++;
      const why = opened === BREAKER_OPEN_REJECTS
        ? `${x.health.consecutiveRejects[v]} consecutive rejects (last code ${code}, ${REJECT_KIND_NAMES[kind]})`
        : `${REJECT_KIND_NAMES[kind]} reject (code ${code})`;
      const detail = `${VENUE_NAMES[v]} circuit breaker open: ${why}; no new entries on ${VENUE_NAMES[v]}, hedges use the other venue`;
      x.events.onEvent({ type: 'breaker', nowNs, venue: v, open: true, code, detail });
      x.breach('venue_breaker', 'deny', -1, nowNs, detail);
    }
  }

  private toUnknown(k: number, nowNs: number): void {
    const o = this.x.orders;
    if (o.state[k] !== OS_LIVE) return;
    o.markUnknown(k, nowNs);
    this.rounds.onUnknown(o.symbol[k]!, o.pairId[k]!, o.id[k]!);
  }

  /**
   * Deadlines: at order_timeout_ms a cancel; order_timeout_ms after an unanswered cancel the
   * order is UNKNOWN; UNRESOLVED_ALERT_TIMEOUTS × order_timeout_ms later an alert that halts
   * entries until it is resolved.
   */
  onTimer(nowNs: number): void {
    const x = this.x;
    const c = x.config;
    const o = x.orders;
    if (o.liveCount === 0) return;
    let askDue = false;
    for (let k = 0; k < o.capacity; k++) {
      const st = o.state[k];
      if (st === OS_LIVE) {
        const id = o.id[k]!;
        if (o.cancelNs[k] === 0) {
          if (nowNs < o.deadlineNs[k]!) continue;
          o.cancelNs[k] = nowNs;
          x.sink.cancelOrder(id, o.venue[k]!, o.symbol[k]!, nowNs);
          x.stats.cancelsSent++;
          x.riskCounters.orderTimeouts++;
          x.breach('order_timeout', 'cancel', o.symbol[k]!, nowNs, `order ${id} on ${VENUE_NAMES[o.venue[k]!]} has no final report after ${c.orderTimeoutNs / 1e6} ms`);
        } else if (nowNs >= o.cancelNs[k]! + c.orderTimeoutNs) {
          x.riskCounters.forcedExpiries++;
          x.breach('forced_expiry', 'expire', o.symbol[k]!, nowNs, `order ${id} on ${VENUE_NAMES[o.venue[k]!]}: no answer ${c.orderTimeoutNs / 1e6} ms after its cancel; status unknown, slot kept until the venue or reconciliation answers`);
          this.toUnknown(k, nowNs);
          this.rounds.step(o.symbol[k]!, nowNs, true);
        }
      } else if (st === OS_UNKNOWN) {
        const unknownFor = nowNs - o.unknownNs[k]!;
        if (unknownFor >= c.reconcileAfterNs && nowNs >= o.verdictAskNs[k]!) askDue = true;
        if (o.escalated[k] === 0 && unknownFor >= UNRESOLVED_ALERT_TIMEOUTS * c.orderTimeoutNs) {
          this.escalate(k, nowNs, `no verdict after ${o.verdictAsks[k]} reconciliation requests`);
        }
      }
    }
    if (askDue && x.sink.requestVerdict !== undefined) this.askDue(nowNs);
    this.liftUnresolvedIfClear(nowNs);
  }

  /**
   * Reconciliation requests for every unknown order that is due, from where the last budget
   * ran out (round robin, so no order waits behind others that keep being due).
   */
  private askDue(nowNs: number): void {
    const o = this.x.orders;
    const after = this.x.config.reconcileAfterNs;
    const cap = o.capacity;
    for (let i = 0; i < cap; i++) {
      const k = (this.askCursor + i) % cap;
      if (o.state[k] !== OS_UNKNOWN || nowNs - o.unknownNs[k]! < after || nowNs < o.verdictAskNs[k]!) continue;
      if (!this.askVerdict(k, nowNs)) {
        this.askCursor = k;
        return;
      }
    }
  }

  /** unresolved_order for order k: an alert, and entries halted until every such order is settled. */
  private escalate(k: number, nowNs: number, why: string): void {
    const x = this.x;
    const o = x.orders;
    o.escalated[k] = 1;
    x.riskCounters.unresolvedOrderAlerts++;
    x.breach('unresolved_order', 'halt', o.symbol[k]!, nowNs, `order ${o.id[k]} on ${VENUE_NAMES[o.venue[k]!]} (${x.config.symbols[o.symbol[k]!]}) unknown for ${(nowNs - o.unknownNs[k]!) / 1e6} ms, ${why}; entries halted until it is resolved`);
    x.enterHalt(HALT_UNRESOLVED_ORDER, 'unresolved_order', nowNs);
  }

  /**
   * A reconciliation request for unknown order k, within the per-second budget; the next one
   * for it waits order_timeout_ms × 2^(requests so far), at most VERDICT_RETRY_MAX_NS.
   */
  private askVerdict(k: number, nowNs: number): boolean {
    const x = this.x;
    const sink = x.sink;
    if (sink.requestVerdict === undefined) return false;
    if (nowNs - this.askWindowNs >= 1e9) {
      this.askWindowNs = nowNs;
      this.asksInWindow = 0;
    }
    if (this.asksInWindow >= VERDICT_ASKS_PER_SECOND) return false; // the next window takes it
    const o = x.orders;
    const n = o.verdictAsks[k]!;
    const timeout = x.config.orderTimeoutNs;
    o.verdictAskNs[k] = nowNs + Math.min(timeout * 2 ** Math.min(n, 20), Math.max(VERDICT_RETRY_MAX_NS, timeout));
    if (!sink.requestVerdict(o.id[k]!, o.venue[k]!, o.symbol[k]!, o.side[k]!, o.price[k]!, o.qty[k]!, nowNs)) {
      x.stats.verdictRequestsRefused++;
      return true;
    }
    this.asksInWindow++;
    if (n < 65535) o.verdictAsks[k] = n + 1;
    x.stats.verdictRequests++;
    return true;
  }

  private liftUnresolvedIfClear(nowNs: number): void {
    const x = this.x;
    if (!x.halts.has(HALT_UNRESOLVED_ORDER)) return;
    const o = x.orders;
    for (let k = 0; k < o.capacity; k++) if (o.state[k] === OS_UNKNOWN && o.escalated[k] === 1) return;
    x.liftHalts(HALT_UNRESOLVED_ORDER, 'every escalated order resolved', nowNs);
  }
}
