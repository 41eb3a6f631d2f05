/**
 * Reconciliation: what the venues say against what xarb's journals say, before the first
 * order and periodically during the run. Pure: the caller fetches (account-rest.ts), reads
 * the earlier runs (earlier-runs.ts) and acts on the verdict.
 *
 * At start-up, per venue: balances, open orders, recent fills and order history. Orders and
 * fills whose client id has xarb's shape (`<runTag>-<n>`) are matched against the write-ahead
 * order journals of earlier runs:
 *
 * - an xarb order still open at the venue → cancel it (IOC arbitrage never rests on purpose);
 * - an order an earlier run sent but never saw resolved (in flight at a crash, or still
 *   unknown when a run stopped) → resolved from the venue's fills / history, or from the
 *   venue's answer to a query by its client id (`lookups`, asked by live-startup.ts): found →
 *   its fills count; not found once its `timestamp + recvWindow` has passed (the venue can no
 *   longer accept it, unknown-order.ts) → never placed (`notPlaced`); otherwise unknown, and
 *   trading waits;
 * - fills of crashed runs (no `run_end`), and of orders a cleanly stopped run left unresolved,
 *   are netted per symbol across venues (each part less its own base-coin fees in the share its
 *   hedge left open: a run's hedged pair's fees are drift, as in a clean run): a pair whose two legs filled nets to zero gross; what is left is exposure, which by config is flattened
 *   (an IOC order the other way on the venue holding it), adopted as a residual for the
 *   strategy to hedge, or halts start-up;
 * - an xarb-shaped order in no journal (in the venue's order lists) is reported (sent by an xarb
 *   without a WAL, or by another instance on the same keys, which shows in those lists while it
 *   trades) and halts start-up: nobody knows its intent;
 * - an xarb-shaped fill whose order neither a journal nor the venue's order lists know (its
 *   order aged out of the lists, or the lists and the fills were read at different moments) is
 *   the venue's word that the exposure exists: reported (`orphanFills`) and counted as leftover
 *   exposure like a crashed run's (policy: flatten, adopt or halt). Only contradictory fills
 *   (one client id with two symbols or sides, a quantity or price that is not positive) halt:
 *   then nobody can say what the exposure is. Fills a run already took over (its
 *   leftover.json `taken_fills`, `takenFills`, keyed venue, symbol and trade id) are not counted
 *   again, and their order is known (no orphan) when the venue lists it later;
 * - exposure the operator closed by hand at the venue is not traded again: fills of the same
 *   symbol that are not xarb's, made after the exposure's last fill, net it (`closed`, partly or
 *   wholly; a log reason says so; several runs' parts each from their own last fill on). That is what lets a start go on after a `halt`: close it at
 *   the venue, restart, and the start sees the closing trades;
 * - balances beyond tolerance from what the operator expects halt start-up.
 *
 * The snapshots may hold fills older than the venues' window, put back by the caller from the
 * venue ledger (venue-ledger.ts): the verdict says which trades by hand could net counted
 * exposure (`handFills`: closing or not, one the other way undoes a close) and which xarb fills in no journal it counted (`orphanFillViews`), for the
 * ledger to remember.
 *
 * Trading starts only when the verdict is `canTrade`.
 */
import type { VenueFill } from './fill-ledger.js';
import { splitSymbol } from './live/binance-order.js';

export type Venue = 'binance' | 'bybit';
export type Side = 'buy' | 'sell';

/** An order as the venue reports it (open orders, order history). */
export interface VenueOrderView {
  venue: Venue;
  symbol: string;
  orderId: string;
  clientOrderId: string;
  side: Side;
  price: number;
  qty: number;
  cumQty: number;
  /** Venue's status word (NEW, FILLED, EXPIRED… / New, Filled, Cancelled…). */
  status: string;
  /** Still working at the venue. */
  open: boolean;
  timeMs: number;
}

/** A fill as the venue reports it (myTrades, execution list). */
export interface VenueFillView {
  venue: Venue;
  symbol: string;
  tradeId: string;
  orderId: string;
  clientOrderId: string;
  side: Side;
  qty: number;
  price: number;
  timeMs: number;
  /**
   * Fee charged in the symbol's base coin (spot fees are in the received coin: a buy's, or
   * Binance without BNB): the account's base moved by the signed qty less this. Absent = 0.
   */
  baseFee?: number;
}

export interface VenueSnapshot {
  venue: Venue;
  /** Asset → total (free + locked). */
  balances: Map<string, number>;
  openOrders: VenueOrderView[];
  /** Orders of the look-back window (allOrders / order history). */
  history: VenueOrderView[];
  fills: VenueFillView[];
}

/** One order of an earlier run's write-ahead journal (order-wal.ts). */
export interface JournaledOrder {
  clientOrderId: string;
  venue: Venue;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
  sentMs: number;
  /** The run saw a final answer (filled/canceled/rejected/expired) with this cumulative qty; null = in flight. */
  final: { status: string; cumQty: number } | null;
  /**
   * The run stopped cleanly with this order still unknown, having applied this much of it
   * (its `UNRESOLVED` WAL line, order-wal.ts): only what the venue filled beyond it is new.
   */
  knownAtStop?: number;
  /** A later run took over this order's exposure (its leftover.json, earlier-runs.ts): settled, not counted again. */
  takenBy?: string;
  /** An xarb order in no journal that this (taker) run took over (leftover.json `taken_orphans`): a part of its own when netting closes by hand. */
  takenOrphan?: true;
  /** A taken orphan's base-coin fees (leftover.json `taken_orphans`): counted when its fills are no longer in the window. */
  baseFee?: number;
}

