/**
 * One venue's rules, kept by the live executor during the run (VENUES.md C):
 *
 * - usage: every answer's usage headers (`X-MBX-USED-WEIGHT-1M`, `X-MBX-ORDER-COUNT-10S/1D`,
 *   `X-Bapi-Limit*`, the WS API's `rateLimits`) and status (429/418 `Retry-After`, 403, Bybit
 *   10006) go into a UsageBudget (usage-budget.ts) that stays `margin` below the venue's limits;
 *   orders and queries are checked against it before they leave;
 * - clock: the offset to the venue's clock (clock-offset.ts) is measured again every
 *   `resyncEveryMs` and at once after a timestamp reject (Binance -1021, Bybit 10002); the new
 *   offset goes to the order client's request timestamps.
 *
 * Off the hot path's inner loop: called once per order, answer or query. Time comes in as
 * arguments or through the injected wall clock.
 */
import { BINANCE_LIMITS, BYBIT_LIMITS, DEFAULT_BUDGET, UsageBudget, type Refusal } from '../usage-budget.js';
import { ClockOffsetTracker, TIMESTAMP_REJECT_CODES } from '../clock-offset.js';
import type { LiveLog } from './client-base.js';
import type { HttpTransport } from './http-transport.js';
import { parseServerTimeMs } from './server-time.js';
import { VENUE_BINANCE } from '../../core/records.js';

/** Binance spot request weights (rest-api.md); an unlisted path weighs 1. Bybit has no weights. */
const BINANCE_WEIGHTS: Readonly<Record<string, number>> = {
  '/api/v3/order': 4, '/api/v3/allOrders': 20, '/api/v3/account': 20, '/api/v3/myTrades': 20, '/api/v3/openOrders': 6,
  '/api/v3/account/commission': 20, '/api/v3/time': 1,
};
const ORDER_WEIGHT = 1;

export interface VenueRulesOptions {
  venue: 'binance' | 'bybit';
  /** Fraction of every limit left unused. */
  margin: number;
  /** Periodic clock resync. */
  resyncEveryMs: number;
  wallMs: () => number;
  log: LiveLog;
  /** Receives each new clock offset (the order client's request timestamps). */
  applyOffset?: (offsetMs: number) => void;
}

export interface VenueRulesCounters {
  /** Queries held back (the budget or a back-off said no), never sent. */
  queries_held: number;
  /** Answers whose usage headers were read. */
  usage_updates: number;
  /** Back-offs started by the venue's answers (429, 418, 403, 10006). */
  backoffs: number;
  /** Timestamp rejects seen (-1021 / 10002), each forcing a resync. */
  timestamp_rejects: number;
  clock_resyncs: number;
  clock_resync_failures: number;
}

export class VenueRules {
  readonly budget: UsageBudget;
  readonly clock: ClockOffsetTracker;
  readonly counters: VenueRulesCounters = { queries_held: 0, usage_updates: 0, backoffs: 0, timestamp_rejects: 0, clock_resyncs: 0, clock_resync_failures: 0 };
  /** The path whose per-endpoint limit (Bybit) orders use. */
  readonly orderEndpoint: string;
  private resyncing = false;

  constructor(private readonly o: VenueRulesOptions) {
    this.budget = new UsageBudget({ ...DEFAULT_BUDGET, venue: o.venue, limits: o.venue === 'binance' ? BINANCE_LIMITS : BYBIT_LIMITS, margin: o.margin });
    this.clock = new ClockOffsetTracker(o.resyncEveryMs);
    this.orderEndpoint = o.venue === 'binance' ? '/api/v3/order' : '/v5/order/create';
  }

  get venue(): 'binance' | 'bybit' {
    return this.o.venue;
  }

  /** Until when (local ms) the venue asked for silence; 0 = never asked. */
  backoffUntilMs(): number {
    return this.budget.backoffUntilMs();
  }

  /** May an order go now? null = yes (then `spendOrder`). */
  orderRefusal(nowMs: number): Refusal | null {
    return this.budget.check('order', ORDER_WEIGHT, nowMs, this.orderEndpoint);
  }

  spendOrder(nowMs: number): void {
    this.budget.spend('order', ORDER_WEIGHT, nowMs);
  }

  /** May a query of `path` (no query string) go now? null = yes, and it is counted as spent. */
  takeQuery(path: string, nowMs: number): Refusal | null {
    const w = this.o.venue === 'binance' ? BINANCE_WEIGHTS[path] ?? 1 : 1;
    const r = this.budget.check('query', w, nowMs, path);
    if (r !== null) {
      this.counters.queries_held++;
      return r;
    }
    this.budget.spend('query', w, nowMs);
    return null;
  }

  /**
   * A REST answer: usage headers, back-offs, and a timestamp reject's resync. `code` is the
   * venue's error code in the body (Binance `code`, Bybit `retCode`), NaN when none.
   */
  onHttpAnswer(path: string, status: number, header: (name: string) => string | null, code: number, bodyText: string): void {
    const now = this.o.wallMs();
    const h: Record<string, string | undefined> = {};
    for (const n of USAGE_HEADERS) {
      const v = header(n);
      if (v !== null) h[n] = v;
    }
    // A 418 names the end of the ban ("IP banned until 1700000000000."): the stronger word.
    if (status === 418) {
      const m = /banned until (\d{10,})/.exec(bodyText);
      if (m !== null) h['retry-after'] = String(Math.max(1, Math.ceil((Number(m[1]) - now) / 1000)));
    }
    this.absorb(status, h, now, path, code);
  }

