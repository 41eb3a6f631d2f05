/**
 * The "sim" venue profile: every venue URL is pointed at the local venue simulator, keeping
 * each URL's path (so one simulator port can serve both venues: Binance's /ws, /api, /ws-api
 * and Bybit's /v5/... paths do not collide) and downgrading wss/https to ws/http.
 *
 * The loader does not apply it, because with `sim_port = 0` the port is only known once the
 * simulator listens: the runner calls this after starting it.
 *
 * Binance USD-M futures reuses spot's paths (`/ws`, `/stream`) on other hosts, so the simulator
 * serves it on its own port: a venue with `market = "linear"` goes to `binanceFutures` when
 * the ports record has one (a single port number cannot tell the markets apart). Bybit serves
 * both markets from one host by path (`/v5/public/spot`, `/v5/public/linear`), so a linear
 * Bybit stays on the Bybit port with its path kept.
 */
import type { VenueName, XarbConfig } from './types.js';
import { VENUE_NAMES } from './types.js';

export type SimPorts = number | (Record<VenueName, number> & { binanceFutures?: number });

/** Returns a copy of `cfg` whose venue URLs point at host:port. */
export function applySimProfile(cfg: XarbConfig, host: string, ports: SimPorts): XarbConfig {
  const out = structuredClone(cfg);
  for (const venue of VENUE_NAMES) {
    const linear = out.venues[venue].connection.market === 'linear';
    const port = typeof ports === 'number' ? ports
      : venue === 'binance' && linear && ports.binanceFutures !== undefined ? ports.binanceFutures : ports[venue];
    if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new RangeError(`applySimProfile: bad port ${port} for ${venue}`);
    const c = out.venues[venue].connection;
    c.websocket_url = toLocal(c.websocket_url, host, port);
    c.rest_api_url = toLocal(c.rest_api_url, host, port);
    c.ws_api_url = toLocal(c.ws_api_url, host, port);
  }
  return out;
}

/** "wss://stream.binance.com:9443/ws" → "ws://127.0.0.1:PORT/ws". */
export function toLocal(url: string, host: string, port: number): string {
  const u = new URL(url);
  const scheme = u.protocol === 'wss:' || u.protocol === 'ws:' ? 'ws:' : 'http:';
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  // URL.pathname is "/" for "https://api.binance.com": keep the original's lack of a path.
  const pathPart = u.pathname === '/' && !/^[a-z]+:\/\/[^/]+\/$/i.test(url) ? '' : u.pathname;
  return `${scheme}//${hostPart}:${port}${pathPart}${u.search}`;
}
