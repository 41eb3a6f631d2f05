/**
 * Orders whose status is unknown (HTTP 5xx, -1007 TIMEOUT, Bybit 10016, a lost or dropped
 * answer, a WS API session that died with the order in flight), and the only safe way to
 * call one "not placed".
 *
 * The venue accepts a signed request only while `serverTime − timestamp <= recvWindow`, and
 * re-checks that before the matching engine (VENUES.md C). So once the venue's clock has
 * passed `timestamp + recvWindow`, an order that is not in the books by then never will be.
 * In local time that moment is `timestamp + recvWindow − offset` (offset = server − local),
 * plus the offset's own uncertainty (half the round trip of its measurement, clock-offset.ts)
 * and a small margin. Only a query AND an order-history lookup made after that moment, both
 * without a trace, make it "not placed". Any trace (query, history, a fill, the private
 * stream) makes it "placed" with whatever the venue says. Until then it stays unknown, blocks
 * new rounds on its symbol, and is looked at again; it is never dropped by a query budget.
 *
 * With the IOC default recvWindow of 1000 ms the answer comes about a second after the send.
 *
 * Pure: time comes in as arguments.
 */

export type UnknownState = 'waiting' | 'placed' | 'not_placed';

export interface UnknownOrderInput {
  venue: 'binance' | 'bybit';
  symbol: string;
  clientOrderId: string;
  /** The `timestamp` the request carried (venue-aligned ms). */
  requestTimestampMs: number;
  recvWindowMs: number;
}

export interface ClockSkew {
  /** server − local, ms. */
  offsetMs: number;
  /** ± error of offsetMs (half the round trip of the measurement), ms. */
  uncertaintyMs: number;
}

/** Extra wait beyond the computed window, for the venue's own processing. */
export const NOT_PLACED_MARGIN_MS = 100;
/** Default recvWindow for IOC arbitrage (docs/live.md): small, so unknown orders resolve fast. */
export const DEFAULT_IOC_RECV_WINDOW_MS = 1000;

/** Local wall ms after which the venue can no longer accept the order. */
export function acceptDeadlineLocalMs(o: UnknownOrderInput, skew: ClockSkew): number {
  return o.requestTimestampMs + o.recvWindowMs - skew.offsetMs + Math.abs(skew.uncertaintyMs) + NOT_PLACED_MARGIN_MS;
}

export type Evidence =
  /** GET order by client id (or order.status): found or "no such order" (-2013, empty list). */
  | { kind: 'query'; found: boolean; atLocalMs: number; cumQty?: number; final?: boolean }
  /** allOrders / order history around the send time. */
  | { kind: 'history'; found: boolean; atLocalMs: number; cumQty?: number; final?: boolean }
  /** A private-stream event or a fill carrying the client id: proof it was placed. */
  | { kind: 'stream'; atLocalMs: number; cumQty?: number; final?: boolean };

export class UnknownOrder {
  state: UnknownState = 'waiting';
  readonly deadlineLocalMs: number;
  /** After the deadline: the latest query / history looks that found nothing. */
  private queryClearAfterDeadline = false;
  private historyClearAfterDeadline = false;
  checks = 0;
  cumQty = 0;
  final = false;
  reason = 'status unknown';

  constructor(readonly input: UnknownOrderInput, skew: ClockSkew, readonly sinceLocalMs: number) {
    this.deadlineLocalMs = acceptDeadlineLocalMs(input, skew);
  }

  /** Folds in one piece of evidence; returns the state after it. */
  observe(e: Evidence): UnknownState {
    if (this.state !== 'waiting') {
      if (this.state === 'placed' && (e.kind === 'stream' || e.found)) this.absorb(e);
      return this.state;
    }
    this.checks++;
    if (e.kind === 'stream' || e.found) {
      this.state = 'placed';
      this.reason = `found by ${e.kind}`;
      this.absorb(e);
      return this.state;
    }
    if (e.atLocalMs >= this.deadlineLocalMs) {
      if (e.kind === 'query') this.queryClearAfterDeadline = true;
      else this.historyClearAfterDeadline = true;
    }
    if (this.queryClearAfterDeadline && this.historyClearAfterDeadline) {
      this.state = 'not_placed';
      this.reason = 'no trace in the order query and the order history after timestamp + recvWindow + skew';
    } else {
      this.reason = e.atLocalMs < this.deadlineLocalMs
        ? `not found, but the venue may still accept it until ${Math.ceil(this.deadlineLocalMs)} (local ms)`
        : `not found by ${e.kind}; ${this.queryClearAfterDeadline ? 'history' : 'query'} still to confirm`;
    }
    return this.state;
  }

  private absorb(e: Evidence): void {
    if (e.cumQty !== undefined && e.cumQty > this.cumQty) this.cumQty = e.cumQty;
    if (e.final === true) this.final = true;
  }

  /** Local ms of the next useful look: at the deadline if before it, else back-off by checks made. */
  nextCheckAtMs(nowLocalMs: number): number {
    if (this.state !== 'waiting') return Infinity;
    if (nowLocalMs < this.deadlineLocalMs) return this.deadlineLocalMs;
    return nowLocalMs + Math.min(5000, 100 * 2 ** Math.min(6, Math.max(0, this.checks - 2)));
  }

  /** What to ask next: the query first, then the history. */
  nextLook(): 'query' | 'history' {
    return this.queryClearAfterDeadline ? 'history' : 'query';
  }
}

/**
 * All unknown orders of a run: which symbols they block, which are due for a look, and the
 * "too many unresolved" halt.
 */
export class UnknownOrderBook {
  private readonly orders = new Map<string, UnknownOrder>();

  constructor(private readonly maxUnresolved = 3) {}

  static key(venue: string, clientOrderId: string): string {
    return venue + '|' + clientOrderId;
  }

  add(input: UnknownOrderInput, skew: ClockSkew, nowLocalMs: number): UnknownOrder {
    const k = UnknownOrderBook.key(input.venue, input.clientOrderId);
    const existing = this.orders.get(k);
    if (existing !== undefined) return existing;
    const o = new UnknownOrder(input, skew, nowLocalMs);
    this.orders.set(k, o);
    return o;
  }

  get(venue: string, clientOrderId: string): UnknownOrder | undefined {
    return this.orders.get(UnknownOrderBook.key(venue, clientOrderId));
  }

  /** Folds evidence in; a resolved order leaves the book and is returned (the caller reports it). */
  observe(venue: string, clientOrderId: string, e: Evidence): UnknownOrder | null {
    const k = UnknownOrderBook.key(venue, clientOrderId);
    const o = this.orders.get(k);
    if (o === undefined) return null;
    if (o.observe(e) === 'waiting') return null;
    this.orders.delete(k);
    return o;
  }

  /** Whether an unresolved order blocks a new round on this symbol (either venue). */
  blocks(symbol: string): boolean {
    for (const o of this.orders.values()) if (o.input.symbol === symbol) return true;
    return false;
  }

  /** Orders due for a look at `nowLocalMs`. */
  due(nowLocalMs: number, lastLookMs: (o: UnknownOrder) => number): UnknownOrder[] {
    const out: UnknownOrder[] = [];
    for (const o of this.orders.values()) if (o.nextCheckAtMs(lastLookMs(o)) <= nowLocalMs) out.push(o);
    return out;
  }

  get size(): number {
    return this.orders.size;
  }

  /** Too many unresolved orders: halt new entries until they resolve. */
  shouldHalt(): boolean {
    return this.orders.size >= this.maxUnresolved;
  }

  all(): UnknownOrder[] {
    return [...this.orders.values()];
  }
}
