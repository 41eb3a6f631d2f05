/**
 * A venue's account history over a span longer than one query may cover: Binance's
 * `myTrades` / `allOrders` take at most 24 h between `startTime` and `endTime`, Bybit's
 * `/v5/execution/list` and `/v5/order/history` at most 7 days. The span is read as
 * consecutive windows of `HISTORY_WINDOW_MS` from its start, each read from its start page
 * by page (account-rest.ts fromId / orderId / cursor paging), and the rows merged, each once
 * (orders by venue order id, the latest state kept; fills by order and trade id). A venue that
 * answers a start-only query with that start's bounded window is covered window by window; one
 * that answers with everything since gives the later windows again (merged away: the price is
 * re-read pages, fine for an offline check, bounded per read by MAX_HISTORY_PAGES). Bounded: at most
 * `MAX_HISTORY_WINDOWS` windows (a longer span is an error, never a silent truncation).
 * For `npm run soak -- --check-run` on a run longer than a day.
 */
import type { VenueSnapshot } from '../execution/reconcile.js';

/** Under both venues' per-query bounds (Binance 24 h). */
export const HISTORY_WINDOW_MS = 23 * 3600_000;
/** 90 days of 23 h windows. */
export const MAX_HISTORY_WINDOWS = 94;

/** The window starts covering [sinceMs, nowMs]. */
export function historyWindows(sinceMs: number, nowMs: number, windowMs = HISTORY_WINDOW_MS): number[] {
  const out: number[] = [];
  for (let w = sinceMs; out.length === 0 || w < nowMs; w += windowMs) {
    if (out.length >= MAX_HISTORY_WINDOWS) throw new Error(`history from ${new Date(sinceMs).toISOString()}: more than ${MAX_HISTORY_WINDOWS} windows of ${windowMs} ms`);
    out.push(w);
  }
  return out;
}

/**
 * `read(windowStart)` reads the venue's history from that start (and its balances and open
 * orders, kept from the last read): the snapshots of every window, merged.
 */
export async function snapshotOverSpan(read: (sinceMs: number) => Promise<VenueSnapshot>, sinceMs: number, nowMs: number,
  windowMs = HISTORY_WINDOW_MS): Promise<VenueSnapshot> {
  let merged: VenueSnapshot | null = null;
  const orders = new Map<string, VenueSnapshot['history'][number]>();
  const fills = new Map<string, VenueSnapshot['fills'][number]>();
  for (const w of historyWindows(sinceMs, nowMs, windowMs)) {
    const s = await read(w);
    for (const o of s.history) orders.set(o.orderId, o);
    for (const f of s.fills) fills.set(f.orderId + '|' + f.tradeId, f);
    merged = { venue: s.venue, balances: s.balances, openOrders: s.openOrders, history: [], fills: [] };
  }
  merged!.history = [...orders.values()];
  merged!.fills = [...fills.values()];
  return merged!;
}
