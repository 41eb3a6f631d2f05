/**
 * The strategy actor's duty cycle: drain every feed ring and the executor's report ring, feed
 * the pure ArbitrageStrategy, and write the intents it decides into the intent ring.
 * No threads here (strategy.worker.ts wires it), so it can be driven directly in tests.
 */
import type { Agent } from '../core/agent.js';
import { RingConsumer, RingProducer, type RecordHandler } from '../core/ring.js';
import { monoNs, wallMs } from '../core/clock.js';
import {
  ACTION_CANCEL, ACTION_NEW, ACTION_RECONCILE, BS_REASON, FLAG_USABLE, H_EXCH_MS, H_FLAGS, H_KIND, H_MARKET, H_PUB_NS, H_RECV_NS,
  H_SEQ, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_DECISION_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE,
  I_SIDE, I_TIF, INTENT_WORDS, KIND_BOOK_STATE, KIND_INTENT, KIND_QUOTE,
  KIND_VERDICT, ROLE_LEG_BUY, ROLE_LEG_SELL, R_CUM_QTY, R_ERROR, R_FEE, R_FEE_ASSET, R_LAST_PX, R_LAST_QTY, R_ORDER_ID, R_STATUS,
  V_CUM_FEE, V_CUM_QTY, V_CUM_QUOTE, V_FEE_ASSET, V_ORDER_ID, V_STATUS, V_VERDICT,
} from '../core/records.js';
import {
  HOP_DECISION, HOP_PUBLISH_TO_STRATEGY, HOP_TICK_TO_INTENT, type HopRecorders,
} from '../core/histogram.js';
import type { ArbitrageStrategy } from '../strategy/arbitrage.js';
import type { OrderSink } from '../strategy/events.js';
import { TR_QUOTE, TR_REPORT, TR_STATE, TR_TIMER, TR_VERDICT, type TraceBatcher } from '../data/strategy-trace.js';

/**
 * How often (in idle duty cycles) the agent reads the clock for strategy timers. Every clock
 * read allocates a HeapNumber in Node 20 (performance.now() has no fast path): a busy-spinning
 * strategy reading it every 64 polls caused ~30 minor GCs a second. 4096 idle polls are
 * ~50-100 µs, well inside the 1 ms timer period.
 */
const TIMER_POLL_CYCLES = 4096;
/** Strategy timer period: order/hedge timeouts and stop-loss checks. */
const TIMER_PERIOD_NS = 1_000_000;
/** Intents whose journal lines may wait for the doorbell, and the numbers kept per intent. */
const JQ_MAX = 16;
const JQ_WORDS = 10;
/** Longest a full intent ring may hold the strategy up before the order is refused. */
const INTENT_OFFER_TIMEOUT_NS = 2_000_000;

export interface StrategyAgentCounters {
  quotes: number;
  bookStates: number;
  reports: number;
  intents: number;
  cancels: number;
  intentRingFull: number;
  unknownRecords: number;
  /** Reconciliation requests written, and verdicts read (strategy/order-flow.ts). */
  verdictIntents?: number;
  verdictRecords?: number;
}

/** Writes the strategy's orders as INTENT records; the hot path of a decision. */
export class RingOrderSink implements OrderSink {
  /** Time the triggering quote was read (decision latency starts there); 0 outside onQuote. */
  readNs = 0;
  private pendingRing = false;
  /** Intents published but not yet journaled (JQ_WORDS numbers each), journaled after the doorbell. */
  private readonly journalQ = new Float64Array(JQ_MAX * JQ_WORDS);
  private journalN = 0;
  /** Pair id of the last intent published when it was a leg not yet followed by its pair's other leg; -1 otherwise. */
  private legPairId = -1;
  /**
   * Called right after the executor's doorbell is rung (the intents of a decision are all
   * published): with the live executor on this thread, it sends them there and then, before
   * the decision's journal lines and the strategy's own bookkeeping. null = none.
   */
  afterRing: (() => void) | null = null;
  constructor(
    private readonly ring: RingProducer,
    private readonly hist: HopRecorders,
    private readonly counters: StrategyAgentCounters,
    private readonly onIntent: (orderId: number, pairId: number, venue: number, symbol: number, side: number,
      price: number, qty: number, role: number, decisionNs: number, tickRecvNs: number) => void,
  ) {}

