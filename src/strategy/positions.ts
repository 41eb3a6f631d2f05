/**
 * Spot inventory on every venue: one quote balance per venue, one base balance per (venue,
 * symbol), moved by fills. Fees are charged in the asset the venue says (spot: a buy pays in
 * the base it receives, a sell in the quote it receives).
 */
import { ASSET_BASE, SIDE_BUY } from '../core/records.js';
import type { BookTable } from './book-table.js';
import type { CompiledConfig } from './config.js';

export class Positions {
  readonly nVenue: number;
  readonly nSym: number;
  private readonly quoteBal: Float64Array;
  private readonly baseBal: Float64Array;
  private readonly initQuote: Float64Array;
  private readonly initBase: Float64Array;
  /** Base paid as fees, per symbol (spot buys pay in base): inventory drift, not a residual. */
  private readonly baseFees: Float64Array;
  /** Simulated transfers (transfers.ts): quote and base per symbol in transit, in no venue. */
  private transitQuote = 0;
  private readonly transitBase: Float64Array;
  /** Base paid as transfer fees, per symbol: like baseFees, inventory drift, not exposure. */
  private readonly transferFeesBase: Float64Array;
  /** Cumulative traded base volume and fees (in quote at the fill price), for reports. */
  volumeBase = 0;
  volumeQuote = 0;
  feesQuote = 0;
  fills = 0;

  constructor(c: CompiledConfig, nVenue: number) {
    this.nVenue = nVenue;
    this.nSym = c.nSym;
    this.initQuote = c.initQuote;
    this.initBase = c.initBase;
    this.quoteBal = Float64Array.from(c.initQuote);
    this.baseBal = Float64Array.from(c.initBase);
    this.baseFees = new Float64Array(c.nSym);
    this.transitBase = new Float64Array(c.nSym);
    this.transferFeesBase = new Float64Array(c.nSym);
  }

  quote(v: number): number {
    return this.quoteBal[v]!;
  }

  base(v: number, s: number): number {
    return this.baseBal[v * this.nSym + s]!;
  }

  initialQuote(v: number): number {
    return this.initQuote[v]!;
  }

  initialBase(v: number, s: number): number {
    return this.initBase[v * this.nSym + s]!;
  }

  /**
   * Sum over venues of (base − starting base) for one symbol: > 0 long, < 0 short. Base in
   * transit between venues, and base paid as transfer fees, are not exposure: both count back.
   */
  netExposure(s: number): number {
    let n = this.transitBase[s]! + this.transferFeesBase[s]!;
    for (let v = 0; v < this.nVenue; v++) {
      const i = v * this.nSym + s;
      n += this.baseBal[i]! - this.initBase[i]!;
    }
    return n;
  }

  /** Base of symbol s paid as fees so far, all venues. */
  baseFeesPaid(s: number): number {
    return this.baseFees[s]!;
  }

  /** Quote (s < 0) or base of symbol s in transit between venues. */
  inTransit(s: number): number {
    return s < 0 ? this.transitQuote : this.transitBase[s]!;
  }

  /** A simulated transfer leaves venue v: `amount` of quote (s < 0) or base of s goes in transit. */
  transferOut(v: number, s: number, amount: number): void {
    if (s < 0) {
      this.quoteBal[v] = this.quoteBal[v]! - amount;
      this.transitQuote += amount;
    } else {
      const i = v * this.nSym + s;
      this.baseBal[i] = this.baseBal[i]! - amount;
      this.transitBase[s] = this.transitBase[s]! + amount;
    }
  }

  /** A simulated transfer of `amount` lands on venue v, less `fee` in the same asset. */
  transferIn(v: number, s: number, amount: number, fee: number): void {
    if (s < 0) {
      this.transitQuote -= amount;
      this.quoteBal[v] = this.quoteBal[v]! + (amount - fee);
    } else {
      const i = v * this.nSym + s;
      this.transitBase[s] = this.transitBase[s]! - amount;
      this.baseBal[i] = this.baseBal[i]! + (amount - fee);
      this.transferFeesBase[s] = this.transferFeesBase[s]! + fee;
    }
  }

  /**
   * Book one fill. Returns the fee converted to quote at the fill price (what the PnL charges).
   */
  applyFill(v: number, s: number, side: number, px: number, qty: number, fee: number, feeAsset: number): number {
    const i = v * this.nSym + s;
    const notional = px * qty;
    const feeQuote = feeAsset === ASSET_BASE ? fee * px : fee;
    if (side === SIDE_BUY) {
      this.quoteBal[v] = this.quoteBal[v]! - notional;
      this.baseBal[i] = this.baseBal[i]! + qty;
    } else {
      this.quoteBal[v] = this.quoteBal[v]! + notional;
      this.baseBal[i] = this.baseBal[i]! - qty;
    }
    if (feeAsset === ASSET_BASE) {
      this.baseBal[i] = this.baseBal[i]! - fee;
      this.baseFees[s] = this.baseFees[s]! + fee;
    } else this.quoteBal[v] = this.quoteBal[v]! - fee;
    this.volumeBase += qty;
    this.volumeQuote += notional;
    this.feesQuote += feeQuote;
    this.fills++;
    return feeQuote;
  }

  /**
   * Equity in quote: every quote balance plus every base balance at a mid price (its own
   * venue's mid, else another venue's), and what is in transit (base at any venue's mid).
   * NaN when some symbol held has no price yet.
   */
  equity(books: BookTable): number {
    let e = this.transitQuote;
    for (let v = 0; v < this.nVenue; v++) e += this.quoteBal[v]!;
    for (let s = 0; s < this.nSym; s++) {
      let fallback = 0;
      for (let v = 0; v < this.nVenue && fallback === 0; v++) fallback = books.mid(v, s);
      const t = this.transitBase[s]!;
      if (t !== 0) {
        if (fallback === 0) return NaN;
        e += t * fallback;
      }
      for (let v = 0; v < this.nVenue; v++) {
        const b = this.baseBal[v * this.nSym + s]!;
        if (b === 0) continue;
        const m = books.mid(v, s);
        const px = m > 0 ? m : fallback;
        if (px === 0) return NaN;
        e += b * px;
      }
    }
    return e;
  }
}
