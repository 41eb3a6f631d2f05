/**
 * Fault injection: what can go wrong on a venue connection, on demand (in process or over
 * `POST /__sim/fault`) or on a schedule of simulated times.
 *
 * - disconnect: close every WebSocket of the venue (abruptly, no close frame).
 * - stall: stop sending a symbol's streams (or all) for durationMs; books keep changing and
 *   the backlog is sent as one aggregated update when the stall ends, so sequences stay whole.
 * - skip_seq: make a visible sequence gap (Binance: U jumps past the previous u + 1;
 *   Bybit: u jumps by more than 1).
 * - malformed: send one bad frame to every connection (truncated JSON, wrong types, NaN).
 * - duplicate: send the last market-data frame of the venue again.
 * - dislocate: shift the venue's quote for a symbol by `bps` for durationMs.
 * - order_5xx / order_timeout / order_lost / order_slow: the next `count` (default 1) orders
 *   get a 5xx (`execute`: matched anyway, default true), a -1007/10016 timeout, no answer at
 *   all, or their answer `durationMs` late (order-faults.ts).
 * - order_invisible: the next `count` orders stay out of the query endpoints for durationMs.
 * - private_disconnect: close every private-stream subscription (user data, Bybit private).
 * - private_mute: for durationMs the private streams stay open but carry nothing (the events of
 *   that time are lost to them, as in a venue-side stream outage): only queries and gap-fills
 *   can tell the client what happened.
 * - rate_storm: 429 + Retry-After for durationMs (Binance: 418 ban after `count`, default 3,
 *   requests ignoring it); forbidden: 403 for durationMs.
 * - balance_drift: add `amount` of `asset` to every account of the venue (or `apiKey`'s).
 * - clock_skew: the server clock (timestamp checks and server-time endpoints, both venues: one
 *   clock) runs `amount` ms off the wall clock from now on (0 puts it back).
 * - min_notional: the venue's minimum order value for `symbol` becomes `amount` (quote) from now
 *   on, in its filters (exchangeInfo / instruments-info) and its order checks (-1013 NOTIONAL /
 *   170140): a filter change a running bot must pick up. (Tick and step shape the simulated
 *   book, so they stay as listed.)
 */
import type { VenueAccountState } from './venue-account.js';
import type { SimVenue } from './instruments.js';

