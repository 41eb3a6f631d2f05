/**
 * The order lifecycle, one explicit state machine shared by the dry-run simulator and the
 * live executors. Statuses are the ST_* ids of records.ts.
 *
 *   NEW ──▶ SENT ──▶ ACKED ──▶ PARTIAL ──▶ FILLED | CANCELED
 *    │        │        │          │
 *    │        │        └──────────┴──▶ FILLED | CANCELED | EXPIRED
 *    │        └──▶ PARTIAL | FILLED | CANCELED | REJECTED | EXPIRED
 *    └──▶ REJECTED | CANCELED            (refused or withdrawn locally, never sent)
 *
 *   EXPIRED ──▶ FILLED | CANCELED | REJECTED   (a late venue answer reconciles the timeout)
 *
 * SENT goes straight to PARTIAL/FILLED/CANCELED because an IOC order's first answer can
 * already be final (Binance's RESULT/FULL response, or Bybit's execution stream overtaking the
 * order ack). PARTIAL → PARTIAL is a further fill. EXPIRED means "timed out locally, venue
 * status unknown": an ACKED or PARTIAL answer arriving then is absorbed (the order stays
 * EXPIRED; a fill it carries still counts) until a terminal answer settles it.
 *
 * FILLED, CANCELED and REJECTED are final: anything after them (a fill after a fill, a
 * duplicate cancel) is illegal. Illegal transitions never throw: the caller counts them
 * (OrderTracker does) and leaves the order as it was.
 */
import {
  ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_NEW, ST_PARTIAL, ST_REJECTED, ST_SENT, STATUS_NAMES,
} from '../core/records.js';

export const STATUS_COUNT = 8;

/** [from, reported, resulting] triples: the whole table, for tests and docs. */
export const TRANSITIONS: readonly (readonly [number, number, number])[] = [
  [ST_NEW, ST_SENT, ST_SENT],
  [ST_NEW, ST_REJECTED, ST_REJECTED],
  [ST_NEW, ST_CANCELED, ST_CANCELED],

  [ST_SENT, ST_ACKED, ST_ACKED],
  [ST_SENT, ST_PARTIAL, ST_PARTIAL],
  [ST_SENT, ST_FILLED, ST_FILLED],
  [ST_SENT, ST_CANCELED, ST_CANCELED],
  [ST_SENT, ST_REJECTED, ST_REJECTED],
  [ST_SENT, ST_EXPIRED, ST_EXPIRED],

  [ST_ACKED, ST_PARTIAL, ST_PARTIAL],
  [ST_ACKED, ST_FILLED, ST_FILLED],
  [ST_ACKED, ST_CANCELED, ST_CANCELED],
  [ST_ACKED, ST_EXPIRED, ST_EXPIRED],

  [ST_PARTIAL, ST_PARTIAL, ST_PARTIAL],
  [ST_PARTIAL, ST_FILLED, ST_FILLED],
  [ST_PARTIAL, ST_CANCELED, ST_CANCELED],
  [ST_PARTIAL, ST_EXPIRED, ST_EXPIRED],

  [ST_EXPIRED, ST_ACKED, ST_EXPIRED],
  [ST_EXPIRED, ST_PARTIAL, ST_EXPIRED],
  [ST_EXPIRED, ST_FILLED, ST_FILLED],
  [ST_EXPIRED, ST_CANCELED, ST_CANCELED],
  [ST_EXPIRED, ST_REJECTED, ST_REJECTED],
];

/** NEXT[from * STATUS_COUNT + reported] = resulting status, or -1 when illegal. */
const NEXT = new Int8Array(STATUS_COUNT * STATUS_COUNT).fill(-1);
for (const [from, reported, to] of TRANSITIONS) NEXT[from * STATUS_COUNT + reported] = to;

/**
 * The status an order in `from` moves to when `reported` happens to it, or -1 if that is
 * illegal (including any out-of-range status id).
 */
export function nextStatus(from: number, reported: number): number {
  if (from < 0 || from >= STATUS_COUNT || reported < 0 || reported >= STATUS_COUNT) return -1;
  return NEXT[from * STATUS_COUNT + reported]!;
}

export function isLegalTransition(from: number, reported: number): boolean {
  return nextStatus(from, reported) >= 0;
}

/** Orders that are out at the venue and can time out locally. */
export function canExpire(st: number): boolean {
  return st === ST_SENT || st === ST_ACKED || st === ST_PARTIAL;
}

/** Final: nothing may follow (EXPIRED is not final; it waits for reconciliation). */
export function isFinalStatus(st: number): boolean {
  return st === ST_FILLED || st === ST_CANCELED || st === ST_REJECTED;
}

export function statusName(st: number): string {
  return STATUS_NAMES[st] ?? `status(${st})`;
}
