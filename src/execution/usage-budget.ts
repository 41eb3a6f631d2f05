/**
 * The venues' rate rules, kept from their own words (VENUES.md C):
 *
 * - Binance reports usage in every answer: `X-MBX-USED-WEIGHT-1M` (IP request weight in the
 *   current minute, limit 6000), `X-MBX-ORDER-COUNT-10S` / `-1D` (account orders, limits 100
 *   and 200000). HTTP 429 and 418 carry `Retry-After` (s); 418 is an IP ban (2 min to 3 days)
 *   for ignoring 429s; 403 is the WAF.
 * - Bybit reports per endpoint `X-Bapi-Limit` (per second), `X-Bapi-Limit-Status` (left) and
 *   `X-Bapi-Limit-Reset-Timestamp`; retCode 10006 means the limit is spent until that reset;
 *   HTTP 403 is an IP ban: wait at least 10 minutes.
 *
 * The budget stays below the venue's limits by a margin (default 20 %), counts its own sends
 * between answers, keeps a share of the weight for queries so reconciliation and gap-fills
 * never starve orders (and the reverse), and turns every refusal into a back-off with its
 * reason. Pure: time comes in as arguments.
 */

export interface BudgetLimits {
  /** Binance: request weight per minute (REQUEST_WEIGHT). */
  weightPerMinute: number;
  /** Binance: orders per 10 s and per day (ORDERS); Bybit: orders per second per key. */
  ordersPer10s: number;
  ordersPerDay: number;
  ordersPerSecond: number;
}

export const BINANCE_LIMITS: BudgetLimits = { weightPerMinute: 6000, ordersPer10s: 100, ordersPerDay: 200_000, ordersPerSecond: Infinity };
export const BYBIT_LIMITS: BudgetLimits = { weightPerMinute: Infinity, ordersPer10s: Infinity, ordersPerDay: Infinity, ordersPerSecond: 20 };

export interface BudgetOptions {
  venue: 'binance' | 'bybit';
  limits: BudgetLimits;
  /** Fraction of each limit left unused (0.2 = stay below 80 %). */
  margin: number;
  /** Fraction of the (margined) weight budget queries may use. */
  queryShare: number;
  /** Back-off for a Binance 403 without Retry-After, ms. */
  binance403Ms: number;
  /** Back-off for a Binance 418 without Retry-After, ms (the venue bans 2 min to 3 days). */
  binance418Ms: number;
  /** Back-off for a Bybit 403, ms (venue: at least 10 minutes). */
  bybit403Ms: number;
}

export const DEFAULT_BUDGET: Omit<BudgetOptions, 'venue' | 'limits'> = {
  margin: 0.2, queryShare: 0.3, binance403Ms: 60_000, binance418Ms: 300_000, bybit403Ms: 600_000,
};

export interface Refusal {
  /** Local ms until which nothing of this kind should be sent. */
  untilMs: number;
  reason: string;
}

class Window {
  start = -1;
  used = 0;
  constructor(readonly lengthMs: number) {}

  roll(nowMs: number): void {
    const s = Math.floor(nowMs / this.lengthMs) * this.lengthMs;
    if (s !== this.start) {
      this.start = s;
      this.used = 0;
    }
  }

  endMs(): number {
    return this.start + this.lengthMs;
  }
}

export class UsageBudget {
  private readonly weight = new Window(60_000);
  private readonly queryWeight = new Window(60_000);
  private readonly orders10s = new Window(10_000);
  private readonly ordersDay = new Window(86_400_000);
  private readonly orders1s = new Window(1000);
  private readonly windows: readonly Window[] = [this.weight, this.queryWeight, this.orders10s, this.ordersDay, this.orders1s];
  private backoffUntil = 0;
  private backoffReason = '';
  /** Bybit per-endpoint: left and reset from the last answer. */
  private readonly bybitLeft = new Map<string, { left: number; limit: number; resetMs: number }>();
  readonly counters = { refusals: 0, backoffs: 0, headerUpdates: 0 };

  constructor(private readonly o: BudgetOptions) {}

  /** Whether an order (kind 'order') or a query of `weight` may go now; null = yes. */
  check(kind: 'order' | 'query', weight: number, nowMs: number, endpoint = ''): Refusal | null {
    const r = this.checkInner(kind, weight, nowMs, endpoint);
    if (r !== null) this.counters.refusals++;
    return r;
  }