export interface EarlierRun {
  runId: string;
  /** The journal has a `run_end` (a clean stop). */
  ended: boolean;
  orders: JournaledOrder[];
  /** Client-id blocks the run reserved durably (order-wal.ts): an id in one may exist at a venue without a send line. */
  reserved?: ReadonlyArray<{ tag: string; from: number; to: number }>;
  /** The run being continued now (`--resume`): its own crashed segment's journal. */
  resuming?: boolean;
}

export type ExposurePolicy = 'flatten' | 'adopt' | 'halt';

export interface ReconcileOptions {
  /** Shape of xarb client ids (default `<x + 8 hex>-<n>`, live-executor runTag). */
  clientIdPattern?: RegExp;
  exposurePolicy: ExposurePolicy;
  /** Base quantity per symbol below which exposure is dust (ignored). */
  dustQty: (symbol: string) => number;
  /** Expected balances per venue and asset (config or the last run's end); absent = not checked. */
  expectedBalances?: Partial<Record<Venue, Map<string, number>>>;
  /** Allowed |venue − expected| per asset, absolute. */
  balanceTolerance: (asset: string) => number;
  /**
   * The venues' answers to a query by client id (Binance GET /api/v3/order origClientOrderId,
   * Bybit /v5/order/realtime then /v5/order/history by orderLinkId) for in-flight orders of
   * earlier runs with no trace in the snapshots: key `venue|clientOrderId`, null = no such order.
   */
  lookups?: ReadonlyMap<string, VenueOrderView | null>;
  /** Local wall ms when the lookups were answered (with acceptDeadlineMs: "not placed"). */
  nowMs?: number;
  /** Local wall ms after which the venue can no longer accept a journaled order (timestamp + recvWindow + skew). */
  acceptDeadlineMs?: (o: JournaledOrder) => number;
  /** takenFillKey of xarb fills in no journal that an ended run took over (earlier-runs.ts): not counted again (an older `venue|tradeId` key: any symbol). */
  takenFills?: ReadonlySet<string>;
}

export interface Exposure {
  symbol: string;
  /** Net base quantity left by crashed runs: > 0 long, < 0 short. */
  netQty: number;
  /** Per venue, what the crashed runs' fills left there. */
  byVenue: Partial<Record<Venue, number>>;
  runs: string[];
  /** Average price of the fills that made it (0 when the venue gave none): the residual's entry price when adopted. */
  avgPx: number;
  /** Wall ms of the last fill that made it (the order's time when the venue listed no fills). */
  lastFillMs?: number;
  /** Base quantity the operator closed by hand after it (fills not xarb's, opposite side): already taken off netQty. */
  closedByHand?: number;
  /** takenFillKey (`venue|symbol|tradeId`) of the fills in no journal that made part of it (a taker's leftover.json `taken_fills`). */
  orphanFills?: string[];
  /** The orders those fills make (a taker's leftover.json `taken_orphans`: what it answers for while it has not ended). */
  orphanOrders?: TakenOrphan[];
}

/** An xarb order known only by its fills, as a taker records it (leftover.json `taken_orphans`). */
export interface TakenOrphan {
  venue: Venue;
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: number;
  avgPx: number;
  /** Wall ms of its first fill. */
  timeMs: number;
  /** Base-coin fees of its fills (what the account holds of it is qty less this; absent = 0). */
  baseFee?: number;
}

export interface FlattenOrder {
  venue: Venue;
  symbol: string;
  side: Side;
  qty: number;
}

export interface BalanceDrift {
  venue: Venue;
  asset: string;
  expected: number;
  actual: number;
}

export interface ReconcileVerdict {
  canTrade: boolean;
  /** Why not, one line each (also informative lines when canTrade). */
  reasons: string[];
  /** xarb orders still open at a venue: cancel before trading. */
  cancel: VenueOrderView[];
  /** In-flight orders of earlier runs resolved from the venue's word. */
  resolved: Array<{ order: JournaledOrder; runId: string; cumQty: number; status: string }>;
  /** In-flight orders of earlier runs with no trace at the venue yet (unknown-order.ts decides). */
  unresolved: Array<{ order: JournaledOrder; runId: string }>;
  /** In-flight orders of earlier runs the venue has no trace of after they could no longer be accepted: never placed. */
  notPlaced: Array<{ order: JournaledOrder; runId: string }>;
  /** xarb-shaped orders in no journal, their fills, and contradictory fills in no journal: these halt. */
  orphans: Array<VenueOrderView | VenueFillView>;
  /** xarb fills whose order neither a journal nor the venue's lists know, per client id: counted as leftover exposure. */
  orphanFills: Array<{ venue: Venue; clientOrderId: string; symbol: string; side: Side; qty: number; avgPx: number; fills: number }>;
  /** Exposure the operator closed by hand at the venue (fills not xarb's after it): not traded; a taker records it. */
  closed: Exposure[];
  /** The fills not xarb's of a counted symbol from its first part's last fill on (closing or undoing a close): the venue ledger remembers them (venue-ledger.ts). */
  handFills: VenueFillView[];
  /** The xarb fills in no journal counted as leftover exposure, one by one: the venue ledger remembers them. */
  orphanFillViews: VenueFillView[];
  /** The fills of journaled orders counted as leftover exposure, with their run: the venue ledger remembers them (base fees, older parts). */
  countedFills: Array<{ runId: string; fill: VenueFillView }>;
  /**
   * Orders found at the venues in a run's reserved id block without a send line, of runs that
   * have not ended: the start journals them in that run's WAL (earlier-runs.ts
   * journalReservedFinds), so they are not forgotten once the window moves past them.
   */
  foundInReserved: Array<{ runId: string; order: JournaledOrder }>;
  exposure: Exposure[];
  flatten: FlattenOrder[];
  /** Exposure adopted as a residual for the strategy to hedge. */
  adopt: Exposure[];
  drift: BalanceDrift[];
}

