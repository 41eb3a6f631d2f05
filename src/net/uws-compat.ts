/**
 * A pure-JS stand-in for the part of the uWebSockets.js API xarb uses (the simulator's and the
 * monitor's servers), on node:http and `ws`. It exists because the only uWebSockets.js build
 * installable here has native binaries for Node 16/18/20 only (ABI 93/108/115), and the builds
 * for newer ABIs need glibc 2.38 (docs/adr/0004-uwebsockets-build.md). On Node 22/24 the
 * loader (uws.ts) picks this instead of the package's own fallback, which has no pub/sub,
 * no upgrade and no body streaming, and crashed the simulator.
 *
 * Covered, with uWS semantics: App() with get/post/put/del/patch/any/ws routes (exact paths,
 * `/prefix/*` and `/*`; exact before wildcard, method before any), HttpRequest getUrl/getQuery/
 * getHeader/getMethod, HttpResponse writeStatus/writeHeader/end(body, close)/cork/onData/
 * onAborted/upgrade/close, WebSocket send/subscribe/unsubscribe/isSubscribed/getTopics/
 * getUserData/ping/end/close/getBufferedAmount, app.publish/numSubscribers/close, listen
 * (exclusive port: no SO_REUSEPORT), us_listen_socket_close, us_socket_local_port.
 * Not covered (throws): SSL apps, listen_unix, tryEnd/getWriteOffset/onWritable.
 * Slower than native uWS; the hot path of the bot never goes through it (the feeds are `ws`
 * clients), only the simulator and the monitor serve with it.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket as WsSocket, type RawData } from 'ws';

type Handler = (res: CompatResponse, req: CompatRequest) => void;

interface Behavior {
  maxPayloadLength?: number;
  upgrade?: (res: CompatResponse, req: CompatRequest, context: unknown) => void;
  open?: (ws: CompatWebSocket) => void;
  message?: (ws: CompatWebSocket, message: ArrayBuffer, isBinary: boolean) => void;
  pong?: (ws: CompatWebSocket, message: ArrayBuffer) => void;
  ping?: (ws: CompatWebSocket, message: ArrayBuffer) => void;
  close?: (ws: CompatWebSocket, code: number, message: ArrayBuffer) => void;
  drain?: (ws: CompatWebSocket) => void;
  [other: string]: unknown;
}

interface Route<T> {
  method: string;
  pattern: string;
  /** Exact path, or the prefix before `/*` ('' for `/*`). */
  exact: boolean;
  prefix: string;
  value: T;
}

function route<T>(method: string, pattern: string, value: T): Route<T> {
  const wild = pattern.endsWith('/*');
  return { method, pattern, exact: !wild, prefix: wild ? pattern.slice(0, -2) : pattern, value };
}

/** The best route for a path: exact before wildcard, longer prefix first, method before any. */
function match<T>(routes: readonly Route<T>[], method: string, path: string): Route<T> | undefined {
  let best: Route<T> | undefined;
  let bestScore = -1;
  for (const r of routes) {
    if (r.method !== 'any' && r.method !== method) continue;
    let score: number;
    if (r.exact) {
      if (r.pattern !== path) continue;
      score = 1_000_000;
    } else {
      if (!(path === r.prefix || path.startsWith(r.prefix + '/'))) continue;
      score = r.prefix.length * 2;
    }
    if (r.method !== 'any') score += 1;
    if (score > bestScore) { best = r; bestScore = score; }
  }
  return best;
}

