/**
 * SessionRecorder: the bot's `--record` (main thread, off the hot path). Feed workers send
 * what they received in batches (frame-batch.ts) and the REST depth snapshots they applied;
 * this writes both to the market-data store with RecordingWriter, in the layout and on the
 * timeline the backtest reads:
 *
 *   <dir>/<venue>/<market>/<SYMBOL>/<YYYY-MM-DD>.jsonl.gz
 *   t = the feed's receive time (monoNs), anchored to the wall clock by the run's anchor
 *
 * The supervisor uses the same anchor for the journal's run_start line, so a paper journal's
 * `ns` and the recording's `t` map to the same wall clock (what the agreement check relies on).
 *
 * Frames are routed to their symbol's file by the venue's own frame parser, like `xarb record`
 * (src/data/recorder.ts); frames of no symbol (subscribe acks, pongs) are counted, not stored.
 */
import { MARKET_NAMES, VENUE_NAMES } from '../core/records.js';
import { SymbolTable } from '../core/symbols.js';
import { MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_QUOTE, MSG_TRADE } from '../venues/parsed-frame.js';
import { venueAdapter } from '../venues/registry.js';
import type { FrameParser } from '../venues/venue.js';
import { forEachFrame } from './frame-batch.js';
import { RecordingWriter, type ClockAnchor, type RecordingChannel } from './recording-writer.js';

export const DEFAULT_FLUSH_EVERY_MS = 5000;

export interface SessionRecorderOptions {
  dataDir: string;
  /** monoNs ↔ wall ms of the run (the journal's run_start uses the same pair). */
  anchor: ClockAnchor;
  symbols: readonly string[];
  /** Venue ids recorded (VENUE_*), each on `market`. */
  venues: readonly number[];
  market: number;
  /** Per venue id, when a venue trades another market than `market` (e.g. Binance USD-M). */
  markets?: Readonly<Record<number, number>>;
  /** Ends a gzip member this often so the files on disk stay readable (0 = only at close). */
  flushEveryMs?: number;
  /** Subscribe with the depth streams too (recorded in the headers). */
  depth?: boolean;
}

export interface SessionRecorderCounters {
  frames: number;
  snapshots: number;
  unrouted: number;
  batches: number;
}

interface VenueRoute {
  parser: FrameParser;
  channels: RecordingChannel[];
}

export class SessionRecorder {
  readonly counters: SessionRecorderCounters = { frames: 0, snapshots: 0, unrouted: 0, batches: 0 };
  readonly writer: RecordingWriter;
  private readonly routes: Array<VenueRoute | undefined> = [];
  private readonly timer: NodeJS.Timeout | null;
  private closed = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(opts: SessionRecorderOptions) {
    this.writer = new RecordingWriter({ dataDir: opts.dataDir, source: 'record', anchor: opts.anchor });
    const table = new SymbolTable([...opts.symbols]);
    for (const v of opts.venues) {
      const adapter = venueAdapter(v);
      const marketId = opts.markets?.[v] ?? opts.market;
      const market = MARKET_NAMES[marketId] ?? 'spot';
      const channels = opts.symbols.map((s) => {
        const streams = [adapter.streamName(s, 'top', marketId)];
        if (opts.depth ?? true) streams.push(adapter.streamName(s, 'depth', marketId));
        return this.writer.channel(VENUE_NAMES[v]!, market, s, streams);
      });
      this.routes[v] = { parser: adapter.createFrameParser(table, marketId), channels };
    }
    const every = opts.flushEveryMs ?? DEFAULT_FLUSH_EVERY_MS;
    this.timer = every > 0 ? setInterval(() => void this.flush(), every) : null;
    this.timer?.unref();
  }

  /** A batch of frames from `venue`'s feed worker. */
  onFrames(venue: number, buf: ArrayBuffer, used: number): void {
    if (this.closed) return;
    const route = this.routes[venue];
    if (route === undefined) return;
    this.counters.batches++;
    const parser = route.parser;
    forEachFrame(buf, used, (t, frame) => {
      const msg = parser.parse(frame, frame.length);
      const ch = msg === MSG_QUOTE || msg === MSG_DEPTH_DELTA || msg === MSG_DEPTH_SNAPSHOT || msg === MSG_TRADE
        ? route.channels[parser.frame.symbolId] : undefined;
      if (ch === undefined) {
        this.counters.unrouted++;
        return;
      }
      ch.frame(t, frame.toString('utf8'));
      this.counters.frames++;
    });
  }

  /** A REST depth snapshot `venue`'s feed applied at `t` (stored even when the sync refused it, as xarb record does). */
  onSnapshot(venue: number, symbol: number, t: number, text: string, url: string): void {
    if (this.closed) return;
    const ch = this.routes[venue]?.channels[symbol];
    if (ch === undefined) return;
    ch.snapshot(t, text, url);
    this.counters.snapshots++;
  }

  /** Ends the current gzip members: every file on disk is a complete .gz. */
  flush(): Promise<void> {
    if (this.closed) return this.flushing;
    this.flushing = this.flushing.then(() => this.writer.flush());
    return this.flushing;
  }

  /** Flushes and closes every file; later frames are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.flushing;
    await this.writer.close();
  }
}
