/**
 * What a venue has been answering, and what the strategy may still send it.
 *
 * Circuit breaker, per venue:
 *   closed ──auth/signature/permission reject──▶ open (auth): no new entries until an
 *                                                operator resumes it (a key does not heal)
 *   closed ──breaker_rejects consecutive rejects──▶ open (rejects): no new entries for
 *                                                breaker_cooldown_ms, then one pair may try
 *                                                (half-open: one, across every symbol, until
 *                                                the venue answers); an accepted order closes
 *                                                it, a reject starts a new cool-down
 * Hedges and unwinds avoid an auth-open venue; they may still use a reject-open one, behind
 * the hedge back-off below, because closing exposure beats waiting.
 *
 * Hedge back-off, per venue: each rejected hedge/unwind doubles the wait before the next one
 * to that venue (HEDGE_BACKOFF_BASE_NS … HEDGE_BACKOFF_MAX_NS); an accepted one resets it.
 *
 * Reject codes are the venues' own (docs/VENUES: Binance -2015/-2014/-1022/-1002, Bybit
 * 10003/10004/10005/10010/33004 are key, signature, permission or IP problems).
 */
/** The live executor's "venue or symbol not configured" (live-errors.ts ERR_LIVE_NOT_CONFIGURED): no usable key. */
const ERR_LIVE_NOT_CONFIGURED = -9105;

export const REJ_OTHER = 0;
export const REJ_AUTH = 1;
export const REJ_BALANCE = 2;
export const REJ_FILTER = 3;
export const REJ_RATE = 4;

/** Kind of a reject, from its venue (or local) error code. */
export function rejectKind(code: number): number {
  switch (code) {
    case -2015: case -2014: case -1022: case -1002: case -2008:
    case 10003: case 10004: case 10005: case 10007: case 10010: case 33004:
    case ERR_LIVE_NOT_CONFIGURED:
      return REJ_AUTH;
    case -2010: case 170131: case 110004: case 110007: case 110012:
      return REJ_BALANCE;
    case -1013: case -1111: case -1121: case 170134: case 170136: case 170137: case 170140: case 110017: case 170132: case 170133: case -9111:
      return REJ_FILTER;
    // -9109 refused with its twin leg, -9110 entries halted by the executor: local, not the venue's health.
    case -1003: case -1015: case 10006: case -9101: case -9102: case -9109: case -9110:
      return REJ_RATE;
    default:
      return REJ_OTHER;
  }
}

export const REJECT_KIND_NAMES: readonly string[] = ['other', 'auth', 'balance', 'filter', 'rate'];

export const BREAKER_CLOSED = 0;
export const BREAKER_OPEN_REJECTS = 1;
export const BREAKER_OPEN_AUTH = 2;

export const HEDGE_BACKOFF_BASE_NS = 50_000_000;
export const HEDGE_BACKOFF_MAX_NS = 2_000_000_000;

export class VenueHealth {
  readonly breaker: Uint8Array;
  readonly openedNs: Float64Array;
  readonly consecutiveRejects: Int32Array;
  readonly lastRejectCode: Float64Array;
  readonly hedgeBackoffUntil: Float64Array;
  readonly hedgeRejectStreak: Int32Array;
  /** Times each venue's breaker opened. */
  readonly trips: Float64Array;
  /** 1 while a half-open try (one pair) is out to the venue, waiting for its answer. */
  readonly halfOpenTry: Uint8Array;

  constructor(readonly nVenue: number, readonly maxRejects: number, readonly cooldownNs: number) {
    this.breaker = new Uint8Array(nVenue);
    this.openedNs = new Float64Array(nVenue);
    this.consecutiveRejects = new Int32Array(nVenue);
    this.lastRejectCode = new Float64Array(nVenue);
    this.hedgeBackoffUntil = new Float64Array(nVenue);
    this.hedgeRejectStreak = new Int32Array(nVenue);
    this.trips = new Float64Array(nVenue);
    this.halfOpenTry = new Uint8Array(nVenue);
  }

