/**
 * The strategy's side of the feed in a backtest: top-of-book updates on their way from the
 * venue to the bot. The venue-side book changes at exchange time; the same update reaches the
 * strategy at its local time (receive time + the configured extra feed latency). One FIFO per
 * venue, as one connection delivers its frames in order: a local time earlier than the one
 * before it is raised to it (counted in `reordered`).
 *
 * Typed-array ring, grown by doubling when full (rare: it holds one feed latency of updates).
 */
import { grownRing } from './typed-ring.js';

const W = 9; // words per entry: localNs, symbol, exchMs, bidPx, bidSz, askPx, askSz, flags, recvNs

/** flags: the book was usable (the feed's FLAG_USABLE) when the update was sent. */
export const LF_USABLE = 1;
/** flags: a change of usability only (the feed's BOOK_STATE record), no prices. */
export const LF_STATE = 2;

export class LocalFeedQueue {
  private buf: Float64Array;
  private cap: number;
  private head = 0;
  private size = 0;
  private lastNs = -Infinity;
  /** Updates whose local time was raised to keep the venue's FIFO order. */
  reordered = 0;
  /**
   * Nothing is delivered before this (the strategy thread of a replayed session started
   * reading only then: what arrived earlier waits in its ring). The entry keeps its own time.
   */
  notBeforeNs = -Infinity;

  constructor(capacity = 1024) {
    this.cap = capacity;
    this.buf = new Float64Array(capacity * W);
  }

  get length(): number {
    return this.size;
  }

  /** Local time of the next update, Infinity when empty. */
  headNs(): number {
    if (this.size === 0) return Infinity;
    const t = this.buf[this.head * W]!;
    return t > this.notBeforeNs ? t : this.notBeforeNs;
  }

  /** `recvNs`: the receive time the strategy is told (default the local time; a session replay delivers at the session's read time). */
  push(localNs: number, symbol: number, exchMs: number, bidPx: number, bidSz: number, askPx: number, askSz: number, flags: number, recvNs = localNs): void {
    if (localNs < this.lastNs) {
      localNs = this.lastNs;
      this.reordered++;
    }
    this.lastNs = localNs;
    if (this.size === this.cap) this.grow();
    const o = ((this.head + this.size) % this.cap) * W;
    const b = this.buf;
    b[o] = localNs;
    b[o + 1] = symbol;
    b[o + 2] = exchMs;
    b[o + 3] = bidPx;
    b[o + 4] = bidSz;
    b[o + 5] = askPx;
    b[o + 6] = askSz;
    b[o + 7] = flags;
    b[o + 8] = recvNs < localNs ? recvNs : localNs;
    this.size++;
  }

  /** Word `k` of the head entry (0 localNs, 1 symbol, 2 exchMs, 3 bidPx, 4 bidSz, 5 askPx, 6 askSz, 7 flags, 8 recvNs). */
  peek(k: number): number {
    return this.buf[this.head * W + k]!;
  }

  pop(): void {
    this.head = (this.head + 1) % this.cap;
    this.size--;
  }

  private grow(): void {
    this.buf = grownRing(this.buf, this.cap, this.head, this.size, W);
    this.head = 0;
    this.cap *= 2;
  }
}
