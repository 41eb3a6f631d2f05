/**
 * LiveExecutor: order intents in, signed venue orders out, execution reports back, with the
 * same order state machine (OrderTracker) and the same report sequences as the dry-run
 * executor, so the strategy cannot tell them apart:
 *
 *   ACKED, then FILLED | PARTIAL + CANCELED (IOC remainder) | CANCELED (nothing filled)
 *   or REJECTED (venue code, or a local ERR_* code when refused before sending)
 *   EXPIRED (ERR_LOCAL_TIMEOUT) when the intent's deadline passes first; the late venue
 *   answer still settles the order.
 *
 * A reconciliation request (ACTION_RECONCILE intent) is answered through `verdicts` with the
 * venue's final word only: from the memory of settled orders (settled-orders.ts) when the
 * order is final here; when it is still open here its client is already asking the venue by
 * client id (place, then resolve: query and history within the query budget, "not placed"
 * only after timestamp + recvWindow, unknown-order.ts), and the verdict goes out with that
 * final; with no record at all (a restarted executor, or an order forgotten unresolved) the
 * answer is "no record", never a guess.
 *
 * Orders go out concurrently: each is one async task in its venue client, which calls back
 * with updates (cumulative quantities and fees); this class turns them into per-fill reports.
 * Before sending: the venue's documented order-rate budget (local sliding window), the
 * venue's Retry-After back-off, the symbol's filters (price snapped to the tick, quantity
 * floored to the step, as decimal strings; a filter that cannot form the order refuses it with
 * its twin, ERR_LIVE_BAD_FILTER). Time comes in as arguments or through the injected clocks.
 *
 * A final of any kind applies the venue's cumulative fill before its status (a rejection that
 * counts fills is a fill, then a cancellation with the code). A final that counts fills but
 * states no fee is held until the order's executions bring the fees (held-finals.ts bounds it).
 * Every final of the order path is journaled as a `venue_order` line (docs/report.md).
 */
import {
  ACTION_CANCEL, ACTION_RECONCILE, ASSET_QUOTE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_DECISION_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY,
  I_ROLE, I_SIDE, I_TIF, INTENT_WORDS, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_PARTIAL, ST_REJECTED,
  ST_SENT, STATUS_NAMES, VENUE_NAMES, VERDICT_FINAL, VERDICT_NO_RECORD,
} from '../../core/records.js';
import { ERR_LOCAL_CAPACITY, ERR_LOCAL_INVALID, ERR_LOCAL_TIMEOUT } from '../error-codes.js';
import { OrderTracker } from '../order-tracker.js';
import type { ReportSink } from '../report-sink.js';
import { SettledOrders } from '../settled-orders.js';
import type { VerdictSink } from '../verdict-sink.js';
import { statusName } from '../order-state.js';
import type { LiveLog } from './client-base.js';
import { formatFloorToStep, formatNearestStep } from './decimal.js';
import {
  ERR_LIVE_BACKOFF, ERR_LIVE_BAD_FILTER, ERR_LIVE_BELOW_MIN, ERR_LIVE_ENTRIES_HALTED, ERR_LIVE_KEY_REJECTED, ERR_LIVE_NOT_CONFIGURED, ERR_LIVE_PAIR_REFUSED, ERR_LIVE_RATE_LIMITED,
  ERR_LIVE_UNRESOLVED,
} from './live-errors.js';
import { PreSendGate } from './pre-send.js';
import type { VenueRules } from './venue-rules.js';
import { UPD_ACK, UPD_FINAL, type LiveOrder, type OrderUpdate, type VenueOrderClient } from './order-types.js';
import type { OrderRateLimiter } from './rate-limiter.js';
import { WAL_UNRESOLVED, type OrderWal } from '../order-wal.js';
import { wireBatch } from './wire-batch.js';
import { HeldFinals, type VenueFeeSource } from './held-finals.js';

/** applyFill: which view an order's progress came from. */
const VIEW_NONE = 0;
const VIEW_PATH = 1;
const VIEW_LEDGER = 2;

/** Whether a cumulative quantity `have` covers `want` (decimal sums carry float noise). */
function covers(have: number, want: number): boolean {
  return have >= want - 1e-9 * Math.max(1, want);
}

/** Client ids are reserved in the WAL in blocks of this many (one synced line per block). */
export const WAL_ID_BLOCK = 1024;
/** Most intents one onIntents step takes (the agent drains at most this many per step). */
export const MAX_STEP_INTENTS = 64;

export interface LiveSymbolFilter {
  tickSize: number;
  stepSize: number;
  /** LOT_SIZE minQty / NOTIONAL minNotional, when known (pre-send.ts refuses below them). */
  minQty?: number;
  minNotional?: number;
}

export interface LiveExecutorOptions {
  /** Symbol names by symbol id (the same name on every venue). */
  symbols: readonly string[];
  /** Order client per venue id; null = not configured (orders to it are refused). */
  clients: readonly (VenueOrderClient | null)[];
  /** filters[venueId][symbol]. */
  filters: readonly (Readonly<Record<string, LiveSymbolFilter>> | undefined)[];
  /** Local order-rate limiter per venue id (null = none). */
  limiters: readonly (OrderRateLimiter | null)[];
  sink: ReportSink;
  /** Where reconciliation verdicts go (the report ring); absent = requests are counted and dropped. */
  verdicts?: VerdictSink | null;
  /** Prefix of client order ids: unique per run, ≤ 20 chars of [A-Za-z0-9]. */
  runTag: string;
  maxOrders?: number;
  /**
   * Write-ahead order journal (order-wal.ts): each order's client id is journaled before its
   * request leaves (WS and REST alike: both go through `client.place`), its end after the
   * final answer. null/absent = none (tests, tools).
   */
  wal?: OrderWal | null;
  /** Per venue id: usage budget, back-offs and clock (venue-rules.ts); absent = none. */
  rules?: readonly (VenueRules | null)[];
  /** This many orders of unknown status at once halt new entries (default 3). */
  maxUnresolved?: number;
  /**
   * The run's journal: one `venue_order` line per final the order path brings (answer or
   * query; the private stream's and the gap-fill's are written by private-fills.ts), with
   * whether it settled the order (docs/report.md). null/absent = not journaled.
   */
  journal?: ((entry: { type: string } & Record<string, unknown>) => void) | null;
  /**
   * How long a final that states no fee (OrderUpdate.feeMissing) waits for the order's
   * executions before they are asked of the venue's REST (VenueFeeSource.queryFills); default
   * 3000 ms. After that query, an order still without them is settled at the taker-rate
   * estimate and flagged (`fees_missing`, an error line), never at a silent 0.
   */
  feeWaitMs?: number;
  monoNs: () => number;
  wallMs: () => number;
  /** Per venue id: the venue's clock minus ours as last measured (the clock sync); a held final's executions query runs in venue time (held-finals.ts). */
  venueClockOffsetMs?: (venue: number) => number;
  log: LiveLog;
  /**
   * Called once a step has put two or more frames on the wire (a pair), before their send
   * lines and bookkeeping: the thread gives up its core there (core-yield.ts). Absent = never.
   */
  afterPairOnWire?: (() => void) | null;
}

