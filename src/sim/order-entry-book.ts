/**
 * The venue-neutral core of simulated order entry: per-API-key accounts with balances, exact
 * decimal parsing into integer units, IOC/FOK matching against a generator book, and the order
 * store the query endpoints read.
 *
 * Matching walks the current book levels (best first) up to the limit price; it does not take
 * the liquidity out of the book (the generator owns the book; the next update redraws it), so
 * two quick orders can both fill against the same level. Fees are the taker rate, charged in
 * the received asset (spot, VENUES.md C).
 */
import type { BookSide } from './book-side.js';
import type { SimVenue } from './instruments.js';
import type { VenueBook } from './market-generator.js';

export interface SimBalances {
  /** Quote asset (USDT) balance. */
  quote: number;
  /** Balance of every base asset (BTC, ETH, ...). */
  base: number;
}

export interface SimAccountSpec {
  venue: SimVenue;
  apiKey: string;
  secretKey: string;
  /** Starting balances; default the order entry's startingBalances. */
  balances?: SimBalances;
  /** Ed25519 public key (PEM): the account signs with Ed25519 instead of HMAC (Binance). */
  publicKeyPem?: string;
}

export class SimAccount {
  /** Asset → free balance. */
  readonly free = new Map<string, number>();
  /** Send times of recent orders (rate limit window). */
  readonly recentOrders: number[] = [];
  constructor(readonly venue: SimVenue, readonly apiKey: string, readonly secretKey: string, private readonly start: SimBalances) {}

  balance(asset: string, isQuote: boolean): number {
    const b = this.free.get(asset);
    return b === undefined ? (isQuote ? this.start.quote : this.start.base) : b;
  }

  add(asset: string, isQuote: boolean, delta: number): void {
    this.free.set(asset, this.balance(asset, isQuote) + delta);
  }

  /** Counts an order at nowMs against `limit` per `windowMs`; false when over the limit. */
  takeOrderSlot(nowMs: number, limit: number, windowMs: number): boolean {
    const r = this.recentOrders;
    while (r.length > 0 && r[0]! <= nowMs - windowMs) r.shift();
    if (r.length >= limit) return false;
    r.push(nowMs);
    return true;
  }

  /** When the oldest order in the window leaves it. */
  windowResetMs(windowMs: number): number {
    return this.recentOrders.length > 0 ? this.recentOrders[0]! + windowMs : 0;
  }
}

/**
 * A decimal string as an integer count of 10^-decimals units; NaN when it is not a plain
 * non-negative decimal, or when it has non-zero digits beyond `decimals` (not on the grid).
 */
export function parseUnits(text: string, decimals: number): number {
  const m = /^(\d{1,20})(?:\.(\d{1,20}))?$/.exec(text);
  if (m === null) return NaN;
  const frac = m[2] ?? '';
  if (frac.length > decimals && !/^0*$/.test(frac.slice(decimals))) return NaN;
  const units = Number(m[1]) * 10 ** decimals + (decimals > 0 ? Number(frac.padEnd(decimals, '0').slice(0, decimals)) : 0);
  return Number.isSafeInteger(units) ? units : NaN;
}

