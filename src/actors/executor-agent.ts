/**
 * The executor actor's duty cycle (dry-run): drain order intents, hand them to the pure
 * DryRunExecutor, let it fill against the quote board as it stands when each order "arrives",
 * and publish its execution reports on the report ring at their due times.
 */
import type { Agent } from '../core/agent.js';
import { RingConsumer, RingProducer, type RecordHandler } from '../core/ring.js';
import { monoNs } from '../core/clock.js';
import {
  ACTION_NEW, H_PUB_NS, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE,
  REPORT_WORDS, ST_REJECTED,
} from '../core/records.js';
import { ERR_LOCAL_CAPACITY } from '../execution/error-codes.js';
import {
  HOP_INTENT_TO_SENT, HOP_INTENT_TO_WIRE, HOP_SENT_TO_ACK, HOP_TICK_TO_ORDER, HOP_TICK_TO_WIRE, type HopRecorders,
} from '../core/histogram.js';
import type { DryRunExecutor } from '../execution/dry-run-executor.js';
import { LegGapMeter } from './leg-gap-meter.js';
import type { BookView } from '../execution/book-view.js';
import { writeReportRecord, type ReportSink } from '../execution/report-sink.js';
import { writeVerdictRecord, type VerdictSink } from '../execution/verdict-sink.js';

const REPORT_OFFER_TIMEOUT_NS = 5_000_000;
/** Idle polls between clock reads while orders are in flight. */
const CLOCK_POLLS = 256;

export interface ExecutorCounters {
  intents: number;
  refused: number;
  reports: number;
  /** Reports the ring had no room for: kept in the sink's backlog and offered again. */
  reportRingFull: number;
  /** Backlogged reports delivered later, in order. */
  reportsRedelivered?: number;
  /** Reports lost because the backlog was full too (the strategy's unknown-order path then applies). */
  reportsLost?: number;
  /** Reconciliation verdicts published (or backlogged) on the report ring. */
  verdicts?: number;
}

/** Reports a full ring can leave waiting in the sink (each REPORT_WORDS numbers, preallocated). */
export const REPORT_BACKLOG = 4096;

export type ReportListener = (orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number,
  price: number, lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number,
  errorCode: number, role: number, ackNs: number) => void;

/**
 * Publishes reports on the report ring (and tells the journal). A report the ring has no room
 * for (the strategy is behind) is not dropped: it waits in a preallocated backlog and is
 * offered again, before any newer report (the strategy sees each order's reports in order), by
 * the next report or `flush()` (the executor's idle cycle). Only a full backlog loses a report
 * (`reportsLost`); the strategy then holds the order as unknown and asks for a reconciliation
 * verdict, which goes out here too (VerdictSink: a KIND_VERDICT record, behind the reports).
 */
export class RingReportSink implements ReportSink, VerdictSink {
  /** Each verdict, for the journal (set by the worker); null = none. */
  onVerdict: ((orderId: number, venue: number, symbol: number, kind: number, status: number, cumQty: number, cumQuote: number,
    cumFee: number, feeAsset: number, nowNs: number) => void) | null = null;
  private readonly scratch = new Float64Array(REPORT_WORDS);
  private readonly backlog = new Float64Array(REPORT_BACKLOG * REPORT_WORDS);
  private head = 0;
  private count = 0;
  constructor(private readonly ring: RingProducer, private readonly hist: HopRecorders,
    private readonly counters: ExecutorCounters, private readonly listener: ReportListener) {
    counters.reportsRedelivered ??= 0;
    counters.reportsLost ??= 0;
  }

  /** Reports waiting for room in the ring. */
  get backlogged(): number {
    return this.count;
  }

  /** Offers the backlog again, oldest first, without waiting; returns how many went. */
  flush(): number {
    let n = 0;
    while (this.count > 0 && this.ring.offer(this.backlog, this.head * REPORT_WORDS, 0)) {
      this.head = (this.head + 1) % REPORT_BACKLOG;
      this.count--;
      n++;
    }
    if (n > 0) {
      this.counters.reports += n;
      this.counters.reportsRedelivered! += n;
    }
    return n;
  }

  private defer(rec: Float64Array): void {
    this.counters.reportRingFull++;
    if (this.count === REPORT_BACKLOG) {
      this.counters.reportsLost!++;
      return;
    }
    const o = ((this.head + this.count) % REPORT_BACKLOG) * REPORT_WORDS;
    this.backlog.set(rec, o);
    this.count++;
  }

  report(orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number, price: number,
    lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number, errorCode: number,
    role: number, sentNs: number, ackNs: number, tickRecvNs: number): void {
    const rec = this.scratch;
    writeReportRecord(rec, 0, orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee,
      feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs, monoNs());
    if (sentNs > 0 && ackNs >= sentNs) this.hist.record(HOP_SENT_TO_ACK, ackNs - sentNs);
    if (this.count > 0) this.flush();
    if (this.count === 0 && this.ring.offer(rec, 0, REPORT_OFFER_TIMEOUT_NS)) this.counters.reports++;
    else this.defer(rec);
    this.listener(orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, ackNs);
  }