export interface LiveExecutorCounters {
  intents: number;
  sent: number;
  refused_local: number;
  refused_rate_limit: number;
  refused_backoff: number;
  refused_config: number;
  /** Refused: the venue had refused the API key (entries halted there). */
  refused_key: number;
  /** Refused: the write-ahead order journal could not be written. */
  refused_wal: number;
  /** Refused with its twin: the pair's other leg failed a pre-send check (pre-send.ts). */
  refused_pair: number;
  /** Refused: entries halted by the executor (balance drift, unresolved orders). */
  refused_halted: number;
  /** Refused: below the symbol's minimum quantity or notional. */
  refused_min: number;
  /** Refused: the symbol's filter cannot form the order (ERR_LIVE_BAD_FILTER). */
  refused_filter: number;
  /** Orders of unknown status now (looked at again until the venue settles them). */
  unresolved_now: number;
  acked: number;
  filled: number;
  partially_filled: number;
  canceled: number;
  rejected: number;
  expired: number;
  unresolved: number;
  /** Unknown orders looked at again after a client's look ended without a final answer. */
  relooks: number;
  late_updates: number;
  /** Fill progress brought by a private stream or its gap-fill (onVenueFills). */
  stream_fills: number;
  /**
   * Fill progress held until the order's final because the other view (order path or ledger)
   * brought the order's progress first (applyFill).
   */
  fill_steps_held: number;
  /** Orders settled by a final from the private stream (or gap-fill) rather than their own answer or look. */
  stream_finals: number;
  /** Finals with filled quantity but no fee word, held until the order's executions bring its fees. */
  finals_fee_held: number;
  /** Held finals whose executions were asked of the venue's REST after feeWaitMs. */
  fee_queries: number;
  /** Held finals settled without their executions even after the query: fee estimated at the taker rate (logged as an error). */
  fees_missing: number;
  /** Finals that counted filled quantity and still said rejected (Bybit Rejected with cumExecQty > 0): fill applied, then canceled with the code. */
  rejected_with_fill: number;
  cancels_ignored: number;
  /** Venue updates that came after closeUnresolved(): not applied, not WAL-journaled (the UNRESOLVED line stands). */
  after_close: number;
  reports: number;
  in_flight: number;
  /** Reconciliation requests, and the verdicts answered: the venue's final, or "no record". */
  verdict_requests: number;
  verdicts_final: number;
  verdicts_no_record: number;
}

export class LiveExecutor {
  readonly tracker: OrderTracker;
  readonly counters: LiveExecutorCounters = {
    intents: 0, sent: 0, refused_local: 0, refused_rate_limit: 0, refused_backoff: 0, refused_config: 0, refused_key: 0, refused_wal: 0, refused_pair: 0, refused_halted: 0, refused_min: 0, refused_filter: 0, unresolved_now: 0, acked: 0, filled: 0,
    partially_filled: 0, canceled: 0, rejected: 0, expired: 0, unresolved: 0, relooks: 0, late_updates: 0, stream_fills: 0, fill_steps_held: 0, stream_finals: 0,
    finals_fee_held: 0, fee_queries: 0, fees_missing: 0, rejected_with_fill: 0, cancels_ignored: 0, after_close: 0, reports: 0, in_flight: 0,
    verdict_requests: 0, verdicts_final: 0, verdicts_no_record: 0,
  };
  /** Orders settled here (the venue's final), kept after their slot is freed for verdicts. */
  readonly settled = new SettledOrders();
  /** Orders a verdict was asked for while still open here: answered with their final. */
  private readonly verdictWanted = new Set<number>();
  private readonly onUpdateBound = (o: LiveOrder, u: OrderUpdate): void => this.onPathUpdate(o, u);
  private readonly onExpireBound = (slot: number): void => this.onExpire(slot);
  private idleWaiters: Array<() => void> = [];
  private expireNowNs = 0;
  /** Highest order id covered by a reserved WAL block (0 = none yet). */
  private walReservedTo = 0;
  /** Pre-send checks, both legs of a pair or neither (pre-send.ts). */
  readonly gate: PreSendGate;
  /** Orders of unknown status being looked at again. */
  private readonly unresolvedIds = new Set<number>();
  /** Why new entries are halted by a verdict from outside (balance drift), null = not. */
  private haltedWhy: string | null = null;
  /** Highest order id formed so far (reserveAhead keeps a quarter block beyond it). */
  private highestOrderId = 0;
  /** onIntents: each intent's frame index in the wire batch (-1: not held), and the batch's wire times. */
  private readonly heldIndex = new Int32Array(MAX_STEP_INTENTS);
  private readonly batchWires = new Float64Array(MAX_STEP_INTENTS);
  /** One step's formed orders, their tracker slots and venues (onIntents; [0] in onIntent). */
  private readonly stepOrders: (LiveOrder | null)[] = new Array<LiveOrder | null>(MAX_STEP_INTENTS).fill(null);
  private readonly stepSlots = new Int32Array(MAX_STEP_INTENTS);
  private readonly stepVenues = new Int32Array(MAX_STEP_INTENTS);
  /** The settlement promise of each order dispatched in the step (watchSettled). */
  private readonly stepDone: (Promise<void> | null)[] = new Array<Promise<void> | null>(MAX_STEP_INTENTS).fill(null);
  /** The order handed to its client, by tracker slot (a final from elsewhere marks it settled). */
  private readonly slotOrders: (LiveOrder | null)[];
  /** Send lines before the sends (every send synced) rather than right after them (order-wal.ts). */
  private readonly linesFirst: boolean;
  /** Inside a step whose send lines are not written yet: finals wait in deferredFinals. */
  private deferFinals = false;
  private deferredFinals = '';
  /** admit()'s side results: the admitted order's tracker slot and venue. */
  private admittedSlot = -1;
  private admittedVenue = -1;
  /** Per venue id: where fees come from when a final states none (set by the wiring; null = nowhere). */
  readonly feeSources: (VenueFeeSource | null)[];
  /** Per tracker slot: the ledger's last cumulative (onVenueFills): quantity, fee, fee unit. */
  private readonly ledgerQty: Float64Array;
  private readonly ledgerFee: Float64Array;
  private readonly ledgerFeeAsset: Uint8Array;
  /** Per tracker slot: the wall time (ms) the order was handed to its client (the fee query's anchor). */
  private readonly sentWallMs: Float64Array;
  /** Finals held for their fees (feeMissing), per tracker slot (held-finals.ts). */
  private readonly held: HeldFinals;

