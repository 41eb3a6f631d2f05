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
import { UnknownOrder } from '../unknown-order.js';
import type { RateInQuote } from './fee-units.js';
import type { VenueFill } from '../fill-ledger.js';
import { answerCode, type VenueRules } from './venue-rules.js';

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
  /** Price in quote of a fee asset that is neither base nor quote (BNB), for fee-units.ts. */
  rateInQuote?: RateInQuote;
  /**
   * Fills the order path learned with their trade ids (Binance FULL answers, right after their
   * update; myTrades of an order settled by query, before it): they go to the venue's FillLedger
   * (private-fills.ts). Set: an order settled by query also has its trades read for exact fees.
   */
  onFills?: (fills: VenueFill[]) => void;
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
  private haltedWhy: string | null = null;
  /**
   * The venue's rules (venue-rules.ts): every answer's usage headers and codes go there, and a
   * query the budget or a back-off refuses is held (waited for, up to the request timeout)
   * instead of sent. null = none (tests, tools).
   */
  rules: VenueRules | null = null;
  protected readonly base: string;
  protected readonly sleep: (ms: number) => Promise<void>;

  constructor(protected readonly opts: OrderClientOptions, readonly venue: number, protected readonly venueName: string) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.sleep = opts.sleep ?? defaultSleep;
  }

  backoffUntilMs(): number {
    return this.backoffUntil;
  }

  haltReason(): string | null {
    return this.haltedWhy;
  }

  /**
   * The venue refused the key or its signature (Binance -1022/-2014/-2015, Bybit 10003/10004):
   * no later order can succeed, so new entries on this venue halt, with one error line naming
   * the venue and the key type (never the key). Counted every time.
   */
  keyRejected(code: number, msg: string): void {
    this.counters.key_rejected++;
    if (this.haltedWhy !== null) return;
    const kt = this.opts.creds.keyType === 'ed25519' ? 'Ed25519' : 'HMAC';
    this.haltedWhy = `${this.venueName} refused the ${kt} API key (code ${code}: ${msg})`;
    this.opts.log('error', `${this.haltedWhy}: new entries on ${this.venueName} halted`, { venue: this.venueName, key_type: kt, code });
  }

  /**
   * An order whose outcome is unknown (unknown-order.ts). Called when the look begins, after
   * the request left: the timestamp taken now is an upper bound of the request's own, so the
   * "cannot be accepted any more" moment computed from it is never too early.
   */
  unknownOrder(symbol: string, clientOrderId: string): UnknownOrder {
    return new UnknownOrder({ venue: this.venueName as 'binance' | 'bybit', symbol, clientOrderId, requestTimestampMs: this.timestampMs(),
      recvWindowMs: this.opts.recvWindowMs }, { offsetMs: this.clockOffsetMs, uncertaintyMs: 0 }, this.opts.wallMs());
  }

  /** How long to keep looking: the budget, but never less than the accept deadline plus the budget. */
  lookUntilMs(u: UnknownOrder): number {
    return Math.max(this.opts.wallMs(), u.deadlineLocalMs) + this.opts.reconcileBudgetMs;
  }

  timestampMs(): number {
    return Math.floor(this.opts.wallMs() + this.clockOffsetMs);
  }

  /** Sends; null on a transport failure (counted and logged). */
  protected async send(req: SignedRequest, what: string, clientOrderId: string, isOrder = false): Promise<HttpAnswer | null> {
    const rules = this.rules;
    const q = req.pathAndQuery.indexOf('?');
    const path = q < 0 ? req.pathAndQuery : req.pathAndQuery.slice(0, q);
    // Orders were checked (and spent) by the executor's pre-send checks; queries are budgeted here.
    if (rules !== null && !isOrder && !(await this.holdQuery(rules, path))) return null;
    this.counters.requests++;
    try {
      const ans = await this.opts.transport.request(req.method, this.base + req.pathAndQuery, req.headers, req.body, this.opts.timeoutMs);
      if (ans.status >= 400) this.counters.http_errors++;
      rules?.onHttpAnswer(path, ans.status, (n) => ans.header(n), answerCode(ans.text), ans.text);
      return ans;
    } catch (e) {
      const timedOut = e instanceof TransportError && e.timedOut;
      this.counters.transport_errors++;
      if (timedOut) this.counters.timeouts++;
      this.opts.log('warn', `${this.venueName} ${what}: no answer`, { client_order_id: clientOrderId, err: (e as Error).message, timed_out: timedOut });
      return null;
    }
  }

  /**
   * Waits while the venue's rules refuse a query (a back-off, the query share of the weight),
   * at most the request timeout; true when it may go (and is counted), false when still refused.
   */
  private async holdQuery(rules: VenueRules, path: string): Promise<boolean> {
    const giveUpAt = this.opts.wallMs() + this.opts.timeoutMs;
    for (;;) {
      const now = this.opts.wallMs();
      const r = rules.takeQuery(path, now);
      if (r === null) return true;
      if (now >= giveUpAt) {
        this.opts.log('debug', `${this.venueName}: query held back`, { path, reason: r.reason });
        return false;
      }
      await this.sleep(Math.max(1, Math.min(r.untilMs, giveUpAt) - now));
    }
  }

  startBackoff(ms: number, why: string): void {
    const until = this.opts.wallMs() + ms;
    if (until > this.backoffUntil) this.backoffUntil = until;
    this.counters.rate_limited++;
    this.opts.log('warn', `${this.venueName} rate limit: backing off`, { backoff_ms: ms, why });
  }
}