export const FAULT_KINDS = ['disconnect', 'stall', 'skip_seq', 'malformed', 'duplicate', 'dislocate',
  // order entry and account (order-faults.ts, account-ledger.ts, private-stream-hub.ts)
  'order_5xx', 'order_timeout', 'order_lost', 'order_slow', 'order_invisible', 'private_disconnect', 'private_mute', 'rate_storm', 'forbidden',
  'balance_drift', 'clock_skew', 'min_notional'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const MALFORMED_VARIANTS = ['truncated', 'wrong_type', 'nan'] as const;
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

export interface FaultSpec {
  kind: FaultKind;
  venue: SimVenue;
  symbol?: string;
  durationMs?: number;
  bps?: number;
  /** skip_seq: how many ids to skip (default 1000). */
  gap?: number;
  variant?: MalformedVariant;
  /** Order faults: how many orders it hits (default 1); rate_storm: requests before the 418 ban. */
  count?: number;
  /** order_5xx: whether the order is matched before the error (default true). */
  execute?: boolean;
  /** balance_drift: asset and amount (signed); apiKey: one account (default all of the venue). */
  asset?: string;
  amount?: number;
  apiKey?: string;
}

export interface ScheduledFault extends FaultSpec {
  /** Simulated ms after start. */
  atMs: number;
}

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

/** What a venue personality must offer to be faulted. `symbol` is an index, -1 = all symbols. */
export interface FaultTarget {
  disconnectAll(): number;
  stall(symbol: number, untilMs: number): void;
  skipSeq(symbol: number, gap: number): void;
  malformed(variant: MalformedVariant): void;
  duplicate(): void;
}

export interface Dislocator {
  dislocate(symbol: string, venue: SimVenue, bps: number, durationMs: number): void;
  symbolIndex(symbol: string): number;
  readonly symbols: readonly string[];
  /** min_notional: the venue's minimum order value of a symbol from now on. */
  setMinNotional?(symbol: string, venue: SimVenue, amount: number): void;
}

/** Checks an untrusted fault description (e.g. an HTTP body) and returns a typed one. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new FaultSpecError('fault must be a JSON object');
  const o = input as Record<string, unknown>;
  const kind = o['kind'];
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultSpecError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const venue = o['venue'];
  if (venue !== 'binance' && venue !== 'bybit') throw new FaultSpecError('venue must be "binance" or "bybit"');
  const spec: FaultSpec = { kind: kind as FaultKind, venue };
  if (o['symbol'] !== undefined) {
    if (typeof o['symbol'] !== 'string') throw new FaultSpecError('symbol must be a string');
    spec.symbol = o['symbol'].toUpperCase();
  }
  for (const key of ['durationMs', 'bps', 'gap', 'count', 'amount'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new FaultSpecError(`${key} must be a finite number`);
    spec[key] = v;
  }
  if (o['variant'] !== undefined) {
    if (typeof o['variant'] !== 'string' || !(MALFORMED_VARIANTS as readonly string[]).includes(o['variant'])) {
      throw new FaultSpecError(`variant must be one of ${MALFORMED_VARIANTS.join(', ')}`);
    }
    spec.variant = o['variant'] as MalformedVariant;
  }
  if (o['execute'] !== undefined) {
    if (typeof o['execute'] !== 'boolean') throw new FaultSpecError('execute must be true or false');
    spec.execute = o['execute'];
  }
  for (const key of ['asset', 'apiKey'] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== 'string' || o[key] === '') throw new FaultSpecError(`${key} must be a non-empty string`);
    spec[key] = o[key] as string;
  }
  if (spec.kind === 'balance_drift' && (spec.asset === undefined || spec.amount === undefined)) throw new FaultSpecError('balance_drift needs asset and amount');
  if (spec.kind === 'clock_skew' && spec.amount === undefined) throw new FaultSpecError('clock_skew needs amount (ms)');
  if ((spec.kind === 'order_slow' || spec.kind === 'order_invisible' || spec.kind === 'rate_storm' || spec.kind === 'forbidden' || spec.kind === 'private_mute') &&
    spec.durationMs === undefined) throw new FaultSpecError(`${spec.kind} needs durationMs`);
  if (spec.kind === 'dislocate') {
    if (spec.symbol === undefined) throw new FaultSpecError('dislocate needs a symbol');
    if (spec.bps === undefined) throw new FaultSpecError('dislocate needs bps');
  }
  if (spec.kind === 'stall' && spec.durationMs === undefined) throw new FaultSpecError('stall needs durationMs');
  if (spec.kind === 'min_notional' && (spec.symbol === undefined || spec.amount === undefined || !(spec.amount >= 0))) {
    throw new FaultSpecError('min_notional needs a symbol and amount ≥ 0 (quote)');
  }
  return spec;
}

export interface InjectedFault {
  atMs: number;
  spec: FaultSpec;
}

export class FaultInjector {
  /** Every fault applied so far, in order. */
  readonly log: InjectedFault[] = [];
  private readonly schedule: ScheduledFault[];
  private next = 0;

  constructor(
    private readonly targets: Record<SimVenue, FaultTarget>,
    private readonly market: Dislocator,
    private readonly simNow: () => number,
    schedule: readonly ScheduledFault[] = [],
    /** Order entry state per venue (order-entry.ts); order and account faults need it. */
    private readonly accounts: Record<SimVenue, VenueAccountState> | null = null,
    /** Server epoch ms (balance changes and ban windows are in server time). */
    private readonly serverNow: () => number = () => Date.now(),
    /** The simulator's clock, for clock_skew. */
    private readonly clock: { skewMs?: number } | null = null,
  ) {
    this.schedule = schedule.map((f) => ({ ...parseFaultSpec(f), atMs: f.atMs })).sort((a, b) => a.atMs - b.atMs);
  }

  /** Applies a fault now. Throws FaultSpecError on a bad description or an unknown symbol. */
  inject(input: FaultSpec): void {
    const spec = parseFaultSpec(input);
    const target = this.targets[spec.venue];
    let sym = -1;
    if (spec.symbol !== undefined) {
      sym = this.market.symbolIndex(spec.symbol);
      if (sym < 0) throw new FaultSpecError(`unknown symbol ${spec.symbol} (simulating ${this.market.symbols.join(',')})`);
    }
    const now = this.simNow();
    switch (spec.kind) {
      case 'disconnect':
        target.disconnectAll();
        break;
      case 'stall':
        target.stall(sym, now + (spec.durationMs ?? 0));
        break;
      case 'skip_seq':
        target.skipSeq(sym, Math.max(1, Math.floor(spec.gap ?? 1000)));
        break;
      case 'malformed':
        target.malformed(spec.variant ?? 'truncated');
        break;
      case 'duplicate':
        target.duplicate();
        break;
      case 'dislocate':
        this.market.dislocate(spec.symbol!, spec.venue, spec.bps!, spec.durationMs ?? 500);
        break;
      case 'clock_skew':
        if (this.clock === null) throw new FaultSpecError('clock_skew needs the simulator\'s clock');
        this.clock.skewMs = spec.amount!;
        break;
      case 'min_notional':
        if (this.market.setMinNotional === undefined) throw new FaultSpecError('min_notional needs the market generator');
        this.market.setMinNotional(spec.symbol!, spec.venue, spec.amount!);
        break;
      default:
        this.injectAccountFault(spec);
    }
    this.log.push({ atMs: now, spec });
  }

  private injectAccountFault(spec: FaultSpec): void {
    const acct = this.accounts?.[spec.venue];
    if (acct === undefined) throw new FaultSpecError(`${spec.kind} needs the simulator's order entry`);
    const count = Math.max(1, Math.floor(spec.count ?? 1));
    const server = this.serverNow();
    switch (spec.kind) {
      case 'order_5xx':
      case 'order_timeout':
      case 'order_lost':
      case 'order_slow':
        acct.faults.arm(spec.kind, count, spec.kind !== 'order_5xx' || spec.execute !== false, spec.durationMs ?? 0);
        break;
      case 'order_invisible':
        acct.ledger.delayVisibility(count, spec.durationMs ?? 0);
        break;
      case 'private_disconnect':
        acct.hub.closeAll();
        break;
      case 'private_mute':
        acct.hub.mute(server + (spec.durationMs ?? 0), this.serverNow);
        break;
      case 'rate_storm':
        acct.faults.rateStorm(server, spec.durationMs ?? 0, Math.floor(spec.count ?? 3));
        break;
      case 'forbidden':
        acct.faults.forbid(server, spec.durationMs ?? 0);
        break;
      case 'balance_drift': {
        const targets = spec.apiKey !== undefined ? [acct.ledger.account(spec.apiKey)] : acct.ledger.allAccounts();
        for (const a of targets) {
          if (a === undefined) throw new FaultSpecError(`no ${spec.venue} account with that API key`);
          acct.ledger.adjustBalance(a, spec.asset!, spec.amount!, server);
        }
        break;
      }
    }
  }

  /** Applies the scheduled faults due by `nowMs` (simulated). */
  runDue(nowMs: number): void {
    while (this.next < this.schedule.length && this.schedule[this.next]!.atMs <= nowMs) {
      this.inject(this.schedule[this.next++]!);
    }
  }
}

/** One venue served by several personalities (Binance spot and USD-M): a fault hits them all. */
export class FaultFanout implements FaultTarget {
  constructor(private readonly targets: readonly FaultTarget[]) {}

  disconnectAll(): number {
    let n = 0;
    for (const t of this.targets) n += t.disconnectAll();
    return n;
  }

  stall(symbol: number, untilMs: number): void {
    for (const t of this.targets) t.stall(symbol, untilMs);
  }

  skipSeq(symbol: number, gap: number): void {
    for (const t of this.targets) t.skipSeq(symbol, gap);
  }

  malformed(variant: MalformedVariant): void {
    for (const t of this.targets) t.malformed(variant);
  }

  duplicate(): void {
    for (const t of this.targets) t.duplicate();
  }
}
