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
import { defaultSleep, type OrderClientOptions } from './client-base.js';
import { answerCode } from './venue-rules.js';
import { RoutedOrderClient } from './routed-client.js';
import { loadEd25519PrivateKey } from './signer.js';
import { BinanceUserDataStream } from './binance-user-data-stream.js';
import { PrivateFills, type GapFillSource } from './private-fills.js';
import { newClientCounters, type ClientCounters } from './order-types.js';
import { BinanceAccountRest, type AccountRestOptions } from '../../venues/binance/account-rest.js';
import { BybitAccountRest } from '../../venues/bybit/account-rest.js';

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
  /**
   * The private stream (Binance user data over the WS API, Bybit /v5/private) as the source of
   * truth for fills and balances, with its REST gap-fill for these symbols (private-fills.ts).
   * Absent: no private stream beyond what the Bybit WS order path needs (tools, older tests).
   */
  privateFills?: { symbols: readonly string[]; gapMarginMs?: number };
}

export interface VenueClient {
  client: RoutedOrderClient;
  rest: BinanceOrderClient | BybitOrderClient;
  /** The venue's fill ledger and balance view (null when `privateFills` was not asked for). */
  fills: PrivateFills | null;
  /** Counters of the Binance user-data connection (Bybit's private stream shares the REST client's). */
  streamCounters: ClientCounters | null;
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
  let fills: PrivateFills | null = null;
  const life = { closed: false };
  const restOpts: OrderClientOptions = { ...s.rest, creds };
  // Fills of the order path (FULL answers, trades of queried orders) enter the same ledger.
  if (s.privateFills !== undefined) restOpts.onFills = (f) => fills?.answer(f);
  // The sessions reconnect only once the venue's back-off (order client or rules) is over.
  let restRef: BinanceOrderClient | BybitOrderClient | null = null;
  const common = {
    timeoutMs: restOpts.timeoutMs, reconnectMinMs: s.reconnectMinMs, reconnectMaxMs: s.reconnectMaxMs, log: restOpts.log,
    silentUntilMs: (): number => (restRef === null ? 0 : Math.max(restRef.backoffUntilMs(), restRef.rules?.backoffUntilMs() ?? 0)),
  };
  if (s.venue === VENUE_BINANCE) {
    const rest = new BinanceOrderClient(restOpts);
    restRef = rest;
    const ws = s.orderEntry === 'ws'
      ? new BinanceWsApi({ ...common, url: s.wsApiUrl, name: 'binance WS API', counters: rest.counters }, creds, rest, restOpts.recvWindowMs)
      : null;
    let stream: BinanceUserDataStream | null = null;
    let acct: BinanceAccountRest | null = null;
    const streamCounters = s.privateFills === undefined ? null : newClientCounters();
    if (s.privateFills !== undefined) {
      const a = new BinanceAccountRest({ ...accountRestOptions(restOpts, rest, life), ed25519Key: creds.privateKey });
      acct = a;
      fills = newPrivateFills(s, restOpts, (symbol, since, until) => a.fillsSince(symbol, since, until));
      const f = fills;
      stream = new BinanceUserDataStream({ ...common, url: s.wsApiUrl, name: 'binance user data', counters: streamCounters! }, creds,
        () => rest.timestampMs(), restOpts.recvWindowMs);
      stream.eventListeners.push((e) => f.onBinanceEvent(e));
      stream.stateListeners.push((ready) => f.onStreamState(ready));
    }
    const st = stream;
    return {
      client: new RoutedOrderClient(rest, ws), rest, fills, streamCounters,
      start: async (ms) => {
        const [w] = await Promise.all([ws === null ? false : race(ws.start(), ms), st === null ? true : race(st.start(), ms)]);
        return w;
      },
      close: () => {
        ws?.close();
        st?.close();
        life.closed = true;
        fills?.close();
        void acct?.close();
      },
    };
  }
  const rest = new BybitOrderClient(restOpts);
  restRef = rest;
  if (s.orderEntry !== 'ws' && s.privateFills === undefined) {
    return { client: new RoutedOrderClient(rest, null), rest, fills: null, streamCounters: null, start: async () => false, close: () => undefined };
  }
  const priv = new BybitPrivateStream({ ...common, url: bybitPrivateUrl(s.wsApiUrl), name: 'bybit private stream', counters: rest.counters }, creds, restOpts.wallMs,
    { rateInQuote: restOpts.rateInQuote, takerFeeRate: restOpts.takerFeeRate });
  let acct: BybitAccountRest | null = null;
  if (s.privateFills !== undefined) {
    acct = s.keyType === 'hmac' ? new BybitAccountRest(accountRestOptions(restOpts, rest, life)) : null;
    const a = acct;
    const f = newPrivateFills(s, restOpts, a === null ? null : async (symbol, since, until) => ({
      fills: (await a.fillsSince(symbol, since, until)).fills, orders: await a.orderHistory(symbol, since, until) }));
    fills = f;
    priv.executionListeners.push((row) => f.onBybitExecution(row));
    priv.rowListeners.push((row) => f.onBybitOrder(row));
    priv.walletListeners.push((row) => f.onBybitWallet(row));
    priv.stateListeners.push((ready) => f.onStreamState(ready));
  }
  const trade = s.orderEntry === 'ws'
    ? new BybitTradeWs({ ...common, url: s.wsApiUrl, name: 'bybit trade WS', counters: rest.counters }, creds, rest, priv, restOpts.recvWindowMs, restOpts.wallMs)
    : null;
  return {
    client: new RoutedOrderClient(rest, trade), rest, fills, streamCounters: null,
    start: async (ms) => {
      const [t] = await Promise.all([trade === null ? false : race(trade.start(), ms), race(priv.start(), ms)]);
      return t;
    },
    close: () => {
      trade?.close();
      priv.close();
      life.closed = true;
      fills?.close();
      void acct?.close();
    },
  };
}