  /**
   * A WebSocket API answer: Binance's `rateLimits` array (REQUEST_WEIGHT per minute, ORDERS
   * per 10 s and per day: the same counts as the REST headers), its status and error code, and
   * the `retryAfter` (ms epoch) a 429/418 error carries in `data`.
   */
  onWsAnswer(status: number, rateLimits: unknown, code: number, retryAfterEpochMs: number, endpoint: string): void {
    const now = this.o.wallMs();
    const h: Record<string, string | undefined> = {};
    if (Array.isArray(rateLimits)) {
      for (const r of rateLimits as Array<Record<string, unknown>>) {
        const count = r['count'];
        if (typeof count !== 'number') continue;
        const k = `${String(r['rateLimitType'])}/${String(r['interval'])}/${String(r['intervalNum'])}`;
        if (k === 'REQUEST_WEIGHT/MINUTE/1') h['x-mbx-used-weight-1m'] = String(count);
        else if (k === 'ORDERS/SECOND/10') h['x-mbx-order-count-10s'] = String(count);
        else if (k === 'ORDERS/DAY/1') h['x-mbx-order-count-1d'] = String(count);
      }
    }
    if (retryAfterEpochMs > now) h['retry-after'] = String(Math.ceil((retryAfterEpochMs - now) / 1000));
    this.absorb(status, h, now, endpoint, code);
  }

  private absorb(status: number, h: Record<string, string | undefined>, now: number, path: string, code: number): void {
    if (Object.keys(h).length > 0) this.counters.usage_updates++;
    const before = this.budget.backoffUntilMs();
    this.budget.onAnswer(status, h, now, path, Number.isNaN(code) ? undefined : code);
    const after = this.budget.backoffUntilMs();
    if (after > before && after > now) {
      this.counters.backoffs++;
      this.o.log('warn', `${this.o.venue}: the venue asked us to back off; nothing is sent to it until then`,
        { venue: this.o.venue, http: status, code: Number.isNaN(code) ? undefined : code, until: new Date(after).toISOString(), backoff_ms: after - now });
    }
    if (!Number.isNaN(code)) this.onRejectCode(code);
  }

  /** A venue code on any path: a timestamp reject asks for a resync now. */
  onRejectCode(code: number): void {
    if (!TIMESTAMP_REJECT_CODES.has(code)) return;
    this.counters.timestamp_rejects++;
    this.clock.onReject(code);
    this.o.log('warn', `${this.o.venue} rejected a request timestamp (code ${code}): re-measuring the clock offset`, { venue: this.o.venue, code });
  }

  /** Whether a clock measurement is due (never measured, asked for after a reject, or periodic). */
  resyncDue(): boolean {
    return !this.resyncing && this.clock.needsResync(this.o.wallMs());
  }

  /**
   * Measures the venue's clock (GET /api/v3/time, /v5/market/time) when due and hands the
   * new offset on. Never throws: a failure is counted and logged, and tried again next time.
   */
  async resyncIfDue(transport: HttpTransport, restUrl: string, timeoutMs: number): Promise<boolean> {
    if (!this.resyncDue()) return false;
    const path = this.o.venue === 'binance' ? '/api/v3/time' : '/v5/market/time';
    if (this.takeQuery(path, this.o.wallMs()) !== null) return false;
    this.resyncing = true;
    try {
      const before = this.o.wallMs();
      const ans = await transport.request('GET', restUrl.replace(/\/+$/, '') + path, {}, null, timeoutMs);
      const after = this.o.wallMs();
      this.onHttpAnswer(path, ans.status, (n) => ans.header(n), NaN, '');
      if (ans.status !== 200) throw new Error(`GET ${path}: HTTP ${ans.status}`);
      const server = parseServerTimeMs(this.o.venue === 'binance' ? VENUE_BINANCE : 1, ans.text);
      const s = this.clock.onSample(before, server, after);
      if (s === null) throw new Error('unusable clock sample');
      this.counters.clock_resyncs++;
      const offset = Math.round(this.clock.offsetMs());
      this.o.applyOffset?.(offset);
      this.o.log(this.counters.clock_resyncs === 1 ? 'info' : 'debug', 'venue clock offset measured',
        { venue: this.o.venue, offset_ms: offset, rtt_ms: s.rttMs });
      return true;
    } catch (e) {
      this.counters.clock_resync_failures++;
      this.o.log('warn', 'could not re-measure the venue clock; keeping the last offset', { venue: this.o.venue, err: (e as Error).message });
      return false;
    } finally {
      this.resyncing = false;
    }
  }
}

const USAGE_HEADERS = ['x-mbx-used-weight-1m', 'x-mbx-order-count-10s', 'x-mbx-order-count-1d', 'x-bapi-limit', 'x-bapi-limit-status',
  'x-bapi-limit-reset-timestamp', 'retry-after'] as const;

/** The venue's error code in an answer body (Binance `"code":-1021`, Bybit `"retCode":10002`); NaN when none. */
export function answerCode(text: string): number {
  const m = /"(?:retCode|code)"\s*:\s*(-?\d+)/.exec(text.length > 400 ? text.slice(0, 400) : text);
  return m === null ? NaN : Number(m[1]);
}
