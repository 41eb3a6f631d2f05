/**
 * DryRunExecutor: the venue, simulated, as a pure event scheduler. The executor worker (paper
 * mode) and the backtest engine drive the very same object; time only ever comes in as an
 * argument and every random draw comes from seeded generators, so the same inputs give the
 * same reports bit for bit.
 *
 * Timeline of one order (all times monotonic ns):
 *
 *   submit(now)            status SENT, sentNs = now
 *   arrival = now + entry latency (+ fault extra)
 *     the order meets the book as it stands: reject (book unusable/absent, insufficient
 *     balance, injected fault) or fill IOC/FOK (fill-simulator.ts), balances move
 *   reports due = arrival + response latency (+ fault extra), delivered in this order:
 *     ACKED, then FILLED | PARTIAL + CANCELED (the IOC remainder) | CANCELED (nothing filled)
 *     or just REJECTED; each with ackNs = the due time
 *   deadline (if given)    an order still out is reported EXPIRED (ERR_LOCAL_TIMEOUT); the
 *                          late venue answer is still delivered and settles it
 *
 * One aggregated fill report per order: lastPx is the average price over the levels walked.
 * TIF_GTC orders are treated as IOC (the dry-run never rests an order); TIF_FOK fills all or
 * nothing.
 *
 * The book is read when poll() handles the arrival, through the BookView given to that poll:
 * so the caller must poll whenever time advances past an event and before the book moves on
 * (the backtest polls at each market event's time before applying it; the worker polls every
 * duty cycle, and can sleep until nextDueNs()).
 *
 * requestVerdict(orderId, venue, symbol, now) is a reconciliation request (records.ts
 * ACTION_RECONCILE): answered one query round trip (entry + response latency) later through
 * `verdictSink` with the order's final as this simulated venue decided it (kept per slot from
 * its arrival, and in a memory of settled orders after its slot is freed: settled-orders.ts),
 * or "no record" for an order it never saw or has forgotten. An order that has not reached the
 * venue yet gets no answer (the strategy asks again). The verdict settles the order here too:
 * its slot is freed and any report still scheduled for it is dropped.
 *
 * cancel(orderId, now) withdraws an order that has not reached the venue yet (arrival > now):
 * it never touches the book and is reported CANCELED at arrival + response latency. This is
 * an optimistic model (a real cancel would travel behind its order); for an IOC order that has
 * already arrived it does nothing (counted in lateCancels).
 */
import {
  ACTION_CANCEL, ACTION_RECONCILE, FLAG_USABLE, H_FLAGS, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_DECISION_NS, I_ORDER_ID,
  I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, SIDE_BUY, SIDE_SELL, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED,
  ST_PARTIAL, ST_REJECTED, ST_SENT, TIF_FOK, VERDICT_FINAL, VERDICT_NO_RECORD, depthWords,
} from '../core/records.js';
import type { BookView } from './book-view.js';
import { DryRunBalances, type StartingBalance } from './dry-run-balances.js';
import {
  ERR_DRY_INJECTED, ERR_DRY_NO_BOOK, ERR_LOCAL_INVALID, ERR_LOCAL_TIMEOUT, insufficientBalanceCode,
} from './error-codes.js';
import { EventQueue } from './event-queue.js';
import { FEE_RULE_RECEIVED, FillResult, FillSimulator, feeAssetFor } from './fill-simulator.js';
import type { LatencyModel } from './latency-model.js';
import { canExpire, isFinalStatus } from './order-state.js';
import { OrderTracker } from './order-tracker.js';
import { Prng } from '../core/prng.js';
import type { ReportSink } from './report-sink.js';
import { SettledOrders } from './settled-orders.js';
import type { VerdictSink } from './verdict-sink.js';

export interface DryRunFaults {
  /** Probability that an arriving order is rejected (ERR_DRY_INJECTED or rejectCode). */
  rejectProbability?: number;
  rejectCode?: number;
  /** Added to every entry / response latency draw, ns. */
  extraEntryLatencyNs?: number;
  extraResponseLatencyNs?: number;
  /** Seed of the fault generator (default 0). */
  seed?: number;
}

