/**
 * RecordingWriter: appends frame and snapshot lines to the store's day files, one gzip stream
 * per (venue, market, symbol), and rolls to a new file at UTC midnight (decided from each
 * line's wall time, derived from its `t` through the writer's clock anchor).
 *
 * Durability: `flush()` ends the current gzip member of every open file (the next line starts
 * a new member in the same file; gunzip reads concatenated members as one stream), so after a
 * flush every file on disk is a complete, valid .gz. `close()` flushes and closes everything.
 * Compressed bytes go to the file with writeSync as zlib emits them, so once a member's 'end'
 * fires its bytes are in the OS, whatever happens to this process next.
 *
 * A process killed mid-write leaves its file ending in a torn member. Before the first byte
 * is appended to an existing file, the writer finds the end of its last complete member
 * (gzip-members.ts: decoded backward from the end, so the cost is about the last member or
 * two, bounded by the flush interval) and cuts what follows; the cut is reported through
 * `warn` and counted (`tornTailsCut`, `tornBytesCut`, `tornLinesLost`). New members then follow
 * a sound one, so a reader never meets a torn member in the middle of a file this writer
 * appended to, and readers keep reading one file per day.
 */
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { fdReader, lastCompleteEnd, type TailCheck } from './gzip-members.js';
import { MS_PER_DAY, dateStartMs, frameLine, headerLine, pathFor, snapshotLine, utcDate, type RecordingSource } from './store.js';

/** Maps `t` to the wall clock: wall_ms(t) = wallMs + (t - monoNs) / 1e6. */
export interface ClockAnchor {
  monoNs: number;
  wallMs: number;
}

/** For imports, `t` is already epoch ns. */
export const EPOCH_ANCHOR: ClockAnchor = { monoNs: 0, wallMs: 0 };

export interface RecordingWriterOptions {
  dataDir: string;
  source: RecordingSource;
  anchor: ClockAnchor;
  /** gzip level (default 6, zlib's default). */
  level?: number;
  /** Where a torn tail cut before appending is reported (default: stderr). */
  warn?: (message: string) => void;
}

export class RecordingWriteError extends Error {
  override readonly name = 'RecordingWriteError';
}

/** A turn in a day file's write order: the repair of an existing file, then gzip members. */
interface Turn {
  held: Buffer[];
  ended: boolean;
  /** Resolves once every byte of this member (and of the ones before it) is in the file. */
  written: Promise<void>;
  markWritten: () => void;
}

/** One gzip member of a day file; its output waits its turn behind earlier members. */
interface Member extends Turn {
  gz: Gzip;
}

function newTurn(): Turn {
  let markWritten = (): void => undefined;
  const written = new Promise<void>((resolve) => (markWritten = resolve));
  return { held: [], ended: false, written, markWritten };
}

/**
 * One open day file. Members are written strictly one after another: zlib works off the main
 * thread, so a new member's first bytes can be ready before the previous member's last ones.
 * Only the oldest unfinished member writes; later ones hold their output until it ends.
 */
class DayFile {
  private current: Member | null = null;
  private readonly queue: Turn[] = [];
  private fd: number;
  private error: Error | null = null;