  constructor(private readonly opts: LiveExecutorOptions) {
    if (!/^[A-Za-z0-9]{1,20}$/.test(opts.runTag)) throw new RangeError(`runTag must be 1-20 letters or digits, got "${opts.runTag}"`);
    this.tracker = new OrderTracker(opts.maxOrders ?? 1024);
    this.linesFirst = opts.wal != null && opts.wal.syncsEachSend;
    this.slotOrders = new Array<LiveOrder | null>(this.tracker.capacity).fill(null);
    this.progressView = new Uint8Array(this.tracker.capacity);
    const cap = this.tracker.capacity;
    this.feeSources = new Array<VenueFeeSource | null>(opts.clients.length).fill(null);
    this.ledgerQty = new Float64Array(cap);
    this.ledgerFee = new Float64Array(cap);
    this.ledgerFeeAsset = new Uint8Array(cap);
    this.sentWallMs = new Float64Array(cap);
    this.held = new HeldFinals({
      tracker: this.tracker, symbols: opts.symbols, feeSources: this.feeSources, counters: this.counters,
      ledger: { qty: this.ledgerQty, fee: this.ledgerFee, feeAsset: this.ledgerFeeAsset }, wallMs: opts.wallMs, log: opts.log,
      ...(opts.feeWaitMs !== undefined ? { feeWaitMs: opts.feeWaitMs } : {}), ...(opts.venueClockOffsetMs !== undefined ? { venueClockOffsetMs: opts.venueClockOffsetMs } : {}), ...(opts.journal != null ? { journal: opts.journal } : {}),
      clientOrderId: (id) => this.clientOrderId(id), settle: (order, u) => { this.onUpdate(order, u); }, onDrop: () => this.wakeIdle(),
    });
    const rules = opts.rules;
    this.gate = new PreSendGate({ symbols: opts.symbols, clients: opts.clients, filters: opts.filters, limiters: opts.limiters,
      ...(rules !== undefined ? { rules } : {}), entriesHalted: () => this.entriesHaltReason() });
  }

  /** Why new entries (pair legs) are refused now; null when they are not. Hedges and unwinds still go. */
  entriesHaltReason(): string | null {
    if (this.haltedWhy !== null) return this.haltedWhy;
    const max = this.opts.maxUnresolved ?? 3;
    return this.unresolvedIds.size >= max ? `${this.unresolvedIds.size} orders of unknown status (max_unresolved_orders ${max})` : null;
  }

  /** Halts new entries (a balance drift); `null` lifts it (an operator's resume). */
  haltEntries(reason: string | null): void {
    this.haltedWhy = reason;
  }

  private stopped = false;

  /** Shutdown: no new looks at unknown orders (those left are released, unresolved). */
  stop(): void {
    this.stopped = true;
  }

  /** closeUnresolved() ran: the WAL has its last word on every order; nothing more is applied. */
  private closed = false;

  /**
   * The process is closing with orders still in flight (the drain timed out, or finals held for
   * their fees): each gets its WAL `UNRESOLVED` line with the quantity reported so far, so the
   * next start asks the venue and counts only what filled beyond that (review F2, session 5).
   * Call before the WAL closes. Returns how many lines were written.
   *
   * From then on the executor is closed (close race, session 6): a venue final or fill that
   * still arrives (between this call and the WAL's close, or after it) is not applied, not
   * reported and not written to the WAL, so the WAL never says UNRESOLVED and then a final the
   * strategy may never have read. It is logged, counted (`after_close`) and journaled as a
   * `venue_order` line with `after_close: true` (the order path's; the stream's rows are
   * private-fills.ts's), and the next start's reconciliation counts from the venue whatever
   * filled beyond the UNRESOLVED line's quantity.
   */
  closeUnresolved(): number {
    const tr = this.tracker;
    let n = 0;
    for (let slot = 0; slot < tr.capacity; slot++) {
      if (tr.inUse[slot] !== 1) continue;
      const order = this.slotOrders[slot] ?? this.held.order(slot);
      if (order === null) continue;
      this.walFinal(slot, order.clientOrderId, WAL_UNRESOLVED);
      n++;
    }
    this.closed = true;
    return n;
  }

  /** An update after closeUnresolved(): counted and logged, nothing applied (see there). */
  private afterClose(order: LiveOrder, u: OrderUpdate): void {
    this.counters.after_close++;
    if (u.kind !== UPD_FINAL) return;
    this.opts.log('warn', 'order final after the order journal was closed: not applied; its WAL line stays UNRESOLVED and the next start asks the venue', {
      venue: VENUE_NAMES[order.venue ?? -1], client_order_id: order.clientOrderId, status: u.venueStatus, cum_qty: u.cumQty });
  }

  /** Orders whose client task has not finished, and finals held for their fees. */
  get inFlight(): number {
    return this.counters.in_flight;
  }

