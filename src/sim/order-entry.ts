/**
 * Simulated order entry for both personalities: Binance `POST /api/v3/order` and
 * `GET /api/v3/order`, Bybit `POST /v5/order/create` and `GET /v5/order/realtime`, with the
 * venues' signature, timestamp-window, filter, balance and rate-limit checks and their error
 * codes (VENUES.md C). Each API key is an account with its own balances.
 *
 * Order endpoints keep the HTTP connection open (keep-alive), as the venues do: an order
 * client reuses one connection. The simulator's stop() closes them (uWS app.close()).
 */
import type { TemplatedApp, HttpResponse } from 'uWebSockets.js';
import type { SimClock } from './http-util.js';
import type { MarketGenerator } from './market-generator.js';
import { SIM_KEYS } from './order-entry-keys.js';
import { SimAccount, SimOrderStore, type SimAccountSpec, type SimBalances } from './order-entry-book.js';
import { registerBinanceOrderEntry } from './order-entry-binance.js';
import { registerBybitOrderEntry } from './order-entry-bybit.js';
import { setAccountPublicKey } from './sim-signature.js';
import { WsApiFaults, registerWsApiFaultRoute } from './ws-api-faults.js';
import { registerBinanceWsApi } from './ws-api-binance.js';
import { registerBybitTradeWs } from './trade-ws-bybit.js';
import { registerBybitPrivateStream } from './private-stream-bybit.js';
import type { SimVenue } from './instruments.js';

export interface OrderEntryOptions {
  /** Accounts besides the built-in SIM_KEYS ones (which are always present). */
  accounts?: SimAccountSpec[];
  /** Starting balances of every account that gives none (default quote 1,000,000, base 100). */
  startingBalances?: SimBalances;
  /** Taker fee rate per venue (default 0.001 = 10 bps, the regular spot rate). */
  takerFeeRate?: Partial<Record<SimVenue, number>>;
}

/** The accounts of one venue, by API key. */
export class SimAccounts {
  private readonly byKey = new Map<string, SimAccount>();
  constructor(readonly venue: SimVenue) {}

  add(spec: SimAccountSpec, defaults: SimBalances): SimAccount {
    const a = new SimAccount(spec.venue, spec.apiKey, spec.secretKey, spec.balances ?? defaults);
    if (spec.publicKeyPem !== undefined) setAccountPublicKey(a, spec.publicKeyPem);
    this.byKey.set(spec.apiKey, a);
    return a;
  }

  get(apiKey: string): SimAccount | undefined {
    return this.byKey.get(apiKey);
  }
}

export interface OrderEntryContext {
  gen: MarketGenerator;
  clock: SimClock;
  accounts: SimAccounts;
  orders: SimOrderStore;
  takerFeeRate: number;
}

export interface OrderEntryHandle {
  accounts: Record<SimVenue, SimAccounts>;
  /** Faults of the WebSocket order APIs (ws-api-faults.ts). */
  wsApi: Record<SimVenue, WsApiFaults>;
}

export const DEFAULT_SIM_BALANCES: SimBalances = { quote: 1_000_000, base: 100 };

export function registerOrderEntry(apps: Record<SimVenue, TemplatedApp>, gen: MarketGenerator, clock: SimClock,
  opts: OrderEntryOptions = {}): OrderEntryHandle {
  const defaults = opts.startingBalances ?? DEFAULT_SIM_BALANCES;
  const accounts: Record<SimVenue, SimAccounts> = { binance: new SimAccounts('binance'), bybit: new SimAccounts('bybit') };
  for (const venue of ['binance', 'bybit'] as const) accounts[venue].add({ venue, ...SIM_KEYS[venue] }, defaults);
  for (const spec of opts.accounts ?? []) accounts[spec.venue].add(spec, defaults);
  const ctx = (venue: SimVenue): OrderEntryContext => ({
    gen, clock, accounts: accounts[venue], orders: new SimOrderStore(), takerFeeRate: opts.takerFeeRate?.[venue] ?? 0.001,
  });
  const binance = ctx('binance');
  const bybit = ctx('bybit');
  registerBinanceOrderEntry(apps.binance, binance);
  registerBybitOrderEntry(apps.bybit, bybit);
  // The WebSocket order APIs share each venue's accounts, orders and limits with REST.
  const wsApi = { binance: new WsApiFaults(), bybit: new WsApiFaults() };
  registerBinanceWsApi(apps.binance, binance, wsApi.binance);
  registerBybitTradeWs(apps.bybit, bybit, wsApi.bybit);
  registerBybitPrivateStream(apps.bybit, bybit);
  registerWsApiFaultRoute(apps, wsApi);
  return { accounts, wsApi };
}

/** A JSON answer on a connection that stays open, with extra headers. */
export function sendKeepAlive(res: HttpResponse, status: string, body: string, headers: ReadonlyArray<readonly [string, string]> = []): void {
  res.cork(() => {
    res.writeStatus(status);
    for (const [k, v] of headers) res.writeHeader(k, v);
    res.writeHeader('Content-Type', 'application/json;charset=UTF-8').end(body, false);
  });
}

/** Server wall-clock ms. */
export function serverMs(clock: SimClock): number {
  return Math.floor(clock.epochMs + clock.now());
}
