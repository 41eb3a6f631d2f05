/**
 * The live executor's own pre-send checks, applied to an arbitrage pair as a whole (both legs
 * or neither, pair-check.ts): a refusal of one leg (its venue backing off, the rate budget
 * spent, no client or filter, a filter that cannot form the order (ERR_LIVE_BAD_FILTER),
 * quantity floored to zero or below the venue's minimum, its key
 * refused, entries halted by the executor) refuses its twin too, so the executor never legs a
 * position itself.
 *
 * The strategy publishes both legs back to back (buy first) with one pair id, and the executor
 * handles them one at a time. So the first leg of a pair to arrive is checked together with its
 * twin as it will be: the same symbol and quantity on the other venue, the opposite side, at
 * this leg's price (the twin's own price differs by the spread; the notional check uses this
 * one). The verdict is remembered by pair id: a refused pair's twin is refused on arrival
 * with ERR_LIVE_PAIR_REFUSED; an accepted pair's budget is spent for both legs at once, and the
 * twin passes on its own leg checks. Hedges and unwinds are single orders, checked alone, and
 * never halted by the executor (closing exposure beats waiting).
 */
import { ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, VENUE_COUNT, VENUE_NAMES } from '../../core/records.js';
import { ERR_LOCAL_INVALID } from '../error-codes.js';
import { checkPair, type LegCheck, type PairLeg } from '../pair-check.js';
import { floorToStep, stepFormatProblem } from './decimal.js';
import {
  ERR_LIVE_BACKOFF, ERR_LIVE_BAD_FILTER, ERR_LIVE_BELOW_MIN, ERR_LIVE_ENTRIES_HALTED, ERR_LIVE_KEY_REJECTED, ERR_LIVE_NOT_CONFIGURED, ERR_LIVE_PAIR_REFUSED,
  ERR_LIVE_RATE_LIMITED,
} from './live-errors.js';
import type { VenueOrderClient } from './order-types.js';
import type { OrderRateLimiter } from './rate-limiter.js';
import type { VenueRules } from './venue-rules.js';

export interface PreSendFilter {
  tickSize: number;
  stepSize: number;
  minQty?: number;
  minNotional?: number;
}

export interface PreSendOptions {
  symbols: readonly string[];
  clients: readonly (VenueOrderClient | null)[];
  filters: readonly (Readonly<Record<string, PreSendFilter>> | undefined)[];
  limiters: readonly (OrderRateLimiter | null)[];
  /** Per venue id: usage budget and back-offs (venue-rules.ts); null/absent = none. */
  rules?: readonly (VenueRules | null)[];
  /** Why the executor halts new entries now (balance drift, unresolved orders), null = it does not. */
  entriesHalted?: () => string | null;
}

/** Pair verdicts kept for twins not yet arrived (a twin the strategy never sent must not leak). */
const MEMO_MAX = 256;

/** The check that refused, in the order the checks run (each maps to one code). */
const CODES = [ERR_LIVE_NOT_CONFIGURED, ERR_LIVE_BAD_FILTER, ERR_LOCAL_INVALID, ERR_LIVE_BELOW_MIN, ERR_LIVE_KEY_REJECTED, ERR_LIVE_ENTRIES_HALTED, ERR_LIVE_BACKOFF,
  ERR_LIVE_RATE_LIMITED] as const;
/** The checks of the leg itself (CODES up to the key check): run again for a pair's second leg. */
const OWN_CHECKS = 5;

export class PreSendGate {
  /** pairId → the twin's expected role and the code it gets on arrival (0 = the pair goes, budget already spent). */
  private readonly memo = new Map<number, { role: number; code: number }>();
  /** Reason of the last refusal, for the executor's log line. */
  lastReason = '';
  readonly counters = { pairs_checked: 0, pairs_refused: 0, twins_refused: 0, pair_split: 0 };
  private nowMs = 0;
  private readonly checks: LegCheck[];
  private readonly spendBound = (l: PairLeg): void => this.spend(l);