/** A fill-ledger fill as reconciliation sees it. */
export function fillView(f: VenueFill): VenueFillView {
  const v: VenueFillView = { venue: f.venue, symbol: f.symbol, tradeId: f.tradeId, orderId: f.orderId, clientOrderId: f.clientOrderId, side: f.side, qty: f.qty, price: f.price, timeMs: f.timeMs };
  if (f.fee > 0 && f.feeAsset !== '' && f.feeAsset === splitSymbol(f.symbol).base) v.baseFee = f.fee;
  return v;
}

/** What a fill moved the account's base by: its signed quantity less a fee charged in base. */
function baseMove(f: VenueFillView): number {
  return (f.side === 'buy' ? f.qty : -f.qty) - (f.baseFee ?? 0);
}

export const DEFAULT_CLIENT_ID_PATTERN = /^x[0-9a-f]{8}-\d+$/;

/**
 * A fill's key in leftover.json `taken_fills`: `venue|symbol|tradeId` (Binance numbers trades
 * per symbol, so a trade id alone names one fill per symbol).
 */
export function takenFillKey(venue: Venue, f: { symbol: string; tradeId: string }): string {
  return venue + '|' + f.symbol + '|' + f.tradeId;
}

/**
 * Whether a fill was taken over. A key without the symbol (`venue|tradeId`, leftover.json
 * written before keys named it) matches that venue's trade id on any symbol: those takers
 * answered for the fill they saw, and counting a taken fill again would trade it twice.
 */
export function fillTaken(taken: ReadonlySet<string>, venue: Venue, f: { symbol: string; tradeId: string }): boolean {
  return taken.size > 0 && (taken.has(takenFillKey(venue, f)) || taken.has(venue + '|' + f.tradeId));
}

/** The run id under which xarb fills in no journal are counted (no run folder has this name). */
export const UNJOURNALED_FILLS = '(xarb fills in no journal)';

/**
 * xarb fills whose order the venue's lists do not hold, as the order they make (per venue and
 * client id; fills already taken over left out), or why they contradict each other.
 */
function fillOnlyOrders(s: VenueSnapshot, pattern: RegExp, taken: ReadonlySet<string>, takenCids: ReadonlySet<string>): Array<{ view: VenueOrderView; fills: VenueFillView[]; why: string }> {
  // An order a taker answered for (by its fills) is known however the venue lists it now: any
  // fill of it the taker did not see counts like a fill in no list.
  const listed = new Set([...s.history, ...s.openOrders].map((o) => o.clientOrderId).filter((c) => !takenCids.has(c)));
  const byCid = new Map<string, VenueFillView[]>();
  for (const f of s.fills) {
    if (!pattern.test(f.clientOrderId) || listed.has(f.clientOrderId) || fillTaken(taken, s.venue, f)) continue;
    const list = byCid.get(f.clientOrderId);
    if (list === undefined) byCid.set(f.clientOrderId, [f]);
    else list.push(f);
  }
  const out: Array<{ view: VenueOrderView; fills: VenueFillView[]; why: string }> = [];
  for (const [cid, fills] of byCid) {
    const f0 = fills[0]!;
    let why = '';
    if (fills.some((f) => f.symbol !== f0.symbol || f.side !== f0.side)) why = 'its fills differ in symbol or side';
    else if (fills.some((f) => !(f.qty > 0 && f.price > 0 && Number.isFinite(f.qty * f.price)))) why = 'a fill with no positive quantity or price';
    const qty = fills.reduce((a, f) => a + f.qty, 0);
    const avg = qty > 0 ? fills.reduce((a, f) => a + f.qty * f.price, 0) / qty : 0;
    out.push({ fills, why, view: { venue: s.venue, symbol: f0.symbol, orderId: f0.orderId, clientOrderId: cid, side: f0.side, price: avg, qty, cumQty: qty,
      status: 'FILLED (from fills)', open: false, timeMs: Math.min(...fills.map((f) => f.timeMs)) } });
  }
  return out;
}

/**
 * Client ids of xarb orders some of whose fills an ended run took over (`taken_fills`): that
 * run answered for the order (counted when the lists and the fills were read at different
 * moments), so it is known, not an orphan, once the venue lists it.
 */
function takenOrderIds(s: VenueSnapshot, pattern: RegExp, taken: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const f of s.fills) if (pattern.test(f.clientOrderId) && fillTaken(taken, s.venue, f)) out.add(f.clientOrderId);
  return out;
}

