/**
 * A recorded session's strategy trace (src/data/strategy-trace.ts) on the replay's clock: the
 * engine (sessionReads) asks it when the session's strategy read each update, and times the
 * replay's orders as the session's were. With it the replay takes the session's host timing
 * as given instead of guessing it:
 *
 *   quotes     an update reaches the strategy at the session's read time of that very record
 *              (matched per venue, in ring order, by receive time), so decisions are taken at
 *              the session's decision times, on the quotes it had read, in the order it read
 *              the two venues; an update it never read (dropped from its ring, or published
 *              after it stopped) never reaches the replay's strategy either
 *   timer      the strategy's timer runs when the session's ran (not on a grid)
 *   orders     an order the replay decides at the time the session decided the same order id
 *              arrives when the session's executor handled its arrival (the board it met) and
 *              its reports reach the strategy when the session's strategy read them; any other
 *              order (the replay decided differently) takes the session's latency models
 *
 * Times: a trace ns is the session's monoNs; the replay's ns 0 is `startMs` (00:00 UTC of the
 * start date), so sim = (anchor wall ms - startMs) * 1e6 + (ns - anchor monoNs). Recorded frame
 * times go through the recording's headers (whole-ms wall anchors stored as doubles), so a
 * read is matched to its update within MATCH_NS.
 */
import type { LatencyModel } from '../execution/latency-model.js';
import { TR_ARRIVE, TR_QUOTE, TR_REPORT, TR_STATE, TR_TIMER, TR_WORDS, type StrategyTrace } from '../data/strategy-trace.js';
import type { SessionReadClock } from './engine.js';

/** A read matches an update received within this of the record's receive time (header float rounding). */
export const MATCH_NS = 1000;
/** Reports of one order read further apart than this are not taken as one drain (the replay keeps the due time). */
export const MAX_REPORT_SPREAD_NS = 1e6;
/** An order is the session's own when the replay decides it within this of the session's decision. */
export const SAME_DECISION_NS = 1000;

export interface SessionTraceCounters {
  /** Reads in the trace (quotes and book states). */
  reads: number;
  /** Reads matched to a replayed update. */
  readsMatched: number;
  /** Reads of records the replay never published (e.g. a feed's connect/stale state changes). */
  readsUnmatched: number;
  /** Replay orders timed by the session (arrival and report read). */
  ordersTimed: number;
  /** Replay orders on the latency models (no session order decided at that time with that id). */
  ordersModelled: number;
}

class Reads {
  recv: Float64Array;
  read: Float64Array;
  state: Uint8Array;
  used: Uint8Array;
  n = 0;
  cursor = 0;
  constructor(cap: number) {
    this.recv = new Float64Array(cap);
    this.read = new Float64Array(cap);
    this.state = new Uint8Array(cap);
    this.used = new Uint8Array(cap);
  }
}

export class SessionTraceReplay implements SessionReadClock {
  readonly counters: SessionTraceCounters = { reads: 0, readsMatched: 0, readsUnmatched: 0, ordersTimed: 0, ordersModelled: 0 };
  readonly entry: LatencyModel;
  readonly response: LatencyModel;
  private readonly venues: Reads[] = [];
  private readonly arrive = new Map<number, number>();
  private readonly reportRead = new Map<number, number>();
  /** order id * 16 + status -> the session's read of that report. */
  private readonly statusRead = new Map<number, number>();
  private readonly decision = new Map<number, number>();
  /** Scheduled arrival (sim ns) -> order ids timed by the session, waiting for their response draw. */
  private readonly pendingResponse = new Map<number, number[]>();
  private orderId = -1;
  /** The session's strategy timer runs, simulated ns, ascending. */
  private readonly timers: Float64Array;
  private nTimers = 0;
  private timerCursor = 0;
  private readonly timedIds = new Set<number>();
  private timed = false;

