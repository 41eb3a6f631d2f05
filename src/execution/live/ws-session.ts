/**
 * One persistent WebSocket order-entry connection (Binance WS API, Bybit /v5/trade, Bybit
 * /v5/private): opened and authenticated at start-up, kept warm, and re-opened with backoff
 * when it drops. The venue-specific parts (logon, requests, answers) live in subclasses.
 *
 *   DOWN ──connect──▶ CONNECTING ──open──▶ AUTHENTICATING ──logon ok──▶ READY
 *     ▲                                                                  │
 *     └──────── close, error, stall (an answer overdue), logon refused ◀─┘
 *
 * While not READY, `send()` refuses and the router sends by REST; every switch (READY → DOWN:
 * failover_to_rest, DOWN → READY after a loss: back_to_ws) is counted and logged. A stall is
 * a request unanswered for longer than the request timeout: the connection is then closed and
 * treated as lost, so in-flight orders are resolved by the venue's order query (onLost).
 *
 * Sends are synchronous (the frame is written to the socket before send() returns: built whole
 * and written to the connection's socket, wire-batch.ts; permessage-deflate is off), so the
 * caller can stamp the wire right after. The watchdog timer is
 * housekeeping (stall checks, pings), never between an intent and its order.
 */
import WebSocket from 'ws';
import type { Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { LiveLog } from './client-base.js';
import type { ClientCounters } from './order-types.js';
import { wireBatch, writeText } from './wire-batch.js';

export const WS_DOWN = 0;
export const WS_CONNECTING = 1;
export const WS_AUTHENTICATING = 2;
export const WS_READY = 3;

export interface WsSessionOptions {
  url: string;
  /** For log lines: "binance WS API", "bybit trade WS", "bybit private stream". */
  name: string;
  /** An answer overdue by this long is a stall. */
  timeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Application-level ping period (Bybit asks for one every 20 s); 0 = none. */
  pingMs: number;
  counters: ClientCounters;
  log: LiveLog;
  /** Counts failover/back switches (the order sessions; not the private stream). */
  routesOrders: boolean;
  /**
   * Wall ms until which the venue asked for silence (its rules' back-off, an IP ban): no
   * reconnect before then (a handshake and a logon are traffic too). Absent: never.
   */
  silentUntilMs?: () => number;
}

export abstract class WsSession {
  state = WS_DOWN;
  protected ws: WebSocket | null = null;
  /** The connection's TCP (or TLS) socket, from the `upgrade` event: a held order frame is written to it whole (wire-batch.ts). */
  private socket: Socket | null = null;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly watchdog: NodeJS.Timeout;
  private lastPingMs = 0;
  private closed = false;
  private lostOnce = false;
  private firstReady: Array<(ok: boolean) => void> = [];
  /** Told of every READY (true) and every loss (false): the private streams' gap-fill hooks here. */
  readonly stateListeners: Array<(ready: boolean) => void> = [];

  constructor(protected readonly o: WsSessionOptions) {
    this.watchdog = setInterval(() => this.check(), Math.max(20, Math.min(250, o.timeoutMs / 4)));
    this.watchdog.unref();
  }

  get ready(): boolean {
    return this.state === WS_READY;
  }

  /** Connects; resolves true once READY, false if the first attempt failed (reconnects go on). */
  start(): Promise<boolean> {
    const p = new Promise<boolean>((r) => this.firstReady.push(r));
    this.connect();
    return p;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.watchdog);
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.ws?.terminate();
    this.ws = null;
    this.socket = null;
    this.state = WS_DOWN;
    this.settleFirst(false);
  }

  /**
   * Writes one text frame when READY; false otherwise (the caller uses REST). Inside an
   * executor step that holds its writes (wire-batch.ts) the frame is built now, queued and
   * written with the step's others, straight to the connection's socket.
   */
  protected send(text: string): boolean {
    const ws = this.ws;
    // READY but no longer OPEN: the venue's close frame came and `ws` answered it (CLOSING);
    // the connection is lost once TCP closes, and a frame sent now would be dropped by `ws`
    // without an error. Refused here, the order goes by REST.
    if (this.state !== WS_READY || ws === null || ws.readyState !== WebSocket.OPEN) return false;
    if (wireBatch.holding) wireBatch.add(ws, text, this.socket);
    else writeText(ws, text, this.socket);
    return true;
  }

  /** Writes during authentication (logon, auth, subscribe). */
  protected sendRaw(text: string): void {
    this.ws?.send(text);
  }

  /** Sends the logon/auth request (or calls becomeReady() when none is needed). */
  protected abstract onOpen(): void;
  protected abstract onText(text: string): void;
  /** The connection is gone: settle every in-flight request (through the venue's order query). */
  protected abstract onLost(why: string): void;
  /** Wall ms of the oldest unanswered request, Infinity when none. */
  protected abstract oldestPendingMs(): number;
  /** An application ping frame, or null. */
  protected pingFrame(): string | null {
    return null;
  }

  /**
   * Called once the session is ready: runs the order path's code (request building, signing,
   * the socket write) on harmless requests, so the first real order does not pay V8's lazy
   * compilation and interpreter (hundreds of µs on a cold path). Default: nothing.
   */
  protected warmUp(): void {}

  /**
   * Builds (and signs) one order request text without sending it, to keep that code and its
   * data in the CPU's caches between real orders (LiveExecutor.keepWarm). Default: nothing.
   */
  keepWarm(): void {}

  protected becomeReady(): void {
    this.state = WS_READY;
    this.warmUp();
    this.attempt = 0;
    this.o.counters.ws_sessions++;
    if (this.lostOnce && this.o.routesOrders) {
      this.o.counters.back_to_ws++;
      this.o.log('info', `${this.o.name}: session back; orders go over it again`, {});
    } else {
      this.o.log('info', `${this.o.name}: session ready`, {});
    }
    this.settleFirst(true);
    for (const l of this.stateListeners) l(true);
  }

  /** Logon/auth refused: the session stays down; `retry` false for key errors (no point). */
  protected refused(why: string, retry: boolean): void {
    this.o.log('error', `${this.o.name}: logon refused: ${why}`, {});
    this.lose(`logon refused: ${why}`, retry);
  }

  /** Closes the connection as lost (stall, malformed protocol) and schedules a reconnect. */
  protected lose(why: string, retry = true): void {
    const ws = this.ws;
    this.ws = null;
    this.socket = null;
    const wasReady = this.state === WS_READY;
    this.state = WS_DOWN;
    if (ws !== null) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    }
    if (wasReady) {
      this.lostOnce = true;
      this.o.counters.ws_disconnects++;
      if (this.o.routesOrders) {
        this.o.counters.failover_to_rest++;
        this.o.log('warn', `${this.o.name}: session lost (${why}); orders go by REST until it is back`, {});
      } else {
        this.o.log('warn', `${this.o.name}: session lost (${why})`, {});
      }
    }
    this.onLost(why);
    for (const l of this.stateListeners) l(false);
    this.settleFirst(false);
    if (retry && !this.closed) this.scheduleReconnect();
  }

  private settleFirst(ok: boolean): void {
    const w = this.firstReady;
    this.firstReady = [];
    for (const r of w) r(ok);
  }

  private connect(): void {
    if (this.closed) return;
    this.state = WS_CONNECTING;
    const ws = new WebSocket(this.o.url, { perMessageDeflate: false, handshakeTimeout: Math.max(1000, this.o.timeoutMs) });
    this.ws = ws;
    this.socket = null;
    ws.on('upgrade', (res: IncomingMessage) => {
      // The socket `ws` takes over for the connection (the same object: it writes its frames there too).
      if (this.ws === ws) this.socket = res.socket;
    });
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.state = WS_AUTHENTICATING;
      this.lastPingMs = Date.now();
      this.onOpen();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ws !== ws) return;
      this.onText(isBinary ? data.toString('utf8') : data.toString());
    });
    ws.on('close', (code: number) => {
      if (this.ws === ws) this.lose(`closed by the venue (${code})`);
    });
    ws.on('error', (e: Error) => {
      if (this.ws === ws) this.lose(e.message);
    });
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== null) return;
    const silence = (this.o.silentUntilMs?.() ?? 0) - Date.now();
    const delay = Math.max(silence, Math.min(this.o.reconnectMaxMs, this.o.reconnectMinMs * 2 ** Math.min(this.attempt, 16)));
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private check(): void {
    if (this.ws === null) return;
    const now = Date.now();
    if (now - this.oldestPendingMs() > this.o.timeoutMs) {
      this.o.counters.ws_stalls++;
      this.lose(`no answer within ${this.o.timeoutMs} ms`);
      return;
    }
    if (this.state === WS_READY && this.o.pingMs > 0 && now - this.lastPingMs >= this.o.pingMs) {
      this.lastPingMs = now;
      const f = this.pingFrame();
      if (f !== null) this.ws.send(f);
    }
  }
}