/** The start-up decision. */
export function reconcileAtStart(snapshots: readonly VenueSnapshot[], runs: readonly EarlierRun[], opts: ReconcileOptions): ReconcileVerdict {
  const pattern = opts.clientIdPattern ?? DEFAULT_CLIENT_ID_PATTERN;
  const v: ReconcileVerdict = { canTrade: true, reasons: [], cancel: [], resolved: [], unresolved: [], notPlaced: [], orphans: [], orphanFills: [], closed: [], handFills: [], orphanFillViews: [], countedFills: [], foundInReserved: [],
    exposure: [], flatten: [], adopt: [], drift: [] };
  const taken = opts.takenFills ?? new Set<string>();
  const takenCids = snapshots.map((s) => takenOrderIds(s, pattern, taken));
  const fillOnly = snapshots.map((s, i) => fillOnlyOrders(s, pattern, taken, takenCids[i]!));
  // An xarb order at a venue inside a run's reserved id block but without its send line (the
  // line was lost in a machine crash) belongs to that run: it joins the run's orders.
  runs = runs.map((run) => {
    if (run.reserved === undefined || run.reserved.length === 0) return run;
    const have = new Set(run.orders.map((o) => o.venue + '|' + o.clientOrderId));
    const extra: JournaledOrder[] = [];
    for (const [i, s] of snapshots.entries()) {
      for (const o of [...s.history, ...s.openOrders, ...fillOnly[i]!.filter((x) => x.why === '').map((x) => x.view)]) {
        const k = s.venue + '|' + o.clientOrderId;
        if (have.has(k) || !inReservedBlock(run.reserved, o.clientOrderId)) continue;
        have.add(k);
        // An ended run (stopped cleanly, or taken over by a later start that counted it) has
        // answered for its exposure: its unjournaled orders are known, never counted again.
        extra.push({ clientOrderId: o.clientOrderId, venue: s.venue, symbol: o.symbol, side: o.side, price: o.price, qty: o.qty, sentMs: o.timeMs, final: null,
          ...(run.ended ? { takenBy: run.runId } : {}) });
      }
    }
    if (extra.length > 0 && !run.ended) for (const o of extra) v.foundInReserved.push({ runId: run.runId, order: o });
    if (extra.length > 0) {
      v.reasons.push(`${run.runId}: ${extra.length} order(s) found at the venues in its reserved ids without a send line (machine crash)` +
        (run.ended ? '; the run ended (or was taken over), so they are known and not counted again' : ''));
    }
    return extra.length === 0 ? run : { ...run, orders: [...run.orders, ...extra] };
  });
  const journaled = new Map<string, { order: JournaledOrder; run: EarlierRun }>();
  for (const run of runs) for (const o of run.orders) journaled.set(o.venue + '|' + o.clientOrderId, { order: o, run });
  const known = (venue: Venue, cid: string): boolean => journaled.has(venue + '|' + cid);
  // xarb fills whose order nobody knows: the venue's word that the exposure exists. Counted as
  // leftover exposure of their own (a crashed run's, in effect); contradictory ones halt.
  const unjournaled: JournaledOrder[] = [];
  const orphanFillKeys = new Map<string, string[]>();
  const orphanOrders = new Map<string, TakenOrphan[]>();
  for (const [i, s] of snapshots.entries()) {
    for (const x of fillOnly[i]!) {
      if (known(s.venue, x.view.clientOrderId)) continue;
      if (x.why !== '') {
        v.orphans.push(...x.fills);
        v.reasons.push(`${s.venue} ${x.view.clientOrderId}: xarb fills in no journal that contradict each other (${x.why})`);
        continue;
      }
      const o = x.view;
      unjournaled.push({ clientOrderId: o.clientOrderId, venue: s.venue, symbol: o.symbol, side: o.side, price: o.price, qty: o.qty, sentMs: o.timeMs, final: null });
      v.orphanFills.push({ venue: s.venue, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, qty: o.qty, avgPx: o.price, fills: x.fills.length });
      v.orphanFillViews.push(...x.fills);
      const keys = orphanFillKeys.get(o.symbol) ?? [];
      for (const f of x.fills) keys.push(takenFillKey(s.venue, f));
      orphanFillKeys.set(o.symbol, keys);
      const taken = orphanOrders.get(o.symbol) ?? [];
      const baseFee = x.fills.reduce((a, f) => a + (f.baseFee ?? 0), 0);
      taken.push({ venue: s.venue, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, qty: o.qty, avgPx: o.price, timeMs: o.timeMs, ...(baseFee > 0 ? { baseFee } : {}) });
      orphanOrders.set(o.symbol, taken);
    }
  }
  if (unjournaled.length > 0) {
    const unj: EarlierRun = { runId: UNJOURNALED_FILLS, ended: false, orders: unjournaled };
    runs = [...runs, unj];
    for (const o of unjournaled) journaled.set(o.venue + '|' + o.clientOrderId, { order: o, run: unj });
    v.reasons.push(`${v.orphanFills.length} xarb order(s) known only by their fills (in no run's journal, not in the venue's order lists): ` +
      v.orphanFills.slice(0, 5).map((o) => `${o.venue} ${o.clientOrderId} ${o.symbol} ${o.side} ${o.qty}`).join(', ') + '; their exposure is counted as leftover');
  }

  for (const [i, s] of snapshots.entries()) {
    const tookOver = takenCids[i]!;
    for (const o of s.openOrders) {
      if (!pattern.test(o.clientOrderId)) {
        v.reasons.push(`${s.venue}: open order ${o.orderId} (${o.symbol}) is not xarb's; left alone`);
        continue;
      }
      v.cancel.push(o);
      if (!known(s.venue, o.clientOrderId) && !tookOver.has(o.clientOrderId)) v.orphans.push(o);
    }
    for (const o of s.history) if (pattern.test(o.clientOrderId) && !known(s.venue, o.clientOrderId) && !tookOver.has(o.clientOrderId)) v.orphans.push(o);
    // (fills whose order is in no list, or whose order a taker answered for: above, as exposure or contradictory)
    const listed = new Set([...s.history, ...s.openOrders].map((o) => o.clientOrderId));
    for (const f of s.fills) {
      if (pattern.test(f.clientOrderId) && listed.has(f.clientOrderId) && !known(s.venue, f.clientOrderId) && !tookOver.has(f.clientOrderId)) v.orphans.push(f);
    }
  }

  // In-flight orders of earlier runs: what does the venue say?
  const fillsByCid = new Map<string, VenueFillView[]>();
  const historyByCid = new Map<string, VenueOrderView>();
  for (const s of snapshots) {
    for (const f of s.fills) {
      if (fillTaken(taken, s.venue, f)) continue;
      const k = s.venue + '|' + f.clientOrderId;
      const list = fillsByCid.get(k);
      if (list === undefined) fillsByCid.set(k, [f]);
      else list.push(f);
    }
    for (const o of [...s.history, ...s.openOrders]) historyByCid.set(s.venue + '|' + o.clientOrderId, o);
  }
  const lookups = opts.lookups ?? new Map<string, VenueOrderView | null>();
  for (const run of runs) {
    for (const o of run.orders) {
      // A taker run's reconciliation settled it when it took the run's exposure over. Fills in
      // no journal are the venue's word already.
      if (o.final !== null || o.takenBy !== undefined || run.runId === UNJOURNALED_FILLS) continue;
      const k = o.venue + '|' + o.clientOrderId;
      let h = historyByCid.get(k);
      const fills = fillsByCid.get(k) ?? [];
      const look = lookups.get(k);
      if (h === undefined && fills.length === 0 && look != null) {
        // Outside the snapshot's window (or its lists), the query by client id found it.
        h = look;
        historyByCid.set(k, look);
        if (look.open && !v.cancel.some((c) => c.venue === look.venue && c.clientOrderId === look.clientOrderId)) v.cancel.push(look);
      }
      if (h !== undefined && !h.open) v.resolved.push({ order: o, runId: run.runId, cumQty: h.cumQty, status: h.status });
      else if (h === undefined && fills.length > 0) {
        v.resolved.push({ order: o, runId: run.runId, cumQty: fills.reduce((a, f) => a + f.qty, 0), status: 'FILLED (from fills)' });
      } else if (h === undefined && look === null && opts.nowMs !== undefined && opts.acceptDeadlineMs !== undefined && opts.nowMs >= opts.acceptDeadlineMs(o)) {
        v.notPlaced.push({ order: o, runId: run.runId });
      } else if (h === undefined) v.unresolved.push({ order: o, runId: run.runId });
      // an open one is in v.cancel already; its fills so far count below
    }
  }

  // Exposure: the filled quantities (venue's word) of crashed runs' orders, and of orders a
  // cleanly stopped run left unresolved (nobody hedged what they filled), netted per symbol.
  const bySymbol = new Map<string, Exposure>();
  const pxSums = new Map<string, number>();
  const qtySums = new Map<string, number>();
  // Per part (a run's orders of a symbol, or one xarb order in no journal): its gross net, its
  // last fill, and per side (+1 buy, -1 sell) its gross quantity and base-coin fees.
  const runSteps = new Map<string, PartStep>();
  for (const run of runs) {
    for (const o of run.orders) {
      if (o.takenBy !== undefined || (run.ended && o.final !== null)) continue;
      const k = o.venue + '|' + o.clientOrderId;
      const venueFills = fillsByCid.get(k);
      const h = historyByCid.get(k);
      // A journaled order: the most any source says filled (the fills in the window can be only
      // the newer part of an order whose older fills left it; its history or WAL final knows the
      // whole). One known only by its fills: those not taken over (its history counts them all).
      const fillQty = venueFills !== undefined ? venueFills.reduce((a, f) => a + f.qty, 0) : 0;
      const venueQty = run.runId !== UNJOURNALED_FILLS ? Math.max(fillQty, h?.cumQty ?? 0, o.final?.cumQty ?? 0) :
        venueFills !== undefined ? fillQty : h?.cumQty ?? 0;
      // A clean stop answered for what it had applied of an unknown order; the rest is new.
      const qty = run.ended ? Math.max(0, venueQty - (o.knownAtStop ?? 0)) : venueQty;
      if (!(qty > 0)) continue;
      let e = bySymbol.get(o.symbol);
      if (e === undefined) bySymbol.set(o.symbol, (e = { symbol: o.symbol, netQty: 0, byVenue: {}, runs: [], avgPx: 0 }));
      const notional = (venueFills !== undefined ? venueFills.reduce((a, f) => a + f.qty * f.price, 0) + (venueQty - fillQty) * o.price : venueQty * o.price) * (qty / venueQty);
      const side = o.side === 'buy' ? 1 : -1;
      // Running average of the side that makes the exposure (the net's sign decides at the end).
      pxSums.set(o.symbol + '|' + side, (pxSums.get(o.symbol + '|' + side) ?? 0) + notional);
      qtySums.set(o.symbol + '|' + side, (qtySums.get(o.symbol + '|' + side) ?? 0) + qty);
      // Fees charged in the base coin (an order known only from the venue's lists, without
      // fills, states none): they come off its part (partOpen).
      const fee = (venueFills !== undefined ? venueFills.reduce((a, f) => a + (f.baseFee ?? 0), 0) : o.baseFee ?? 0) * (qty / venueQty);
      // The venue ledger keeps them (their base fee, their quantity) beyond the window.
      if (venueFills !== undefined && run.runId !== UNJOURNALED_FILLS) for (const f of venueFills) v.countedFills.push({ runId: run.runId, fill: f });
      const signed = o.side === 'buy' ? qty : -qty;
      e.netQty += signed;
      e.byVenue[o.venue] = (e.byVenue[o.venue] ?? 0) + signed;
      if (!e.runs.includes(run.runId)) e.runs.push(run.runId);
      const last = venueFills !== undefined ? Math.max(...venueFills.map((f) => f.timeMs)) : h !== undefined ? h.timeMs : o.sentMs;
      e.lastFillMs = Math.max(e.lastFillMs ?? 0, last);
      // Per run: what it left of the symbol and when (a close by hand nets each run's part from its
      // own last fill on). Each xarb order in no journal is a part of its own, timed by its own
      // last fill (they come from unrelated lost runs: a close by hand between two is real), also
      // once a taker took it over as its own (`takenOrphan`).
      const sk = o.symbol + '|' + run.runId + (run.runId === UNJOURNALED_FILLS || o.takenOrphan === true ? '|' + k : '');
      let st = runSteps.get(sk);
      if (st === undefined) runSteps.set(sk, (st = { symbol: o.symbol, t: last, net: 0, buyQty: 0, sellQty: 0, buyFee: 0, sellFee: 0, buyNotional: 0, sellNotional: 0 }));
      st.t = Math.max(st.t, last);
      st.net += signed;
      if (side > 0) {
        st.buyQty += qty;
        st.buyFee += fee;
        st.buyNotional += notional;
      } else {
        st.sellQty += qty;
        st.sellFee += fee;
        st.sellNotional += notional;
      }
    }
  }
  for (const e of bySymbol.values()) {
    const steps = [...runSteps.values()].filter((x) => x.symbol === e.symbol);
    // What the account holds of the parts: each part's net less its own base-coin fees in the
    // share its own hedge left open (a buy of 0.5 with a 0.0005 BTC fee leaves 0.4995; the fees
    // of a run's hedged pair are inventory drift, not exposure: positions.ts baseFees, as in a
    // clean run; partOpen). Per part, not over the sum: a long that paid its fee, closed by hand, then a
    // short leave the short whole, which the parts' total (nothing) cannot say.
    const held = steps.reduce((a, x) => a + partOpen(x), 0);
    e.netQty = held;
    const byHand = closedByHand(snapshots, pattern, e.symbol, steps);
    // Parts that net to nothing are nothing, unless a close by hand came between them (a crashed
    // long closed by hand, then a crashed short: the venue holds the short).
    const nets = Math.abs(held) <= opts.dustQty(e.symbol);
    // Every trade by hand that can net the counted parts, closing or not (one the other way
    // undoes a close): the venue ledger remembers them all, or it would keep a close alone.
    // Also when nothing is left and nothing closed: an earlier start may have remembered a
    // close that a trade seen only now undoes.
    v.handFills.push(...byHand.seen);
    if (nets && byHand.qty === 0) continue;
    const fk = e.runs.includes(UNJOURNALED_FILLS) ? orphanFillKeys.get(e.symbol) : undefined;
    if (fk !== undefined) {
      e.orphanFills = fk;
      e.orphanOrders = orphanOrders.get(e.symbol) ?? [];
    }
    const left = nets ? `${e.symbol} parts netting to nothing left by ${runsLabel(runs, e.runs)}` :
      `${e.symbol} ${held > 0 ? 'long' : 'short'} ${Math.abs(held)} left by ${runsLabel(runs, e.runs)}`;
    if (byHand.qty > 0) {
      // (of what the account held: a gross close of a fee-net long is all of it)
      e.closedByHand = nets ? byHand.qty : Math.min(byHand.qty, Math.abs(held));
      // What is left after the closes (each part's base fees came off it in the walk).
      e.netQty = byHand.left;
    }
    // The average price of the side the parts net to, or of the side left after the closes when
    // that is another (nothing, or the other side).
    const avgOf = (sign: number): number | null => {
      const k = e.symbol + '|' + sign;
      return (qtySums.get(k) ?? 0) > 0 ? pxSums.get(k)! / qtySums.get(k)! : null;
    };
    e.avgPx = avgOf(Math.sign(e.netQty)) ?? avgOf(Math.sign(held)) ?? 0;
    // After closes by hand, the price of what is still open (a long closed by hand, then a later
    // long: the later long's price, not the average of both).
    if (byHand.qty > 0 && byHand.leftPx > 0 && Math.abs(e.netQty) > opts.dustQty(e.symbol)) e.avgPx = byHand.leftPx;
    if (byHand.qty > 0) {
      if (Math.abs(e.netQty) <= opts.dustQty(e.symbol)) {
        v.closed.push(e);
        v.reasons.push(`${left}: closed by hand at the venue (${byHand.fills} fill(s) not xarb's since its last fill): nothing to do`);
        continue;
      }
      v.reasons.push(`${left}: ${byHand.qty} of it closed by hand at the venue (${byHand.fills} fill(s) not xarb's since its last fill)`);
    }
    v.exposure.push(e);
    const what = byHand.qty > 0 ? `${e.symbol} ${e.netQty > 0 ? 'long' : 'short'} ${Math.abs(e.netQty)} still open of it` : left;
    switch (opts.exposurePolicy) {
      case 'flatten':
        v.flatten.push(flattenOrder(e));
        v.reasons.push(`${what}: flattening`);
        break;
      case 'adopt':
        v.adopt.push(e);
        v.reasons.push(`${what}: adopted as a residual to hedge`);
        break;
      case 'halt':
        v.canTrade = false;
        v.reasons.push(`${what}: halting (exposure policy "halt")`);
        break;
    }
  }

  if (v.orphans.length > 0) {
    v.canTrade = false;
    v.reasons.push(`${v.orphans.length} xarb order(s)/fill(s) in no run's order journal (another instance on these keys, or a run without a WAL): ` +
      v.orphans.slice(0, 5).map((o) => `${o.venue} ${o.clientOrderId}`).join(', '));
  }
  if (v.unresolved.length > 0) {
    v.canTrade = false;
    v.reasons.push(`${v.unresolved.length} order(s) sent by earlier runs have no trace at the venue yet: ` +
      v.unresolved.slice(0, 5).map((u) => `${u.order.venue} ${u.order.clientOrderId} (${u.runId}; ${unresolvedWhy(u.order, lookups, opts)})`).join(', '));
  }
  if (v.notPlaced.length > 0) {
    v.reasons.push(`${v.notPlaced.length} order(s) of earlier runs never placed (no such order at the venue, and past timestamp + recvWindow): ` +
      v.notPlaced.slice(0, 5).map((u) => `${u.order.venue} ${u.order.clientOrderId} (${u.runId})`).join(', '));
  }
  if (v.cancel.length > 0) v.reasons.push(`${v.cancel.length} xarb order(s) still open: cancel before trading`);

  for (const s of snapshots) {
    const expected = opts.expectedBalances?.[s.venue];
    if (expected === undefined) continue;
    v.drift.push(...balanceDrift(s.venue, expected, s.balances, opts.balanceTolerance));
  }
  if (v.drift.length > 0) {
    v.canTrade = false;
    for (const d of v.drift) v.reasons.push(`${d.venue} ${d.asset}: venue says ${d.actual}, expected ${d.expected}`);
  }
  return v;
}