export interface DryRunExecutorOptions {
  venues: number;
  symbols: number;
  /** Depth levels the BookView may write. Default 20. */
  depthLevels?: number;
  entryLatency: LatencyModel;
  responseLatency: LatencyModel;
  /** Taker fee rate per venue (0.001 = 10 bps). */
  takerFeeRate: readonly number[];
  /** FEE_RULE_* per venue; default FEE_RULE_RECEIVED (spot). */
  feeRule?: readonly number[];
  /** Fraction of displayed size available, (0, 1]; default 1. */
  fillRatio?: number;
  /** Starting balances per venue (Infinity = unlimited). */
  balances: readonly StartingBalance[];
  /** Reject when the book's last update is older than this at arrival; 0 = no check (default). */
  maxBookAgeNs?: number;
  /** Live orders at once. Default 1024. */
  maxOrders?: number;
  /** Scheduled events at once (arrivals, reports, deadlines). Default 8 * maxOrders. */
  maxEvents?: number;
  faults?: DryRunFaults;
}

export class DryRunConfigError extends Error {
  override name = 'DryRunConfigError';
}

const EV_ARRIVE = 1;
const EV_REPORT = 2;
const EV_DEADLINE = 3;
const EV_VERDICT = 4;

export class DryRunExecutor {
  readonly tracker: OrderTracker;
  readonly balances: DryRunBalances;
  readonly fills: FillSimulator;

  // ---- counters ---------------------------------------------------------------------------
  submitted = 0;
  /** submit() refused (pool or queue full): nothing was scheduled. */
  refused = 0;
  rejected = 0;
  filled = 0;
  partiallyFilled = 0;
  canceled = 0;
  expired = 0;
  withdrawn = 0;
  lateCancels = 0;
  unknownCancels = 0;
  reportsDelivered = 0;
  /** Reconciliation verdicts answered: the venue's final, and "no record of that order". */
  verdictsFinal = 0;
  verdictsNoRecord = 0;
  /** Where verdicts go (the executor agent's report ring, the backtest engine); null = nowhere. */
  verdictSink: VerdictSink | null = null;
  /** Orders settled here, by their final: what a verdict for a freed slot is answered from. */
  readonly settled = new SettledOrders();
  /**
   * Called with (order id, poll time, receive ns of the book it met; NaN if it met none) when an
   * order's arrival is handled: a recorded session's trace (data/strategy-trace.ts) and its replay.
   */
  onArrive: ((orderId: number, nowNs: number, bookRecvNs: number) => void) | null = null;

  private readonly venues: number;
  private readonly symbols: number;
  private readonly entryLatency: LatencyModel;
  private readonly responseLatency: LatencyModel;
  private readonly feeRate: Float64Array;
  private readonly feeRule: Int32Array;
  private readonly maxBookAgeNs: number;
  private readonly rejectProbability: number;
  private readonly rejectCode: number;
  private readonly extraEntryNs: number;
  private readonly extraResponseNs: number;
  private readonly faultRng: Prng;

  private readonly queue: EventQueue;
  // event payloads, by event id
  private readonly evKind: Int32Array;
  private readonly evSlot: Int32Array;
  private readonly evOrderId: Float64Array;
  private readonly evStatus: Float64Array;
  private readonly evLastPx: Float64Array;
  private readonly evLastQty: Float64Array;
  private readonly evCumQty: Float64Array;
  private readonly evFee: Float64Array;
  private readonly evFeeAsset: Float64Array;
  private readonly evError: Float64Array;
  // per order slot, venue side
  private readonly arrivalNs: Float64Array;
  private readonly cancelPending: Uint8Array;
  /** The venue's decision per slot, at arrival: final status (0 = not decided yet), cumulative fill. */
  private readonly decidedStatus: Float64Array;
  private readonly decidedQty: Float64Array;
  private readonly decidedQuote: Float64Array;
  private readonly decidedFee: Float64Array;
  private readonly decidedFeeAsset: Float64Array;
  private readonly evVenue: Int32Array;
  private readonly evSymbol: Int32Array;

  private readonly book: Float64Array;
  private readonly fill = new FillResult();

