/**
 * The monitor: a uWebSockets.js HTTP server on the main thread (never on the hot path).
 *   GET  /             the dashboard (static page, uPlot served from the package, no CDN)
 *   GET  /assets/*     its script, style sheet and uPlot
 *   WS   /ws           dashboard frames pushed at 4 Hz (first message: configuration + history)
 *   GET  /metrics      Prometheus text exposition
 *   GET  /status       short JSON summary (spreads, positions, PnL, halts, latency, alerts)
 *   GET  /status/raw   every actor counter and ring (debugging)
 *   GET  /health       "ok"
 *   POST /halt /resume /flatten   runtime control, JSON body {"reason": "..."} (resume needs one)
 * The port is bound exclusively (no SO_REUSEPORT: a second listener fails instead of sharing
 * the scrapes), loopback by default; with a token, every route and the WebSocket require it.
 */
import uws from '../net/uws.js';
import type * as uWS from 'uWebSockets.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TokenCheck, queryToken } from './auth.js';
import type { ControlAction, ControlResult } from './hub.js';

export interface MonitorSources {
  metrics(): string;
  status(): unknown;
  rawStatus?(): unknown;
  /** The WebSocket's first message. */
  hello?(): unknown;
  /** Frames for WebSocket clients; returns the unsubscribe function. */
  subscribe?(send: (text: string) => void): () => void;
  control?(action: ControlAction, reason: string): ControlResult;
}

export interface MonitorOptions {
  host: string;
  port: number;
  /** "" = no token (loopback only; config check enforces it). */
  token?: string;
}

export interface MonitorHandle {
  port: number;
  url: string;
  stop(): void;
}

export class MonitorError extends Error {
  override readonly name = 'MonitorError';
}

const BODY_LIMIT = 4096;
/** A client this far behind is skipped for a frame rather than buffered without bound. */
const WS_BACKPRESSURE_LIMIT = 1 << 20;
const CONTROL_ACTIONS: readonly ControlAction[] = ['halt', 'resume', 'flatten'];