  newOrder(orderId: number, pairId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    tif: number, role: number, decisionNs: number, deadlineNs: number, tickRecvNs: number, tickExchMs: number): boolean {
    const r = this.ring;
    if (!r.claim(INTENT_OFFER_TIMEOUT_NS)) {
      this.counters.intentRingFull++;
      return false;
    }
    const d = r.data;
    const o = r.offset;
    d[o + H_KIND] = KIND_INTENT;
    d[o + H_VENUE] = venue;
    d[o + H_MARKET] = 0;
    d[o + H_SYMBOL] = symbol;
    d[o + H_SEQ] = orderId;
    d[o + H_EXCH_MS] = tickExchMs;
    d[o + H_RECV_NS] = tickRecvNs;
    d[o + H_FLAGS] = 0;
    d[o + I_ORDER_ID] = orderId;
    d[o + I_PAIR_ID] = pairId;
    d[o + I_ACTION] = ACTION_NEW;
    d[o + I_SIDE] = side;
    d[o + I_PRICE] = price;
    d[o + I_QTY] = qty;
    d[o + I_TIF] = tif;
    d[o + I_ROLE] = role;
    d[o + I_DECISION_NS] = decisionNs;
    d[o + I_DEADLINE_NS] = deadlineNs;
    const now = monoNs();
    d[o + H_PUB_NS] = now;
    // Both legs become visible first; the executor's doorbell (a futex syscall when it is
    // parked) is rung once per decision, not between the legs: at once when this intent is
    // the second leg of the pair just published (so the journal lines, histograms and the
    // strategy's own bookkeeping of the decision no longer stand between the pair and the
    // executor), else by ringIfPending() when the decision is over.
    r.publishQuiet();
    if ((role === ROLE_LEG_BUY || role === ROLE_LEG_SELL) && pairId === this.legPairId) {
      this.legPairId = -1;
      this.pendingRing = false;
      r.ringConsumer();
      if (this.afterRing !== null) this.afterRing();
    } else {
      this.legPairId = role === ROLE_LEG_BUY || role === ROLE_LEG_SELL ? pairId : -1;
      this.pendingRing = true;
    }
    this.counters.intents++;
    // One `decision` sample per pair a quote decided: quote read → its first leg on the ring.
    // The second leg's publish and the bookkeeping between the legs are not the decision
    // (tick_to_intent has both legs); hedges and unwinds carry no tick and are left out, like
    // every tick_* hop (docs/latency.md).
    if (this.readNs > 0 && tickRecvNs > 0) {
      this.hist.record(HOP_DECISION, now - this.readNs);
      this.readNs = 0;
    }
    if (tickRecvNs > 0) this.hist.record(HOP_TICK_TO_INTENT, now - tickRecvNs);
    // The journal line (an object per intent) is built after the doorbell, not between the legs.
    const q = this.journalQ;
    const j = this.journalN * JQ_WORDS;
    if (this.journalN < JQ_MAX) {
      q[j] = orderId; q[j + 1] = pairId; q[j + 2] = venue; q[j + 3] = symbol; q[j + 4] = side;
      q[j + 5] = price; q[j + 6] = qty; q[j + 7] = role; q[j + 8] = decisionNs; q[j + 9] = tickRecvNs;
      this.journalN++;
    } else {
      this.onIntent(orderId, pairId, venue, symbol, side, price, qty, role, decisionNs, tickRecvNs);
    }
    if (!this.pendingRing) this.flushJournal();
    return true;
  }