  /**
   * `intents`: the session journal's intents (order id, decision ns on the session's monoNs).
   * `entry`/`response`: the session's latency models, for orders the session did not time.
   */
  constructor(trace: StrategyTrace, startMs: number, venueCount: number, intents: ReadonlyArray<{ orderId: number; ns: number }>,
    entry: LatencyModel, response: LatencyModel) {
    this.timers = new Float64Array(trace.count);
    const base = (trace.anchorWallMs - startMs) * 1e6;
    const sim = (mono: number): number => base + (mono - trace.anchorMonoNs);
    const r = trace.records;
    for (let v = 0; v < venueCount; v++) this.venues.push(new Reads(trace.count));
    for (let i = 0; i < trace.count; i++) {
      const o = i * TR_WORDS;
      const kind = r[o]!;
      const a = r[o + 1]!;
      const key = r[o + 2]!;
      const ns = sim(r[o + 3]!);
      if (kind === TR_QUOTE || kind === TR_STATE) {
        const rd = this.venues[a];
        if (rd === undefined) continue;
        rd.recv[rd.n] = sim(key);
        rd.read[rd.n] = ns;
        rd.state[rd.n] = kind === TR_STATE ? 1 : 0;
        rd.n++;
        this.counters.reads++;
      } else if (kind === TR_TIMER) {
        this.timers[this.nTimers++] = ns;
      } else if (kind === TR_ARRIVE) {
        if (!this.arrive.has(key)) this.arrive.set(key, ns);
      } else if (kind === TR_REPORT) {
        if (!this.reportRead.has(key)) this.reportRead.set(key, ns);
        const k = key * 16 + a;
        if (!this.statusRead.has(k)) this.statusRead.set(k, ns);
      }
    }
    for (const it of intents) if (!this.decision.has(it.orderId)) this.decision.set(it.orderId, sim(it.ns));
    const self = this;
    this.entry = {
      sampleNs(nowNs: number): number {
        return self.entryNs(nowNs, entry);
      },
    };
    this.response = {
      sampleNs(nowNs: number): number {
        return self.responseNs(nowNs, response);
      },
    };
  }

  readNs(venue: number, state: boolean, recvNs: number): number {
    const rd = this.venues[venue];
    if (rd === undefined) return NaN;
    const want = state ? 1 : 0;
    let c = rd.cursor;
    // reads of records before this update that the replay never published
    while (c < rd.n && (rd.used[c] === 1 || rd.recv[c]! < recvNs - MATCH_NS)) {
      if (rd.used[c] === 0) this.counters.readsUnmatched++;
      c++;
    }
    rd.cursor = c;
    for (let j = c; j < rd.n && rd.recv[j]! <= recvNs + MATCH_NS; j++) {
      if (rd.used[j] === 0 && rd.state[j] === want) {
        rd.used[j] = 1;
        this.counters.readsMatched++;
        return rd.read[j]!;
      }
    }
    return NaN;
  }

  timerAfter(ns: number): number {
    let c = this.timerCursor;
    if (c > 0 && this.timers[c - 1]! > ns) c = 0; // asked about an earlier time: search again
    while (c < this.nTimers && this.timers[c]! <= ns) c++;
    this.timerCursor = c;
    return c < this.nTimers ? this.timers[c]! : NaN;
  }

  onSubmit(orderId: number, decisionNs: number): void {
    const d = this.decision.get(orderId);
    this.orderId = orderId;
    this.timed = d !== undefined && Math.abs(d - decisionNs) <= SAME_DECISION_NS && this.arrive.has(orderId);
    if (this.timed) this.timedIds.add(orderId);
    if (this.timed) this.counters.ordersTimed++;
    else this.counters.ordersModelled++;
  }

  reportNs(orderId: number, status: number, ackNs: number): number {
    if (!this.timedIds.has(orderId)) return ackNs;
    const r = this.statusRead.get(orderId * 16 + status);
    // the same report read a few µs later than the order's first (never before it is due)
    return r !== undefined && r > ackNs && r - ackNs < MAX_REPORT_SPREAD_NS ? r : ackNs;
  }

  private entryNs(nowNs: number, model: LatencyModel): number {
    if (!this.timed) return model.sampleNs(nowNs);
    const a = this.arrive.get(this.orderId)!;
    const e = a > nowNs ? a - nowNs : 0;
    const key = nowNs + e;
    const list = this.pendingResponse.get(key);
    if (list === undefined) this.pendingResponse.set(key, [this.orderId]);
    else list.push(this.orderId);
    this.timed = false;
    return e;
  }

  private responseNs(arrivalNs: number, model: LatencyModel): number {
    const list = this.pendingResponse.get(arrivalNs);
    if (list !== undefined && list.length > 0) {
      const id = list.shift()!;
      if (list.length === 0) this.pendingResponse.delete(arrivalNs);
      const read = this.reportRead.get(id);
      if (read !== undefined) return read > arrivalNs ? read - arrivalNs : 0;
    }
    return model.sampleNs(arrivalNs);
  }
}