  constructor(private readonly o: PreSendOptions) {
    const venueOf = (l: PairLeg): number => VENUE_NAMES.indexOf(l.venue);
    this.checks = [
      (l) => (this.client(venueOf(l)) === null || this.filter(venueOf(l), l.symbol) === undefined ? `${l.venue} not configured for ${l.symbol}` : null),
      (l) => {
        // A filter that cannot form the order (a refreshed tick of 0, a garbled step) refuses it
        // here, with its twin, instead of throwing while the order is formed.
        const f = this.filter(venueOf(l), l.symbol)!;
        const p = stepFormatProblem(l.price, f.tickSize) ?? stepFormatProblem(l.qty, f.stepSize);
        return p === null ? null : `${l.venue} ${l.symbol}: the filter cannot form the order (${p})`;
      },
      (l) => {
        const f = this.filter(venueOf(l), l.symbol)!;
        return floorToStep(l.qty, f.stepSize) > 0 ? null : `${l.venue} ${l.symbol}: quantity ${l.qty} floors to 0 at step ${f.stepSize}`;
      },
      (l) => {
        const f = this.filter(venueOf(l), l.symbol)!;
        const q = floorToStep(l.qty, f.stepSize);
        if (f.minQty !== undefined && q < f.minQty) return `${l.venue} ${l.symbol}: quantity ${q} below the minimum ${f.minQty}`;
        if (f.minNotional !== undefined && q * l.price < f.minNotional) return `${l.venue} ${l.symbol}: notional ${q * l.price} below the minimum ${f.minNotional}`;
        return null;
      },
      (l) => this.client(venueOf(l))?.haltReason?.() ?? null,
      () => this.o.entriesHalted?.() ?? null,
      (l) => {
        const v = venueOf(l);
        const until = Math.max(this.client(v)!.backoffUntilMs(), this.o.rules?.[v]?.backoffUntilMs() ?? 0);
        return until > this.nowMs ? `${l.venue} backing off for ${Math.ceil(until - this.nowMs)} ms` : null;
      },
      (l) => {
        const v = venueOf(l);
        const lim = this.o.limiters[v] ?? null;
        if (lim !== null && !lim.canAcquire(this.nowMs)) {
          lim.refused++;
          return `${l.venue}: local order-rate limit (${lim.limit} per ${lim.windowMs} ms)`;
        }
        const r = this.o.rules?.[v]?.orderRefusal(this.nowMs) ?? null;
        return r === null ? null : `${l.venue}: ${r.reason}`;
      },
    ];
  }

  private client(v: number): VenueOrderClient | null {
    return v < 0 ? null : this.o.clients[v] ?? null;
  }

  private filter(v: number, symbol: string): PreSendFilter | undefined {
    return v < 0 ? undefined : this.o.filters[v]?.[symbol];
  }