  constructor(
    readonly filePath: string,
    private readonly level: number,
    onCut: (file: string, tail: TailCheck) => void,
  ) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    // Append: a writer restarted the same day adds members (with a fresh header) to the file,
    // once a torn tail left by a crash is cut (members written meanwhile hold their bytes).
    this.fd = openSync(filePath, 'a+');
    const size = fstatSync(this.fd).size;
    if (size > 0) {
      const repair = newTurn();
      this.queue.push(repair);
      const fd = this.fd;
      lastCompleteEnd(fdReader(fd), size)
        .then((tail) => {
          if (tail.end < size) {
            ftruncateSync(fd, tail.end);
            onCut(filePath, tail);
          }
        })
        .catch((err: Error) => onCut(filePath, { end: -1, size, torn: { ok: false, start: -1, lines: 0, why: err.message } }))
        .finally(() => this.finish(repair));
    }
  }

  write(text: string): void {
    if (this.error) throw new RecordingWriteError(`${this.filePath}: ${this.error.message}`);
    let m = this.current;
    if (m === null) m = this.current = this.newMember();
    m.gz.write(text);
  }

  private newMember(): Member {
    const m: Member = { ...newTurn(), gz: createGzip({ level: this.level }) };
    this.queue.push(m);
    m.gz.on('data', (chunk: Buffer) => {
      if (this.queue[0] === m) this.put(chunk);
      else m.held.push(chunk);
    });
    m.gz.on('error', (err) => {
      this.error = err;
      this.finish(m);
    });
    m.gz.on('end', () => this.finish(m));
    return m;
  }

  private put(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
  }

  private finish(m: Turn): void {
    if (m.ended) return;
    m.ended = true;
    // Pass the turn on: write what the next members held, and finish those already done.
    while (this.queue.length > 0 && this.queue[0]!.ended) {
      this.queue.shift()!.markWritten();
      const next = this.queue[0];
      if (next) {
        for (const c of next.held) this.put(c);
        next.held.length = 0;
      }
    }
  }

  /** Ends the current member; resolves once every ended member's bytes are in the file. */
  flush(): Promise<void> {
    const m = this.current;
    this.current = null;
    if (m !== null) m.gz.end();
    const last = this.queue[this.queue.length - 1];
    return last === undefined ? Promise.resolve() : last.written;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * Where one series' lines go. Holds its current day file and that day's bounds, so the
 * per-line check is two comparisons.
 */
export class RecordingChannel {
  private file: DayFile | null = null;
  private dayStart = Infinity;
  private dayEnd = -Infinity;
  lines = 0;

  constructor(
    private readonly writer: RecordingWriter,
    readonly venue: string,
    readonly market: string,
    readonly symbol: string,
    readonly streams: string[],
  ) {}

  frame(tNs: number, text: string): void {
    this.fileFor(tNs).write(frameLine(tNs, text));
    this.lines++;
  }

  snapshot(tNs: number, text: string, url: string): void {
    this.fileFor(tNs).write(snapshotLine(tNs, text, url));
    this.lines++;
  }

  private fileFor(tNs: number): DayFile {
    const wall = this.writer.wallOf(tNs);
    if (this.file !== null && wall >= this.dayStart && wall < this.dayEnd) return this.file;
    return this.roll(tNs, wall);
  }

  private roll(tNs: number, wall: number): DayFile {
    if (this.file !== null) this.writer.retire(this.file);
    const date = utcDate(wall);
    this.dayStart = dateStartMs(date);
    this.dayEnd = this.dayStart + MS_PER_DAY;
    const file = this.writer.openDay(pathFor(this.writer.dataDir, this.venue, this.market, this.symbol, date));
    file.write(
      headerLine({ t: Math.round(tNs), wall_ms: wall, venue: this.venue, market: this.market, symbol: this.symbol, streams: this.streams, source: this.writer.source }),
    );
    this.file = file;
    return file;
  }

  /** @internal */ current(): DayFile | null {
    return this.file;
  }

  /** @internal */ detach(): void {
    this.file = null;
    this.dayStart = Infinity;
    this.dayEnd = -Infinity;
  }
}

export class RecordingWriter {
  readonly dataDir: string;
  readonly source: RecordingSource;
  private readonly anchor: ClockAnchor;
  private readonly level: number;
  private readonly channels = new Map<string, RecordingChannel>();
  private readonly retiring: Promise<void>[] = [];
  private closed = false;
  private readonly warn: (message: string) => void;
  /** Day files whose torn tail was cut before appending, and the bytes and whole lines cut. */
  tornTailsCut = 0;
  tornBytesCut = 0;
  tornLinesLost = 0;

  constructor(opts: RecordingWriterOptions) {
    this.dataDir = opts.dataDir;
    this.source = opts.source;
    this.anchor = { monoNs: opts.anchor.monoNs, wallMs: opts.anchor.wallMs };
    this.level = opts.level ?? 6;
    this.warn = opts.warn ?? ((m) => process.stderr.write(`xarb: ${m}\n`));
  }

  /** The channel of one series (created on first use; streams are recorded in its headers). */
  channel(venue: string, market: string, symbol: string, streams: string[] = []): RecordingChannel {
    if (this.closed) throw new RecordingWriteError('writer is closed');
    const key = venue.toLowerCase() + '/' + market.toLowerCase() + '/' + symbol.toUpperCase();
    let ch = this.channels.get(key);
    if (!ch) {
      ch = new RecordingChannel(this, venue.toLowerCase(), market.toLowerCase(), symbol.toUpperCase(), streams);
      this.channels.set(key, ch);
    }
    return ch;
  }

  /** Epoch ms of a `t` value. */
  wallOf(tNs: number): number {
    return this.anchor.wallMs + (tNs - this.anchor.monoNs) / 1e6;
  }

  /** "venue/market/SYMBOL" of every channel opened. */
  seriesNames(): string[] {
    return [...this.channels.keys()];
  }

  /** Total lines written (headers excluded). */
  get lines(): number {
    let n = 0;
    for (const ch of this.channels.values()) n += ch.lines;
    return n;
  }

  /** Ends every open gzip member: every file is then a complete .gz. */
  async flush(): Promise<void> {
    const all: Promise<void>[] = [];
    for (const ch of this.channels.values()) {
      const f = ch.current();
      if (f) all.push(f.flush());
    }
    await Promise.all(all);
    await Promise.all(this.retiring);
  }

  /** Flushes and closes every file; the writer cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all: Promise<void>[] = [];
    for (const ch of this.channels.values()) {
      const f = ch.current();
      ch.detach();
      if (f) all.push(f.close());
    }
    await Promise.all(all);
    await Promise.all(this.retiring);
  }

  /** @internal */ openDay(filePath: string): DayFile {
    return new DayFile(filePath, this.level, (file, tail) => this.tornTail(file, tail));
  }

  private tornTail(file: string, tail: TailCheck): void {
    if (tail.end < 0) {
      this.warn(`${file}: could not check for a torn gzip member before appending (${tail.torn?.why}); appending anyway, a reader steps over one`);
      return;
    }
    const cut = tail.size - tail.end;
    const lines = tail.torn?.lines ?? 0;
    this.tornTailsCut++;
    this.tornBytesCut += cut;
    this.tornLinesLost += lines;
    const why = tail.torn !== null ? tail.torn.why : 'no readable gzip member header';
    this.warn(
      `${file}: cut ${cut} byte${cut === 1 ? '' : 's'} after the last complete gzip member (ends at byte ${tail.end}): ` +
        `a writer stopped mid-write left it torn (${why}); ${lines} whole line${lines === 1 ? '' : 's'} in it, and any partial one, are lost`,
    );
  }

  /** @internal A file left behind by a midnight roll: closed in the background. */
  retire(file: DayFile): void {
    this.retiring.push(file.close());
  }
}