/** One part of a symbol's counted exposure (a run's orders, or one xarb order in no journal). */
interface PartStep {
  symbol: string;
  /** Wall ms of its last fill. */
  t: number;
  /** Signed gross quantity (buys less sells). */
  net: number;
  buyQty: number;
  sellQty: number;
  /** Base-coin fees of its buys and of its sells. */
  buyFee: number;
  sellFee: number;
  /** Quantity × price of its buys and of its sells. */
  buyNotional: number;
  sellNotional: number;
}

/**
 * What a part left in the account: its gross net less the base-coin fees of the side it nets
 * to, in the share its own hedge did not cover (a buy of 1 with a 0.001 fee hedged by a sell of
 * 0.5 leaves 0.4995: the hedged half's fee is inventory drift, as in a clean run and in the
 * running strategy, positions.ts). Fills in no journal are parts of one order each, whose hedge
 * nobody knows, so their fees all count (the same fills then give 0.499): the journal is what
 * tells a hedge's fee from exposure, and a crash must not turn a clean run's drift into a
 * refusal to start.
 */
function partOpen(p: PartStep): number {
  if (p.net === 0) return 0;
  const qty = p.net > 0 ? p.buyQty : p.sellQty;
  const fee = p.net > 0 ? p.buyFee : p.sellFee;
  return qty > 0 ? p.net - fee * Math.min(1, Math.abs(p.net) / qty) : p.net;
}