  /**
   * The checks for one intent; 0 = send it (its budget spent), else the local code to refuse
   * it with (`lastReason` says why). `role` and `pairId` say whether it is a pair leg.
   */
  check(venue: number, symbol: number, side: number, price: number, qty: number, role: number, pairId: number, nowMs: number): number {
    this.nowMs = nowMs;
    const name = this.o.symbols[symbol];
    if (name === undefined || this.client(venue) === null) {
      this.lastReason = `${VENUE_NAMES[venue] ?? venue} not configured`;
      return ERR_LIVE_NOT_CONFIGURED;
    }
    if (!((side === SIDE_BUY || side === SIDE_SELL) && price > 0 && qty > 0 && Number.isFinite(price) && Number.isFinite(qty))) {
      this.lastReason = 'invalid side, price or quantity';
      return ERR_LOCAL_INVALID;
    }
    const leg: PairLeg = { venue: VENUE_NAMES[venue] as PairLeg['venue'], symbol: name, side: side === SIDE_BUY ? 'buy' : 'sell', price, qty };
    const isLeg = (role === ROLE_LEG_BUY || role === ROLE_LEG_SELL) && pairId > 0 && VENUE_COUNT === 2;
    if (!isLeg) return this.single(leg, role);
    const memo = this.memo.get(pairId);
    if (memo !== undefined && memo.role === role) {
      // The second leg: its pair was decided when the first arrived.
      this.memo.delete(pairId);
      if (memo.code !== 0) {
        this.counters.twins_refused++;
        this.lastReason = 'refused with its twin leg';
        return memo.code;
      }
      // Budget and back-off were checked and spent for both; only the leg's own checks remain.
      for (let c = 0; c < OWN_CHECKS; c++) {
        const r = this.checks[c]!(leg, 0);
        if (r !== null) {
          this.counters.pair_split++;
          this.lastReason = r + ' (after its twin was sent)';
          return CODES[c]!;
        }
      }
      return 0;
    }
    if (this.client(1 - venue) === null) {
      // No client at all on the other venue (not configured): no pair can go there, and the
      // strategy's breaker keeps rounds off it; this leg is checked alone.
      return this.single(leg, role);
    }
    this.counters.pairs_checked++;
    const twinRole = role === ROLE_LEG_BUY ? ROLE_LEG_SELL : ROLE_LEG_BUY;
    const twin: PairLeg = { venue: VENUE_NAMES[1 - venue] as PairLeg['venue'], symbol: name, side: leg.side === 'buy' ? 'sell' : 'buy', price, qty };
    const v = checkPair([leg, twin], this.checks, this.spendBound);
    if (this.memo.size >= MEMO_MAX) this.memo.delete(this.memo.keys().next().value!);
    if (v.ok) {
      this.memo.set(pairId, { role: twinRole, code: 0 });
      return 0;
    }
    this.counters.pairs_refused++;
    const code = CODES[v.check]!;
    this.lastReason = v.reason + (v.leg === 1 ? ' (the twin leg)' : '');
    // The leg that failed gets the check's code; the other one too when it fails the same check
    // (entries halted, both venues backing off), else it is refused for its twin's sake.
    const other = v.leg === 0 ? twin : leg;
    const otherCode = this.checks[v.check]!(other, v.leg === 0 ? 1 : 0) !== null ? code : ERR_LIVE_PAIR_REFUSED;
    this.memo.set(pairId, { role: twinRole, code: v.leg === 1 ? code : otherCode });
    return v.leg === 0 ? code : otherCode;
  }

  /**
   * A pair leg refused before the gate saw it (no tracker slot, or withdrawn with its twin in
   * the same step): its twin must not go alone. If this leg is the twin of a pair already
   * decided, that verdict is dropped (nothing more arrives for it); otherwise its twin, when it
   * arrives, is refused with ERR_LIVE_PAIR_REFUSED.
   */
  refuseLeg(role: number, pairId: number): void {
    if (!((role === ROLE_LEG_BUY || role === ROLE_LEG_SELL) && pairId > 0)) return;
    const memo = this.memo.get(pairId);
    if (memo !== undefined && memo.role === role) {
      this.memo.delete(pairId);
      return;
    }
    if (this.memo.size >= MEMO_MAX) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(pairId, { role: role === ROLE_LEG_BUY ? ROLE_LEG_SELL : ROLE_LEG_BUY, code: ERR_LIVE_PAIR_REFUSED });
  }

  /** Drops the verdict waiting for this twin leg, if any (its pair was withdrawn before it was checked). */
  forgetTwin(role: number, pairId: number): void {
    const memo = this.memo.get(pairId);
    if (memo !== undefined && memo.role === role) this.memo.delete(pairId);
  }

  private single(leg: PairLeg, role: number): number {
    for (let c = 0; c < this.checks.length; c++) {
      // Entries halted by the executor stop new rounds, never hedges or unwinds.
      if (CODES[c] === ERR_LIVE_ENTRIES_HALTED && role !== ROLE_LEG_BUY && role !== ROLE_LEG_SELL) continue;
      const r = this.checks[c]!(leg, 0);
      if (r !== null) {
        this.lastReason = r;
        return CODES[c]!;
      }
    }
    this.spend(leg);
    return 0;
  }

  private spend(l: PairLeg): void {
    const v = VENUE_NAMES.indexOf(l.venue);
    this.o.rules?.[v]?.spendOrder(this.nowMs);
    this.o.limiters[v]?.tryAcquire(this.nowMs);
  }
}
