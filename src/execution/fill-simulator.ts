/**
 * The dry-run fill model: an IOC (or FOK) limit order taking liquidity from a depth book.
 *
 * Model, and what it assumes:
 * - The order arrives as a taker. It walks the opposite side (asks for a buy, bids for a sell)
 *   from the top, level by level, while the level price is within the limit, taking up to the
 *   remaining quantity at each level's price. Whatever is left is not filled (IOC: canceled;
 *   FOK: nothing fills unless everything can).
 * - Only a fraction `fillRatio` (default 1) of each displayed size is available: the rest is
 *   assumed gone to faster takers or hidden cancels. 1 is optimistic; 0.5 is a common
 *   pessimistic setting.
 * - Consumed liquidity: what one order took from a (venue, symbol, side, price) is remembered
 *   until that venue/symbol's book changes (its version, BookView H_SEQ), so two orders
 *   arriving against the same snapshot do not both take the same displayed size. When the book
 *   updates we assume the new snapshot already reflects our trades (the venue removed what we
 *   took), so the memory is cleared.
 * - No market impact beyond the levels walked, no queue position (we never rest), no
 *   self-trade prevention, no price/lot filters (the strategy rounds to venue filters).
 * - Fees: taker rate times the filled amount, charged in an asset chosen by `feeRule`:
 *   FEE_RULE_RECEIVED (spot: the asset you receive — a buy pays in base, a sell in quote),
 *   FEE_RULE_QUOTE (e.g. linear contracts), FEE_RULE_BASE.
 *
 * Nothing here allocates per call: results go into a caller-owned FillResult.
 */
import { ASSET_BASE, ASSET_QUOTE, D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVELS, D_LEVEL_WORDS, H_SEQ, SIDE_BUY } from '../core/records.js';

export const FEE_RULE_RECEIVED = 0;
export const FEE_RULE_QUOTE = 1;
export const FEE_RULE_BASE = 2;

/** Outcome of one simulated IOC; reused across calls. */
export class FillResult {
  /** Base quantity filled (0..qty). */
  filledQty = 0;
  /** Volume-weighted average fill price (0 when nothing filled). */
  avgPx = 0;
  /** Quote amount exchanged: sum of px * qty over the levels taken. */
  notional = 0;
  /** Fee, in feeAsset units. */
  fee = 0;
  feeAsset = ASSET_QUOTE;
  /** Levels the order took liquidity from. */
  levels = 0;
  /** Price of the last (worst) level taken; 0 when nothing filled. */
  worstPx = 0;

  reset(): void {
    this.filledQty = 0;
    this.avgPx = 0;
    this.notional = 0;
    this.fee = 0;
    this.feeAsset = ASSET_QUOTE;
    this.levels = 0;
    this.worstPx = 0;
  }
}

/**
 * Where an order's fee is charged. Spot venues charge the asset received: buy → base, sell →
 * quote.
 */
export function feeAssetFor(side: number, feeRule: number): number {
  if (feeRule === FEE_RULE_QUOTE) return ASSET_QUOTE;
  if (feeRule === FEE_RULE_BASE) return ASSET_BASE;
  return side === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE;
}

/**
 * The plain fill: all displayed size available, no memory. `levels` is a records.ts depth
 * record (level i at D_LEVELS + 4*i) with `n` levels.
 */
export function fillIoc(side: number, limitPx: number, qty: number, levels: Float64Array, n: number,
  takerFeeRate: number, feeRule: number, out: FillResult): FillResult {
  walk(null, 0, side, limitPx, qty, levels, n, 1, takerFeeRate, feeRule, false, out);
  return out;
}

export interface FillSimulatorOptions {
  /** Fraction of displayed size available to us, (0, 1]. Default 1. */
  fillRatio?: number;
  venues: number;
  symbols: number;
  /** Most distinct price levels remembered per (venue, symbol), both sides together. Default 64. */
  memoryLevels?: number;
}

export class FillConfigError extends Error {
  override name = 'FillConfigError';
}

/** fillIoc plus fill_ratio and the consumed-liquidity memory, per (venue, symbol). */
export class FillSimulator {
  readonly fillRatio: number;
  readonly venues: number;
  readonly symbols: number;
  readonly memoryLevels: number;
  /** Book version the memory of each (venue, symbol) refers to. */
  private readonly memVersion: Float64Array;
  private readonly memCount: Int32Array;
  private readonly memSide: Float64Array;
  private readonly memPx: Float64Array;
  private readonly memTaken: Float64Array;
  /** Takes not remembered because the memory of a (venue, symbol) was full. */
  memoryOverflows = 0;

  constructor(opts: FillSimulatorOptions) {
    const ratio = opts.fillRatio ?? 1;
    if (!(ratio > 0 && ratio <= 1)) throw new FillConfigError(`fill_ratio must be in (0, 1], got ${ratio}`);
    if (!Number.isInteger(opts.venues) || opts.venues < 1 || !Number.isInteger(opts.symbols) || opts.symbols < 1) {
      throw new FillConfigError(`venues and symbols must be positive integers, got ${opts.venues}, ${opts.symbols}`);
    }
    this.fillRatio = ratio;
    this.venues = opts.venues;
    this.symbols = opts.symbols;
    this.memoryLevels = opts.memoryLevels ?? 64;
    const keys = opts.venues * opts.symbols;
    this.memVersion = new Float64Array(keys).fill(NaN);
    this.memCount = new Int32Array(keys);
    this.memSide = new Float64Array(keys * this.memoryLevels);
    this.memPx = new Float64Array(keys * this.memoryLevels);
    this.memTaken = new Float64Array(keys * this.memoryLevels);
  }