const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class CompatRequest {
  private readonly path: string;
  private readonly query: string;
  private params: URLSearchParams | null = null;

  constructor(private readonly req: http.IncomingMessage) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q >= 0 ? url.slice(0, q) : url;
    this.query = q >= 0 ? url.slice(q + 1) : '';
  }

  getUrl(): string { return this.path; }
  getMethod(): string { return (this.req.method ?? 'GET').toLowerCase(); }
  getCaseSensitiveMethod(): string { return this.req.method ?? 'GET'; }
  getHeader(name: string): string {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : (v ?? '');
  }
  /** The whole query string (no '?'), or the decoded value of one key (undefined when absent). */
  getQuery(): string;
  getQuery(key: string): string | undefined;
  getQuery(key?: string): string | undefined {
    if (key === undefined) return this.query;
    this.params ??= new URLSearchParams(this.query);
    return this.params.get(key) ?? undefined;
  }
  forEach(cb: (key: string, value: string) => void): void {
    for (const [k, v] of Object.entries(this.req.headers)) cb(k, Array.isArray(v) ? v.join(', ') : (v ?? ''));
  }
  getParameter(): string | undefined { return undefined; }
  setYield(): this { return this; }
}

export class CompatResponse {
  private status = 200;
  private statusText: string | undefined;
  private readonly headers: [string, string][] = [];
  private done = false;
  private aborted: (() => void) | null = null;
  private upgradeTo: ((userData: unknown) => void) | null = null;

  constructor(private readonly res: http.ServerResponse | null, private readonly req: http.IncomingMessage, private readonly socket: Socket | null) {
    res?.on('close', () => {
      if (!this.done) { this.done = true; this.aborted?.(); }
    });
  }

  /** Set on the response object of an upgrade request (see CompatApp.onUpgrade). */
  setUpgrade(fn: (userData: unknown) => void): void { this.upgradeTo = fn; }

  writeStatus(status: string): this {
    const m = /^(\d{3})\s*(.*)$/.exec(status.trim());
    this.status = m ? Number(m[1]) : 200;
    this.statusText = m && m[2] !== '' ? m[2] : undefined;
    return this;
  }
  writeHeader(key: string, value: string): this {
    this.headers.push([key, value]);
    return this;
  }
  end(body: string | ArrayBuffer | Uint8Array = '', closeConnection = false): this {
    if (this.done) return this;
    this.done = true;
    const data = typeof body === 'string' ? body : Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body);
    if (this.res === null) {
      // An upgrade request answered with a plain response (a refusal).
      const head = `HTTP/1.1 ${this.status} ${this.statusText ?? http.STATUS_CODES[this.status] ?? ''}\r\n`
        + this.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + `Content-Length: ${Buffer.byteLength(data)}\r\nConnection: close\r\n\r\n`;
      this.socket?.end(Buffer.concat([Buffer.from(head), Buffer.from(data)]));
      return this;
    }
    this.res.statusCode = this.status;
    if (this.statusText !== undefined) this.res.statusMessage = this.statusText;
    for (const [k, v] of this.headers) this.res.setHeader(k, v);
    if (closeConnection) this.res.setHeader('Connection', 'close');
    this.res.end(data);
    return this;
  }
  endWithoutBody(): this { return this.end(''); }
  cork(cb: () => void): this { cb(); return this; }
  onAborted(cb: () => void): this { this.aborted = cb; return this; }
  onData(cb: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    this.req.on('data', (chunk: Buffer) => cb(toArrayBuffer(chunk), false));
    this.req.on('end', () => cb(new ArrayBuffer(0), true));
    return this;
  }
  upgrade(userData: unknown, _key?: unknown, _protocol?: unknown, _extensions?: unknown, _context?: unknown): void {
    if (this.upgradeTo === null) throw new Error('upgrade() outside a WebSocket route');
    this.done = true;
    this.upgradeTo(userData);
  }
  close(): this {
    this.done = true;
    (this.res?.socket ?? this.socket)?.destroy();
    return this;
  }
  getRemoteAddressAsText(): ArrayBuffer {
    return toArrayBuffer(Buffer.from((this.res?.socket ?? this.socket)?.remoteAddress ?? ''));
  }
  tryEnd(): never { throw new Error('uws-compat: tryEnd is not implemented'); }
  getWriteOffset(): never { throw new Error('uws-compat: getWriteOffset is not implemented'); }
  onWritable(): never { throw new Error('uws-compat: onWritable is not implemented'); }
}

