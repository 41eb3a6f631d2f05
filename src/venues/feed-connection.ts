/**
 * One market-data WebSocket: connect, subscribe, heartbeat, reconnect with exponential backoff
 * and jitter, and a planned reconnect before the venues' 24-hour cut. It knows nothing of
 * parsing: frames go to `onFrame` as the Buffer `ws` hands out (no string conversion).
 *
 * Silent feed: a socket can stay open while the venue sends nothing (a stalled stream, a
 * half-dead proxy); pings may even keep flowing. With `silentReconnectMs`, a connection that
 * delivered no frame for that long is dropped and reconnected at once (which resubscribes, and
 * so resyncs the books), counted in `silentReconnects`. The watchdog compares the frame
 * counter between its own ticks, so the per-frame path gains no clock read and no timer.
 *
 * Used by the feed worker (src/actors) and the recorder (src/data), hence it lives here.
 */
import WebSocket from 'ws';

export interface FeedConnectionOptions {
  url: string;
  /** Sent after every (re)connect, in order (subscribe requests). */
  subscribeMessages: () => string[];
  /** Client heartbeat (Bybit `{"op":"ping"}`); null when the server pings (Binance). */
  heartbeatMessage: string | null;
  heartbeatIntervalMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Reconnect on our own before the venue cuts the connection (24 h on both venues). */
  maxConnectionAgeMs: number;
  /** Jitter source in [0, 1); injectable so tests are repeatable. */
  random: () => number;
  /** Reconnect when no frame arrived for this long while connected (engine.stale_feed_ms); 0/absent: never. */
  silentReconnectMs?: number;
}

export interface FeedConnectionEvents {
  onOpen(): void;
  onFrame(data: Buffer): void;
  onClose(code: number, reason: string, planned: boolean): void;
  onError(err: Error): void;
  /** The connection was silent for `silentMs` and is being reconnected (before its onClose). */
  onSilent?(silentMs: number): void;
}

export class FeedConnection {
  private ws: WebSocket | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private ageTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  private framesAtCheck = 0;
  private lastFrameSeenMs = 0;
  private attempt = 0;
  private stopped = false;
  private planned = false;
  private silent = false;
  readonly counters = {
    connects: 0, disconnects: 0, reconnects: 0, plannedReconnects: 0, silentReconnects: 0, errors: 0, framesIn: 0, bytesIn: 0, sent: 0,
  };

  constructor(private readonly opts: FeedConnectionOptions, private readonly events: FeedConnectionEvents) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Closes for good: no reconnect. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    }
  }

  /** Drops the connection and reconnects (resync after a gap, or a planned rotation). */
  recycle(): void {
    this.planned = true;
    this.ws?.terminate();
  }

  send(text: string): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(text);
      this.counters.sent++;
    }
  }

  get connected(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  private connect(): void {
    const ws = new WebSocket(this.opts.url, { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      this.attempt = 0;
      this.counters.connects++;
      for (const m of this.opts.subscribeMessages()) this.send(m);
      if (this.opts.heartbeatMessage !== null) {
        const msg = this.opts.heartbeatMessage;
        this.heartbeat = setInterval(() => this.send(msg), this.opts.heartbeatIntervalMs);
      }
      this.ageTimer = setTimeout(() => {
        this.counters.plannedReconnects++;
        this.recycle();
      }, this.opts.maxConnectionAgeMs);
      this.startSilenceWatch(ws);
      this.events.onOpen();
    });
    ws.on('message', (data: Buffer) => {
      this.counters.framesIn++;
      this.counters.bytesIn += data.length;
      this.events.onFrame(data);
    });
    // `ws` answers server pings with pongs carrying the same payload by itself (Binance rule).
    ws.on('error', (err) => {
      this.counters.errors++;
      this.events.onError(err);
    });
    ws.on('close', (code, reason) => {
      this.clearTimers();
      if (this.ws !== ws) return;
      this.ws = null;
      this.counters.disconnects++;
      const planned = this.planned;
      const silent = this.silent;
      this.planned = false;
      this.silent = false;
      this.events.onClose(code, reason.toString(), planned);
      if (!this.stopped) this.scheduleReconnect(planned || silent);
    });
  }

  private scheduleReconnect(immediate: boolean): void {
    const { reconnectMinMs, reconnectMaxMs, random } = this.opts;
    // Full jitter (AWS architecture blog): uniform in [0, min(max, min*2^attempt)], floored at min/2
    // so a flapping venue is not hammered.
    const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** this.attempt);
    const delay = immediate ? 0 : Math.max(reconnectMinMs / 2, random() * ceiling);
    this.attempt++;
    this.counters.reconnects++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private startSilenceWatch(ws: WebSocket): void {
    const limit = this.opts.silentReconnectMs ?? 0;
    if (!(limit > 0)) return;
    const every = Math.max(25, Math.floor(limit / 4));
    this.framesAtCheck = this.counters.framesIn;
    this.lastFrameSeenMs = Date.now();
    let lastTickMs = this.lastFrameSeenMs;
    this.silenceTimer = setInterval(() => {
      const now = Date.now();
      // Time this thread did not run (a GC pause, a starved CPU) is not the venue's silence:
      // a tick later than due moves the window forward by its lateness.
      const lag = now - lastTickMs - every;
      lastTickMs = now;
      if (lag > every) this.lastFrameSeenMs += lag;
      if (this.counters.framesIn !== this.framesAtCheck) {
        this.framesAtCheck = this.counters.framesIn;
        this.lastFrameSeenMs = now;
        return;
      }
      if (now - this.lastFrameSeenMs < limit || this.ws !== ws) return;
      // Timers run before pending socket reads in a loop iteration: decide after them.
      setImmediate(() => {
        if (this.ws !== ws || this.silenceTimer === null || this.counters.framesIn !== this.framesAtCheck) return;
        const quietMs = Date.now() - this.lastFrameSeenMs;
        this.counters.silentReconnects++;
        this.silent = true;
        clearInterval(this.silenceTimer);
        this.silenceTimer = null;
        this.events.onSilent?.(quietMs);
        ws.terminate();
      });
    }, every);
  }

  private clearTimers(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.ageTimer) clearTimeout(this.ageTimer);
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.heartbeat = null;
    this.ageTimer = null;
    this.silenceTimer = null;
  }
}
