/**
 * The dislocation script of `npm run bench -- peer` and what its venue processes report,
 * shared by bench/peer.ts (the coordinator) and bench/peer-venue.ts (one per venue).
 */
export interface PlaySpec {
  count: number;
  everyMs: number;
  bps: number;
  durationMs: number;
}

export interface Arrival {
  venue: 'binance' | 'bybit';
  id: string;
  ns: string;
}

export interface Dislocation {
  venue: 'binance' | 'bybit';
  bps: number;
  /** Monotonic ns of the dislocating frame's write ('' if it never showed). */
  frameNs: string;
  arrivals: Arrival[];
}

/** What one venue process saw of a play: per dislocation, its frame stamp (own venue's only) and arrivals. */
export interface Played {
  frames: string[];
  arrivals: Array<Arrival & { i: number }>;
  droppedBacklogMs: number;
}

/** Dislocation i of a script: venue and direction (shared by bench/peer.ts). */
export function scriptLeg(i: number): { venue: 'binance' | 'bybit'; up: boolean } {
  return { venue: i % 2 === 0 ? 'binance' : 'bybit', up: i % 4 < 2 };
}
