/**
 * MergedRecording: a k-way merge of several store files by local receive time, so the events
 * of both venues (and of every symbol) come out in the order the recorder saw them.
 *
 * Files are put on one timeline through their headers: every reader's `ts` is ns since a common
 * origin (the earliest header's wall time, whole ms), which also keeps the numbers small enough
 * for exact double arithmetic. Ties go to the file listed first (a stable merge).
 *
 * The pull API matches RecordingReader: nextSync() 1/0/-1 and async next(); the current event
 * is `current` (the reader that holds it). k is small (venues x symbols), so the minimum is
 * found by a scan rather than a heap.
 */
import { RecordingReader } from './recording-reader.js';

export class MergedRecording {
  /** The reader holding the current event (valid after next() returned 1). */
  current: RecordingReader | null = null;
  private currentIndex = -1;
  readonly originMs: number;
  /** Per reader: 1 = holds an unconsumed event, 0 = needs a refill, -1 = done. */
  private readonly state: Int8Array;

  private constructor(readonly readers: RecordingReader[]) {
    let origin = Infinity;
    for (const r of readers) origin = Math.min(origin, Math.floor(r.header.wall_ms));
    this.originMs = Number.isFinite(origin) ? origin : 0;
    for (const r of readers) r.setOrigin(this.originMs);
    this.state = new Int8Array(readers.length);
  }

  static async open(paths: readonly string[]): Promise<MergedRecording> {
    const readers: RecordingReader[] = [];
    try {
      for (const p of paths) readers.push(await RecordingReader.open(p));
    } catch (err) {
      for (const r of readers) r.close();
      throw err;
    }
    const m = new MergedRecording(readers);
    for (let i = 0; i < readers.length; i++) m.state[i] = await readers[i]!.next();
    return m;
  }

  /** Epoch ms of a merged `ts`. */
  wallOfTs(ts: number): number {
    return this.originMs + ts / 1e6;
  }

  /** 1: `current` holds the next event; 0: a reader needs a refill, call next(); -1: all done. */
  nextSync(): number {
    const readers = this.readers;
    const state = this.state;
    // consume the event handed out last time
    const prev = this.currentIndex;
    if (prev >= 0) {
      state[prev] = readers[prev]!.nextSync();
      this.current = null;
      this.currentIndex = -1;
    }
    let best = -1;
    let bestTs = Infinity;
    for (let i = 0; i < readers.length; i++) {
      const s = state[i]!;
      if (s === 0) return 0;
      if (s === 1 && readers[i]!.ts < bestTs) {
        bestTs = readers[i]!.ts;
        best = i;
      }
    }
    if (best < 0) return -1;
    this.current = readers[best]!;
    this.currentIndex = best;
    return 1;
  }

  async next(): Promise<number> {
    for (;;) {
      const s = this.nextSync();
      if (s !== 0) return s;
      // refill the readers that ran out of decoded lines
      for (let i = 0; i < this.readers.length; i++) {
        if (this.state[i] === 0) this.state[i] = await this.readers[i]!.next();
      }
    }
  }

  close(): void {
    for (const r of this.readers) r.close();
  }
}
