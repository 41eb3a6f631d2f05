/**
 * Recorder: one market-data connection per venue, subscribed to each symbol's top-of-book and
 * diff-depth streams, writing every frame with its local receive time to the store.
 *
 * Frames are routed to their (venue, symbol) file by the venue's own frame parser (the symbol
 * is in the payload or the combined-stream name); frames that belong to no symbol (subscribe
 * acks, pongs) are counted, not stored. Binance diff depth is only usable with a REST depth
 * snapshot: one is fetched after the first depth frame of every connection (as the venue's
 * procedure says: buffer first, then fetch), again when the diff chain breaks, and again when
 * the snapshot turns out older than the first diff, and stored in the same file at the time
 * it arrived, so a replay meets it exactly where the live feed did.
 */
import { FeedConnection } from '../venues/feed-connection.js';
import { monoNs } from '../core/clock.js';
import { MARKET_NAMES, MARKET_SPOT } from '../core/records.js';
import { SymbolTable } from '../core/symbols.js';
import type { VenueName, XarbConfig } from '../config/index.js';
import { MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_QUOTE, MSG_TRADE } from '../venues/parsed-frame.js';
import { venueAdapter } from '../venues/registry.js';
import type { FrameParser, VenueAdapter } from '../venues/venue.js';
import type { RecordingChannel, RecordingWriter } from './recording-writer.js';

export const SNAPSHOT_LIMIT = 1000;
/** Reconnect on our own before the venues' 24 h cut. */
const MAX_CONNECTION_AGE_MS = 23 * 3_600_000;
/** Least time between two snapshot requests for one symbol (a failing REST endpoint is not hammered). */
const SNAPSHOT_RETRY_MS = 1000;

export interface RecorderOptions {
  config: XarbConfig;
  venues: VenueName[];
  symbols: string[];
  writer: RecordingWriter;
  /** Problems worth a line on stderr (reconnects, failed snapshots). */
  warn?: (msg: string) => void;
  /** Injectable for tests; default globalThis.fetch. */
  fetchText?: (url: string) => Promise<{ ok: boolean; status: number; text: string }>;
}

export interface RecorderCounters {
  frames: number;
  snapshots: number;
  /** Frames that name no configured symbol (acks, pongs, errors). */
  unrouted: number;
  snapshotFailures: number;
  reconnects: number;
}

/** Per (venue, symbol) depth-snapshot bookkeeping (Binance). */
class SnapshotState {
  need = true;
  inFlight = false;
  lastRequestMs = -Infinity;
  /** First `U` since the last (re)connect or gap: a snapshot must reach at least this far. */
  firstU = -1;
  lastU = -1;
}

class VenueFeed {
  readonly conn: FeedConnection;
  readonly parser: FrameParser;
  readonly channels: RecordingChannel[];
  readonly snap: SnapshotState[];
  readonly restBase: string;
  readonly market: number;
  epoch = 0;

  constructor(
    readonly name: VenueName,
    readonly adapter: VenueAdapter,
    private readonly rec: Recorder,
    cfg: XarbConfig,
    symbols: SymbolTable,
    writer: RecordingWriter,
  ) {
    const c = cfg.venues[name].connection;
    this.market = MARKET_NAMES.indexOf(c.market) >= 0 ? MARKET_NAMES.indexOf(c.market) : MARKET_SPOT;
    const marketName = MARKET_NAMES[this.market]!;
    const wsBase = new URL(c.websocket_url).origin.replace(/^http/, 'ws');
    this.restBase = c.rest_api_url;
    const perSymbol = symbols.names.map((s) => [adapter.streamName(s, 'top', this.market), adapter.streamName(s, 'depth', this.market)]);
    const streams = perSymbol.flat();
    this.channels = symbols.names.map((s, i) => writer.channel(name, marketName, s, perSymbol[i]!));
    this.snap = symbols.names.map(() => new SnapshotState());
    this.parser = adapter.createFrameParser(symbols, this.market);
    const url = adapter.marketDataUrl(this.market, streams, { wsBase });
    // Binance takes the streams in the combined-stream URL; Bybit subscribes after connecting.
    const subscribe = url.includes('streams=') ? [] : adapter.subscribeMessages(this.market, streams, 1);
    const hb = adapter.heartbeat(this.market);
    this.conn = new FeedConnection(
      {
        url,
        subscribeMessages: () => subscribe,
        heartbeatMessage: hb.message,
        heartbeatIntervalMs: hb.intervalMs > 0 ? hb.intervalMs : 20_000,
        reconnectMinMs: c.reconnect_min_ms,
        reconnectMaxMs: c.reconnect_max_ms,
        maxConnectionAgeMs: MAX_CONNECTION_AGE_MS,
        random: Math.random,
        // A recording with a silent stretch is a hole in the data: reconnect as the bot does.
        silentReconnectMs: cfg.engine.stale_feed_ms,
      },
      {
        onOpen: () => this.onOpen(),
        onFrame: (data) => this.onFrame(data),
        onClose: (code, reason, planned) => {
          if (!planned) rec.warn(`${name}: connection closed (${code}${reason ? ' ' + reason : ''}); reconnecting`);
        },
        onError: (err) => rec.warn(`${name}: ${err.message}`),
      },
    );
  }

