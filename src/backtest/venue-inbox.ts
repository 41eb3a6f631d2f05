/**
 * The backtest's look-ahead (docs/backtest.md, "Look-ahead"): one venue's market events received
 * but not yet applied to its venue-side book, in the order the venue sent them. The engine
 * applies them at their exchange time, which can be earlier than events of the other venue
 * received before them; so events wait here until no later-received event can have an earlier
 * exchange time (HFTBacktest keeps the same two orders with separate exchange-side and local-side
 * cursors over its data).
 *
 * A typed-array ring of entries, and a ring of frame buffers (one per queued frame, each frame at
 * offset 0 of its own buffer, so the parser reads it where it lies: one copy per frame, at
 * receipt). Both grow by doubling when full and are reused afterwards (a slot's buffer grows when
 * a frame does not fit): nothing is allocated per event once they hold a look-ahead's worth.
 */
import { grownRing } from './typed-ring.js';

export const IN_FRAME = 0;
export const IN_QUOTE = 1;
export const IN_SNAPSHOT = 2;

/** Words per entry: kind, recvNs, seq, (unused), len | symbol, exchMs, bidPx, bidSz, askPx, askSz. */
const W = 11;

export class VenueInbox {
  private ring: Float64Array;
  private cap: number;
  private head = 0;
  private size = 0;
  /** Queued frames' bytes, in order: frame k of the queue is frames[(fHead + k) % frames.length][0, len). */
  private frames: Buffer[];
  private fHead = 0;
  private fSize = 0;
  /** Initial size of a frame buffer (grown to a power of two when a frame does not fit). */
  private readonly frameBytes: number;
  /** Snapshot texts (rare: one per Binance resync), in order. */
  private readonly texts: string[] = [];

  constructor(capacity = 1024, frameBytes = 1024) {
    this.cap = capacity;
    this.ring = new Float64Array(capacity * W);
    this.frameBytes = frameBytes;
    this.frames = [];
    for (let i = 0; i < 16; i++) this.frames.push(Buffer.alloc(frameBytes));
  }

  get length(): number {
    return this.size;
  }

  pushFrame(recvNs: number, seq: number, buf: Buffer, len: number): void {
    if (this.fSize === this.frames.length) this.growFrames();
    const at = (this.fHead + this.fSize) % this.frames.length;
    let dst = this.frames[at]!;
    if (dst.length < len) {
      let n = dst.length;
      while (n < len) n *= 2;
      dst = this.frames[at] = Buffer.alloc(n);
    }
    // the whole buffer: TypedArray set, without Buffer.copy's range view of the source
    if (len === buf.length) dst.set(buf);
    else buf.copy(dst, 0, 0, len);
    this.fSize++;
    const o = this.slot(IN_FRAME, recvNs, seq);
    this.ring[o + 4] = len;
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

  /** The head frame's bytes from offset 0 (valid until it is popped); its length is peek(4). */
  headFrame(): Buffer {
    return this.frames[this.fHead]!;
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
      this.fHead = (this.fHead + 1) % this.frames.length;
      this.fSize--;
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

  /** Twice as many frame buffers, the queued ones first, in order (their buffers move, not their bytes). */
  private growFrames(): void {
    const n = this.frames.length;
    const next: Buffer[] = [];
    for (let i = 0; i < n; i++) next.push(this.frames[(this.fHead + i) % n]!);
    for (let i = 0; i < n; i++) next.push(Buffer.alloc(this.frameBytes));
    this.frames = next;
    this.fHead = 0;
  }
}