  constructor(opts: DryRunExecutorOptions) {
    if (opts.takerFeeRate.length < opts.venues) throw new DryRunConfigError(`takerFeeRate needs ${opts.venues} entries, got ${opts.takerFeeRate.length}`);
    const p = opts.faults?.rejectProbability ?? 0;
    if (!(p >= 0 && p <= 1)) throw new DryRunConfigError(`faults.rejectProbability must be in [0, 1], got ${p}`);
    this.venues = opts.venues;
    this.symbols = opts.symbols;
    this.entryLatency = opts.entryLatency;
    this.responseLatency = opts.responseLatency;
    this.feeRate = Float64Array.from(opts.takerFeeRate.slice(0, opts.venues));
    this.feeRule = new Int32Array(opts.venues).fill(FEE_RULE_RECEIVED);
    if (opts.feeRule) for (let v = 0; v < opts.venues; v++) this.feeRule[v] = opts.feeRule[v] ?? FEE_RULE_RECEIVED;
    this.maxBookAgeNs = opts.maxBookAgeNs ?? 0;
    this.rejectProbability = p;
    this.rejectCode = opts.faults?.rejectCode ?? ERR_DRY_INJECTED;
    this.extraEntryNs = opts.faults?.extraEntryLatencyNs ?? 0;
    this.extraResponseNs = opts.faults?.extraResponseLatencyNs ?? 0;
    this.faultRng = new Prng(opts.faults?.seed ?? 0);

    const maxOrders = opts.maxOrders ?? 1024;
    this.tracker = new OrderTracker(maxOrders);
    this.balances = new DryRunBalances(opts.venues, opts.symbols, opts.balances);
    this.fills = new FillSimulator({ fillRatio: opts.fillRatio ?? 1, venues: opts.venues, symbols: opts.symbols });

    const maxEvents = opts.maxEvents ?? maxOrders * 8;
    this.queue = new EventQueue(maxEvents);
    this.evKind = new Int32Array(maxEvents);
    this.evSlot = new Int32Array(maxEvents);
    this.evOrderId = new Float64Array(maxEvents);
    this.evStatus = new Float64Array(maxEvents);
    this.evLastPx = new Float64Array(maxEvents);
    this.evLastQty = new Float64Array(maxEvents);
    this.evCumQty = new Float64Array(maxEvents);
    this.evFee = new Float64Array(maxEvents);
    this.evFeeAsset = new Float64Array(maxEvents);
    this.evError = new Float64Array(maxEvents);
    this.arrivalNs = new Float64Array(maxOrders);
    this.cancelPending = new Uint8Array(maxOrders);
    this.decidedStatus = new Float64Array(maxOrders);
    this.decidedQty = new Float64Array(maxOrders);
    this.decidedQuote = new Float64Array(maxOrders);
    this.decidedFee = new Float64Array(maxOrders);
    this.decidedFeeAsset = new Float64Array(maxOrders);
    this.evVenue = new Int32Array(maxEvents);
    this.evSymbol = new Int32Array(maxEvents);
    this.book = new Float64Array(depthWords(opts.depthLevels ?? 20));
  }

  /** When the next scheduled event is due (Infinity when idle): a driver may sleep until then. */
  nextDueNs(): number {
    return this.queue.peekDue();
  }

  /** Events still scheduled. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Sends a new order at nowNs. Returns false when it could not be scheduled at all (order pool
   * or event queue full, duplicate orderId): nothing will be reported for it. Invalid
   * parameters are not refused here: they are reported REJECTED (ERR_LOCAL_INVALID) at the
   * next poll, as a venue would answer.
   */
  submit(orderId: number, pairId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    tif: number, role: number, decisionNs: number, deadlineNs: number, tickRecvNs: number, nowNs: number): boolean {
    const tr = this.tracker;
    const slot = tr.open(orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs);
    if (slot < 0) {
      this.refused++;
      return false;
    }
    this.submitted++;
    this.cancelPending[slot] = 0;
    this.decidedStatus[slot] = 0;
    const valid = (side === SIDE_BUY || side === SIDE_SELL) && price > 0 && qty > 0 && Number.isFinite(price)
      && Number.isFinite(qty) && venue >= 0 && venue < this.venues && symbol >= 0 && symbol < this.symbols
      && Number.isInteger(venue) && Number.isInteger(symbol);
    if (!valid) {
      // stays NEW; the REJECTED report moves it NEW -> REJECTED (refused locally, never sent)
      this.arrivalNs[slot] = nowNs;
      this.decide(slot, ST_REJECTED, 0, 0, 0, 0);
      if (!this.scheduleReport(slot, nowNs, ST_REJECTED, 0, 0, 0, 0, 0, ERR_LOCAL_INVALID)) {
        tr.release(slot);
        this.submitted--;
        this.refused++;
        return false;
      }
      return true;
    }
    tr.transition(slot, ST_SENT, nowNs);
    const arrival = nowNs + this.entryLatency.sampleNs(nowNs) + this.extraEntryNs;
    this.arrivalNs[slot] = arrival;
    const ev = this.queue.push(arrival);
    if (ev < 0) {
      tr.release(slot);
      this.submitted--;
      this.refused++;
      return false;
    }
    this.evKind[ev] = EV_ARRIVE;
    this.evSlot[ev] = slot;
    this.evOrderId[ev] = orderId;
    if (deadlineNs > 0) {
      const d = this.queue.push(deadlineNs);
      if (d >= 0) {
        this.evKind[d] = EV_DEADLINE;
        this.evSlot[d] = slot;
        this.evOrderId[d] = orderId;
      }
    }
    return true;
  }

