/**
 * Live start-up: in-flight orders of earlier runs that the venues' snapshots (the look-back
 * window's order history, fills and open orders) show no trace of are asked of the venue by
 * client id (Binance `GET /api/v3/order` with `origClientOrderId`, Bybit `/v5/order/realtime`
 * then `/v5/order/history` with `orderLinkId`: account-rest.ts). The answers go to
 * reconcileAtStart (`lookups`), which settles each order by them: found → its fills count;
 * not found after `timestamp + recvWindow` → never placed.
 *
 * An order so young that the venue could still accept it (a restart seconds after a crash)
 * and not found yet is asked once more when its window has closed, if that is soon
 * (`maxWaitMs`); otherwise it stays unresolved and the start is refused with that reason.
 * At most `MAX_START_LOOKUPS` orders are asked (the rest stay unresolved: said in the reasons).
 *
 * The I/O comes in as functions (the query, the clock, the sleep), so tests drive it.
 */
import type { JournaledOrder, EarlierRun, VenueOrderView, VenueSnapshot } from './reconcile.js';
import { NOT_PLACED_MARGIN_MS } from './unknown-order.js';

/** Orders asked by client id at one start, at most (each costs a query of the venue's budget). */
export const MAX_START_LOOKUPS = 64;
/** Slack for the local clock against the clock the order was stamped with in an earlier run. */
export const START_CLOCK_MARGIN_MS = 1000;

export type OrderLookup = (o: JournaledOrder) => Promise<VenueOrderView | null>;

export interface StartLookupResult {
  /** `venue|clientOrderId` → the venue's order, or null (no such order). Absent: not asked (or the query failed). */
  answers: Map<string, VenueOrderView | null>;
  /** Local wall ms of the last answers. */
  atMs: number;
  /** Queries that failed, one line each. */
  failed: string[];
  /** In-flight orders not asked (over MAX_START_LOOKUPS). */
  skipped: number;
}

/** Local wall ms after which the venue can no longer accept `o` (its WAL `ts` is the local wall clock at send). */
export function startAcceptDeadlineMs(o: JournaledOrder, recvWindowMs: (venue: JournaledOrder['venue']) => number): number {
  return o.sentMs + recvWindowMs(o.venue) + NOT_PLACED_MARGIN_MS + START_CLOCK_MARGIN_MS;
}

/** In-flight orders of earlier runs (not taken over by a later run) with no trace in the snapshots. */
export function ordersToLookUp(snapshots: readonly VenueSnapshot[], runs: readonly EarlierRun[]): JournaledOrder[] {
  const seen = new Set<string>();
  for (const s of snapshots) {
    for (const o of s.history) seen.add(s.venue + '|' + o.clientOrderId);
    for (const o of s.openOrders) seen.add(s.venue + '|' + o.clientOrderId);
    for (const f of s.fills) seen.add(s.venue + '|' + f.clientOrderId);
  }
  const out: JournaledOrder[] = [];
  for (const r of runs) {
    for (const o of r.orders) if (o.final === null && o.takenBy === undefined && !seen.has(o.venue + '|' + o.clientOrderId)) out.push(o);
  }
  return out;
}

export async function lookUpInFlight(orders: readonly JournaledOrder[], lookup: OrderLookup, o: {
  nowMs: () => number;
  deadlineMs: (o: JournaledOrder) => number;
  sleep: (ms: number) => Promise<void>;
  /** Longest wait for a young order's window to close before asking again. */
  maxWaitMs: number;
}): Promise<StartLookupResult> {
  const out: StartLookupResult = { answers: new Map(), atMs: o.nowMs(), failed: [], skipped: Math.max(0, orders.length - MAX_START_LOOKUPS) };
  const ask = async (list: readonly JournaledOrder[]): Promise<void> => {
    for (const x of list) {
      const k = x.venue + '|' + x.clientOrderId;
      try {
        out.answers.set(k, await lookup(x));
      } catch (e) {
        out.answers.delete(k);
        out.failed.push(`${x.venue} ${x.clientOrderId}: ${(e as Error).message}`);
      }
    }
    out.atMs = o.nowMs();
  };
  const asked = orders.slice(0, MAX_START_LOOKUPS);
  await ask(asked);
  // Not found, but the venue could still accept it: ask again once its window has closed.
  const young = asked.filter((x) => out.answers.get(x.venue + '|' + x.clientOrderId) === null && o.deadlineMs(x) > out.atMs);
  if (young.length > 0) {
    const until = Math.max(...young.map((x) => o.deadlineMs(x)));
    if (until - out.atMs <= o.maxWaitMs) {
      await o.sleep(until - out.atMs + 1);
      await ask(young);
    }
  }
  return out;
}