  /** Journals the intents queued since the last doorbell. */
  private flushJournal(): void {
    const q = this.journalQ;
    const n = this.journalN;
    this.journalN = 0;
    for (let i = 0; i < n; i++) {
      const j = i * JQ_WORDS;
      this.onIntent(q[j]!, q[j + 1]!, q[j + 2]!, q[j + 3]!, q[j + 4]!, q[j + 5]!, q[j + 6]!, q[j + 7]!, q[j + 8]!, q[j + 9]!);
    }
  }

  cancelOrder(orderId: number, venue: number, symbol: number, nowNs: number): void {
    if (this.controlIntent(ACTION_CANCEL, orderId, venue, symbol, 0, 0, 0, nowNs, INTENT_OFFER_TIMEOUT_NS)) this.counters.cancels++;
  }

  /**
   * A reconciliation request (ACTION_RECONCILE) for an order of unknown status: the order id,
   * venue and symbol, and the order's side, price and quantity (what the executor needs to
   * find it at the venue by its client id). Off the per-quote path: from the strategy's timer;
   * a full ring refuses it at once (the strategy asks again later).
   */
  requestVerdict(orderId: number, venue: number, symbol: number, side: number, price: number, qty: number, nowNs: number): boolean {
    if (!this.controlIntent(ACTION_RECONCILE, orderId, venue, symbol, side, price, qty, nowNs, 0)) return false;
    this.counters.verdictIntents = (this.counters.verdictIntents ?? 0) + 1;
    return true;
  }

  /** An intent about an order already sent (cancel, reconciliation request); false when the ring had no room. */
  private controlIntent(action: number, orderId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    nowNs: number, timeoutNs: number): boolean {
    const r = this.ring;
    if (!r.claim(timeoutNs)) {
      this.counters.intentRingFull++;
      return false;
    }
    const d = r.data;
    const o = r.offset;
    for (let i = 0; i < INTENT_WORDS; i++) d[o + i] = 0;
    d[o + H_KIND] = KIND_INTENT;
    d[o + H_VENUE] = venue;
    d[o + H_SYMBOL] = symbol;
    d[o + I_ORDER_ID] = orderId;
    d[o + I_ACTION] = action;
    d[o + I_SIDE] = side;
    d[o + I_PRICE] = price;
    d[o + I_QTY] = qty;
    d[o + I_DECISION_NS] = nowNs;
    d[o + H_PUB_NS] = monoNs();
    r.publishQuiet();
    this.pendingRing = true;
    this.legPairId = -1;
    return true;
  }

  /** Wakes the executor if this decision published anything. */
  ringIfPending(): void {
    this.legPairId = -1;
    if (this.pendingRing) {
      this.pendingRing = false;
      this.ring.ringConsumer();
      if (this.afterRing !== null) this.afterRing();
    }
    if (this.journalN > 0) this.flushJournal();
  }
}

export class StrategyAgent implements Agent, RecordHandler {
  readonly counters: StrategyAgentCounters = {
    quotes: 0, bookStates: 0, reports: 0, intents: 0, cancels: 0, intentRingFull: 0, unknownRecords: 0, verdictIntents: 0, verdictRecords: 0,
  };
  private readonly feeds: RingConsumer[];
  private readonly reports: RingConsumer;
  private readonly reportHandler: RecordHandler;
  private cycles = 0;
  private nextTimerNs = 0;
  /** The clock as the last feed record was read; doWork's timer check reuses it (a read is 16 B). */
  private lastReadNs = 0.5;
  sink: RingOrderSink | null = null;
  /** Called when a cycle found no work (the worker flushes its journal queue there). */
  onIdle: (() => void) | null = null;
  /** `--record`: what this thread read and when (data/strategy-trace.ts); null otherwise. */
  trace: TraceBatcher | null = null;