/** uWS's listen option without SO_REUSEPORT (a value of its ListenOptions enum; checked at start). */
const EXCLUSIVE_PORT = (uws as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT;

interface Asset {
  type: string;
  body: Buffer;
}

function loadAssets(): Map<string, Asset> {
  const req = createRequire(import.meta.url);
  // dist/src/monitor/server.js -> <repo>/src/monitor/static/ (tsc does not copy non-TS files).
  const staticDir = fileURLToPath(new URL('../../../src/monitor/static/', import.meta.url));
  const a = new Map<string, Asset>();
  a.set('/assets/uPlot.min.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(req.resolve('uplot/dist/uPlot.iife.min.js')) });
  a.set('/assets/uPlot.min.css', { type: 'text/css; charset=utf-8', body: readFileSync(req.resolve('uplot/dist/uPlot.min.css')) });
  a.set('/assets/dashboard.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(staticDir + 'dashboard.js') });
  a.set('/assets/dashboard.css', { type: 'text/css; charset=utf-8', body: readFileSync(staticDir + 'dashboard.css') });
  a.set('/', { type: 'text/html; charset=utf-8', body: readFileSync(staticDir + 'index.html') });
  return a;
}

const SECURITY_HEADERS: ReadonlyArray<[string, string]> = [
  ['Cache-Control', 'no-store'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
];

export function startMonitor(opts: MonitorOptions, sources: MonitorSources): Promise<MonitorHandle> {
  const app = uws.App();
  const auth = new TokenCheck(opts.token ?? '');
  if (typeof EXCLUSIVE_PORT !== 'number') {
    return Promise.reject(new MonitorError('this uWebSockets.js build has no LIBUS_LISTEN_EXCLUSIVE_PORT: the monitor would share its port (SO_REUSEPORT)'));
  }
  const assets = loadAssets();
  const sockets = new Set<uWS.WebSocket<{ unsubscribe: (() => void) | null }>>();
  const send = (res: uWS.HttpResponse, status: string, type: string, body: string | Buffer, extra: ReadonlyArray<[string, string]> = []) => {
    res.cork(() => {
      res.writeStatus(status).writeHeader('Content-Type', type);
      for (const [k, v] of SECURITY_HEADERS) res.writeHeader(k, v);
      for (const [k, v] of extra) res.writeHeader(k, v);
      res.end(body);
    });
  };
  const json = (res: uWS.HttpResponse, status: string, body: unknown) => send(res, status, 'application/json', JSON.stringify(body) + '\n');
  /** Reads what a handler needs from the request (uWS's request dies when the handler returns) and checks the token. */
  const authorized = (res: uWS.HttpResponse, req: uWS.HttpRequest): boolean => {
    if (auth.allows(req.getHeader('authorization'), req.getQuery() ?? '')) return true;
    send(res, '401 Unauthorized', 'text/plain', 'unauthorized: send "Authorization: Bearer <monitor.token>" (or ?token= from a browser)\n',
      [['WWW-Authenticate', 'Bearer realm="xarb"']]);
    return false;
  };
  const get = (path: string, handler: (res: uWS.HttpResponse, req: uWS.HttpRequest) => void) => {
    app.get(path, (res, req) => { if (authorized(res, req)) handler(res, req); });
  };

  get('/metrics', (res) => send(res, '200 OK', 'text/plain; version=0.0.4; charset=utf-8', sources.metrics()));
  get('/status', (res) => json(res, '200 OK', sources.status()));
  get('/status/raw', (res) => json(res, '200 OK', sources.rawStatus?.() ?? sources.status()));
  get('/health', (res) => send(res, '200 OK', 'text/plain', 'ok\n'));
  get('/', (res, req) => {
    // Asset URLs carry the token the page was opened with, so the browser's plain <script> and
    // <link> loads pass the check too.
    const token = queryToken(req.getQuery() ?? '');
    const q = token !== null && auth.required ? `?token=${encodeURIComponent(token)}` : '';
    const html = assets.get('/')!.body.toString('utf8').replaceAll('{{Q}}', q);
    send(res, '200 OK', 'text/html; charset=utf-8', html, [
      ['Content-Security-Policy', "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'"],
    ]);
  });
  for (const [path, asset] of assets) {
    if (path !== '/') get(path, (res) => send(res, '200 OK', asset.type, asset.body));
  }

  for (const action of CONTROL_ACTIONS) {
    app.post(`/${action}`, (res, req) => {
      if (!authorized(res, req)) return;
      const query = req.getQuery() ?? '';
      let aborted = false;
      res.onAborted(() => { aborted = true; });
      let body = Buffer.alloc(0);
      res.onData((chunk, last) => {
        if (body.length + chunk.byteLength > BODY_LIMIT) {
          if (!aborted) { aborted = true; json(res, '413 Payload Too Large', { ok: false, message: `body over ${BODY_LIMIT} bytes` }); }
          return;
        }
        body = Buffer.concat([body, Buffer.from(chunk)]); // uWS's chunk dies after this callback
        if (!last || aborted) return;
        const r = runControl(action, body.toString('utf8'), query, sources);
        json(res, `${r.status} ${r.status === 200 ? 'OK' : r.status === 400 ? 'Bad Request' : r.status === 409 ? 'Conflict' : 'Error'}`, { ok: r.ok, action, message: r.message });
      });
    });
    app.get(`/${action}`, (res) => send(res, '405 Method Not Allowed', 'text/plain', `use POST /${action}\n`, [['Allow', 'POST']]));
  }

  app.ws<{ unsubscribe: (() => void) | null }>('/ws', {
    maxPayloadLength: 1024,
    idleTimeout: 60,
    maxBackpressure: WS_BACKPRESSURE_LIMIT * 2,
    upgrade: (res, req, context) => {
      if (!authorized(res, req)) return;
      res.upgrade({ unsubscribe: null }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      sockets.add(ws);
      if (sources.hello) ws.send(JSON.stringify(sources.hello()));
      if (sources.subscribe) {
        ws.getUserData().unsubscribe = sources.subscribe((text) => {
          if (ws.getBufferedAmount() < WS_BACKPRESSURE_LIMIT) ws.send(text);
        });
      }
    },
    close: (ws) => {
      sockets.delete(ws);
      ws.getUserData().unsubscribe?.();
    },
  });

  app.any('/*', (res, req) => {
    if (!authorized(res, req)) return;
    send(res, '404 Not Found', 'text/plain', 'not found: try /, /metrics, /status, /health, POST /halt|/resume|/flatten\n');
  });

  return new Promise((resolve, reject) => {
    // EXCLUSIVE_PORT: no SO_REUSEPORT, so a second process cannot share (and split) the port.
    const listen = app.listen as unknown as (host: string, port: number, options: number, cb: (s: uWS.us_listen_socket | false) => void) => void;
    listen.call(app, opts.host, opts.port, EXCLUSIVE_PORT, (listenSocket) => {
      if (!listenSocket) {
        reject(new MonitorError(`monitor could not listen on ${opts.host}:${opts.port}: the port is in use (another xarb, the simulator, `
          + 'or another program) or the address is not available here; choose another monitor.port (or --monitor-port), or set monitor.enabled = false'));
        return;
      }
      const actual = uws.us_socket_local_port(listenSocket);
      const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        port: actual,
        url: `http://${hostInUrl}:${actual}`,
        stop: () => {
          uws.us_listen_socket_close(listenSocket);
          for (const ws of [...sockets]) ws.end(1001, 'monitor stopping');
        },
      });
    });
  });
}

/** Parses a control request's reason (JSON body {"reason"} or ?reason=) and runs it. */
function runControl(action: ControlAction, body: string, query: string, sources: MonitorSources): ControlResult {
  if (sources.control === undefined) return { ok: false, status: 409, message: 'control is not available in this process' };
  let reason = new URLSearchParams(query).get('reason') ?? '';
  if (body.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, status: 400, message: 'body must be JSON: {"reason": "..."}' };
    }
    const r = (parsed as { reason?: unknown } | null)?.reason;
    if (r !== undefined && typeof r !== 'string') return { ok: false, status: 400, message: '"reason" must be a string' };
    if (typeof r === 'string') reason = r;
  }
  reason = reason.trim().slice(0, 200);
  if (action === 'resume' && reason === '') return { ok: false, status: 400, message: 'resume needs a reason (why is it safe to trade again?)' };
  return sources.control(action, reason === '' ? `operator ${action}` : reason);
}
