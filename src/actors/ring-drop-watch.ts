/**
 * Rate limit for "ring dropped records" lines: a drop-oldest ring that overflows can drop
 * thousands of records a second, and one log/journal line per drop would bury everything
 * else. The supervisor feeds each ring's cumulative drop counter once a second; this says
 * when to write a line (at most one per ring per window) and how many drops it covers.
 * Pure: the time comes in as an argument.
 */
export const RING_DROP_WINDOW_MS = 10_000;

export interface RingDropLine {
  ring: string;
  /** Drops since the previous line for this ring. */
  delta: number;
  /** The ring's drop counter (since start). */
  total: number;
  windowMs: number;
}

export class RingDropWatch {
  private readonly reported = new Map<string, { total: number; atMs: number }>();

  constructor(private readonly windowMs = RING_DROP_WINDOW_MS) {}

  /** `total` is the ring's cumulative drop counter; returns a line to write, or null. */
  observe(ring: string, total: number, nowMs: number): RingDropLine | null {
    const last = this.reported.get(ring) ?? { total: 0, atMs: -Infinity };
    if (total <= last.total) return null;
    if (nowMs - last.atMs < this.windowMs) return null;
    this.reported.set(ring, { total, atMs: nowMs });
    return { ring, delta: total - last.total, total, windowMs: this.windowMs };
  }
}
