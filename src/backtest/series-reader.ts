/**
 * Streams one (venue, symbol) series of the market-data store, day file after day file, as
 * complete lines over a gunzipped chunk: the engine sees one line at a time and a month is
 * never in memory. `t` of each line is turned into simulated ns (since the run's start date,
 * exact: see store-line.ts), anchored by each file's header line.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { LINE_FRAME, LINE_HEADER, LINE_SNAPSHOT, StoreLineDecoder } from './store-line.js';

export class DataFormatError extends Error {
  override readonly name = 'DataFormatError';
}

const CHUNK = 1 << 18;
export const NEED_MORE = 0;

export class SeriesReader {
  readonly decoder = new StoreLineDecoder();
  /** Simulated ns of the current line (Infinity at the end). */
  headNs = Infinity;
  /** LINE_* kind of the current line (decoded by decodeHead). */
  kind = 0;
  bytesRead = 0;
  private fileIdx = -1;
  private iter: AsyncIterator<Buffer> | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private lineEnd = -1;
  // anchor of the current file: header t (sec, nsec) maps to simulated ns baseNs
  private anchorSec = 0;
  private anchorNsec = 0;
  private baseNs = 0;
  private anchored = false;

  constructor(readonly venue: number, readonly symbol: number, readonly files: readonly string[], private readonly runStartMs: number) {}

  /** Moves to the next frame or snapshot line; false at the end of the last file. */
  async next(): Promise<boolean> {
    for (;;) {
      const r = this.tryNext();
      if (r !== NEED_MORE) return r === 1;
      if (!(await this.refill())) {
        this.headNs = Infinity;
        return false;
      }
      this.lineEnd = -1;
    }
  }

  /**
   * Synchronous step: 1 = moved to the next line, NEED_MORE = the buffered data has no complete
   * line left (call next()). The driver uses this on every event and awaits only per chunk.
   */
  tryNext(): number {
    for (;;) {
      if (this.lineEnd >= 0) this.pos = this.lineEnd + 1;
      const nl = this.buf.indexOf(10, this.pos);
      if (nl < 0) {
        this.lineEnd = -1;
        return NEED_MORE;
      }
      this.lineEnd = nl;
      if (nl === this.pos) continue;
      const d = this.decoder;
      if (!d.decodeTime(this.buf, this.pos)) throw this.bad('line does not start with {"t":');
      const kind = d.decodeBody(this.buf, this.pos, nl);
      if (kind === LINE_HEADER) {
        const wall = Number(d.obj!['wall_ms']);
        if (!Number.isFinite(wall)) throw this.bad('header line without wall_ms');
        this.anchorSec = d.tSec;
        this.anchorNsec = d.tNsec;
        this.baseNs = (wall - this.runStartMs) * 1e6;
        this.anchored = true;
        continue;
      }
      if (kind !== LINE_FRAME && kind !== LINE_SNAPSHOT) throw this.bad('not a frame, snapshot or header line');
      if (!this.anchored) throw this.bad('data before the header line');
      this.kind = kind;
      this.headNs = this.baseNs + (d.tSec - this.anchorSec) * 1e9 + (d.tNsec - this.anchorNsec);
      return 1;
    }
  }

  /** The current line's text (snapshot lines): the decoder's parsed object. */
  get snapshotText(): string {
    const o = this.decoder.obj;
    return o !== null && typeof o['snapshot'] === 'string' ? o['snapshot'] : '';
  }

  private bad(why: string): DataFormatError {
    const file = this.files[this.fileIdx] ?? '?';
    return new DataFormatError(`${file}: ${why}: ${this.buf.toString('utf8', this.pos, Math.min(this.pos + 80, this.buf.length))}`);
  }

  /** Appends the next chunk (opening the next file when one ends). */
  private async refill(): Promise<boolean> {
    for (;;) {
      if (this.iter === null) {
        this.fileIdx++;
        if (this.fileIdx >= this.files.length) return false;
        const gz = createReadStream(this.files[this.fileIdx]!, { highWaterMark: CHUNK }).pipe(createGunzip({ chunkSize: CHUNK }));
        this.iter = gz[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        this.anchored = false;
      }
      const r = await this.iter.next();
      if (r.done) {
        this.iter = null;
        // a file that does not end with a newline: its last line stands alone
        if (this.pos < this.buf.length) {
          this.buf = Buffer.concat([this.buf.subarray(this.pos), Buffer.from('\n')]);
          this.pos = 0;
          return true;
        }
        continue;
      }
      const chunk = r.value;
      this.bytesRead += chunk.length;
      this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
      this.pos = 0;
      return true;
    }
  }
}