  /** Resolves when no order is in flight (shutdown waits for it, bounded by its own timer). */
  whenIdle(): Promise<void> {
    if (this.counters.in_flight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  clientOrderId(orderId: number): string {
    return `${this.opts.runTag}-${orderId}`;
  }

  /**
   * Handles one intent record (records.ts I_* layout) at `off`. Returns the wire time (monoNs
   * right after the request's bytes were handed to the socket: the clients write before their
   * first await), which is also the order's sentNs (sent_to_ack starts there); 0 when nothing
   * was sent.
   */
  onIntent(rec: Float64Array, off: number, nowNs: number): number {
    const order = this.admit(rec, off, nowNs, this.opts.wallMs());
    if (order === null) return 0;
    const slot = this.admittedSlot;
    const venue = this.admittedVenue;
    this.stepOrders[0] = order;
    this.stepVenues[0] = venue;
    const wal = this.opts.wal;
    const wall = this.opts.wallMs();
    const linesAfter = wal != null && !this.linesFirst;
    const journaled = wal == null || (linesAfter ? this.reserveIds(1) : this.journalSends(1, wall));
    if (!journaled) {
      // Not journaled = not sent: an order the journal does not know must never reach a venue.
      this.stepOrders[0] = null;
      this.counters.refused_wal++;
      this.refuse(slot, ERR_LOCAL_INVALID, nowNs);
      return 0;
    }
    this.deferFinals = linesAfter;
    const wire = this.dispatch(order, slot, venue, nowNs, wall, 0);
    if (linesAfter) this.journalSent(1, wall);
    this.stepOrders[0] = null;
    this.watchSettled(order, venue, 0);
    return wire;
  }

  /**
   * The intents read together in one step (the legs of a pair: the strategy publishes them at
   * once), `n` records of INTENT_WORDS from offset 0 of `rec`, in three passes: every intent
   * checked and its order formed (and its client id found in a durably reserved block: none is
   * sent otherwise); then each request built, signed and handed to its client with the
   * WebSocket writes held (wire-batch.ts) and made back to back at the end, so the legs leave
   * together; then their journal lines written in one write (one syscall, not one per leg),
   * off the path to the wire (order-wal.ts: the reserved block keeps a crash from losing a
   * sent id). With every send synced (`OrderWal.syncsEachSend`) the lines go first instead.
   * `wires[i]`: intent i's wire time (0 = not sent). REST sends (the fallback) go out in the
   * last pass as they are made.
   */
  onIntents(rec: Float64Array, n: number, nowNs: number, wires: Float64Array): void {
    const orders = this.stepOrders;
    const slots = this.stepSlots;
    const venues = this.stepVenues;
    const wall = this.opts.wallMs();
    let admitted = 0;
    for (let i = 0; i < n; i++) {
      wires[i] = 0;
      const order = this.admit(rec, i * INTENT_WORDS, nowNs, wall);
      orders[i] = order;
      if (order === null) continue;
      slots[i] = this.admittedSlot;
      venues[i] = this.admittedVenue;
      admitted++;
    }
    if (admitted === 0) return;
    admitted -= this.withdrawSplitPairs(rec, n, nowNs);
    if (admitted === 0) return;
    const wal = this.opts.wal;
    const linesAfter = wal != null && !this.linesFirst;
    if (wal != null && !(linesAfter ? this.reserveIds(n) : this.journalSends(n, wall))) {
      for (let i = 0; i < n; i++) {
        if (orders[i] === null) continue;
        this.counters.refused_wal++;
        this.refuse(slots[i]!, ERR_LOCAL_INVALID, nowNs);
        orders[i] = null;
      }
      return;
    }
    const held = this.heldIndex;
    const batch = wireBatch;
    batch.hold();
    this.deferFinals = linesAfter;
    try {
      for (let i = 0; i < n; i++) {
        const order = orders[i];
        held[i] = -1;
        if (order == null) continue;
        const before = batch.count;
        wires[i] = this.dispatch(order, slots[i]!, venues[i]!, nowNs, wall, i);
        if (wires[i]! > 0 && batch.count > before) held[i] = before;
      }
    } finally {
      // Never leave the thread's sessions holding their writes, whatever happened above.
      const frames = batch.count;
      batch.release(this.opts.monoNs, this.batchWires);
      // Nothing on the order path needs this core until the venues answer (core-yield.ts).
      if (frames >= 2 && this.opts.afterPairOnWire != null) this.opts.afterPairOnWire();
      // The frames are on the wire: now their send lines (never throws).
      if (linesAfter) this.journalSent(n, wall);
      // And the bookkeeping of their settlement.
      for (let i = 0; i < n; i++) if (this.stepDone[i] !== null) this.watchSettled(orders[i]!, venues[i]!, i);
    }
    const tr = this.tracker;
    for (let i = 0; i < n; i++) {
      const order = orders[i];
      orders[i] = null;
      const h = held[i]!;
      if (order == null || h < 0) continue;
      const wire = this.batchWires[h]!;
      wires[i] = wire;
      const slot = slots[i]!;
      if (tr.slotOf(order.orderId) === slot && tr.status[slot] === ST_SENT) tr.sentNs[slot] = wire;
    }
  }

  /**
   * A pair leg formed in this step whose twin, read in the same step, was refused here (no
   * tracker slot, invalid, or any pre-send check the gate could not foresee from this leg) is
   * withdrawn before anything is written: the executor never legs a position itself. The
   * budget spent for the pair stays spent. Returns how many orders were withdrawn.
   */
  private withdrawSplitPairs(rec: Float64Array, n: number, nowNs: number): number {
    const orders = this.stepOrders;
    let withdrawn = 0;
    for (let i = 0; i < n; i++) {
      if (orders[i] === null) continue;
      const role = rec[i * INTENT_WORDS + I_ROLE]!;
      const pairId = rec[i * INTENT_WORDS + I_PAIR_ID]!;
      if (!((role === ROLE_LEG_BUY || role === ROLE_LEG_SELL) && pairId > 0)) continue;
      for (let j = 0; j < n; j++) {
        const o = j * INTENT_WORDS;
        if (j === i || orders[j] !== null || rec[o + I_PAIR_ID] !== pairId || rec[o + I_ACTION] === ACTION_CANCEL) continue;
        const twinRole = rec[o + I_ROLE]!;
        if (twinRole === role || (twinRole !== ROLE_LEG_BUY && twinRole !== ROLE_LEG_SELL)) continue;
        this.gate.forgetTwin(twinRole, pairId);
        orders[i] = null;
        this.counters.refused_pair++;
        this.refuse(this.stepSlots[i]!, ERR_LIVE_PAIR_REFUSED, nowNs);
        withdrawn++;
        break;
      }
    }
    return withdrawn;
  }

  /**
   * Checks one intent and forms its order: null when there is nothing to send (a cancel, or
   * refused here: reported). Otherwise the order's tracker slot and venue are left in
   * admittedSlot / admittedVenue.
   */
  private admit(rec: Float64Array, off: number, nowNs: number, wall: number): LiveOrder | null {
    this.counters.intents++;
    if (rec[off + I_ACTION] === ACTION_RECONCILE) {
      this.requestVerdict(rec[off + I_ORDER_ID]!, rec[off + H_VENUE]!, rec[off + H_SYMBOL]!);
      return null;
    }
    if (rec[off + I_ACTION] === ACTION_CANCEL) {
      // Every order is IOC: settled by the venue on arrival, nothing rests to cancel.
      this.counters.cancels_ignored++;
      return null;
    }
    const orderId = rec[off + I_ORDER_ID]!;
    const venue = rec[off + H_VENUE]!;
    const symbol = rec[off + H_SYMBOL]!;
    const side = rec[off + I_SIDE]!;
    const price = rec[off + I_PRICE]!;
    const qty = rec[off + I_QTY]!;
    const tr = this.tracker;
    const slot = tr.open(orderId, rec[off + I_PAIR_ID]!, venue, symbol, side, price, qty, rec[off + I_TIF]!, rec[off + I_ROLE]!,
      rec[off + I_DECISION_NS]!, rec[off + I_DEADLINE_NS]!, rec[off + H_RECV_NS]!);
    if (slot < 0) {
      this.counters.refused_local++;
      // A pair leg with no slot: its twin must not go alone (pre-send.ts).
      this.gate.refuseLeg(rec[off + I_ROLE]!, rec[off + I_PAIR_ID]!);
      this.opts.sink.report(orderId, rec[off + I_PAIR_ID]!, venue, symbol, side, ST_REJECTED, price, 0, 0, 0, qty, 0, 0,
        ERR_LOCAL_CAPACITY, rec[off + I_ROLE]!, nowNs, nowNs, rec[off + H_RECV_NS]!);
      this.counters.reports++;
      if (this.tracker.slotOf(orderId) < 0) this.settled.add(orderId, venue, ST_REJECTED, 0, 0, 0, 0);
      return null;
    }
    // Every pre-send check, for the pair as a whole (pre-send.ts): budget spent only when it goes.
    const code = this.gate.check(venue, symbol, side, price, qty, rec[off + I_ROLE]!, rec[off + I_PAIR_ID]!, wall);
    if (code !== 0) {
      this.countRefusal(code);
      this.refuse(slot, code, nowNs);
      return null;
    }
    const name = this.opts.symbols[symbol]!;
    const filter = this.opts.filters[venue]![name]!;
    const qtyText = formatFloorToStep(qty, filter.stepSize);
    this.admittedSlot = slot;
    this.admittedVenue = venue;
    if (orderId > this.highestOrderId) this.highestOrderId = orderId;
    return {
      orderId, clientOrderId: this.clientOrderId(orderId), symbol: name, side: side === SIDE_BUY ? 'BUY' : 'SELL',
      price: formatNearestStep(price, filter.tickSize), qty: qtyText, settled: false, venue,
    };
  }

  /**
   * Hands an order whose id is journaled to its client; returns the wire time (see onIntent).
   * Its settlement promise is left in stepDone[k] for watchSettled.
   */
  private dispatch(order: LiveOrder, slot: number, venue: number, nowNs: number, wallMs: number, k: number): number {
    const tr = this.tracker;
    tr.transition(slot, ST_SENT, nowNs);
    this.sentWallMs[slot] = wallMs;
    this.slotOrders[slot] = order;
    this.progressView[slot] = VIEW_NONE;
    this.ledgerQty[slot] = 0;
    this.ledgerFee[slot] = 0;
    this.counters.sent++;
    this.counters.in_flight++;
    this.stepDone[k] = placeOrder(this.opts.clients[venue]!, order, this.onUpdateBound);
    const wire = this.opts.monoNs();
    // The client may have settled the order synchronously (a send that failed at once).
    if (tr.slotOf(order.orderId) === slot && tr.status[slot] === ST_SENT) tr.sentNs[slot] = wire;
    return wire;
  }

  /**
   * Follows the settlement of the order dispatched as stepDone[k] (in the same synchronous step
   * as its dispatch, so a rejection is always handled; in onIntents after the frames are written:
   * its promise chain is not on the path to the wire).
   */
  private watchSettled(order: LiveOrder, venue: number, k: number): void {
    const done = this.stepDone[k]!;
    this.stepDone[k] = null;
    void done.catch((e: unknown) => {
      this.opts.log('error', 'order client failed', { venue: VENUE_NAMES[venue], client_order_id: order.clientOrderId, err: (e as Error).message });
    }).finally(() => this.onSettled(order));
  }

  /**
   * A private stream or the gap-fill applied new fills of an order (private-fills.ts): its
   * cumulative quantity, average price and fee at the venue. Reported as a fill only for what
   * exceeds what was already reported (the order answer may have brought it first). False
   * when `clientOrderId` is not a live order of this run on `venue`.
   */
  onVenueFills(venue: number, clientOrderId: string, cumQty: number, avgPx: number, cumFee: number, feeAsset: number): boolean {
    const orderId = this.liveOrderId(venue, clientOrderId);
    if (orderId < 0) return false;
    if (this.closed) {
      this.counters.after_close++;
      return false;
    }
    this.counters.stream_fills++;
    const slot = this.tracker.slotOf(orderId);
    if (cumQty > this.ledgerQty[slot]!) {
      this.ledgerQty[slot] = cumQty;
      this.ledgerFee[slot] = cumFee;
      this.ledgerFeeAsset[slot] = feeAsset;
    }
    if (this.held.has(slot) && covers(cumQty, this.held.cumQty(slot))) {
      // The executions a held final waited for: it settles now with their fees.
      this.held.release(slot, cumFee, feeAsset);
      return true;
    }
    this.ledgerStep = true;
    this.onUpdate({ orderId, clientOrderId, symbol: '', side: 'BUY', price: '', qty: '' },
      { kind: UPD_ACK, status: ST_ACKED, cumQty, avgPx, cumFee, feeAsset, errorCode: 0, message: '', venueOrderId: '', venueStatus: 'stream' });
    this.ledgerStep = false;
    return true;
  }

  /**
   * A final order state from the private stream or the gap-fill (Binance executionReport
   * X=FILLED/CANCELED/EXPIRED/REJECTED, Bybit `order` topic): it settles the order like its own
   * answer would, once, with the venue's cumulative quantity and fees, and frees its slot,
   * whether the order's answer is still awaited, was lost, or the order is being looked at as
   * unknown (that look stops). False when `clientOrderId` is not a live order of this run on
   * `venue` (settled already: the first final wins).
   */
  onVenueFinal(venue: number, clientOrderId: string, u: OrderUpdate): boolean {
    const orderId = this.liveOrderId(venue, clientOrderId);
    if (orderId < 0) return false;
    if (this.closed) {
      this.afterClose({ orderId, clientOrderId, symbol: '', side: 'BUY', price: '', qty: '', venue }, u);
      return false;
    }
    const slot = this.tracker.slotOf(orderId);
    const sent = this.slotOrders[slot];
    this.counters.stream_finals++;
    const settled = this.onUpdate(sent !== null && sent !== undefined && sent.orderId === orderId ? sent : { orderId, clientOrderId, symbol: '', side: 'BUY', price: '', qty: '' }, u);
    if (this.unresolvedIds.delete(orderId)) {
      this.opts.log('info', 'order of unknown status settled by the private stream', { venue: VENUE_NAMES[venue], client_order_id: clientOrderId });
    }
    this.counters.unresolved_now = this.unresolvedIds.size;
    return settled;
  }

  /** Whether `clientOrderId` is a live order of this run on `venue` (private-fills.ts FillTarget). */
  isLive(venue: number, clientOrderId: string): boolean {
    return this.liveOrderId(venue, clientOrderId) >= 0;
  }

  /** The order id of `clientOrderId` when it is a live order of this run on `venue`, else -1. */
  private liveOrderId(venue: number, clientOrderId: string): number {
    const tag = this.opts.runTag;
    if (clientOrderId.length <= tag.length + 1 || !clientOrderId.startsWith(tag) || clientOrderId.charCodeAt(tag.length) !== 45 /* - */) return -1;
    const orderId = Number(clientOrderId.slice(tag.length + 1));
    const slot = Number.isInteger(orderId) ? this.tracker.slotOf(orderId) : -1;
    return slot < 0 || this.tracker.venue[slot] !== venue ? -1 : orderId;
  }

  /**
   * Reserves the next block of client ids ahead of need (a synced WAL line: 3 ms p50, 19 ms
   * p99 on the development VM's disk), so no order waits for it: at start, and from the idle
   * path once fewer than a quarter of the reserved ids are left. A no-op (one comparison) otherwise
   * or without a journal. Ids are the strategy's order ids, which grow from 1.
   */
  reserveAhead(): void {
    const wal = this.opts.wal;
    if (wal == null || this.walReservedTo - this.highestOrderId > WAL_ID_BLOCK / 4) return;
    const from = this.walReservedTo + 1;
    try {
      wal.reserve(this.opts.runTag, from, from + WAL_ID_BLOCK - 1);
      this.walReservedTo = from + WAL_ID_BLOCK - 1;
    } catch (e) {
      // Not fatal here: the order that needs the block reserves it (or is refused) itself.
      this.opts.log('error', 'order journal: could not reserve client ids ahead', { from, err: (e as Error).message });
    }
  }

  /**
   * A reconciliation request for `orderId` (see the header): answered now from the settled
   * memory, or "no record"; an order still open here is answered when its final comes.
   */
  requestVerdict(orderId: number, venue: number, symbol: number): void {
    this.counters.verdict_requests++;
    if (this.tracker.slotOf(orderId) >= 0) {
      // Its client (place, or the look at an unknown order) is asking the venue already.
      this.verdictWanted.add(orderId);
      return;
    }
    const m = this.settled;
    const i = m.find(orderId);
    if (i >= 0) {
      this.sendVerdict(orderId, m.venue[i]!, symbol, VERDICT_FINAL, m.status[i]!, m.cumQty[i]!, m.cumQuote[i]!, m.cumFee[i]!, m.feeAsset[i]!);
      return;
    }
    this.sendVerdict(orderId, venue, symbol, VERDICT_NO_RECORD, 0, 0, 0, 0, 0);
  }

  private sendVerdict(orderId: number, venue: number, symbol: number, kind: number, status: number, cumQty: number, cumQuote: number,
    cumFee: number, feeAsset: number): void {
    if (kind === VERDICT_FINAL) this.counters.verdicts_final++;
    else this.counters.verdicts_no_record++;
    const out = this.opts.verdicts;
    if (out != null) out.verdict(orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset, this.opts.monoNs());
  }

  /**
   * Between real orders (LiveExecutorAgent, while idle): each venue client builds and signs one
   * request without sending it, so the next real request finds that code and data in cache.
   */
  keepWarm(): void {
    const clients = this.opts.clients;
    for (let v = 0; v < clients.length; v++) clients[v]?.keepWarm?.();
  }

  /** Expires orders past their deadline (EXPIRED, ERR_LOCAL_TIMEOUT). Call every cycle. */
  expireDue(nowNs: number): number {
    this.expireNowNs = nowNs;
    if (this.held.count > 0) this.held.check(nowNs, this.stopped);
    return this.tracker.expireDue(nowNs, this.onExpireBound);
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * Every send synced: journals the step's formed orders (stepOrders[0..n), nulls skipped)
   * before they are sent, reserving their id blocks first when needed: their send lines in one
   * write. False when it failed (then none of them may be sent).
   */
  private journalSends(n: number, wallMs: number): boolean {
    if (!this.reserveIds(n)) return false;
    try {
      this.opts.wal!.sendLines(this.stepSendLines(n, wallMs));
      return true;
    } catch (e) {
      this.opts.log('error', 'order journal write failed: order not sent', { err: (e as Error).message });
      return false;
    }
  }

  /** The send lines of the step's formed orders (stepOrders[0..n), nulls skipped). */
  private stepSendLines(n: number, wallMs: number): string {
    const wal = this.opts.wal!;
    const orders = this.stepOrders;
    let lines = '';
    for (let i = 0; i < n; i++) {
      const order = orders[i];
      if (order == null) continue;
      lines += wal.sendLine({ clientOrderId: order.clientOrderId, venue: VENUE_NAMES[this.stepVenues[i]!] as 'binance' | 'bybit', symbol: order.symbol,
        side: order.side === 'BUY' ? 'buy' : 'sell', price: Number(order.price), qty: Number(order.qty), timestampMs: wallMs });
    }
    return lines;
  }

  /**
   * Makes sure every formed order of the step (stepOrders[0..n)) has its client id in a
   * durably reserved block (normally reserved ahead: nothing to do). False when a reserve
   * failed: then none of them may be sent.
   */
  private reserveIds(n: number): boolean {
    const orders = this.stepOrders;
    for (let i = 0; i < n; i++) {
      const order = orders[i];
      if (order == null || order.orderId <= this.walReservedTo) continue;
      try {
        // Order ids grow: reserve the block holding this one (synced: survives a machine crash).
        const from = Math.floor((order.orderId - 1) / WAL_ID_BLOCK) * WAL_ID_BLOCK + 1;
        this.opts.wal!.reserve(this.opts.runTag, from, from + WAL_ID_BLOCK - 1);
        this.walReservedTo = from + WAL_ID_BLOCK - 1;
      } catch (e) {
        this.opts.log('error', 'order journal write failed: order not sent', { client_order_id: order.clientOrderId, err: (e as Error).message });
        return false;
      }
    }
    return true;
  }

  /**
   * After the step's sends: the send lines of its orders (stepOrders[0..n), nulls skipped) and
   * any final that came in the meantime, in one write. A failed write cannot unsend them: their
   * ids are in a reserved block (a restart finds them at the venues), and new entries halt,
   * since the journal no longer records what leaves.
   */
  private journalSent(n: number, wallMs: number): void {
    this.deferFinals = false;
    const finals = this.deferredFinals;
    this.deferredFinals = '';
    try {
      this.opts.wal!.sendLines(this.stepSendLines(n, wallMs), finals);
    } catch (e) {
      const why = `order journal write failed after a send: ${(e as Error).message}`;
      this.opts.log('error', `${why}; the sent ids are in a reserved block, new entries halted`, { err: (e as Error).message });
      if (this.haltedWhy === null) this.haltedWhy = why;
    }
  }

  private walFinal(slot: number, clientOrderId: string, status: string): void {
    const wal = this.opts.wal;
    // Closed: each order's last WAL word is written (closeUnresolved); no line may follow it.
    if (wal == null || this.closed) return;
    if (this.deferFinals) {
      // A final inside the step that sent the order: after its send line (journalSent).
      this.deferredFinals += wal.finalLine(VENUE_NAMES[this.tracker.venue[slot]!] as 'binance' | 'bybit', clientOrderId, status, this.tracker.cumQty[slot]!);
      return;
    }
    try {
      wal.final(VENUE_NAMES[this.tracker.venue[slot]!] as 'binance' | 'bybit', clientOrderId, status, this.tracker.cumQty[slot]!);
    } catch (e) {
      // The send line is there: a restart finds the order at the venue by its id.
      this.opts.log('error', 'order journal write failed (final)', { client_order_id: clientOrderId, err: (e as Error).message });
    }
  }

  private countRefusal(code: number): void {
    const c = this.counters;
    switch (code) {
      case ERR_LIVE_NOT_CONFIGURED: c.refused_config++; break;
      case ERR_LIVE_KEY_REJECTED: c.refused_key++; break;
      case ERR_LIVE_BACKOFF: c.refused_backoff++; break;
      case ERR_LIVE_RATE_LIMITED: c.refused_rate_limit++; break;
      case ERR_LIVE_PAIR_REFUSED: c.refused_pair++; break;
      case ERR_LIVE_ENTRIES_HALTED: c.refused_halted++; break;
      case ERR_LIVE_BELOW_MIN: c.refused_min++; break;
      case ERR_LIVE_BAD_FILTER:
        c.refused_filter++;
        this.opts.log('error', 'order refused: the symbol filter cannot form it', { why: this.gate.lastReason });
        break;
      default: c.refused_local++;
    }
  }

  private refuse(slot: number, code: number, nowNs: number): void {
    const tr = this.tracker;
    tr.transition(slot, ST_REJECTED, nowNs);
    tr.errorCode[slot] = code;
    this.counters.rejected++;
    this.emit(slot, ST_REJECTED, 0, 0, 0, code, nowNs);
    this.remember(slot);
    tr.release(slot);
  }

  /** A final order into the settled memory (and its verdict, if one was asked for while it was open). */
  private remember(slot: number): void {
    const tr = this.tracker;
    const orderId = tr.orderId[slot]!;
    const cumQty = tr.cumQty[slot]!;
    const cumQuote = tr.avgPx[slot]! * cumQty;
    this.settled.add(orderId, tr.venue[slot]!, tr.status[slot]!, cumQty, cumQuote, tr.fees[slot]!, tr.feeAsset[slot]!);
    if (this.verdictWanted.size > 0 && this.verdictWanted.delete(orderId)) {
      this.sendVerdict(orderId, tr.venue[slot]!, tr.symbol[slot]!, VERDICT_FINAL, tr.status[slot]!, cumQty, cumQuote, tr.fees[slot]!, tr.feeAsset[slot]!);
    }
  }

  private emit(slot: number, status: number, lastPx: number, lastQty: number, fee: number, error: number, nowNs: number): void {
    const tr = this.tracker;
    this.counters.reports++;
    this.opts.sink.report(tr.orderId[slot]!, tr.pairId[slot]!, tr.venue[slot]!, tr.symbol[slot]!, tr.side[slot]!, status,
      tr.price[slot]!, lastPx, lastQty, tr.cumQty[slot]!, tr.qty[slot]!, fee, tr.feeAsset[slot]!, error, tr.role[slot]!,
      tr.sentNs[slot]!, nowNs, tr.tickRecvNs[slot]!);
  }

  private onExpire(slot: number): void {
    this.tracker.errorCode[slot] = ERR_LOCAL_TIMEOUT;
    this.counters.expired++;
    this.emit(slot, ST_EXPIRED, 0, 0, 0, ERR_LOCAL_TIMEOUT, this.expireNowNs);
  }

  /**
   * Applies the fill part of an update (cumulative → this fill); returns the fill quantity.
   *
   * Two views report an order's cumulative: the order path's (the venue's, a time prefix of the
   * order's fills) and the ledger's (`fromLedger`: the fills the stream and gap-fill brought, in
   * any order). Each is a real set of fills, and each view's sets only grow. Between views of
   * sets that are not nested (a query saw fill 1, the gap-fill listed fill 2 first) the
   * difference is no fill at all: its price can be one the order never traded at (even
   * negative), and its fee a mix of units. So an order's progress before its final comes from
   * one view, whichever reported first; the other's is held (`fill_steps_held`). Then the
   * executor's cumulative is always a real fill set, and the final (the whole set, from any
   * source) reports the rest at the exact price and fee: every report is real fills, and the
   * order's total notional and fees are the venue's.
   */
  private applyFill(slot: number, u: OrderUpdate, out: Float64Array, fromLedger: boolean): number {
    const tr = this.tracker;
    const prevQty = tr.cumQty[slot]!;
    const delta = u.cumQty - prevQty;
    out[0] = 0;
    out[1] = 0;
    if (!(delta > 1e-12)) return 0;
    if (u.kind !== UPD_FINAL) {
      const view = fromLedger ? VIEW_LEDGER : VIEW_PATH;
      const owner = this.progressView[slot]!;
      if (owner !== VIEW_NONE && owner !== view) {
        this.counters.fill_steps_held++;
        return 0;
      }
      this.progressView[slot] = view;
    }
    const notional = u.cumQty * u.avgPx - prevQty * tr.avgPx[slot]!;
    let lastPx = notional / delta;
    if (!(lastPx > 0 && lastPx < Infinity)) {
      // Only if the venue's own figures disagree: its average is the best price left.
      this.counters.fill_steps_held++;
      this.opts.log('warn', 'fill step at no price: reported at the venue\'s average', { order_id: tr.orderId[slot], px: lastPx, avg: u.avgPx });
      lastPx = u.avgPx;
    }
    const fee = Math.max(0, u.cumFee - this.bookedFee(slot, u.feeAsset));
    tr.applyFill(slot, lastPx, delta, fee, u.feeAsset);
    out[0] = lastPx;
    out[1] = fee;
    return delta;
  }

  private readonly fillOut = new Float64Array(2);
  /** Per tracker slot: which view brought the order's progress so far (applyFill; VIEW_*). */
  private readonly progressView: Uint8Array;
  /** onVenueFills is reporting (the ledger's view). */
  private ledgerStep = false;

  /**
   * Fees already reported for the order, in `asset`'s unit. A commission in a third asset
   * (BNB) turns an order's fees to quote (fee-units.ts): the fees booked before in base are
   * restated in quote at the order's average price so far, which is what fee-units.ts charged
   * them at (fees proportional to quantity), so nothing is booked twice or lost.
   */
  private bookedFee(slot: number, asset: number): number {
    const tr = this.tracker;
    const f = tr.fees[slot]!;
    if (f === 0 || tr.feeAsset[slot] === asset) return f;
    const px = tr.avgPx[slot]!;
    const restated = asset === ASSET_QUOTE ? f * px : px > 0 ? f / px : 0;
    tr.fees[slot] = restated;
    tr.feeAsset[slot] = asset;
    return restated;
  }

  /**
   * An update from the order path (the client's answer or look). A final is journaled as a
   * `venue_order` line with its source and whether it settled the order; a copy of a private
   * stream row (Bybit's trade WS waits on the `order` topic) only when it settled it, since
   * private-fills.ts journals the row itself when it reads it first.
   */
  private onPathUpdate(order: LiveOrder, u: OrderUpdate): void {
    if (this.closed) {
      this.afterClose(order, u);
      if (u.kind === UPD_FINAL && u.source !== 'stream') this.journalFinal(order, u, false, true);
      return;
    }
    const settled = this.onUpdate(order, u);
    if (u.kind === UPD_FINAL && (settled || u.source !== 'stream')) this.journalFinal(order, u, settled);
  }

  private journalFinal(order: LiveOrder, u: OrderUpdate, settled: boolean, afterClose = false): void {
    const j = this.opts.journal;
    if (j == null) return;
    const venue = order.venue ?? -1;
    j({ type: 'venue_order', venue: VENUE_NAMES[venue] ?? '', client_order_id: order.clientOrderId, venue_order_id: u.venueOrderId,
      status: u.venueStatus !== '' ? u.venueStatus : STATUS_NAMES[u.status]!.toUpperCase(), cum_qty: u.cumQty, avg_px: u.avgPx,
      source: u.source ?? 'answer', settled, ...(u.errorCode !== 0 ? { code: u.errorCode } : {}), ...(u.feeMissing === true ? { fee_missing: true } : {}),
      ...(afterClose ? { after_close: true } : {}) });
  }

  /**
   * Applies one update to its order. For a final, returns whether it settled the order (or is
   * held as its settling final until its fees come); false for a late copy or an ack.
   */
  private onUpdate(order: LiveOrder, u: OrderUpdate): boolean {
    if (this.closed) {
      // (a held final released after the close: its WAL line is UNRESOLVED already)
      this.afterClose(order, u);
      return false;
    }
    const now = this.opts.monoNs();
    const tr = this.tracker;
    const slot = tr.slotOf(order.orderId);
    if (slot < 0) {
      this.counters.late_updates++;
      return false;
    }
    // The fee unit is switched by applyFill (bookedFee) once a fee is booked.
    if (tr.fees[slot] === 0 && u.feeMissing !== true) tr.feeAsset[slot] = u.feeAsset;
    const st = tr.status[slot]!;
    if (u.kind === UPD_ACK) {
      if (st === ST_SENT) {
        tr.transition(slot, ST_ACKED, now);
        this.counters.acked++;
        this.emit(slot, ST_ACKED, 0, 0, 0, 0, now);
      }
      const q = this.applyFill(slot, u, this.fillOut, this.ledgerStep);
      if (q > 0) {
        tr.transition(slot, ST_PARTIAL, now);
        this.counters.partially_filled++;
        this.emit(slot, ST_PARTIAL, this.fillOut[0]!, q, this.fillOut[1]!, 0, now);
      }
      return false;
    }
    // Final. One that counts fills but states no fee takes the executions' (the ledger's).
    if (u.feeMissing === true && u.cumQty > 0) {
      if (!covers(this.ledgerQty[slot]!, u.cumQty)) return this.holdForFees(slot, order, u, now);
      u = { ...u, cumFee: this.ledgerFee[slot]!, feeAsset: this.ledgerFeeAsset[slot]!, feeMissing: false };
      if (tr.fees[slot] === 0) tr.feeAsset[slot] = u.feeAsset;
    }
    if (this.held.has(slot)) this.held.drop(slot); // a final with its fees supersedes a held one
    const filled = u.cumQty > 1e-12 || tr.cumQty[slot]! > 0;
    if (u.status === ST_REJECTED) {
      if (!filled && (st === ST_SENT || st === ST_EXPIRED)) {
        tr.transition(slot, ST_REJECTED, now);
        tr.errorCode[slot] = u.errorCode;
        this.counters.rejected++;
        this.opts.log('warn', 'order rejected', { venue: VENUE_NAMES[tr.venue[slot]!], client_order_id: order.clientOrderId, code: u.errorCode, msg: u.message });
        this.emit(slot, ST_REJECTED, 0, 0, 0, u.errorCode, now);
        this.walFinal(slot, order.clientOrderId, 'REJECTED');
        this.releaseFinal(slot);
        return true;
      }
      // Rejected after an ack (Bybit orderStatus Rejected), or with filled quantity: the table
      // has no ACKED → REJECTED, and a fill the venue counts is never dropped. It is the
      // cancellation of whatever did not fill, after the fill, with the code kept.
      if (filled) {
        this.counters.rejected_with_fill++;
        this.opts.log('warn', 'order rejected with filled quantity: the fill is applied, the rest canceled', { venue: VENUE_NAMES[tr.venue[slot]!],
          client_order_id: order.clientOrderId, cum_qty: u.cumQty, code: u.errorCode, msg: u.message });
      }
    }
    if (st === ST_SENT) {
      tr.transition(slot, ST_ACKED, now);
      this.counters.acked++;
      this.emit(slot, ST_ACKED, 0, 0, 0, 0, now);
    }
    const q = this.applyFill(slot, u, this.fillOut, this.ledgerStep);
    const code = u.status === ST_REJECTED ? u.errorCode : 0;
    if (u.status === ST_FILLED) {
      tr.transition(slot, ST_FILLED, now);
      this.counters.filled++;
      this.emit(slot, ST_FILLED, this.fillOut[0]!, q, this.fillOut[1]!, 0, now);
    } else {
      if (q > 0) {
        tr.transition(slot, ST_PARTIAL, now);
        this.counters.partially_filled++;
        this.emit(slot, ST_PARTIAL, this.fillOut[0]!, q, this.fillOut[1]!, 0, now);
      }
      tr.transition(slot, ST_CANCELED, now);
      this.counters.canceled++;
      this.emit(slot, ST_CANCELED, 0, 0, 0, code, now);
    }
    this.walFinal(slot, order.clientOrderId, u.status === ST_FILLED ? 'FILLED' : 'CANCELED');
    this.releaseFinal(slot);
    return true;
  }

  /**
   * A final that counts fills but states no fee, before the ledger has the order's executions:
   * held (nothing reported yet) until they come (onVenueFills), and bounded (held-finals.ts).
   * The order's client stops looking: its final is known. A second such copy is late.
   */
  private holdForFees(slot: number, order: LiveOrder, u: OrderUpdate, nowNs: number): boolean {
    if (!this.held.hold(slot, order, u, nowNs, this.sentWallMs[slot]!)) return false;
    const sent = this.slotOrders[slot];
    if (sent != null) sent.settled = true;
    return true;
  }

  /** Frees a slot on the venue's final word; the order's client, if still looking, stops. */
  private releaseFinal(slot: number): void {
    if (this.held.has(slot)) this.held.drop(slot);
    const sent = this.slotOrders[slot];
    if (sent != null) {
      sent.settled = true;
      this.slotOrders[slot] = null;
    }
    this.remember(slot);
    this.tracker.release(slot);
  }

  private onSettled(order: LiveOrder): void {
    this.counters.in_flight--;
    const tr = this.tracker;
    const slot = tr.slotOf(order.orderId);
    if (slot >= 0 && !this.held.has(slot)) {
      // The client's look ended without a final answer: the venue status stays unknown.
      this.counters.unresolved++;
      const st = tr.status[slot]!;
      this.opts.log('error', 'order left unresolved', { venue: VENUE_NAMES[tr.venue[slot]!], client_order_id: order.clientOrderId, status: statusName(st) });
      if (st !== ST_EXPIRED) {
        // EXPIRED is not final for the strategy: the order stays unknown there (slot held).
        const now = this.opts.monoNs();
        tr.transition(slot, ST_EXPIRED, now);
        tr.errorCode[slot] = ERR_LIVE_UNRESOLVED;
        this.counters.expired++;
        this.emit(slot, ST_EXPIRED, 0, 0, 0, ERR_LIVE_UNRESOLVED, now);
      }
      const client = this.opts.clients[tr.venue[slot]!] ?? null;
      if (!this.stopped && client !== null && client.resolve !== undefined) {
        // Never forgotten: look again (query, then history; never a resend) until the venue's
        // word settles it; the final report frees the strategy's slot.
        this.counters.relooks++;
        this.counters.in_flight++;
        this.unresolvedIds.add(order.orderId);
        void client.resolve(order, this.onUpdateBound).catch((e: unknown) => {
          this.opts.log('error', 'order look failed', { venue: VENUE_NAMES[client.venue], client_order_id: order.clientOrderId, err: (e as Error).message });
        }).finally(() => this.onSettled(order));
      } else {
        // Stopping (or no way to look): the slot goes without the venue's word. The WAL says
        // so, with what was applied, so the next start asks the venue (order-wal.ts UNRESOLVED).
        this.walFinal(slot, order.clientOrderId, WAL_UNRESOLVED);
        // Forgotten unresolved (shutdown, or no way to look): a verdict asked for it says "no record".
        if (this.verdictWanted.delete(order.orderId)) {
          this.sendVerdict(order.orderId, tr.venue[slot]!, tr.symbol[slot]!, VERDICT_NO_RECORD, 0, 0, 0, 0, 0);
        }
        tr.release(slot);
        this.unresolvedIds.delete(order.orderId);
      }
    } else {
      // Settled by the venue's word (or never unknown), or its final is held for its fees.
      this.unresolvedIds.delete(order.orderId);
    }
    this.counters.unresolved_now = this.unresolvedIds.size;
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.counters.in_flight === 0 && this.idleWaiters.length > 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }
}

/**
 * client.place, a synchronous throw (forming or signing the request) turned into a failed
 * send: the order is then settled like any unknown one (looked at, never resent), and the
 * step's other legs are still sent (a throw out of onIntents would leave them unsent and their
 * slots held with no report).
 */
function placeOrder(client: VenueOrderClient, order: LiveOrder, listener: (o: LiveOrder, u: OrderUpdate) => void): Promise<void> {
  try {
    return client.place(order, listener);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
