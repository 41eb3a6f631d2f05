/**
 * Order-entry faults of one simulated venue, armed through the fault schedule / control API
 * (faults.ts) and consulted by the order and account endpoints:
 *
 * - order_5xx      the next `count` orders answer HTTP 502 (Binance) / retCode 10016 (Bybit);
 *                  `execute` (default true) says whether the order was matched anyway: the
 *                  client cannot know (status unknown, VENUES.md C).
 * - order_timeout  Binance -1007 "Timeout waiting for response from backend server. Send status
 *                  unknown; execution status unknown." (HTTP 408); Bybit 10016. Executed.
 * - order_lost     the order is executed, then the connection closes with no answer.
 * - order_slow     the order is executed at once, the answer leaves `durationMs` later.
 * - rate_storm     for `durationMs` every request gets HTTP 429 with Retry-After (Binance
 *                  -1003; Bybit retCode 10006 with X-Bapi-Limit-Status 0). A Binance client
 *                  that keeps sending during a 429 storm (more than `count`, default 3,
 *                  requests) is banned: HTTP 418 with a longer Retry-After, as the venue does.
 * - forbidden      for `durationMs` every request gets HTTP 403 (Binance WAF; Bybit IP ban).
 *
 * State only; the clock comes in as an argument.
 */
import type { HttpResponse } from 'uWebSockets.js';
import type { SimVenue } from './instruments.js';

export type OrderFaultKind = 'order_5xx' | 'order_timeout' | 'order_lost' | 'order_slow';

export interface ArmedOrderFault {
  kind: OrderFaultKind;
  /** Whether the order is matched before the faulty answer (order_5xx may not be). */
  execute: boolean;
  /** order_slow: delay of the answer. */
  delayMs: number;
}

/** A refusal of the whole request (storm, ban, forbidden). */
export interface GateRefusal {
  http: string;
  code: number;
  msg: string;
  retryAfterS: number;
}

/** Counted for the soak figures and tests. */
export interface OrderFaultCounters {
  armed: number;
  applied: number;
  refusedRequests: number;
  /** Orders an armed fault hit, by kind, and requests refused by storm (429), ban (418) and 403. */
  byKind: Record<string, number>;
}

export class OrderFaults {
  private readonly queue: ArmedOrderFault[] = [];
  private stormUntil = 0;
  private stormHits = 0;
  private stormTolerance = 3;
  private bannedUntil = 0;
  private forbiddenUntil = 0;
  readonly counters: OrderFaultCounters = { armed: 0, applied: 0, refusedRequests: 0, byKind: {} };

  constructor(readonly venue: SimVenue) {}

  arm(kind: OrderFaultKind, count: number, execute: boolean, delayMs: number): void {
    for (let i = 0; i < count; i++) this.queue.push({ kind, execute, delayMs });
    this.counters.armed += count;
  }

  rateStorm(nowMs: number, durationMs: number, tolerance: number): void {
    this.stormUntil = nowMs + durationMs;
    this.stormHits = 0;
    this.stormTolerance = tolerance;
  }

  forbid(nowMs: number, durationMs: number): void {
    this.forbiddenUntil = nowMs + durationMs;
  }

  /** The fault this order placement suffers, if one is armed. */
  takeOrderFault(): ArmedOrderFault | null {
    const f = this.queue.shift() ?? null;
    if (f !== null) {
      this.counters.applied++;
      this.counters.byKind[f.kind] = (this.counters.byKind[f.kind] ?? 0) + 1;
    }
    return f;
  }

  /** Whether a request (any signed endpoint) is refused before it is looked at. */
  gate(nowMs: number): GateRefusal | null {
    const r = this.gateInner(nowMs);
    if (r !== null) {
      this.counters.refusedRequests++;
      const k = r.http.startsWith('403') ? 'forbidden_403' : r.http.startsWith('418') ? 'ban_418' : 'rate_storm_429';
      this.counters.byKind[k] = (this.counters.byKind[k] ?? 0) + 1;
    }
    return r;
  }

