/**
 * The backtest's look-ahead (docs/backtest.md, "Look-ahead"): one venue's market events received
 * but not yet applied to its venue-side book, in the order the venue sent them. The engine
 * applies them at their exchange time, which can be earlier than events of the other venue
 * received before them; so events wait here until no later-received event can have an earlier
 * exchange time (HFTBacktest keeps the same two orders with separate exchange-side and local-side
 * cursors over its data).
 *
 * A typed-array ring of entries and a byte arena for the frames, both grown by doubling when
 * full and reused afterwards: nothing is allocated per event once they hold a look-ahead's worth.
 */
import { grownRing } from './typed-ring.js';

export const IN_FRAME = 0;
export const IN_QUOTE = 1;
export const IN_SNAPSHOT = 2;

/** Words per entry: kind, recvNs, seq, byte start (absolute), len | symbol, exchMs, bidPx, bidSz, askPx, askSz. */
const W = 11;

export class VenueInbox {
  private ring: Float64Array;
  private cap: number;
  private head = 0;
  private size = 0;
  /** Frame bytes: absolute byte k is at arena[k - origin]; the live ones are [base, end). */
  private arena: Buffer;
  private origin = 0;
  private base = 0;
  private end = 0;
  /** The head frame, copied to offset 0 (the parsers read a frame from the start of a buffer). */
  private scratch: Buffer;
  /** Snapshot texts (rare: one per Binance resync), in order. */
  private readonly texts: string[] = [];

  constructor(capacity = 1024, arenaBytes = 1 << 20) {
    this.cap = capacity;
    this.ring = new Float64Array(capacity * W);
    this.arena = Buffer.alloc(arenaBytes);
    this.scratch = Buffer.alloc(64 * 1024);
  }

  get length(): number {
    return this.size;
  }

  pushFrame(recvNs: number, seq: number, buf: Buffer, len: number): void {
    if (this.end + len - this.origin > this.arena.length) this.makeRoom(len);
    buf.copy(this.arena, this.end - this.origin, 0, len);
    const o = this.slot(IN_FRAME, recvNs, seq);
    this.ring[o + 3] = this.end;
    this.ring[o + 4] = len;
    this.end += len;
  }

  pushQuote(recvNs: number, seq: number, symbol: number, exchMs: number, bidPx: number, bidSz: number, askPx: number, askSz: number): void {
    const o = this.slot(IN_QUOTE, recvNs, seq);
    const r = this.ring;
    r[o + 4] = symbol;
    r[o + 5] = exchMs;
    r[o + 6] = bidPx;
    r[o + 7] = bidSz;
    r[o + 8] = askPx;
    r[o + 9] = askSz;
  }

  pushSnapshot(recvNs: number, seq: number, symbol: number, text: string): void {
    const o = this.slot(IN_SNAPSHOT, recvNs, seq);
    this.ring[o + 4] = symbol;
    this.texts.push(text);
  }

  /** Word k of the head entry (0 kind, 1 recvNs, 2 seq, 4 len or symbol, 5 exchMs, 6 bidPx, 7 bidSz, 8 askPx, 9 askSz). */
  peek(k: number): number {
    return this.ring[this.head * W + k]!;
  }

  /** The head frame's bytes from offset 0 (valid until the next call); its length is peek(4). */
  headFrame(): Buffer {
    const o = this.head * W;
    const len = this.ring[o + 4]!;
    if (len > this.scratch.length) this.scratch = Buffer.alloc(Math.max(len, this.scratch.length * 2));
    const from = this.ring[o + 3]! - this.origin;
    this.arena.copy(this.scratch, 0, from, from + len);
    return this.scratch;
  }

  /** The head snapshot's text. */
  headText(): string {
    return this.texts[0]!;
  }

  pop(): void {
    const o = this.head * W;
    const kind = this.ring[o]!;
    if (kind === IN_SNAPSHOT) this.texts.shift();
    this.head = (this.head + 1) % this.cap;
    this.size--;
    if (kind === IN_FRAME) {
      this.base = this.ring[o + 3]! + this.ring[o + 4]!;
      if (this.base === this.end) this.origin = this.end; // no frame left: the arena starts over at its start
    }
  }

  private slot(kind: number, recvNs: number, seq: number): number {
    if (this.size === this.cap) this.grow();
    const o = ((this.head + this.size) % this.cap) * W;
    const r = this.ring;
    r[o] = kind;
    r[o + 1] = recvNs;
    r[o + 2] = seq;
    this.size++;
    return o;
  }

  private grow(): void {
    this.ring = grownRing(this.ring, this.cap, this.head, this.size, W);
    this.head = 0;
    this.cap *= 2;
  }

  /** Moves the live bytes to the arena's start, growing it when they would fill more than half of it. */
  private makeRoom(len: number): void {
    const live = this.end - this.base;
    const at = this.base - this.origin;
    let size = this.arena.length;
    while (live + len > size / 2) size *= 2;
    if (size !== this.arena.length) {
      const next = Buffer.alloc(size);
      this.arena.copy(next, 0, at, at + live);
      this.arena = next;
    } else {
      this.arena.copyWithin(0, at, at + live);
    }
    this.origin = this.base;
  }
}