  private checkInner(kind: 'order' | 'query', weight: number, nowMs: number, endpoint: string): Refusal | null {
    if (nowMs < this.backoffUntil) return { untilMs: this.backoffUntil, reason: this.backoffReason };
    const keep = 1 - this.o.margin;
    const L = this.o.limits;
    for (const w of this.windows) w.roll(nowMs);
    if (this.weight.used + weight > L.weightPerMinute * keep) return { untilMs: this.weight.endMs(), reason: `request weight ${this.weight.used}/${L.weightPerMinute} this minute` };
    if (kind === 'query' && this.queryWeight.used + weight > L.weightPerMinute * keep * this.o.queryShare) {
      return { untilMs: this.queryWeight.endMs(), reason: 'query share of the weight budget spent' };
    }
    if (kind === 'order') {
      if (this.orders10s.used + 1 > L.ordersPer10s * keep) return { untilMs: this.orders10s.endMs(), reason: `orders ${this.orders10s.used}/${L.ordersPer10s} per 10 s` };
      if (this.ordersDay.used + 1 > L.ordersPerDay * keep) return { untilMs: this.ordersDay.endMs(), reason: `orders ${this.ordersDay.used}/${L.ordersPerDay} per day` };
      if (this.orders1s.used + 1 > L.ordersPerSecond * keep) return { untilMs: this.orders1s.endMs(), reason: `orders ${this.orders1s.used}/${L.ordersPerSecond} per second` };
    }
    const b = this.bybitLeft.get(endpoint);
    if (b !== undefined && nowMs < b.resetMs && b.left <= b.limit * this.o.margin) {
      return { untilMs: b.resetMs, reason: `${endpoint}: ${b.left}/${b.limit} left until the venue's reset` };
    }
    return null;
  }

  /** Counts a send (call after check() said yes). */
  spend(kind: 'order' | 'query', weight: number, nowMs: number): void {
    for (const w of this.windows) w.roll(nowMs);
    this.weight.used += weight;
    if (kind === 'query') this.queryWeight.used += weight;
    else {
      this.orders10s.used++;
      this.ordersDay.used++;
      this.orders1s.used++;
    }
  }

  /** Reads an answer's status and headers (lower-case names): the venue's count wins over ours. */
  onAnswer(status: number, headers: Readonly<Record<string, string | undefined>>, nowMs: number, endpoint = '', retCode?: number): void {
    for (const w of this.windows) w.roll(nowMs);
    const used = num(headers['x-mbx-used-weight-1m']);
    if (used !== null) {
      this.weight.used = used;
      this.counters.headerUpdates++;
    }
    const o10 = num(headers['x-mbx-order-count-10s']);
    if (o10 !== null) this.orders10s.used = o10;
    const od = num(headers['x-mbx-order-count-1d']);
    if (od !== null) this.ordersDay.used = od;
    const left = num(headers['x-bapi-limit-status']);
    const limit = num(headers['x-bapi-limit']);
    const reset = num(headers['x-bapi-limit-reset-timestamp']);
    if (left !== null && limit !== null && endpoint !== '') {
      this.bybitLeft.set(endpoint, { left, limit, resetMs: reset ?? nowMs + 1000 });
      this.counters.headerUpdates++;
    }
    const retryS = num(headers['retry-after']);
    const retryMs = retryS === null ? null : retryS * 1000;
    if (this.o.venue === 'binance') {
      if (status === 429) this.backoff(nowMs + (retryMs ?? 1000), 'HTTP 429 (rate limit): Retry-After');
      else if (status === 418) this.backoff(nowMs + (retryMs ?? this.o.binance418Ms), 'HTTP 418 (IP banned for ignoring 429s)');
      else if (status === 403) this.backoff(nowMs + (retryMs ?? this.o.binance403Ms), 'HTTP 403 (WAF)');
    } else {
      if (status === 403) this.backoff(nowMs + Math.max(this.o.bybit403Ms, retryMs ?? 0), 'HTTP 403 (IP ban: the venue asks for ≥ 10 min)');
      else if (status === 429) this.backoff(nowMs + (retryMs ?? 1000), 'HTTP 429 (system protection)');
      else if (retCode === 10006) this.backoff(reset !== null && reset > nowMs ? reset : nowMs + 1000, 'retCode 10006 (too many visits)');
    }
  }

  private backoff(untilMs: number, reason: string): void {
    if (untilMs > this.backoffUntil) {
      this.backoffUntil = untilMs;
      this.backoffReason = reason;
    }
    this.counters.backoffs++;
  }

  backoffUntilMs(): number {
    return this.backoffUntil;
  }
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