  /**
   * Fills an IOC (allOrNone = false) or FOK (true) order against `book` (a BookView depth
   * record with `n` levels; its H_SEQ is the book version) and remembers what it took.
   */
  fill(venue: number, symbol: number, side: number, limitPx: number, qty: number, book: Float64Array, n: number,
    takerFeeRate: number, feeRule: number, allOrNone: boolean, out: FillResult): FillResult {
    const key = venue * this.symbols + symbol;
    const version = book[H_SEQ]!;
    if (this.memVersion[key] !== version) {
      this.memVersion[key] = version;
      this.memCount[key] = 0;
    }
    walk(this, key, side, limitPx, qty, book, n, this.fillRatio, takerFeeRate, feeRule, allOrNone, out);
    return out;
  }

  /** Quantity already taken at (venue, symbol, side, px) since the book last changed. */
  taken(key: number, side: number, px: number): number {
    const base = key * this.memoryLevels;
    const c = this.memCount[key]!;
    for (let j = 0; j < c; j++) {
      if (this.memPx[base + j] === px && this.memSide[base + j] === side) return this.memTaken[base + j]!;
    }
    return 0;
  }

  /** Forgets everything taken (e.g. at the start of a new backtest). */
  clear(): void {
    this.memCount.fill(0);
    this.memVersion.fill(NaN);
  }

  /** @internal */
  remember(key: number, side: number, px: number, q: number): void {
    const base = key * this.memoryLevels;
    const c = this.memCount[key]!;
    for (let j = 0; j < c; j++) {
      if (this.memPx[base + j] === px && this.memSide[base + j] === side) {
        this.memTaken[base + j]! += q;
        return;
      }
    }
    if (c === this.memoryLevels) {
      this.memoryOverflows++;
      return;
    }
    this.memSide[base + c] = side;
    this.memPx[base + c] = px;
    this.memTaken[base + c] = q;
    this.memCount[key] = c + 1;
  }
}

/**
 * Quantities are walked in integer units of 10^-k base units, with k chosen so the order
 * quantity is 12 to 13 significant digits (k in [0, 22], where 10^k is an exact double).
 * Sums and differences of integers below 2^53 are exact, so a fill over levels 0.1 and 0.2 is
 * 0.3, not 0.30000000000000004, and "completely filled" is simply zero units left: the float
 * dust of summing level sizes never reaches a fill quantity, a position or a journal line.
 */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number('1e' + k));

/** Units per base unit for an order of `qty`. */
function qtyScale(qty: number): number {
  let k = 12 - Math.floor(Math.log10(qty));
  if (k < 0) k = 0;
  else if (k > 22) k = 22;
  return POW10[k]!;
}

/** The level walk shared by fillIoc and FillSimulator.fill. */
function walk(sim: FillSimulator | null, key: number, side: number, limitPx: number, qty: number,
  book: Float64Array, n: number, ratio: number, feeRate: number, feeRule: number, allOrNone: boolean,
  out: FillResult): void {
  out.reset();
  out.feeAsset = feeAssetFor(side, feeRule);
  if (!(qty > 0) || n <= 0) return;
  const buy = side === SIDE_BUY;
  const pxOff = buy ? D_ASK_PX : D_BID_PX;
  const szOff = buy ? D_ASK_SZ : D_BID_SZ;
  const scale = qtyScale(qty);
  const qtyU = Math.round(qty * scale);
  if (qtyU <= 0) return;

  if (allOrNone) {
    // dry pass: is there enough within the limit?
    let canU = 0;
    for (let i = 0; i < n && canU < qtyU; i++) {
      const o = D_LEVELS + D_LEVEL_WORDS * i;
      const px = book[o + pxOff]!;
      if (!(px > 0) || (buy ? px > limitPx : px < limitPx)) break;
      let avail = book[o + szOff]! * ratio;
      if (sim !== null) avail -= sim.taken(key, side, px);
      const availU = Math.round(avail * scale);
      if (availU > 0) canU += availU;
    }
    if (canU < qtyU) return;
  }

  let remU = qtyU;
  let notional = 0;
  for (let i = 0; i < n && remU > 0; i++) {
    const o = D_LEVELS + D_LEVEL_WORDS * i;
    const px = book[o + pxOff]!;
    if (!(px > 0) || (buy ? px > limitPx : px < limitPx)) break; // missing level or beyond the limit
    let avail = book[o + szOff]! * ratio;
    if (sim !== null) avail -= sim.taken(key, side, px);
    const availU = Math.round(avail * scale);
    if (!(availU > 0)) continue;
    const qU = availU < remU ? availU : remU;
    remU -= qU;
    const q = qU / scale;
    notional += q * px;
    out.levels++;
    out.worstPx = px;
    if (sim !== null) sim.remember(key, side, px, q);
  }
  if (out.levels === 0) return;
  // a full fill is exactly the quantity asked for; a partial one the nearest double to its units
  const filled = remU === 0 ? qty : (qtyU - remU) / scale;
  out.filledQty = filled;
  out.notional = notional;
  out.avgPx = out.levels === 1 ? out.worstPx : notional / filled; // one level: its price exactly, no rounding
  out.fee = out.feeAsset === ASSET_BASE ? filled * feeRate : notional * feeRate;
}