  verdict(orderId: number, venue: number, symbol: number, kind: number, status: number, cumQty: number, cumQuote: number,
    cumFee: number, feeAsset: number, nowNs: number): void {
    const rec = this.scratch;
    rec.fill(0);
    writeVerdictRecord(rec, 0, orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset, nowNs, monoNs());
    this.counters.verdicts = (this.counters.verdicts ?? 0) + 1;
    if (this.count > 0) this.flush();
    if (this.count === 0 && this.ring.offer(rec, 0, REPORT_OFFER_TIMEOUT_NS)) this.counters.reports++;
    else this.defer(rec);
    if (this.onVerdict !== null) this.onVerdict(orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset, nowNs);
  }
}

export function newExecutorCounters(): ExecutorCounters {
  return { intents: 0, refused: 0, reports: 0, reportRingFull: 0, reportsRedelivered: 0, reportsLost: 0, verdicts: 0 };
}

export class DryRunExecutorAgent implements Agent, RecordHandler {
  /** Called when a cycle found no work (the worker flushes its journal queue there). */
  onIdle: (() => void) | null = null;
  private idlePolls = 0;
  /** leg_gap: a pair's legs as they reach the fill simulator. */
  private readonly legGap: LegGapMeter;

  constructor(
    private readonly intents: RingConsumer,
    private readonly exec: DryRunExecutor,
    private readonly book: BookView,
    private readonly sink: ReportSink,
    private readonly hist: HopRecorders,
    /** Shared with the report sink, so one set of counters describes the executor. */
    readonly counters: ExecutorCounters = newExecutorCounters(),
  ) {
    this.ringSink = sink instanceof RingReportSink ? sink : null;
    this.legGap = new LegGapMeter(hist);
  }

  /** The sink when it is the ring's (its backlog is offered again from here). */
  private readonly ringSink: RingReportSink | null;

  onStart(): void {}
  onClose(): void {}

  doWork(): number {
    let work = 0;
    if (this.ringSink !== null && this.ringSink.backlogged > 0) work += this.ringSink.flush();
    if (this.intents.available() > 0) work += this.intents.drain(this, 64);
    // Read the clock only while something is scheduled, and then once per CLOCK_POLLS idle
    // polls: performance.now() allocates in Node 20, and a spinning thread reading it on
    // every poll while orders are in flight made hundreds of minor GCs a minute. The delay
    // this adds to a due event is a few µs against latencies of ~1 ms.
    if (this.exec.pending > 0 && (work > 0 || ++this.idlePolls >= CLOCK_POLLS)) {
      this.idlePolls = 0;
      const now = monoNs();
      if (this.exec.nextDueNs() <= now) work += this.exec.poll(now, this.book, this.sink);
    }
    if (work === 0 && this.onIdle !== null) this.onIdle();
    return work;
  }

  /** Park no longer than until the next scheduled arrival or report. */
  maxParkMs(): number {
    // Reports waiting for room in the ring: look again soon.
    if (this.ringSink !== null && this.ringSink.backlogged > 0) return 1;
    const due = this.exec.nextDueNs();
    if (!Number.isFinite(due)) return Infinity;
    return Math.max(0, (due - monoNs()) / 1e6);
  }

  onRecord(d: Float64Array, o: number): void {
    // One clock read per intent: the second leg of a pair is timed when it is handled.
    const now = monoNs();
    this.counters.intents++;
    this.hist.record(HOP_INTENT_TO_SENT, now - d[o + H_PUB_NS]!);
    const tick = d[o + H_RECV_NS]!;
    if (tick > 0) this.hist.record(HOP_TICK_TO_ORDER, now - tick);
    const accepted = this.exec.onIntent(d, o, now);
    // Dry-run's wire: the order handed to the fill simulator (its modelled entry latency
    // starts here, as a live order's starts when its bytes leave).
    const wire = monoNs();
    this.hist.record(HOP_INTENT_TO_WIRE, wire - now);
    if (tick > 0) this.hist.record(HOP_TICK_TO_WIRE, wire - tick);
    if (accepted && d[o + I_ACTION] === ACTION_NEW) this.legGap.leg(d[o + I_PAIR_ID]!, d[o + I_ROLE]!, wire);
    if (!accepted && d[o + I_ACTION] === ACTION_NEW) {
      // Not schedulable (order pool full or duplicate id): answer at once rather than let the
      // strategy wait for its order timeout.
      this.counters.refused++;
      this.sink.report(d[o + I_ORDER_ID]!, d[o + I_PAIR_ID]!, d[o + H_VENUE]!, d[o + H_SYMBOL]!, d[o + I_SIDE]!, ST_REJECTED,
        d[o + I_PRICE]!, 0, 0, 0, d[o + I_QTY]!, 0, 0, ERR_LOCAL_CAPACITY, d[o + I_ROLE]!, now, now, tick);
    }
  }
}