  constructor(
    feeds: RingConsumer[],
    reports: RingConsumer,
    private readonly strategy: ArbitrageStrategy,
    private readonly hist: HopRecorders,
    private readonly batch = 256,
  ) {
    this.feeds = feeds;
    this.reports = reports;
    const strat = strategy;
    const counters = this.counters;
    const self = this;
    this.reportHandler = {
      onRecord(d: Float64Array, o: number): void {
        const now = monoNs();
        if (d[o + H_KIND] === KIND_VERDICT) {
          // The answer to a reconciliation request (rare: never on the per-quote path).
          counters.verdictRecords = (counters.verdictRecords ?? 0) + 1;
          if (self.trace !== null) self.trace.add(TR_VERDICT, d[o + V_VERDICT]! * 16 + d[o + V_STATUS]!, d[o + V_ORDER_ID]!, now);
          strat.onVerdict(d[o + V_ORDER_ID]!, d[o + V_VERDICT]!, d[o + V_STATUS]!, d[o + V_CUM_QTY]!, d[o + V_CUM_QUOTE]!,
            d[o + V_CUM_FEE]!, d[o + V_FEE_ASSET]!, now);
          self.sink?.ringIfPending();
          return;
        }
        counters.reports++;
        if (self.trace !== null) self.trace.add(TR_REPORT, d[o + R_STATUS]!, d[o + R_ORDER_ID]!, now);
        strat.onReport(d[o + R_ORDER_ID]!, d[o + R_STATUS]!, d[o + R_LAST_PX]!, d[o + R_LAST_QTY]!, d[o + R_CUM_QTY]!,
          d[o + R_FEE]!, d[o + R_FEE_ASSET]!, d[o + R_ERROR]!, now);
        self.sink?.ringIfPending();
      },
    };
  }

  onStart(): void {
    const now = monoNs();
    this.nextTimerNs = now + TIMER_PERIOD_NS;
    // Feed-lag gate: exchange times are wall ms, receive times monotonic ns on this timebase.
    this.strategy.setWallClockOffset(wallMs() - now / 1e6);
  }

  onClose(): void {}

  doWork(): number {
    let work = this.reports.drain(this.reportHandler, this.batch);
    const feeds = this.feeds;
    for (let i = 0; i < feeds.length; i++) work += feeds[i]!.drain(this, this.batch);
    if (work > 0 || ++this.cycles >= TIMER_POLL_CYCLES) {
      this.cycles = 0;
      // After feed records, the clock read for the last of them is µs old: good enough for a
      // 1 ms timer, and one HeapNumber less per quote (Node 20's performance.now() allocates).
      const now = work > 0 && this.lastReadNs > 0 ? this.lastReadNs : monoNs();
      this.lastReadNs = 0;
      if (now >= this.nextTimerNs) {
        this.nextTimerNs = now + TIMER_PERIOD_NS;
        if (this.trace !== null) this.trace.add(TR_TIMER, 0, 0, now);
        this.strategy.onTimer(now);
        this.sink?.ringIfPending();
      }
    }
    if (work === 0 && this.onIdle !== null) this.onIdle();
    return work;
  }

  /** A feed record: top of book or a book-state change. */
  onRecord(d: Float64Array, o: number): void {
    const now = monoNs();
    this.lastReadNs = now;
    const kind = d[o + H_KIND];
    if (this.trace !== null) this.trace.add(kind === KIND_QUOTE ? TR_QUOTE : TR_STATE, d[o + H_VENUE]!, d[o + H_RECV_NS]!, now);
    if (kind === KIND_QUOTE) {
      this.counters.quotes++;
      this.hist.record(HOP_PUBLISH_TO_STRATEGY, now - d[o + H_PUB_NS]!);
      const sink = this.sink;
      if (sink !== null) sink.readNs = now;
      this.strategy.onQuoteRecord(d, o, now);
      if (sink !== null) {
        sink.readNs = 0;
        sink.ringIfPending();
      }
    } else if (kind === KIND_BOOK_STATE) {
      this.counters.bookStates++;
      this.strategy.onBookState(d[o + H_VENUE]!, d[o + H_SYMBOL]!, (d[o + H_FLAGS]! & FLAG_USABLE) !== 0, d[o + BS_REASON]!, now);
      this.sink?.ringIfPending();
    } else {
      this.counters.unknownRecords++;
    }
  }
}