/** A part's price: the average of the side it nets to (0 when it states none). */
function partPrice(p: PartStep): number {
  const qty = p.net > 0 ? p.buyQty : p.sellQty;
  return qty > 0 ? (p.net > 0 ? p.buyNotional : p.sellNotional) / qty : 0;
}

/**
 * What the operator closed by hand of a symbol's exposure: the runs' parts (`steps`: each run's
 * net and its last fill) are added, each as the account holds it (partOpen: its own base-coin
 * fees taken off), in the order of their last fills, and the fills of the
 * symbol that are not xarb's (any venue, net of their base-coin fees), taken one by one in time
 * order, close what is open then (at most all of it). So a close of a
 * crashed run's leftover still counts when a later run (its taker, crashed too) traded the
 * symbol after it; a trade before a run's last fill (between the legs of its pairs) closes
 * nothing of that run. What a trade does not close is carried from the first part on,
 * so the trades by hand give the same leftover wherever an xarb part falls between them: the
 * operator's own running balance (a net going the way of what is open: his inventory) is
 * undone first by a later trade the other way, which closes only what goes beyond it; a trade
 * going against an earlier close undoes it (the exposure is open again) once it no longer closes
 * anything. Returns the quantity closed (net of the closes undone), how many fills took, what is
 * left, and every fill by hand from the first part's last fill on (`seen`: closing or not, for
 * the venue ledger).
 */
