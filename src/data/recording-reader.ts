/**
 * RecordingReader: streams the events of one store series (one file, or the day files of one
 * (venue, market, symbol) in date order) without loading a file whole. Pull API, shared by the
 * backtest engine, `xarb data cat` and the merge:
 *
 *   const r = await RecordingReader.open(file);      // or openSeries([day1, day2, ...])
 *   for (;;) {
 *     let s = r.nextSync();            // 1 = an event is loaded, -1 = end
 *     if (s === 0) s = await r.next(); // 0 = the decompressed chunk is used up: refill (async)
 *     if (s < 0) break;
 *     ...
 *   }
 *
 * The current event: `kind` (EV_FRAME / EV_SNAPSHOT), `ts` (exact ns on the merge timeline),
 * the frame bytes `frame[0, frameLen)` (what the venues' byte parsers read; no string is made),
 * or `snapshotText`/`url`. `text` builds a string of either, for callers off the hot path.
 *
 * Lines are decoded byte by byte (store-line.ts): `t` stays exact even as epoch ns (> 2^53),
 * split into seconds and ns. Header lines (first line of every file, and again where a writer
 * appended) re-anchor `t` to the wall clock and are not events. Damage is tolerated and
 * reported, never thrown: a file cut short (recorder killed, partial download) ends where its
 * data ends and sets `truncated`; a torn gzip member with complete ones after it (a writer
 * killed mid-write, then restarted the same day, before writers cut torn tails) is counted in
 * `tornMembers` and stepped over, reading resumes at the next complete member; an unreadable
 * line is skipped and counted in `badLines`;
 * `problem` says what happened first. Data with no header before it cannot be placed in time:
 * that is a RecordingReadError.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { constants as zlibConstants, createGunzip, type Gunzip } from 'node:zlib';
import { firstTear } from './gzip-members.js';
import { StoreError, type RecordingHeader, type RecordingSource } from './store.js';
import { LINE_FRAME, LINE_HEADER, LINE_SNAPSHOT, StoreLineDecoder } from './store-line.js';

export const EV_FRAME = LINE_FRAME;
export const EV_SNAPSHOT = LINE_SNAPSHOT;
/** A frame line the reader's skipFrame filter matched: time only, its frame not decoded. */
export const EV_SKIPPED = 4;

/** Looks at a frame still escaped in its store line, buf[from, end): true = skip decoding it. */
export type FrameLineFilter = (buf: Buffer, from: number, end: number) => boolean;

export class RecordingReadError extends StoreError {}

/** Bytes [start, end) of a file (end -1: to its end) read as one gunzip stream. */
interface Segment {
  start: number;
  end: number;
  /** A torn member: decoded as far as it goes, its cut last line dropped. */
  sync: boolean;
  /** Decoded bytes to drop first (already read before a tear forced a replay). */
  skip: number;
  /** Decoded bytes this stream produced so far (skipped ones included). */
  produced: number;
}

const DEFAULT_CHUNK = 256 * 1024;
const NEWLINE = Buffer.from('\n');
const EMPTY = Buffer.alloc(0);

export class RecordingReader {
  /** The latest header seen. */
  header: RecordingHeader = { t: 0, wall_ms: 0, venue: '', market: '', symbol: '', streams: [], source: 'record' };

  // the current event
  /** EV_FRAME or EV_SNAPSHOT. */
  kind = 0;
  /** Local receive time as stored, as a double (exact below 2^53 ns; `ts` is always exact). */
  t = 0;
  /** `t` on the merge timeline: ns since `originMs` (see setOrigin), through the header anchor. */
  ts = 0;
  /** Snapshot URL (EV_SNAPSHOT), '' otherwise. */
  url = '';
  /** Index in the series of the file being read. */
  fileIndex = -1;
  /**
   * Frame lines this filter matches come out as EV_SKIPPED events (time set, frame not
   * unescaped: `frame` is then stale): for a consumer that would drop them unread, e.g. a
   * top-of-book backtest and depth frames. A damaged line it matches is not counted in badLines.
   */
  skipFrame: FrameLineFilter | null = null;

