/**
 * RecordingReader: streams the lines of one store file (.jsonl.gz) without loading it whole,
 * in batches of decompressed chunks. Pull API for the backtest engine:
 *
 *   const r = await RecordingReader.open(file);
 *   for (;;) {
 *     let s = r.nextSync();            // 1 = an event is in r.t/r.kind/r.text/r.url, -1 = end
 *     if (s === 0) s = await r.next(); // 0 = the batch is used up: refill (async), then same
 *     if (s < 0) break;
 *     ...
 *   }
 *
 * Header lines (also found mid-file, where a writer appended) re-anchor the wall clock and are
 * not events. A file cut short (a recorder killed mid-write, a partial download) ends where
 * its data ends: `truncated` is set and `problem` says why; it never throws for that.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, type Gunzip } from 'node:zlib';
import { StoreError, type RecordingHeader } from './store.js';

export const EV_FRAME = 1;
export const EV_SNAPSHOT = 2;

export class RecordingReadError extends StoreError {}

interface LineObject {
  t?: unknown;
  f?: unknown;
  snapshot?: unknown;
  url?: unknown;
  wall_ms?: unknown;
}

export class RecordingReader {
  /** The latest header seen (the first line of the file, or one appended later). */
  header: RecordingHeader;

  // the current event
  /** Local receive time as stored (ns). */
  t = 0;
  /** `t` on the merge timeline: ns since `originMs` (see setOrigin), through the header anchor. */
  ts = 0;
  kind = 0;
  /** Frame text (EV_FRAME) or REST response text (EV_SNAPSHOT). */
  text = '';
  /** Snapshot URL (EV_SNAPSHOT), '' otherwise. */
  url = '';

  // problems
  truncated = false;
  badLines = 0;
  problem: string | null = null;
  eventsRead = 0;

  private originMs = 0;
  /** (wall_ms - originMs) * 1e6 - header.t: add `t` to get `ts`. */
  private tsOffset = 0;
  private lines: string[] = [];
  private pos = 0;
  private rest = '';
  /** Keeps a UTF-8 character split across two chunks whole. */
  private readonly decoder = new StringDecoder('utf8');
  private ended = false;
  private readonly it: AsyncIterator<Buffer>;
  private readonly file: ReadStream;
  private readonly gunzip: Gunzip;

  private constructor(
    readonly path: string,
    file: ReadStream,
    gunzip: Gunzip,
  ) {
    this.file = file;
    this.gunzip = gunzip;
    this.it = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.header = { t: 0, wall_ms: 0, venue: '', market: '', symbol: '', streams: [], source: 'record' };
  }

  /** Opens a file and reads its header line. */
  static async open(filePath: string, chunkBytes = 256 * 1024): Promise<RecordingReader> {
    const file = createReadStream(filePath, { highWaterMark: chunkBytes });
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    const r = new RecordingReader(filePath, file, gunzip);
    // pipe() does not forward source errors: a missing file must end the gunzip stream.
    file.on('error', (err) => gunzip.destroy(err));
    file.pipe(gunzip);
    while (r.pos >= r.lines.length && !r.ended) await r.fill();
    const first = r.lines[r.pos];
    if (first === undefined) {
      r.close();
      throw new RecordingReadError(`${filePath}: no header line${r.problem ? ` (${r.problem})` : ''}`);
    }
    let o: (LineObject & RecordingHeader) | null = null;
    try {
      o = JSON.parse(first) as LineObject & RecordingHeader;
    } catch {
      o = null;
    }
    if (o === null || typeof o.wall_ms !== 'number' || typeof o.t !== 'number') {
      r.close();
      throw new RecordingReadError(`${filePath}: the first line is not a store header ({"t","wall_ms",...})`);
    }
    r.pos++;
    r.setHeader(o);
    return r;
  }

  /** Sets the merge origin (epoch ms): `ts` = ns since then. Default 0. */
  setOrigin(originMs: number): void {
    this.originMs = originMs;
    this.tsOffset = (this.header.wall_ms - originMs) * 1e6 - this.header.t;
  }

  /** Epoch ms of a stored `t` (through the current header). */
  wallOf(tNs: number): number {
    return this.header.wall_ms + (tNs - this.header.t) / 1e6;
  }

  /** 1: the next event is loaded; 0: the batch is used up, call next(); -1: end of file. */
  nextSync(): number {
    const lines = this.lines;
    while (this.pos < lines.length) {
      const line = lines[this.pos++]!;
      if (line.length === 0) continue;
      if (this.take(line)) return 1;
    }
    return this.ended ? -1 : 0;
  }

  /** Like nextSync, but refills when needed: 1 or -1. */
  async next(): Promise<number> {
    for (;;) {
      const s = this.nextSync();
      if (s !== 0) return s;
      await this.fill();
    }
  }

  /** Async iteration over events (convenience; the pull API is cheaper). */
  async *[Symbol.asyncIterator](): AsyncGenerator<RecordingReader> {
    while ((await this.next()) > 0) yield this;
  }

  close(): void {
    this.ended = true;
    this.gunzip.destroy();
    this.file.destroy();
  }

  private take(line: string): boolean {
    let o: LineObject;
    try {
      o = JSON.parse(line) as LineObject;
    } catch {
      return this.bad(line);
    }
    if (typeof o.t !== 'number') return this.bad(line);
    if (typeof o.f === 'string') {
      this.kind = EV_FRAME;
      this.text = o.f;
      this.url = '';
    } else if (typeof o.snapshot === 'string') {
      this.kind = EV_SNAPSHOT;
      this.text = o.snapshot;
      this.url = typeof o.url === 'string' ? o.url : '';
    } else if (typeof o.wall_ms === 'number') {
      this.setHeader(o as unknown as RecordingHeader);
      return false;
    } else {
      return this.bad(line);
    }
    this.t = o.t;
    this.ts = o.t + this.tsOffset;
    this.eventsRead++;
    return true;
  }

  private setHeader(h: RecordingHeader): void {
    this.header = {
      t: h.t,
      wall_ms: h.wall_ms,
      venue: String(h.venue ?? ''),
      market: String(h.market ?? ''),
      symbol: String(h.symbol ?? ''),
      streams: Array.isArray(h.streams) ? h.streams.map(String) : [],
      source: h.source ?? 'record',
    };
    this.setOrigin(this.originMs);
  }

  private bad(line: string): boolean {
    // The last line of a cut file is the usual suspect; it is counted, never fatal.
    this.badLines++;
    if (this.problem === null) this.problem = `unreadable line: ${line.length > 80 ? line.slice(0, 80) + '…' : line}`;
    return false;
  }

  /** Decompresses the next chunk into whole lines. */
  private async fill(): Promise<void> {
    if (this.ended) return;
    this.lines = [];
    this.pos = 0;
    let r: IteratorResult<Buffer>;
    try {
      r = await this.it.next();
    } catch (err) {
      // zlib's "unexpected end of file": a gzip member cut short.
      this.truncated = true;
      this.problem = `truncated: ${(err as Error).message}`;
      this.finishRest(false);
      this.ended = true;
      return;
    }
    if (r.done) {
      this.finishRest(true);
      this.ended = true;
      return;
    }
    const text = this.rest + this.decoder.write(r.value);
    const parts = text.split('\n');
    this.rest = parts.pop()!;
    this.lines = parts;
  }

  /** The text after the last newline: a whole line if the file ended cleanly, else dropped. */
  private finishRest(clean: boolean): void {
    const rest = this.rest;
    this.rest = '';
    if (rest.length === 0) return;
    if (clean) {
      this.lines.push(rest);
      return;
    }
    this.badLines++;
  }
}
