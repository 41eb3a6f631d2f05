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
import { SimLedger } from './account-ledger.js';
import { OrderFaults } from './order-faults.js';
import { PrivateStreamHub } from './private-stream-hub.js';
import { BinanceUsage, BybitUsage } from './usage.js';
import type { VenueAccountState } from './venue-account.js';
import { registerBinanceAccountRest } from './rest-account-binance.js';
import { registerBybitAccountRest } from './rest-account-bybit.js';
import { connectBinanceUserData } from './user-data-binance.js';
import { connectBybitPrivate } from './private-bybit.js';

export interface OrderEntryOptions {
  /** Accounts besides the built-in SIM_KEYS ones (which are always present). */
  accounts?: SimAccountSpec[];
  /** Starting balances of every account that gives none (default quote 1,000,000, base 100). */
  startingBalances?: SimBalances;
  /** Taker fee rate per venue (default 0.001 = 10 bps, the regular spot rate). */
  takerFeeRate?: Partial<Record<SimVenue, number>>;
  /** Maker fee rate per venue, reported by the commission / fee-rate endpoints (default 0.001). */
  makerFeeRate?: Partial<Record<SimVenue, number>>;
  /** Binance API keys that pay fees in BNB (at 75 %, converted at bnbPriceQuote). */
  bnbFeeKeys?: string[];
  /** BNB price in the quote asset for BNB fees (default 600). */
  bnbPriceQuote?: number;
  /** API keys whose permissions include withdrawals (the permission endpoints say so). */
  canWithdrawKeys?: string[];
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

  all(): Iterable<SimAccount> {
    return this.byKey.values();
  }
}

export interface OrderEntryContext {
  gen: MarketGenerator;
  clock: SimClock;
  accounts: SimAccounts;
  orders: SimOrderStore;
  takerFeeRate: number;
  /** Ledger, private-stream subscribers, armed faults, usage counters (venue-account.ts). */
  acct: VenueAccountState;
}

export interface OrderEntryHandle {
  accounts: Record<SimVenue, SimAccounts>;
  /** Faults of the WebSocket order APIs (ws-api-faults.ts). */
  wsApi: Record<SimVenue, WsApiFaults>;
  /** Per venue: ledger, private-stream hub, order faults, usage (the WS sessions subscribe here). */
  venues: Record<SimVenue, VenueAccountState>;
  orders: Record<SimVenue, SimOrderStore>;
}

export const DEFAULT_SIM_BALANCES: SimBalances = { quote: 1_000_000, base: 100 };

export function registerOrderEntry(apps: Record<SimVenue, TemplatedApp>, gen: MarketGenerator, clock: SimClock,
  opts: OrderEntryOptions = {}): OrderEntryHandle {
  const defaults = opts.startingBalances ?? DEFAULT_SIM_BALANCES;
  const accounts: Record<SimVenue, SimAccounts> = { binance: new SimAccounts('binance'), bybit: new SimAccounts('bybit') };
  for (const venue of ['binance', 'bybit'] as const) accounts[venue].add({ venue, ...SIM_KEYS[venue] }, defaults);
  for (const spec of opts.accounts ?? []) accounts[spec.venue].add(spec, defaults);
  const ctx = (venue: SimVenue): OrderEntryContext => {
    const orders = new SimOrderStore();
    const takerFeeRate = opts.takerFeeRate?.[venue] ?? 0.001;
    const ledger = new SimLedger(venue, gen, accounts[venue], orders, {
      takerFeeRate, bnbPriceQuote: opts.bnbPriceQuote ?? 600, bnbFeeKeys: venue === 'binance' ? opts.bnbFeeKeys ?? [] : [],
    });
    const acct: VenueAccountState = {
      ledger, hub: new PrivateStreamHub(), faults: new OrderFaults(venue), binanceUsage: new BinanceUsage(), bybitUsage: new BybitUsage(),
      canWithdraw: new Set(opts.canWithdrawKeys ?? []), takerFeeRate, makerFeeRate: opts.makerFeeRate?.[venue] ?? 0.001,
    };
    return { gen, clock, accounts: accounts[venue], orders, takerFeeRate, acct };
  };
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
  registerBinanceAccountRest(apps.binance, binance);
  registerBybitAccountRest(apps.bybit, bybit);
  connectBinanceUserData(binance.acct.ledger, binance.acct.hub, () => serverMs(clock));
  connectBybitPrivate(bybit.acct.ledger, bybit.acct.hub, () => serverMs(clock), bybit.takerFeeRate);
  return { accounts, wsApi, venues: { binance: binance.acct, bybit: bybit.acct }, orders: { binance: binance.orders, bybit: bybit.orders } };
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
  return Math.floor(clock.epochMs + clock.now() + (clock.skewMs ?? 0));
}
