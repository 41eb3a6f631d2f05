/**
 * What the Binance and Bybit order clients share: options, the signed-request send with its
 * error accounting and logging (method and path only: query strings and headers carry
 * signatures and keys, and are never logged), the back-off clock, and the reconciliation
 * poll schedule.
 */
import type { HttpAnswer, HttpTransport } from './http-transport.js';
import { TransportError } from './live-errors.js';
import { newClientCounters, type ClientCounters, type Credentials } from './order-types.js';
import type { SignedRequest } from './binance-order.js';

export type LiveLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface OrderClientOptions {
  /** REST base, e.g. https://api.binance.com (no trailing slash needed). */
  baseUrl: string;
  creds: Credentials;
  recvWindowMs: number;
  /** Per request. */
  timeoutMs: number;
  /** Fee estimate when the venue's answer carries none (Binance order query). */
  takerFeeRate: number;
  /** How long to keep querying an order whose outcome is unknown or not yet final. */
  reconcileBudgetMs: number;
  transport: HttpTransport;
  /** Wall-clock ms (request timestamps, back-off). */
  wallMs: () => number;
  log: LiveLog;
  /** Waits (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Delay before the n-th reconciliation query (n from 0): 0, 10, 20, 40 … capped at 500 ms. */
export function pollDelayMs(n: number): number {
  return n === 0 ? 0 : Math.min(500, 10 * 2 ** (n - 1));
}

export abstract class OrderClientBase {
  readonly counters: ClientCounters = newClientCounters();
  /** Added to the wall clock for request timestamps (server time − local time, if measured). */
  clockOffsetMs = 0;
  protected backoffUntil = 0;
  protected readonly base: string;
  protected readonly sleep: (ms: number) => Promise<void>;

  constructor(protected readonly opts: OrderClientOptions, readonly venue: number, protected readonly venueName: string) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.sleep = opts.sleep ?? defaultSleep;
  }

  backoffUntilMs(): number {
    return this.backoffUntil;
  }

  protected timestampMs(): number {
    return Math.floor(this.opts.wallMs() + this.clockOffsetMs);
  }

  /** Sends; null on a transport failure (counted and logged). */
  protected async send(req: SignedRequest, what: string, clientOrderId: string): Promise<HttpAnswer | null> {
    this.counters.requests++;
    try {
      const ans = await this.opts.transport.request(req.method, this.base + req.pathAndQuery, req.headers, req.body, this.opts.timeoutMs);
      if (ans.status >= 400) this.counters.http_errors++;
      return ans;
    } catch (e) {
      const timedOut = e instanceof TransportError && e.timedOut;
      this.counters.transport_errors++;
      if (timedOut) this.counters.timeouts++;
      this.opts.log('warn', `${this.venueName} ${what}: no answer`, { client_order_id: clientOrderId, err: (e as Error).message, timed_out: timedOut });
      return null;
    }
  }

  protected startBackoff(ms: number, why: string): void {
    const until = this.opts.wallMs() + ms;
    if (until > this.backoffUntil) this.backoffUntil = until;
    this.counters.rate_limited++;
    this.opts.log('warn', `${this.venueName} rate limit: backing off`, { backoff_ms: ms, why });
  }
}
