/**
 * What a book-sync step did with a frame or a snapshot. The feed worker switches on it:
 * APPLIED / RESET -> publish the book; BUFFERED / IGNORED -> nothing; GAP / CROSSED /
 * OVERFLOW -> mark the book unusable and resync (Binance: fetch a REST snapshot; Bybit:
 * resubscribe or wait for the next snapshot); REFETCH -> fetch the REST snapshot again.
 */
export const SYNC_APPLIED = 0;
export const SYNC_BUFFERED = 1;
export const SYNC_IGNORED = 2;
export const SYNC_GAP = 3;
export const SYNC_REFETCH = 4;
export const SYNC_CROSSED = 5;
export const SYNC_OVERFLOW = 6;
/** The book was (re)built from a snapshot and is usable. */
export const SYNC_RESET = 7;
export const SYNC_NAMES: readonly string[] = ['applied', 'buffered', 'ignored', 'gap', 'refetch', 'crossed', 'overflow', 'reset'];

/** True when the caller must discard its view of the book and resync. */
export function syncNeedsResync(result: number): boolean {
  return result === SYNC_GAP || result === SYNC_CROSSED || result === SYNC_OVERFLOW;
}

/** Plain numeric counters every book-sync object carries (read by the feed worker's metrics). */
export interface SyncCounters {
  applied: number;
  buffered: number;
  ignored: number;
  gaps: number;
  crossed: number;
  resyncs: number;
  snapshots: number;
}

/** A REST depth snapshot, normalised (not hot: built with JSON.parse). */
export interface DepthSnapshot {
  lastUpdateId: number;
  bids: [number, number][];
  asks: [number, number][];
  /** Exchange time of the snapshot in ms (Binance futures `E`, Bybit `ts`); 0 if absent. */
  exchMs: number;
}
