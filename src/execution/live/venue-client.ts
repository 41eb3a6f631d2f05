/**
 * Assembles one venue's live order path: the REST client (kept-alive pool), the WebSocket
 * order session (Binance WS API; Bybit /v5/trade plus the /v5/private stream for fills) and
 * the router between them. `start()` opens and authenticates the sessions (bounded); a venue
 * whose session cannot be opened starts on REST and switches when the session comes up.
 */
import { VENUE_BINANCE } from '../../core/records.js';
import { BinanceOrderClient } from './binance-client.js';
import { BinanceWsApi } from './binance-ws-api.js';
import { BybitOrderClient } from './bybit-client.js';
import { BybitPrivateStream } from './bybit-private-stream.js';
import { BybitTradeWs } from './bybit-ws-trade.js';
import type { OrderClientOptions } from './client-base.js';
import { RoutedOrderClient } from './routed-client.js';
import { loadEd25519PrivateKey } from './signer.js';

export interface VenueClientSpec {
  venue: number;
  name: string;
  rest: OrderClientOptions;
  orderEntry: 'ws' | 'rest';
  wsApiUrl: string;
  keyType: 'hmac' | 'ed25519';
  privateKeyPem: string;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

export interface VenueClient {
  client: RoutedOrderClient;
  rest: BinanceOrderClient | BybitOrderClient;
  /** Opens the WS sessions; resolves with whether the WS order path is ready. */
  start(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/** Bybit's private stream lives beside /v5/trade: same host, path /v5/private. */
export function bybitPrivateUrl(tradeUrl: string): string {
  return tradeUrl.replace(/\/v5\/trade\/?$/, '/v5/private');
}

export function buildVenueClient(s: VenueClientSpec): VenueClient {
  const creds = { ...s.rest.creds, keyType: s.keyType };
  if (s.keyType === 'ed25519') creds.privateKey = loadEd25519PrivateKey(s.privateKeyPem, `${s.name} auth.private_key`);
  const restOpts: OrderClientOptions = { ...s.rest, creds };
  const common = {
    timeoutMs: restOpts.timeoutMs, reconnectMinMs: s.reconnectMinMs, reconnectMaxMs: s.reconnectMaxMs, log: restOpts.log,
  };
  if (s.venue === VENUE_BINANCE) {
    const rest = new BinanceOrderClient(restOpts);
    const ws = s.orderEntry === 'ws'
      ? new BinanceWsApi({ ...common, url: s.wsApiUrl, name: 'binance WS API', counters: rest.counters }, creds, rest, restOpts.recvWindowMs)
      : null;
    return {
      client: new RoutedOrderClient(rest, ws), rest,
      start: async (ms) => ws === null ? false : race(ws.start(), ms),
      close: () => ws?.close(),
    };
  }
  const rest = new BybitOrderClient(restOpts);
  if (s.orderEntry !== 'ws') return { client: new RoutedOrderClient(rest, null), rest, start: async () => false, close: () => undefined };
  const priv = new BybitPrivateStream({ ...common, url: bybitPrivateUrl(s.wsApiUrl), name: 'bybit private stream', counters: rest.counters }, creds, restOpts.wallMs);
  const trade = new BybitTradeWs({ ...common, url: s.wsApiUrl, name: 'bybit trade WS', counters: rest.counters }, creds, rest, priv,
    restOpts.recvWindowMs, restOpts.wallMs);
  return {
    client: new RoutedOrderClient(rest, trade), rest,
    start: async (ms) => {
      const [t] = await Promise.all([race(trade.start(), ms), race(priv.start(), ms)]);
      return t;
    },
    close: () => {
      trade.close();
      priv.close();
    },
  };
}

function race(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); })]).finally(() => clearTimeout(timer));
}