  // problems and counters
  truncated = false;
  /** Torn gzip members met (a writer stopped mid-write); each also sets `truncated`. */
  tornMembers = 0;
  /**
   * Decoded bytes handed out from past a torn member before the tear was found (files written
   * before writers cut torn tails only): garbage, possibly well-formed repeats of earlier lines.
   */
  garbledBytes = 0;
  badLines = 0;
  problem: string | null = null;
  eventsRead = 0;
  /** Decompressed bytes read so far. */
  bytesRead = 0;

  private readonly decoder = new StoreLineDecoder();
  private originMs = 0;
  // anchor: header t (sec, nsec) is at (wall_ms - originMs) ms on the merge timeline
  private anchorSec = 0;
  private anchorNsec = 0;
  private baseNs = 0;
  /** True once the current file's header has been read. */
  private anchored = false;
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** buf[0, end) holds decompressed data (buf may be the larger, reused `work`). */
  private end = 0;
  /**
   * Where a line cut by a chunk's end is joined to the next chunk, reused: a new buffer per
   * chunk (Buffer.concat) doubled the external memory churn, and with it V8's full GCs.
   */
  private work: Buffer = EMPTY;
  private ended = false;
  private file: ReadStream | null = null;
  private gunzip: Gunzip | null = null;
  private it: AsyncIterator<Buffer> | null = null;
  /** The byte range of the current file being decoded, and the ones planned after it. */
  private segment: Segment = { start: 0, end: -1, sync: false, skip: 0, produced: 0 };
  private segments: Segment[] = [];

  private constructor(
    readonly files: readonly string[],
    private readonly chunkBytes: number,
  ) {}

  /** Opens one file and reads its header line. */
  static open(filePath: string, chunkBytes = DEFAULT_CHUNK): Promise<RecordingReader> {
    return RecordingReader.openSeries([filePath], chunkBytes);
  }

  /** Opens the files of one series (read one after the other) and reads the first header. */
  static async openSeries(files: readonly string[], chunkBytes = DEFAULT_CHUNK): Promise<RecordingReader> {
    if (files.length === 0) throw new RecordingReadError('no files to read');
    const r = new RecordingReader(files, chunkBytes);
    // Load up to the first event (or the end) so the header is known before anyone asks.
    let s = 0;
    try {
      s = r.nextSync();
      while (s === 0) s = await r.step();
    } catch (err) {
      r.close();
      throw err;
    }
    if (!r.anchored && r.fileIndex === 0) {
      r.close();
      throw new RecordingReadError(`${files[0]}: no header line${r.problem !== null ? ` (${r.problem})` : ''}`);
    }
    r.pending = s;
    return r;
  }

  /** The event loaded by open() is handed out by the first nextSync() (1), or the end (-1). */
  private pending = 0;

  /** Sets the merge origin (epoch ms): `ts` = ns since then. Default 0 (then `ts` is epoch ns, inexact). */
  setOrigin(originMs: number): void {
    this.originMs = originMs;
    this.baseNs = (this.header.wall_ms - originMs) * 1e6;
    // the event open() loaded: recompute from its exact parts (shifting ts would lose them)
    if (this.pending === 1) this.ts = this.baseNs + (this.decoder.tSec - this.anchorSec) * 1e9 + (this.decoder.tNsec - this.anchorNsec);
  }

  /** Epoch ms of a stored `t` (through the current header). */
  wallOf(tNs: number): number {
    return this.header.wall_ms + (tNs - this.header.t) / 1e6;
  }

  /** Epoch ms of the current event, exact to the ns. */
  wallMs(): number {
    return this.header.wall_ms + ((this.decoder.tSec - this.anchorSec) * 1e9 + (this.decoder.tNsec - this.anchorNsec)) / 1e6;
  }

