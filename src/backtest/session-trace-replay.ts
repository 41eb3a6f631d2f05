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
/** A report as compared between the session and the replay: status, filled qty and price (9 significant digits). */
export function reportKey(status: number, lastQty: number, lastPx: number): string {
  return `${status} ${Number(lastQty.toPrecision(9))} ${Number(lastPx.toPrecision(9))}`;
}

export interface Divergence {
  /** Replay sim ns. */
  ns: number;
  orderId: number;
  sessionOrderId: number;
  kind: 'board' | 'fill';
  /** board: receive time (sim ns) of the book the session's / the replay's order met. */
  sessionNs: number;
  replayNs: number;
  detail: string;
}

/** A trace without the board's receive time in its arrivals: nothing to compare. */
const UNKNOWN_BOOK = -Infinity;

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
  /** Session order id -> receive time (sim ns) of the board entry its arrival met (NaN: none). */
  private readonly arriveBook = new Map<number, number>();
  /** Session order id -> its reports as "status qty px" (the session journal's). */
  private readonly sessionReports: ReadonlyMap<number, readonly string[]>;
  /** Replay orders whose fill already parted from the session's (one divergence each). */
  private readonly fillParted = new Set<number>();
  /**
   * Where the replay first parted from the session, order by order, with the evidence: the
   * root of each difference the agreement report then lists (a cascade counts at its root).
   *   board  the session's executor met a board entry received at another time than the
   *          replay's book at the same moment: the feed thread wrote the board late (host)
   *   fill   same board entry, different fill: the fill model or its memory parted
   */
  readonly divergences: Divergence[] = [];
  private readonly reportRead = new Map<number, number>();
  /** order id * 16 + status -> the session's read of that report. */
  private readonly statusRead = new Map<number, number>();
  /** The session's intents by decision time (sim ns, ascending): order id, venue, side. */
  private readonly intents: Array<{ ns: number; orderId: number; venue: number; side: number; used: boolean }> = [];
  /** Replay order id -> the session's order id it was matched to. */
  private readonly sessionId = new Map<number, number>();
  /** Scheduled arrival (sim ns) -> order ids timed by the session, waiting for their response draw. */
  private readonly pendingResponse = new Map<number, number[]>();
  /** The session's order id of the order being submitted (-1: none). */
  private orderId = -1;
  /** The session's strategy timer runs, simulated ns, ascending. */
  private readonly timers: Float64Array;
  private nTimers = 0;
  private timerCursor = 0;
  private timed = false;

  /**
   * `intents`: the session journal's intents (order id, decision ns on the session's monoNs).
   * `entry`/`response`: the session's latency models, for orders the session did not time.
   */
  constructor(trace: StrategyTrace, startMs: number, venueCount: number,
    intents: ReadonlyArray<{ orderId: number; ns: number; venue: number; side: number }>,
    entry: LatencyModel, response: LatencyModel, reports: ReadonlyMap<number, readonly string[]> = new Map()) {
    this.sessionReports = reports;
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
        if (!this.arrive.has(key)) {
          this.arrive.set(key, ns);
          this.arriveBook.set(key, a === a ? (a === 0 ? UNKNOWN_BOOK : sim(a)) : NaN);
        }
      } else if (kind === TR_REPORT) {
        if (!this.reportRead.has(key)) this.reportRead.set(key, ns);
        const k = key * 16 + a;
        if (!this.statusRead.has(k)) this.statusRead.set(k, ns);
      }
    }
    for (const it of intents) this.intents.push({ ns: sim(it.ns), orderId: it.orderId, venue: it.venue, side: it.side, used: false });
    this.intents.sort((x, y) => x.ns - y.ns);
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

  /**
   * The session order the replay's order is: decided at the same time (within SAME_DECISION_NS)
   * on the same venue and side (order ids alone part after the first difference); -1 if none.
   */
  private sessionOrder(decisionNs: number, venue: number, side: number): number {
    const list = this.intents;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.ns < decisionNs - SAME_DECISION_NS) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && list[i]!.ns <= decisionNs + SAME_DECISION_NS; i++) {
      const it = list[i]!;
      if (!it.used && it.venue === venue && it.side === side) {
        it.used = true;
        return it.orderId;
      }
    }
    return -1;
  }

  onSubmit(orderId: number, decisionNs: number, venue: number, side: number): void {
    const sid = this.sessionOrder(decisionNs, venue, side);
    this.timed = sid >= 0 && this.arrive.has(sid);
    this.orderId = sid;
    if (this.timed) this.sessionId.set(orderId, sid);
  }

  /** The replay's executor handled an arrival at `nowNs`, meeting a book received at `bookRecvNs` (NaN: none). */
  onArrive(orderId: number, nowNs: number, bookRecvNs: number): void {
    const sid = this.sessionId.get(orderId);
    if (sid === undefined) return;
    const s = this.arriveBook.get(sid);
    if (s === undefined || s === UNKNOWN_BOOK) return;
    const same = s !== s ? bookRecvNs !== bookRecvNs : Math.abs(s - bookRecvNs) <= MATCH_NS;
    if (!same) {
      this.fillParted.add(orderId); // its fill parts too, if at all, because of the board: counted once, here
      this.divergences.push({ ns: nowNs, orderId, sessionOrderId: sid, kind: 'board', sessionNs: s, replayNs: bookRecvNs, detail: '' });
    }
  }

  reportNs(orderId: number, status: number, lastPx: number, lastQty: number, ackNs: number): number {
    const sid = this.sessionId.get(orderId);
    if (sid === undefined) return ackNs;
    if (!this.fillParted.has(orderId)) {
      const list = this.sessionReports.get(sid);
      if (list !== undefined && !list.includes(reportKey(status, lastQty, lastPx))) {
        this.fillParted.add(orderId);
        this.divergences.push({ ns: ackNs, orderId, sessionOrderId: sid, kind: 'fill', sessionNs: NaN, replayNs: NaN,
          detail: `replay ${reportKey(status, lastQty, lastPx)}; session ${list.join(', ')}` });
      }
    }
    const r = this.statusRead.get(sid * 16 + status);
    // the same report read later than the order's first (the engine holds it till then)
    return r !== undefined && r > ackNs ? r : ackNs;
  }

  /** An order's entry draw (made only for an order the executor schedules: refused and invalid ones draw none). */
  private entryNs(nowNs: number, model: LatencyModel): number {
    if (!this.timed) {
      this.counters.ordersModelled++;
      return model.sampleNs(nowNs);
    }
    this.counters.ordersTimed++;
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