  /**
   * A reject from venue v. Returns the breaker state it newly entered (BREAKER_OPEN_*), or
   * BREAKER_CLOSED when the breaker did not change.
   */
  onReject(v: number, code: number, kind: number, residualOrder: boolean, nowNs: number): number {
    this.lastRejectCode[v] = code;
    if (residualOrder) {
      const n = ++this.hedgeRejectStreak[v]!;
      const wait = Math.min(HEDGE_BACKOFF_BASE_NS * 2 ** (n - 1), HEDGE_BACKOFF_MAX_NS);
      this.hedgeBackoffUntil[v] = nowNs + wait;
    }
    if (kind === REJ_RATE) {
      // Our own pace (or the venue's rate limit), not the venue's health: no count. But when it
      // answered the half-open try (an entry to a reject-open venue is only ever that try), the
      // try is over without a verdict on the venue: a new cool-down, then another try.
      if (!residualOrder && this.breaker[v] === BREAKER_OPEN_REJECTS && this.halfOpenTry[v] === 1) {
        this.halfOpenTry[v] = 0;
        this.openedNs[v] = nowNs;
      }
      return BREAKER_CLOSED;
    }
    const n = ++this.consecutiveRejects[v]!;
    const was = this.breaker[v]!;
    if (kind === REJ_AUTH && was !== BREAKER_OPEN_AUTH) {
      this.breaker[v] = BREAKER_OPEN_AUTH;
      this.openedNs[v] = nowNs;
      this.trips[v]! += 1;
      return BREAKER_OPEN_AUTH;
    }
    if (was === BREAKER_OPEN_REJECTS) {
      this.openedNs[v] = nowNs; // a half-open try failed: a new cool-down
      this.halfOpenTry[v] = 0;
      return BREAKER_CLOSED;
    }
    if (was === BREAKER_CLOSED && n >= this.maxRejects) {
      this.breaker[v] = BREAKER_OPEN_REJECTS;
      this.openedNs[v] = nowNs;
      this.trips[v]! += 1;
      return BREAKER_OPEN_REJECTS;
    }
    return BREAKER_CLOSED;
  }

  /** The venue accepted an order (any answer but a reject). Returns true if its breaker closed. */
  onAccept(v: number, residualOrder: boolean): boolean {
    this.consecutiveRejects[v] = 0;
    if (residualOrder) {
      this.hedgeRejectStreak[v] = 0;
      this.hedgeBackoffUntil[v] = 0;
    }
    if (this.breaker[v] === BREAKER_OPEN_REJECTS) {
      this.breaker[v] = BREAKER_CLOSED;
      this.halfOpenTry[v] = 0;
      return true;
    }
    return false;
  }

  /** An entry leg went to venue v: if its breaker is half-open, that is the one try. */
  onEntrySent(v: number): void {
    if (this.breaker[v] === BREAKER_OPEN_REJECTS) this.halfOpenTry[v] = 1;
  }

  /** May a new round use venue v? (closed, or reject-open past its cool-down with no try out: half-open) */
  entryAllowed(v: number, nowNs: number): boolean {
    const b = this.breaker[v];
    if (b === BREAKER_CLOSED) return true;
    return b === BREAKER_OPEN_REJECTS && this.halfOpenTry[v] === 0 && nowNs >= this.openedNs[v]! + this.cooldownNs;
  }

  /** May a hedge/unwind go to venue v now? */
  hedgeAllowed(v: number, nowNs: number): boolean {
    return this.breaker[v] !== BREAKER_OPEN_AUTH && nowNs >= this.hedgeBackoffUntil[v]!;
  }

  isOpen(v: number): boolean {
    return this.breaker[v] !== BREAKER_CLOSED;
  }

  /** Operator reset (after fixing keys): every breaker closed, back-offs forgotten. */
  reset(): number {
    let closed = 0;
    for (let v = 0; v < this.nVenue; v++) {
      if (this.breaker[v] !== BREAKER_CLOSED) closed |= 1 << v;
      this.breaker[v] = BREAKER_CLOSED;
      this.halfOpenTry[v] = 0;
      this.consecutiveRejects[v] = 0;
      this.hedgeRejectStreak[v] = 0;
      this.hedgeBackoffUntil[v] = 0;
    }
    return closed;
  }
}