  /** Frame bytes of the current EV_FRAME event: frame[0, frameLen). Reused by the next event. */
  get frame(): Buffer {
    return this.decoder.out;
  }

  get frameLen(): number {
    return this.decoder.frameLen;
  }

  /** REST response text of the current EV_SNAPSHOT event. */
  get snapshotText(): string {
    const o = this.decoder.obj;
    return o !== null && typeof o['snapshot'] === 'string' ? o['snapshot'] : '';
  }

  /** Frame or snapshot text as a string (allocates: not for the hot path). */
  get text(): string {
    return this.kind === EV_FRAME ? this.decoder.out.toString('utf8', 0, this.decoder.frameLen) : this.snapshotText;
  }

  /** 1: the next event is loaded; 0: the chunk is used up, call next(); -1: end of the series. */
  nextSync(): number {
    if (this.pending !== 0) {
      const p = this.pending;
      this.pending = 0;
      return p;
    }
    const d = this.decoder;
    for (;;) {
      const buf = this.buf;
      const start = this.pos;
      const nl = buf.indexOf(10, start);
      if (nl < 0 || nl >= this.end) return this.ended ? -1 : 0;
      this.pos = nl + 1;
      if (nl === start) continue;
      if (!d.decodeTime(buf, start)) {
        this.bad(buf, start, nl);
        continue;
      }
      if (this.skipFrame !== null && this.anchored) {
        const f = d.frameAt(buf, start, nl);
        if (f >= 0 && this.skipFrame(buf, f, nl)) {
          this.kind = EV_SKIPPED;
          this.t = d.tSec * 1e9 + d.tNsec;
          this.ts = this.baseNs + (d.tSec - this.anchorSec) * 1e9 + (d.tNsec - this.anchorNsec);
          this.url = '';
          this.eventsRead++;
          return 1;
        }
      }
      const kind = d.decodeBody(buf, start, nl);
      if (kind === LINE_FRAME || kind === LINE_SNAPSHOT) {
        if (!this.anchored) throw this.noHeader(buf, start, nl);
        this.kind = kind;
        this.t = d.tSec * 1e9 + d.tNsec;
        this.ts = this.baseNs + (d.tSec - this.anchorSec) * 1e9 + (d.tNsec - this.anchorNsec);
        this.url = kind === LINE_SNAPSHOT && typeof d.obj!['url'] === 'string' ? d.obj!['url'] : '';
        this.eventsRead++;
        return 1;
      }
      if (kind === LINE_HEADER && this.setHeader(d.obj!, d.tSec, d.tNsec)) continue;
      this.bad(buf, start, nl);
    }
  }

  /** Like nextSync, but refills when needed: 1 or -1. */
  async next(): Promise<number> {
    let s = this.nextSync();
    while (s === 0) s = await this.step();
    return s;
  }

  /** Async iteration over events (convenience; the pull API is cheaper). */
  async *[Symbol.asyncIterator](): AsyncGenerator<RecordingReader> {
    while ((await this.next()) > 0) yield this;
  }

  close(): void {
    this.ended = true;
    this.buf = EMPTY;
    this.work = EMPTY;
    this.pos = 0;
    this.end = 0;
    this.pending = 0;
    this.closeFile();
  }

  /** Refills the buffer, opening the next file when one ends; then nextSync() again. */
  private async step(): Promise<number> {
    await this.fill();
    return this.nextSync();
  }

  private setHeader(o: Record<string, unknown>, tSec: number, tNsec: number): boolean {
    const wall = o['wall_ms'];
    if (typeof wall !== 'number' || !Number.isFinite(wall)) return false;
    this.header = {
      t: tSec * 1e9 + tNsec,
      wall_ms: wall,
      venue: String(o['venue'] ?? ''),
      market: String(o['market'] ?? ''),
      symbol: String(o['symbol'] ?? ''),
      streams: Array.isArray(o['streams']) ? o['streams'].map(String) : [],
      source: (typeof o['source'] === 'string' ? o['source'] : 'record') as RecordingSource,
    };
    this.anchorSec = tSec;
    this.anchorNsec = tNsec;
    this.baseNs = (wall - this.originMs) * 1e6;
    this.anchored = true;
    return true;
  }