/** Decimals written in a decimal string ("0.100" → 3). */
export function decimalsIn(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Fills of one IOC order: per level, price in ticks and quantity in lots. */
export class MatchResult {
  readonly priceTicks: number[] = [];
  readonly lots: number[] = [];
  filledLots = 0;
  /** Σ priceTicks × lots: notional in units of tick × step. */
  notionalUnits = 0;
}

/**
 * Matches a taker order against `book`: a buy walks the asks up to limitTicks, a sell the bids
 * down to it. FOK fills nothing unless the whole quantity is available.
 */
export function matchTaker(book: VenueBook, isBuy: boolean, limitTicks: number, lots: number, fok: boolean): MatchResult {
  const side: BookSide = isBuy ? book.asks : book.bids;
  const out = new MatchResult();
  let left = lots;
  for (let i = 0; i < side.count && left > 0; i++) {
    const px = side.prices[i]!;
    if (isBuy ? px > limitTicks : px < limitTicks) break;
    const take = Math.min(left, side.lots[i]!);
    if (take <= 0) continue;
    out.priceTicks.push(px);
    out.lots.push(take);
    out.filledLots += take;
    out.notionalUnits += px * take;
    left -= take;
  }
  if (fok && out.filledLots < lots) return new MatchResult();
  return out;
}

/** What a taker fill did to an account: quantities and the fee in the received asset. */
export interface SettledFill {
  match: MatchResult;
  filledQty: number;
  filledQuote: number;
  fee: number;
}

/**
 * Matches a taker order and moves the account's balances as a spot venue does: the buyer pays
 * quote and receives base less the fee, the seller the reverse (fee in the received asset).
 */
export function fillAndSettle(book: VenueBook, account: SimAccount, baseAsset: string, quoteAsset: string, isBuy: boolean,
  limitTicks: number, lots: number, fok: boolean, takerFeeRate: number): SettledFill {
  const match = matchTaker(book, isBuy, limitTicks, lots, fok);
  const filledQty = match.filledLots * book.stepUnit;
  const filledQuote = match.notionalUnits * book.tickUnit * book.stepUnit;
  if (match.filledLots > 0) {
    if (isBuy) {
      account.add(quoteAsset, true, -filledQuote);
      account.add(baseAsset, false, filledQty * (1 - takerFeeRate));
    } else {
      account.add(baseAsset, false, -filledQty);
      account.add(quoteAsset, true, filledQuote * (1 - takerFeeRate));
    }
  }
  return { match, filledQty, filledQuote, fee: (isBuy ? filledQty : filledQuote) * takerFeeRate };
}

/** One order as the simulator remembers it, for the query endpoints. */
export interface SimOrder {
  orderId: number;
  clientOrderId: string;
  apiKey: string;
  symbol: string;
  isBuy: boolean;
  tif: string;
  priceText: string;
  qtyText: string;
  priceTicks: number;
  lots: number;
  filledLots: number;
  notionalUnits: number;
  /** Fee in the received asset, as a number. */
  fee: number;
  /** Venue status word (Binance FILLED/EXPIRED, Bybit Filled/PartiallyFilledCanceled/Cancelled). */
  status: string;
  createdMs: number;
  fills: MatchResult;
  /** The venue's own order id text when it is not a number (Bybit's 19-digit ids). */
  venueOrderId?: string;
  /** Read back from a state file: already settled, not to be announced again. */
  restored?: boolean;
}

export class SimOrderStore {
  private readonly byClientId = new Map<string, SimOrder>();
  private readonly byOrderId = new Map<string, SimOrder>();
  private readonly maxOrders: number;
  private readonly order: SimOrder[] = [];
  /** Told of every new order (the private streams publish it). */
  readonly listeners: Array<(o: SimOrder) => void> = [];
  private readonly addListeners: Array<(o: SimOrder) => void> = [];

  constructor(maxOrders = 100_000) {
    this.maxOrders = maxOrders;
  }

  private static key(apiKey: string, id: string): string {
    return apiKey + '|' + id;
  }

  has(apiKey: string, clientOrderId: string): boolean {
    return this.byClientId.has(SimOrderStore.key(apiKey, clientOrderId));
  }

  add(o: SimOrder): void {
    this.byClientId.set(SimOrderStore.key(o.apiKey, o.clientOrderId), o);
    this.byOrderId.set(SimOrderStore.key(o.apiKey, String(o.orderId)), o);
    this.order.push(o);
    for (const l of this.addListeners) l(o);
    if (this.order.length > this.maxOrders) {
      const old = this.order.shift()!;
      this.byClientId.delete(SimOrderStore.key(old.apiKey, old.clientOrderId));
      this.byOrderId.delete(SimOrderStore.key(old.apiKey, String(old.orderId)));
    }
    for (const l of this.listeners) l(o);
  }

  byClient(apiKey: string, clientOrderId: string): SimOrder | undefined {
    return this.byClientId.get(SimOrderStore.key(apiKey, clientOrderId));
  }

  byId(apiKey: string, orderId: string): SimOrder | undefined {
    return this.byOrderId.get(SimOrderStore.key(apiKey, orderId));
  }

  /** Calls `l` with every order added from now on (the ledger: trades, streams, state file). */
  onAdd(l: (o: SimOrder) => void): void {
    this.addListeners.push(l);
  }

  /** Orders of an API key, oldest first. */
  list(apiKey: string): SimOrder[] {
    return this.order.filter((o) => o.apiKey === apiKey);
  }

  /** The highest numeric order id held (restored ids must not be handed out again). */
  maxOrderId(): number {
    let m = 0;
    for (const o of this.order) if (o.orderId > m) m = o.orderId;
    return m;
  }
}