function closedByHand(snapshots: readonly VenueSnapshot[], pattern: RegExp, symbol: string,
  steps: readonly PartStep[]): { qty: number; fills: number; left: number; leftPx: number; seen: VenueFillView[] } {
  const manual: VenueFillView[] = [];
  for (const s of snapshots) for (const f of s.fills) if (f.symbol === symbol && !pattern.test(f.clientOrderId)) manual.push(f);
  const order = [...steps].sort((a, b) => a.t - b.t);
  const seen = order.length === 0 ? [] : manual.filter((f) => f.timeMs >= order[0]!.t);
  let open = 0;
  // Average entry price of what is open (average cost: a close keeps it, a part the same way
  // averages in, one the other way that flips it sets its own).
  let openPx = 0;
  // What the closes took off a long (sells) and off a short (buys), and the operator's own balance (signed).
  let closedLong = 0;
  let closedShort = 0;
  let own = 0;
  let n = 0;
  // `from` moved by `by` toward zero (exactly zero when it reaches it).
  const toward = (from: number, by: number): number => (Math.abs(from) - by <= 0 ? 0 : from - Math.sign(from) * by);
  // Trade by trade in time order (a window's trades netted first would let a sell and its
  // buy-back cancel before the buy could undo the operator's own earlier sale).
  manual.sort((a, b) => a.timeMs - b.timeMs);
  for (let i = 0; i < order.length; i++) {
    const p = partOpen(order[i]!);
    const px = partPrice(order[i]!);
    if (p !== 0 && px > 0) {
      if (open === 0 || Math.sign(p) === Math.sign(open)) openPx = (Math.abs(open) * openPx + Math.abs(p) * px) / (Math.abs(open) + Math.abs(p));
      else if (Math.abs(p) > Math.abs(open)) openPx = px;
    }
    open += p;
    const from = order[i]!.t;
    const to = i + 1 < order.length ? order[i + 1]!.t : Infinity;
    for (const f of manual) {
      if (!(f.timeMs >= from && f.timeMs < to)) continue;
      let m = baseMove(f);
      const dir = Math.sign(m);
      if (dir === 0) continue;
      // 1. The operator's own balance the other way is undone first.
      if (Math.sign(own) === -dir) {
        const d = Math.min(Math.abs(m), Math.abs(own));
        own = toward(own, d);
        m = toward(m, d);
      }
      // 2. Then what is open the other way is closed.
      if (m !== 0 && Math.sign(open) === -dir) {
        const c = Math.min(Math.abs(m), Math.abs(open));
        open = toward(open, c);
        if (dir < 0) closedLong += c;
        else closedShort += c;
        m = toward(m, c);
        n++;
      }
      // 3. Then earlier closes the other way are undone (a buy undoes a sell that closed a long): the exposure is open again.
      const undoable = dir > 0 ? closedLong : closedShort;
      if (m !== 0 && undoable > 0) {
        const u = Math.min(Math.abs(m), undoable);
        if (dir > 0) closedLong = toward(closedLong, u);
        else closedShort = toward(closedShort, u);
        open += dir * u;
        m = toward(m, u);
      }
      // 4. The rest is the operator's own.
      own += m;
    }
  }
  return { qty: closedLong + closedShort, fills: n, left: open, leftPx: openPx, seen };
}

