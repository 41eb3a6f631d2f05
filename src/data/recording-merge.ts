/**
 * MergedRecording: a k-way merge of several store series by local receive time, so the events
 * of both venues (and of every symbol) come out in the order the recorder saw them. It is the
 * one merge of store data: `xarb data` and the backtest engine both read through it.
 *
 * Series are put on one timeline through their headers: every reader's `ts` is exact ns since
 * a common origin (by default the earliest header's wall time, whole ms), which also keeps the
 * numbers small enough for exact double arithmetic. An optional per-series offset is added to
 * the merge key (the backtest's feed latency per venue). Ties go to the series listed first (a
 * stable merge).
 *
 * The pull API matches RecordingReader: nextSync() 1/0/-1 and async next(); the current event
 * is `current` (the reader that holds it), `currentIndex` its series, `currentTs` its merge
 * key. k is small (venues x symbols), so the minimum is found by a scan rather than a heap.
 */
import { RecordingReader } from './recording-reader.js';

export interface MergeOptions {
  /** Epoch ms of ts = 0 (default: the earliest header's wall time, whole ms). */
  originMs?: number;
  /** Per series, ns added to its events' ts for ordering (default 0). */
  offsetsNs?: ArrayLike<number>;
}

/** A series' damage as MergedRecording.problems() reports it, or null when it read clean. */
export function seriesProblem(r: { truncated: boolean; badLines: number; problem: string | null }): string | null {
  if (!r.truncated && r.badLines === 0) return null;
  return `${r.problem ?? 'damaged'} (${r.badLines} unreadable line${r.badLines === 1 ? '' : 's'} skipped)`;
}

export class MergedRecording {
  /** The reader holding the current event (valid after next() returned 1). */
  current: RecordingReader | null = null;
  /** Series index of the current event, -1 when there is none. */
  currentIndex = -1;
  /** Merge key of the current event: its reader's ts plus the series offset. */
  currentTs = 0;
  readonly originMs: number;
  /** Per reader: 1 = holds an unconsumed event, 0 = needs a refill, -1 = done. */
  private readonly state: Int8Array;
  private readonly offsets: Float64Array;

  private constructor(readonly readers: RecordingReader[], o: MergeOptions) {
    let origin = Infinity;
    for (const r of readers) origin = Math.min(origin, Math.floor(r.header.wall_ms));
    this.originMs = o.originMs ?? (Number.isFinite(origin) ? origin : 0);
    for (const r of readers) r.setOrigin(this.originMs);
    this.state = new Int8Array(readers.length);
    this.offsets = new Float64Array(readers.length);
    if (o.offsetsNs !== undefined) for (let i = 0; i < readers.length; i++) this.offsets[i] = o.offsetsNs[i] ?? 0;
  }

  /** One file per series. */
  static open(paths: readonly string[], o: MergeOptions = {}): Promise<MergedRecording> {
    return MergedRecording.openSeries(paths.map((p) => [p]), o);
  }

  /** Each series is a list of files read one after the other (e.g. its day files in date order). */
  static async openSeries(series: readonly (readonly string[])[], o: MergeOptions = {}): Promise<MergedRecording> {
    const readers: RecordingReader[] = [];
    try {
      for (const files of series) readers.push(await RecordingReader.openSeries(files));
    } catch (err) {
      for (const r of readers) r.close();
      throw err;
    }
    const m = new MergedRecording(readers, o);
    for (let i = 0; i < readers.length; i++) m.state[i] = await readers[i]!.next();
    return m;
  }

  /**
   * Merge key of the event the next nextSync() will hand out, without consuming it; NaN when
   * there is none or a reader needs a refill (right after openSeries every reader is loaded).
   */
  peekTs(): number {
    if (this.currentIndex >= 0) return NaN;
    let best = NaN;
    for (let i = 0; i < this.readers.length; i++) {
      const s = this.state[i]!;
      if (s === 0) return NaN;
      if (s === 1) {
        const ts = this.readers[i]!.ts + this.offsets[i]!;
        if (!(ts >= best)) best = ts;
      }
    }
    return best;
  }

  /** Epoch ms of a merged `ts`. */
  wallOfTs(ts: number): number {
    return this.originMs + ts / 1e6;
  }

  /** 1: `current` holds the next event; 0: a reader needs a refill, call next(); -1: all done. */
  nextSync(): number {
    const readers = this.readers;
    const state = this.state;
    const offsets = this.offsets;
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
      if (s === 1) {
        const ts = readers[i]!.ts + offsets[i]!;
        if (ts < bestTs) {
          bestTs = ts;
          best = i;
        }
      }
    }
    if (best < 0) return -1;
    this.current = readers[best]!;
    this.currentIndex = best;
    this.currentTs = bestTs;
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

  /** What went wrong while reading, one line per damaged series (empty when all was clean). */
  problems(): string[] {
    const out: string[] = [];
    for (const r of this.readers) {
      const p = seriesProblem(r);
      if (p !== null) out.push(p);
    }
    return out;
  }

  close(): void {
    for (const r of this.readers) r.close();
  }
}