  /**
   * Withdraws an order still on its way to the venue. Returns true if it will be canceled;
   * false if it is unknown or has already reached the venue (an IOC is settled on arrival).
   */
  cancel(orderId: number, nowNs: number): boolean {
    const slot = this.tracker.slotOf(orderId);
    if (slot < 0) {
      this.unknownCancels++;
      return false;
    }
    if (this.arrivalNs[slot]! > nowNs && this.tracker.status[slot] === ST_SENT) {
      this.cancelPending[slot] = 1;
      return true;
    }
    this.lateCancels++;
    return false;
  }

  /**
   * A reconciliation request: the verdict on `orderId` is answered through verdictSink one query
   * round trip later (see the header). False when it could not be scheduled (event queue full):
   * the strategy asks again.
   */
  requestVerdict(orderId: number, venue: number, symbol: number, nowNs: number): boolean {
    const due = nowNs + this.entryLatency.sampleNs(nowNs) + this.responseLatency.sampleNs(nowNs);
    const ev = this.queue.push(due);
    if (ev < 0) return false;
    this.evKind[ev] = EV_VERDICT;
    this.evSlot[ev] = -1;
    this.evOrderId[ev] = orderId;
    this.evVenue[ev] = venue;
    this.evSymbol[ev] = symbol;
    return true;
  }

  /** Handles an intent record (records.ts I_* layout) at `off`: new order, cancel or reconciliation request. */
  onIntent(rec: Float64Array, off: number, nowNs: number): boolean {
    const action = rec[off + I_ACTION];
    if (action === ACTION_CANCEL) return this.cancel(rec[off + I_ORDER_ID]!, nowNs);
    if (action === ACTION_RECONCILE) return this.requestVerdict(rec[off + I_ORDER_ID]!, rec[off + H_VENUE]!, rec[off + H_SYMBOL]!, nowNs);
    return this.submit(rec[off + I_ORDER_ID]!, rec[off + I_PAIR_ID]!, rec[off + H_VENUE]!, rec[off + H_SYMBOL]!,
      rec[off + I_SIDE]!, rec[off + I_PRICE]!, rec[off + I_QTY]!, rec[off + I_TIF]!, rec[off + I_ROLE]!,
      rec[off + I_DECISION_NS]!, rec[off + I_DEADLINE_NS]!, rec[off + H_RECV_NS]!, nowNs);
  }

  /**
   * Handles every event due by nowNs, in time order: arrivals meet `book`, due reports go to
   * `out`. Returns the number of events handled.
   */
  poll(nowNs: number, book: BookView, out: ReportSink): number {
    const q = this.queue;
    let n = 0;
    while (q.peekDue() <= nowNs) {
      const ev = q.pop();
      const t = q.dueOf(ev);
      const kind = this.evKind[ev]!;
      const slot = this.evSlot[ev]!;
      if (kind === EV_VERDICT) {
        this.answerVerdict(this.evOrderId[ev]!, this.evVenue[ev]!, this.evSymbol[ev]!, t);
        q.release(ev);
        n++;
        continue;
      }
      const live = this.tracker.inUse[slot] === 1 && this.tracker.orderId[slot] === this.evOrderId[ev];
      if (live) {
        if (kind === EV_ARRIVE) {
          if (this.onArrive === null) this.arrive(slot, t, book);
          else {
            this.book[H_RECV_NS] = NaN;
            this.arrive(slot, t, book);
            this.onArrive(this.evOrderId[ev]!, nowNs, this.book[H_RECV_NS]!);
          }
        }
        else if (kind === EV_REPORT) this.deliver(ev, slot, t, out);
        else if (kind === EV_DEADLINE) this.deadline(slot, t, out);
      }
      q.release(ev);
      n++;
    }
    return n;
  }

  // ---- venue side ---------------------------------------------------------------------------