/** "crashed run(s) a, b" / "the resumed run's crashed segment" / "run c's unresolved orders at its clean stop", for the reasons. */
function runsLabel(runs: readonly EarlierRun[], ids: readonly string[]): string {
  const parts: string[] = [];
  const crashed = ids.filter((id) => id !== UNJOURNALED_FILLS && runs.some((r) => r.runId === id && !r.ended && r.resuming !== true));
  if (crashed.length > 0) parts.push(`crashed run(s) ${crashed.join(', ')}`);
  if (ids.includes(UNJOURNALED_FILLS)) parts.push('xarb fills in no run\'s journal');
  for (const id of ids) {
    const r = runs.find((x) => x.runId === id);
    if (r?.resuming === true) parts.push(`run ${id} itself (the run being resumed${r.ended ? ': orders left unresolved at its stop' : ': its crashed segment'})`);
    else if (r?.ended === true) parts.push(`run ${id}'s orders left unresolved at its clean stop`);
  }
  return parts.join(' and ');
}

function unresolvedWhy(o: JournaledOrder, lookups: ReadonlyMap<string, VenueOrderView | null>, opts: ReconcileOptions): string {
  const look = lookups.get(o.venue + '|' + o.clientOrderId);
  if (look === undefined) return 'not asked of the venue';
  if (opts.acceptDeadlineMs === undefined) return 'no such order at the venue';
  return `no such order at the venue, but it may still be accepted until ${new Date(Math.ceil(opts.acceptDeadlineMs(o))).toISOString()}`;
}

/** Whether `cid` (`<tag>-<n>`) lies in one of the reserved blocks. */
export function inReservedBlock(reserved: ReadonlyArray<{ tag: string; from: number; to: number }>, cid: string): boolean {
  const dash = cid.lastIndexOf('-');
  const n = Number(cid.slice(dash + 1));
  return dash > 0 && reserved.some((r) => r.tag === cid.slice(0, dash) && n >= r.from && n <= r.to);
}

/** The IOC order that removes an exposure: sell a long (buy a short) where it sits. */
export function flattenOrder(e: Exposure): FlattenOrder {
  // The venue that holds most of it, so the flatten order does not need balance elsewhere.
  let venue: Venue = 'binance';
  let most = -Infinity;
  for (const [vn, q] of Object.entries(e.byVenue) as Array<[Venue, number]>) {
    const score = Math.sign(e.netQty) * q;
    if (score > most) {
      most = score;
      venue = vn;
    }
  }
  return { venue, symbol: e.symbol, side: e.netQty > 0 ? 'sell' : 'buy', qty: Math.abs(e.netQty) };
}

/**
 * Assets whose venue balance differs from the expected one by more than the tolerance. Used
 * at start and by the periodic check during the run (expected = start balances moved by the
 * fills xarb applied, FillLedger).
 */
export function balanceDrift(venue: Venue, expected: ReadonlyMap<string, number>, actual: ReadonlyMap<string, number>,
  tolerance: (asset: string) => number): BalanceDrift[] {
  const out: BalanceDrift[] = [];
  for (const [asset, exp] of expected) {
    const act = actual.get(asset) ?? 0;
    if (Math.abs(act - exp) > tolerance(asset)) out.push({ venue, asset, expected: exp, actual: act });
  }
  return out;
}

/** During the run: drift beyond tolerance on any venue → halt new entries (with the drifts for the alert). */
export function driftVerdict(drifts: readonly BalanceDrift[]): { halt: boolean; message: string } {
  if (drifts.length === 0) return { halt: false, message: '' };
  return {
    halt: true,
    message: 'balance drift: ' + drifts.map((d) => `${d.venue} ${d.asset} venue ${d.actual} vs expected ${d.expected} (Δ ${d.actual - d.expected})`).join('; '),
  };
}