  private onOpen(): void {
    if (this.epoch > 0) this.rec.counters.reconnects++;
    this.epoch++;
    for (const s of this.snap) {
      s.need = true;
      s.firstU = -1;
      s.lastU = -1;
    }
  }

  private onFrame(data: Buffer): void {
    const t = monoNs();
    const msg = this.parser.parse(data, data.length);
    const f = this.parser.frame;
    const id = f.symbolId;
    const ch = msg === MSG_QUOTE || msg === MSG_DEPTH_DELTA || msg === MSG_DEPTH_SNAPSHOT || msg === MSG_TRADE ? this.channels[id] : undefined;
    if (ch === undefined) {
      this.rec.counters.unrouted++;
      return;
    }
    ch.frame(t, data.toString('utf8'));
    this.rec.counters.frames++;
    if (msg === MSG_DEPTH_DELTA && this.adapter.restSnapshotSync) this.trackDiff(id, f.firstUpdateId, f.updateId);
  }

  /** Binance: note the diff chain; ask for a snapshot at the start and after a break. */
  private trackDiff(id: number, first: number, last: number): void {
    const s = this.snap[id]!;
    if (s.lastU >= 0 && first > s.lastU + 1) {
      this.rec.warn(`${this.name} ${this.channels[id]!.symbol}: diff-depth gap (${s.lastU} -> ${first}); fetching a new snapshot`);
      s.need = true;
      s.firstU = -1;
    }
    if (s.firstU < 0) s.firstU = first;
    if (last > s.lastU) s.lastU = last;
    if (s.need && !s.inFlight && Date.now() - s.lastRequestMs >= SNAPSHOT_RETRY_MS) this.fetchSnapshot(id);
  }

  private fetchSnapshot(id: number): void {
    const s = this.snap[id]!;
    const ch = this.channels[id]!;
    const url = this.adapter.snapshotUrl(this.market, ch.symbol, SNAPSHOT_LIMIT, { restBase: this.restBase });
    const epoch = this.epoch;
    s.inFlight = true;
    s.lastRequestMs = Date.now();
    this.rec.fetchText(url).then(
      (res) => {
        s.inFlight = false;
        if (this.rec.stopped) return;
        const t = monoNs();
        if (!res.ok) {
          this.rec.counters.snapshotFailures++;
          this.rec.warn(`${this.name} ${ch.symbol}: snapshot HTTP ${res.status}: ${res.text.slice(0, 200)}`);
          return;
        }
        // Stored even when stale: a replay makes the same decision the live book sync would.
        ch.snapshot(t, res.text, url);
        this.rec.counters.snapshots++;
        if (epoch !== this.epoch) return; // a reconnect happened meanwhile: the new epoch fetches its own
        let lastUpdateId = -1;
        try {
          lastUpdateId = this.adapter.parseSnapshot(res.text).lastUpdateId;
        } catch (err) {
          this.rec.counters.snapshotFailures++;
          this.rec.warn(`${this.name} ${ch.symbol}: bad snapshot: ${(err as Error).message}`);
          return;
        }
        if (lastUpdateId < s.firstU) return; // older than the first diff: the next diff asks again
        s.need = false;
      },
      (err: Error) => {
        s.inFlight = false;
        this.rec.counters.snapshotFailures++;
        if (!this.rec.stopped) this.rec.warn(`${this.name} ${ch.symbol}: snapshot request failed: ${err.message}`);
      },
    );
  }
}

async function defaultFetchText(url: string): Promise<{ ok: boolean; status: number; text: string }> {
  const res = await fetch(url);
  return { ok: res.ok, status: res.status, text: await res.text() };
}

export class Recorder {
  readonly counters: RecorderCounters = { frames: 0, snapshots: 0, unrouted: 0, snapshotFailures: 0, reconnects: 0 };
  stopped = false;
  readonly fetchText: (url: string) => Promise<{ ok: boolean; status: number; text: string }>;
  private readonly feeds: VenueFeed[];
  private readonly warnFn: (msg: string) => void;

  constructor(opts: RecorderOptions) {
    if (opts.symbols.length === 0) throw new RangeError('Recorder: no symbols');
    if (opts.venues.length === 0) throw new RangeError('Recorder: no venues');
    this.warnFn = opts.warn ?? (() => undefined);
    this.fetchText = opts.fetchText ?? defaultFetchText;
    const symbols = new SymbolTable(opts.symbols);
    this.feeds = opts.venues.map((v) => new VenueFeed(v, venueAdapter(v), this, opts.config, symbols, opts.writer));
  }

  warn(msg: string): void {
    this.warnFn(msg);
  }

  start(): void {
    for (const f of this.feeds) f.conn.start();
  }

  /** Closes every connection; frames already received are in the writer (close it next). */
  stop(): void {
    this.stopped = true;
    for (const f of this.feeds) f.conn.stop();
  }
}