export class CompatWebSocket {
  readonly topics = new Set<string>();
  closed = false;

  constructor(private readonly app: CompatApp, readonly ws: WsSocket, private readonly userData: unknown) {}

  getUserData(): unknown { return this.userData; }
  send(message: string | ArrayBuffer | Uint8Array, isBinary = false): number {
    if (this.closed) return 2;
    const data = typeof message === 'string' ? message : Buffer.from(message instanceof ArrayBuffer ? new Uint8Array(message) : message);
    this.ws.send(data, { binary: isBinary });
    return 1;
  }
  subscribe(topic: string): boolean {
    if (this.closed) return false;
    this.topics.add(topic);
    this.app.addSubscriber(topic, this);
    return true;
  }
  unsubscribe(topic: string): boolean {
    const had = this.topics.delete(topic);
    this.app.removeSubscriber(topic, this);
    return had;
  }
  isSubscribed(topic: string): boolean { return this.topics.has(topic); }
  getTopics(): string[] { return [...this.topics]; }
  publish(topic: string, message: string | ArrayBuffer | Uint8Array, isBinary = false): boolean {
    return this.app.publishExcept(topic, message, isBinary, this);
  }
  ping(message?: string | ArrayBuffer | Uint8Array): number {
    if (this.closed) return 2;
    this.ws.ping(typeof message === 'string' || message === undefined ? message : Buffer.from(message instanceof ArrayBuffer ? new Uint8Array(message) : message));
    return 1;
  }
  /** Graceful close with a code and reason. */
  end(code = 1000, reason = ''): void { this.ws.close(code, reason); }
  /** Forceful close (no close frame), as uWS's close(). */
  close(): void { this.ws.terminate(); }
  getBufferedAmount(): number { return this.ws.bufferedAmount; }
  cork(cb: () => void): this { cb(); return this; }
  getRemoteAddressAsText(): ArrayBuffer { return new ArrayBuffer(0); }
}

/** What listen() hands back and us_listen_socket_close / us_socket_local_port take. */
export interface CompatListenSocket { server: http.Server }

export class CompatApp {
  private readonly routes: Route<Handler>[] = [];
  private readonly wsRoutes: Route<{ behavior: Behavior; wss: WebSocketServer }>[] = [];
  private readonly topics = new Map<string, Set<CompatWebSocket>>();
  private readonly servers = new Set<http.Server>();
  private readonly sockets = new Set<CompatWebSocket>();

  get(pattern: string, h: Handler): this { return this.add('get', pattern, h); }
  post(pattern: string, h: Handler): this { return this.add('post', pattern, h); }
  put(pattern: string, h: Handler): this { return this.add('put', pattern, h); }
  del(pattern: string, h: Handler): this { return this.add('delete', pattern, h); }
  patch(pattern: string, h: Handler): this { return this.add('patch', pattern, h); }
  options(pattern: string, h: Handler): this { return this.add('options', pattern, h); }
  head(pattern: string, h: Handler): this { return this.add('head', pattern, h); }
  any(pattern: string, h: Handler): this { return this.add('any', pattern, h); }