  private bad(buf: Buffer, start: number, end: number): void {
    // The last line of a cut file is the usual suspect; it is counted, never fatal.
    this.badLines++;
    if (this.problem === null) {
      const cut = end - start > 80;
      this.problem = `${this.files[this.fileIndex]}: unreadable line: ${buf.toString('utf8', start, cut ? start + 80 : end)}${cut ? '…' : ''}`;
    }
  }

  private noHeader(buf: Buffer, start: number, end: number): RecordingReadError {
    const line = buf.toString('utf8', start, Math.min(end, start + 80));
    return new RecordingReadError(`${this.files[this.fileIndex]}: not a store header ({"t","wall_ms",...}) before the data: ${line}`);
  }

  /** Appends the next decompressed chunk; at the end of a file, moves to the next one. */
  private async fill(): Promise<void> {
    for (;;) {
      if (this.ended) return;
      if (this.it === null && !this.openNext()) {
        this.ended = true;
        return;
      }
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it!.next();
      } catch (err) {
        // zlib's "unexpected end of file" (a gzip member cut short), bad data where a torn
        // member runs into the next one, or the file vanished.
        this.truncated = true;
        this.closeFile();
        // the partial line in buf stays: the replay from the torn member's plan continues it
        if (!this.segment.sync && (await this.planAroundTear(err as Error))) continue;
        if (this.problem === null) this.problem = `${this.files[this.fileIndex]}: truncated: ${(err as Error).message}`;
        if (this.pos < this.end) this.badLines++; // the partial last line is dropped
        this.buf = EMPTY;
        this.pos = 0;
        this.end = 0;
        continue;
      }
      if (r.done) {
        this.closeFile();
        if (this.segment.sync) {
          if (this.pos < this.end) {
            // the torn member's last line was cut by the crash: dropped, counted
            this.badLines++;
            this.pos = this.end;
          }
          // Skip left over: before its error, the first stream decoded bytes past the tear as
          // if they continued the torn member. Such output is garbage, yet its back-references
          // copy earlier text, so it can hold well-formed copies of earlier lines: told, counted.
          if (this.segment.skip > 0) {
            this.garbledBytes += this.segment.skip;
            const note = `${this.files[this.fileIndex]}: ${this.segment.skip} decoded bytes after a torn gzip member were garbage (read before the tear was found; lines in them may repeat earlier ones)`;
            this.problem = this.problem === null ? note : `${this.problem}; ${note}`;
          }
        }
        if (this.segments.length > 0) {
          this.openStream(this.segments.shift()!);
          continue;
        }
        // a file that does not end with a newline: its last line stands alone
        if (this.pos < this.end) {
          this.buf = Buffer.concat([this.buf.subarray(this.pos, this.end), NEWLINE]);
          this.pos = 0;
          this.end = this.buf.length;
          return;
        }
        continue;
      }
      let chunk = r.value;
      this.segment.produced += chunk.length;
      if (this.segment.skip > 0) {
        // replayed from a member start: what this reader already had is dropped
        const n = Math.min(this.segment.skip, chunk.length);
        this.segment.skip -= n;
        if (n === chunk.length) continue;
        chunk = chunk.subarray(n);
      }
      this.bytesRead += chunk.length;
      this.append(chunk);
      return;
    }
  }

  /** The unread rest of buf, then chunk, as buf[0, end). */
  private append(chunk: Buffer): void {
    const rest = this.end - this.pos;
    if (rest <= 0) {
      this.buf = chunk;
      this.pos = 0;
      this.end = chunk.length;
      return;
    }
    const need = rest + chunk.length;
    let w = this.work;
    if (w.length < need) {
      w = Buffer.allocUnsafeSlow(need + (need >> 2));
      this.buf.copy(w, 0, this.pos, this.end);
      this.work = w;
    } else if (this.buf === w) {
      w.copyWithin(0, this.pos, this.end);
    } else {
      this.buf.copy(w, 0, this.pos, this.end);
    }
    chunk.copy(w, rest);
    this.buf = w;
    this.pos = 0;
    this.end = need;
  }

  /**
   * After a decode error: finds the torn member (walking members from where this segment
   * started) and plans the rest of the file around it, resuming at the exact decoded byte this
   * reader reached (a gunzip stream's error drops the output it had buffered): the complete
   * members up to the tear again (what was already read skipped), the torn member's readable
   * start (decoded as far as it goes; its cut last line dropped), then, when a complete member
   * follows (a writer restarted the same day appended behind the tear: files written before
   * writers cut torn tails), the rest of the file. Nothing is read twice. False = no tear found.
   */
  private async planAroundTear(err: Error): Promise<boolean> {
    const file = this.files[this.fileIndex]!;
    const seg = this.segment;
    const tear = await firstTear(file, seg.start).catch(() => null);
    if (tear === null) return false;
    this.tornMembers++;
    if (this.problem === null) {
      this.problem = tear.resume < 0
        ? `${file}: truncated: ${tear.why} at byte ${tear.at} of ${tear.size} (${err.message}); read up to there`
        : `${file}: gzip member torn at byte ${tear.at} (${tear.why}: a writer stopped mid-write); ` +
          `its readable start kept, reading resumed at byte ${tear.resume}, the next complete member`;
    }
    const have = seg.produced;
    const plan: Segment[] = [];
    if (have < tear.out) {
      let m = tear.members[0]!;
      for (const x of tear.members) if (x.out <= have) m = x;
      plan.push({ start: m.start, end: tear.at, sync: false, skip: have - m.out, produced: 0 });
    }
    plan.push({ start: tear.at, end: tear.resume < 0 ? tear.size : tear.resume, sync: true, skip: Math.max(0, have - tear.out), produced: 0 });
    if (tear.resume >= 0) plan.push({ start: tear.resume, end: -1, sync: false, skip: 0, produced: 0 });
    this.segments = plan;
    this.openStream(this.segments.shift()!);
    return true;
  }

  private openNext(): boolean {
    if (this.fileIndex + 1 >= this.files.length) return false;
    this.fileIndex++;
    this.segments = [];
    this.openStream({ start: 0, end: -1, sync: false, skip: 0, produced: 0 });
    this.anchored = false; // every file starts with its own header
    this.buf = EMPTY;
    this.pos = 0;
    this.end = 0;
    return true;
  }

  /** Reads one byte range of the current file (the whole file unless a tear was met). */
  private openStream(seg: Segment): void {
    this.segment = seg;
    const range = seg.end < 0 ? { start: seg.start } : { start: seg.start, end: seg.end - 1 };
    const file = createReadStream(this.files[this.fileIndex]!, { highWaterMark: this.chunkBytes, ...range });
    // a torn member: decode as far as its bytes go, without "unexpected end of file"
    const gunzip = createGunzip({ chunkSize: this.chunkBytes, finishFlush: seg.sync ? zlibConstants.Z_SYNC_FLUSH : zlibConstants.Z_FINISH });
    // pipe() does not forward source errors: a missing file must end the gunzip stream.
    file.on('error', (err) => gunzip.destroy(err));
    file.pipe(gunzip);
    this.file = file;
    this.gunzip = gunzip;
    this.it = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private closeFile(): void {
    this.it = null;
    this.gunzip?.destroy();
    this.file?.destroy();
    this.gunzip = null;
    this.file = null;
  }
}
