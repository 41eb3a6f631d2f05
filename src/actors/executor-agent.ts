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
import type { BookView } from '../execution/book-view.js';
import { writeReportRecord, type ReportSink } from '../execution/report-sink.js';

const REPORT_OFFER_TIMEOUT_NS = 5_000_000;
/** Idle polls between clock reads while orders are in flight. */
const CLOCK_POLLS = 256;

export interface ExecutorCounters {
  intents: number;
  refused: number;
  reports: number;
  reportRingFull: number;
}

export type ReportListener = (orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number,
  price: number, lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number,
  errorCode: number, role: number, ackNs: number) => void;

/** Publishes reports on the report ring (and tells the journal). */
export class RingReportSink implements ReportSink {
  private readonly scratch = new Float64Array(REPORT_WORDS);
  constructor(private readonly ring: RingProducer, private readonly hist: HopRecorders,
    private readonly counters: ExecutorCounters, private readonly listener: ReportListener) {}

  report(orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number, price: number,
    lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number, errorCode: number,
    role: number, sentNs: number, ackNs: number, tickRecvNs: number): void {
    const rec = this.scratch;
    writeReportRecord(rec, 0, orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee,
      feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs, monoNs());
    if (sentNs > 0 && ackNs >= sentNs) this.hist.record(HOP_SENT_TO_ACK, ackNs - sentNs);
    if (this.ring.offer(rec, 0, REPORT_OFFER_TIMEOUT_NS)) this.counters.reports++;
    else this.counters.reportRingFull++;
    this.listener(orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, ackNs);
  }
}

export function newExecutorCounters(): ExecutorCounters {
  return { intents: 0, refused: 0, reports: 0, reportRingFull: 0 };
}

export class DryRunExecutorAgent implements Agent, RecordHandler {
  /** Called when a cycle found no work (the worker flushes its journal queue there). */
  onIdle: (() => void) | null = null;
  private idlePolls = 0;

  constructor(
    private readonly intents: RingConsumer,
    private readonly exec: DryRunExecutor,
    private readonly book: BookView,
    private readonly sink: ReportSink,
    private readonly hist: HopRecorders,
    /** Shared with the report sink, so one set of counters describes the executor. */
    readonly counters: ExecutorCounters = newExecutorCounters(),
  ) {}

  onStart(): void {}
  onClose(): void {}

  doWork(): number {
    let work = 0;
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
    if (!accepted && d[o + I_ACTION] === ACTION_NEW) {
      // Not schedulable (order pool full or duplicate id): answer at once rather than let the
      // strategy wait for its order timeout.
      this.counters.refused++;
      this.sink.report(d[o + I_ORDER_ID]!, d[o + I_PAIR_ID]!, d[o + H_VENUE]!, d[o + H_SYMBOL]!, d[o + I_SIDE]!, ST_REJECTED,
        d[o + I_PRICE]!, 0, 0, 0, d[o + I_QTY]!, 0, 0, ERR_LOCAL_CAPACITY, d[o + I_ROLE]!, now, now, tick);
    }
  }
}