  ws(pattern: string, behavior: Behavior): this {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: behavior.maxPayloadLength ?? 16 * 1024 });
    this.wsRoutes.push(route('get', pattern, { behavior, wss }));
    return this;
  }

  publish(topic: string, message: string | ArrayBuffer | Uint8Array, isBinary = false): boolean {
    return this.publishExcept(topic, message, isBinary, null);
  }

  publishExcept(topic: string, message: string | ArrayBuffer | Uint8Array, isBinary: boolean, except: CompatWebSocket | null): boolean {
    const subs = this.topics.get(topic);
    if (subs === undefined || subs.size === 0) return false;
    for (const s of subs) if (s !== except) s.send(message, isBinary);
    return true;
  }

  numSubscribers(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  addSubscriber(topic: string, ws: CompatWebSocket): void {
    let set = this.topics.get(topic);
    if (set === undefined) { set = new Set(); this.topics.set(topic, set); }
    set.add(ws);
  }

  removeSubscriber(topic: string, ws: CompatWebSocket): void {
    const set = this.topics.get(topic);
    if (set === undefined) return;
    set.delete(ws);
    if (set.size === 0) this.topics.delete(topic);
  }

  /** listen(port, cb), listen(host, port, cb) or listen(host, port, options, cb), as uWS: every form listens exclusively. */
  listen(hostOrPort: string | number, portOrCb: number | ((s: CompatListenSocket | false) => void),
    optionsOrCb?: number | ((s: CompatListenSocket | false) => void), lastCb?: (s: CompatListenSocket | false) => void): this {
    const host = typeof hostOrPort === 'string' ? hostOrPort : undefined;
    const port = typeof hostOrPort === 'number' ? hostOrPort : (portOrCb as number);
    const cb = (typeof portOrCb === 'function' ? portOrCb : typeof optionsOrCb === 'function' ? optionsOrCb : lastCb)!;
    const server = http.createServer((req, res) => this.onRequest(req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
    server.on('connection', (s: Socket) => s.setNoDelay(true));
    const onError = (): void => { cb(false); };
    server.once('error', onError);
    // exclusive: never share the port (Node does not set SO_REUSEPORT; this also opts out of cluster sharing).
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      this.servers.add(server);
      server.on('close', () => this.servers.delete(server));
      cb({ server });
    });
    return this;
  }

  listen_unix(): never { throw new Error('uws-compat: listen_unix is not implemented'); }

  /** Closes every listening socket and every connection, WebSockets included. */
  close(): void {
    for (const ws of this.sockets) ws.close();
    for (const s of this.servers) {
      s.close();
      s.closeAllConnections();
    }
  }

  private add(method: string, pattern: string, h: Handler): this {
    this.routes.push(route(method, pattern, h));
    return this;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const request = new CompatRequest(req);
    const response = new CompatResponse(res, req, null);
    const r = match(this.routes, request.getMethod(), request.getUrl());
    if (r === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    r.value(response, request);
  }

  private onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const request = new CompatRequest(req);
    const r = match(this.wsRoutes, 'get', request.getUrl());
    if (r === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const { behavior, wss } = r.value;
    const response = new CompatResponse(null, req, socket);
    response.setUpgrade((userData) => {
      wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(ws, behavior, userData));
    });
    if (behavior.upgrade !== undefined) behavior.upgrade(response, request, null);
    else response.upgrade({});
  }

  private onOpen(ws: WsSocket, behavior: Behavior, userData: unknown): void {
    const cws = new CompatWebSocket(this, ws, userData);
    this.sockets.add(cws);
    ws.on('message', (data: RawData, isBinary: boolean) => behavior.message?.(cws, toArrayBuffer(rawToBuffer(data)), isBinary));
    ws.on('pong', (data: Buffer) => behavior.pong?.(cws, toArrayBuffer(data)));
    ws.on('ping', (data: Buffer) => behavior.ping?.(cws, toArrayBuffer(data)));
    ws.on('error', () => undefined); // a broken peer ends in 'close'
    ws.on('close', (code: number, reason: Buffer) => {
      cws.closed = true;
      this.sockets.delete(cws);
      behavior.close?.(cws, code, toArrayBuffer(reason));
      for (const t of cws.topics) this.removeSubscriber(t, cws);
      cws.topics.clear();
    });
    behavior.open?.(cws);
  }
}

/** uWS's ListenOptions value that turns SO_REUSEPORT off; the stand-in never shares a port anyway. */
export const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

export function App(): CompatApp {
  return new CompatApp();
}

export function SSLApp(): never {
  throw new Error('uws-compat: SSL apps are not implemented (xarb serves plain HTTP on loopback)');
}

export function us_listen_socket_close(s: CompatListenSocket): void {
  s.server.close();
}

export function us_socket_local_port(s: CompatListenSocket): number {
  return (s.server.address() as AddressInfo).port;
}