  private arrive(slot: number, t: number, bookView: BookView): void {
    const tr = this.tracker;
    const replyNs = t + this.responseLatency.sampleNs(t) + this.extraResponseNs;
    if (this.cancelPending[slot] === 1) {
      this.withdrawn++;
      this.decide(slot, ST_CANCELED, 0, 0, 0, 0);
      this.scheduleReport(slot, replyNs, ST_CANCELED, 0, 0, 0, 0, 0, 0);
      return;
    }
    const venue = tr.venue[slot]!;
    const symbol = tr.symbol[slot]!;
    const side = tr.side[slot]!;
    const px = tr.price[slot]!;
    const qty = tr.qty[slot]!;
    const rate = this.feeRate[venue]!;
    const rule = this.feeRule[venue]!;
    const feeAsset = feeAssetFor(side, rule);

    if (this.rejectProbability > 0 && this.faultRng.next() < this.rejectProbability) {
      this.decide(slot, ST_REJECTED, 0, 0, 0, feeAsset);
      this.scheduleReport(slot, replyNs, ST_REJECTED, 0, 0, 0, 0, feeAsset, this.rejectCode);
      return;
    }
    const book = this.book;
    const levels = bookView.readLevels(venue, symbol, book);
    if (levels <= 0 || (book[H_FLAGS]! & FLAG_USABLE) === 0
      || (this.maxBookAgeNs > 0 && t - book[H_RECV_NS]! > this.maxBookAgeNs)) {
      this.decide(slot, ST_REJECTED, 0, 0, 0, feeAsset);
      this.scheduleReport(slot, replyNs, ST_REJECTED, 0, 0, 0, 0, feeAsset, ERR_DRY_NO_BOOK);
      return;
    }
    if (!this.balances.canPlace(venue, symbol, side, px, qty, rate, feeAsset)) {
      this.decide(slot, ST_REJECTED, 0, 0, 0, feeAsset);
      this.scheduleReport(slot, replyNs, ST_REJECTED, 0, 0, 0, 0, feeAsset, insufficientBalanceCode(venue));
      return;
    }
    const f = this.fills.fill(venue, symbol, side, px, qty, book, levels, rate, rule, tr.tif[slot] === TIF_FOK, this.fill, t);
    if (f.filledQty > 0) this.balances.applyFill(venue, symbol, side, f.filledQty, f.notional, f.fee, f.feeAsset);
    // What a verdict states: the fill as its reports book it (lastPx = the average price).
    this.decide(slot, f.filledQty >= qty ? ST_FILLED : ST_CANCELED, f.filledQty, f.avgPx * f.filledQty, f.fee, feeAsset);

    this.scheduleReport(slot, replyNs, ST_ACKED, 0, 0, 0, 0, feeAsset, 0);
    if (f.filledQty >= qty) {
      this.scheduleReport(slot, replyNs, ST_FILLED, f.avgPx, f.filledQty, f.filledQty, f.fee, feeAsset, 0);
    } else if (f.filledQty > 0) {
      this.scheduleReport(slot, replyNs, ST_PARTIAL, f.avgPx, f.filledQty, f.filledQty, f.fee, feeAsset, 0);
      this.scheduleReport(slot, replyNs, ST_CANCELED, 0, 0, f.filledQty, 0, feeAsset, 0);
    } else {
      this.scheduleReport(slot, replyNs, ST_CANCELED, 0, 0, 0, 0, feeAsset, 0);
    }
  }

  /** The venue's final word on the order in `slot`, kept for a verdict. */
  private decide(slot: number, status: number, cumQty: number, cumQuote: number, fee: number, feeAsset: number): void {
    this.decidedStatus[slot] = status;
    this.decidedQty[slot] = cumQty;
    this.decidedQuote[slot] = cumQuote;
    this.decidedFee[slot] = fee;
    this.decidedFeeAsset[slot] = feeAsset;
  }

  /** Moves a decided order to the settled memory and frees its slot (its final is out, or a verdict stated it). */
  private settle(slot: number): void {
    const tr = this.tracker;
    this.settled.add(tr.orderId[slot]!, tr.venue[slot]!, this.decidedStatus[slot]!, this.decidedQty[slot]!, this.decidedQuote[slot]!,
      this.decidedFee[slot]!, this.decidedFeeAsset[slot]!);
    tr.release(slot);
  }