  private gateInner(nowMs: number): GateRefusal | null {
    if (nowMs < this.forbiddenUntil) {
      const s = Math.ceil((this.forbiddenUntil - nowMs) / 1000);
      return this.venue === 'binance'
        ? { http: '403 Forbidden', code: -1, msg: 'WAF limit violated.', retryAfterS: s }
        : { http: '403 Forbidden', code: 403, msg: 'access too frequent', retryAfterS: s };
    }
    if (nowMs < this.bannedUntil) {
      return { http: "418 I'm a teapot", code: -1003, msg: `Way too many requests; IP banned until ${Math.floor(this.bannedUntil)}.`, retryAfterS: Math.ceil((this.bannedUntil - nowMs) / 1000) };
    }
    if (nowMs < this.stormUntil) {
      this.stormHits++;
      if (this.venue === 'binance' && this.stormHits > this.stormTolerance) {
        // Kept hammering through 429s: the venue bans the IP for longer than the storm.
        this.bannedUntil = this.stormUntil + 2 * (this.stormUntil - nowMs);
        return this.gateInner(nowMs);
      }
      const s = Math.max(1, Math.ceil((this.stormUntil - nowMs) / 1000));
      return this.venue === 'binance'
        ? { http: '429 Too Many Requests', code: -1003, msg: 'Too many requests; current limit of IP is 6000 requests per minute.', retryAfterS: s }
        : { http: '200 OK', code: 10006, msg: 'Too many visits!', retryAfterS: s };
    }
    return null;
  }
}

/** The answer a request gets when a storm, ban or 403 refuses it now, or null when it may pass. */
export function gateAnswer(faults: OrderFaults, now: number): { http: string; body: string; headers: Array<[string, string]> } | null {
  const r = faults.gate(now);
  return r === null ? null : { http: r.http, body: refusalBody(faults.venue, r, now), headers: refusalHeaders(faults.venue, r, now) };
}

/** The body a refused request gets, in the venue's error shape. */
export function refusalBody(venue: SimVenue, r: GateRefusal, nowMs: number): string {
  if (venue === 'binance') return JSON.stringify({ code: r.code, msg: r.msg });
  return JSON.stringify({ retCode: r.code, retMsg: r.msg, result: {}, retExtInfo: {}, time: nowMs });
}

export function refusalHeaders(venue: SimVenue, r: GateRefusal, nowMs: number): Array<[string, string]> {
  if (venue === 'binance') return [['Retry-After', String(r.retryAfterS)]];
  return [['Retry-After', String(r.retryAfterS)], ['X-Bapi-Limit', '20'], ['X-Bapi-Limit-Status', '0'],
    ['X-Bapi-Limit-Reset-Timestamp', String(nowMs + r.retryAfterS * 1000)]];
}

/** The answer an order suffering `fault` gets instead of (or later than) `send`. */
export function deliverWithFault(res: HttpResponse, venue: SimVenue, fault: ArmedOrderFault | null, send: () => void,
  sendRaw: (status: string, body: string) => void, nowMs: number): void {
  if (fault === null) {
    send();
    return;
  }
  switch (fault.kind) {
    case 'order_5xx':
      if (venue === 'binance') sendRaw('502 Bad Gateway', '<html><body><h1>502 Bad Gateway</h1></body></html>');
      else sendRaw('200 OK', JSON.stringify({ retCode: 10016, retMsg: 'Internal server error.', result: {}, retExtInfo: {}, time: nowMs }));
      return;
    case 'order_timeout':
      if (venue === 'binance') {
        sendRaw('408 Request Timeout', JSON.stringify({ code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' }));
      } else {
        sendRaw('200 OK', JSON.stringify({ retCode: 10016, retMsg: 'Server Timeout', result: {}, retExtInfo: {}, time: nowMs }));
      }
      return;
    case 'order_lost':
      res.close();
      return;
    case 'order_slow': {
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      setTimeout(() => {
        if (!aborted) send();
      }, fault.delayMs);
      return;
    }
  }
}

type Answer = { http: string; body: string; headers: Array<[string, string]> };

/**
 * An order request on either venue's REST order entry: the gate first (storm, ban, 403), then
 * any armed order fault (answer lost, late or an error, the order matched or not); `place`
 * matches the order and returns its answer. `send` writes one HTTP answer.
 */
export function serveFaultedOrder(res: HttpResponse, venue: SimVenue, faults: OrderFaults, now: number, place: () => Answer,
  send: (status: string, body: string, headers?: ReadonlyArray<readonly [string, string]>) => void): void {
  const gated = gateAnswer(faults, now);
  if (gated !== null) {
    send(gated.http, gated.body, gated.headers);
    return;
  }
  const fault = faults.takeOrderFault();
  const raw = (st: string, b: string): void => send(st, b);
  if (fault !== null && !fault.execute) {
    deliverWithFault(res, venue, fault, () => undefined, raw, now);
    return;
  }
  const a = place();
  deliverWithFault(res, venue, fault, () => send(a.http, a.body, a.headers), raw, now);
}