/**
 * The account REST (gap-fill queries) of a venue, on the order client's key, URL and clock
 * offset, under the order client's venue rules (set once the run has them): each query waits
 * out a back-off or a spent query budget, and its answer's usage headers and codes go to the
 * rules, like every other request to the venue.
 */
function accountRestOptions(o: OrderClientOptions, client: BinanceOrderClient | BybitOrderClient, life: { closed: boolean }): AccountRestOptions {
  const sleep = o.sleep ?? defaultSleep;
  return { baseUrl: o.baseUrl, apiKey: o.creds.apiKey, secretKey: o.creds.secretKey, recvWindowMs: o.recvWindowMs,
    venueNowMs: () => o.wallMs() + client.clockOffsetMs, timeoutMs: o.timeoutMs,
    onAnswer: (path, a) => client.rules?.onHttpAnswer(path, a.status, (n) => a.headers[n] ?? null, answerCode(a.text), a.text),
    beforeRequest: async (path) => {
      for (;;) {
        const rules = client.rules;
        if (rules === null) return;
        const now = o.wallMs();
        const r = rules.takeQuery(path, now);
        if (r === null) return;
        // In steps, so a close does not wait out a ban of minutes.
        if (life.closed) throw new Error(`held back by the venue's rules: ${r.reason}`);
        await sleep(Math.max(1, Math.min(1000, r.untilMs - now)));
      }
    } };
}

function newPrivateFills(s: VenueClientSpec, o: OrderClientOptions, gapFill: GapFillSource | null): PrivateFills {
  return new PrivateFills({
    venue: s.venue, name: s.venue === VENUE_BINANCE ? 'binance' : 'bybit', symbols: s.privateFills!.symbols, rateInQuote: o.rateInQuote ?? (() => undefined),
    takerFeeRate: o.takerFeeRate, gapFill, gapMarginMs: s.privateFills!.gapMarginMs, wallMs: o.wallMs, log: o.log,
  });
}

function race(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); })]).finally(() => clearTimeout(timer));
}