  /** A verdict on `orderId` (see requestVerdict). */
  private answerVerdict(orderId: number, venue: number, symbol: number, t: number): void {
    const out = this.verdictSink;
    const slot = this.tracker.slotOf(orderId);
    if (slot >= 0) {
      // Not at the venue yet: nothing final to state; the strategy asks again.
      if (this.decidedStatus[slot] === 0) return;
      const tr = this.tracker;
      tr.transition(slot, this.decidedStatus[slot]!, t);
      this.verdictsFinal++;
      if (out !== null) out.verdict(orderId, venue, symbol, VERDICT_FINAL, this.decidedStatus[slot]!, this.decidedQty[slot]!,
        this.decidedQuote[slot]!, this.decidedFee[slot]!, this.decidedFeeAsset[slot]!, t);
      this.settle(slot);
      return;
    }
    const i = this.settled.find(orderId);
    if (i >= 0) {
      const m = this.settled;
      this.verdictsFinal++;
      if (out !== null) out.verdict(orderId, venue, symbol, VERDICT_FINAL, m.status[i]!, m.cumQty[i]!, m.cumQuote[i]!, m.cumFee[i]!, m.feeAsset[i]!, t);
      return;
    }
    this.verdictsNoRecord++;
    if (out !== null) out.verdict(orderId, venue, symbol, VERDICT_NO_RECORD, 0, 0, 0, 0, 0, t);
  }

  private scheduleReport(slot: number, dueNs: number, status: number, lastPx: number, lastQty: number, cumQty: number,
    fee: number, feeAsset: number, error: number): boolean {
    const ev = this.queue.push(dueNs);
    if (ev < 0) return false; // counted by the queue (overflows); the order will expire locally
    this.evKind[ev] = EV_REPORT;
    this.evSlot[ev] = slot;
    this.evOrderId[ev] = this.tracker.orderId[slot]!;
    this.evStatus[ev] = status;
    this.evLastPx[ev] = lastPx;
    this.evLastQty[ev] = lastQty;
    this.evCumQty[ev] = cumQty;
    this.evFee[ev] = fee;
    this.evFeeAsset[ev] = feeAsset;
    this.evError[ev] = error;
    return true;
  }

  // ---- executor side: answers arrive ------------------------------------------------------

  private deliver(ev: number, slot: number, t: number, out: ReportSink): void {
    const tr = this.tracker;
    const status = this.evStatus[ev]!;
    const lastQty = this.evLastQty[ev]!;
    const fee = this.evFee[ev]!;
    const feeAsset = this.evFeeAsset[ev]!;
    const error = this.evError[ev]!;
    const lastPx = this.evLastPx[ev]!;
    if (lastQty > 0) tr.applyFill(slot, lastPx, lastQty, fee, feeAsset);
    tr.transition(slot, status, t); // an illegal one is counted by the tracker; the report still goes out
    if (error !== 0) tr.errorCode[slot] = error;
    switch (status) {
      case ST_FILLED: this.filled++; break;
      case ST_PARTIAL: this.partiallyFilled++; break;
      case ST_CANCELED: this.canceled++; break;
      case ST_REJECTED: this.rejected++; break;
      default: break;
    }
    this.reportsDelivered++;
    out.report(tr.orderId[slot]!, tr.pairId[slot]!, tr.venue[slot]!, tr.symbol[slot]!, tr.side[slot]!, status,
      tr.price[slot]!, lastPx, lastQty, this.evCumQty[ev]!, tr.qty[slot]!, fee, feeAsset, error, tr.role[slot]!,
      tr.sentNs[slot]!, t, tr.tickRecvNs[slot]!);
    if (isFinalStatus(status)) this.settle(slot);
  }

  private deadline(slot: number, t: number, out: ReportSink): void {
    const tr = this.tracker;
    if (!canExpire(tr.status[slot]!)) return;
    tr.transition(slot, ST_EXPIRED, t);
    tr.errorCode[slot] = ERR_LOCAL_TIMEOUT;
    this.expired++;
    this.reportsDelivered++;
    out.report(tr.orderId[slot]!, tr.pairId[slot]!, tr.venue[slot]!, tr.symbol[slot]!, tr.side[slot]!, ST_EXPIRED,
      tr.price[slot]!, 0, 0, tr.cumQty[slot]!, tr.qty[slot]!, 0, tr.feeAsset[slot]!, ERR_LOCAL_TIMEOUT, tr.role[slot]!,
      tr.sentNs[slot]!, t, tr.tickRecvNs[slot]!);
  }
}
