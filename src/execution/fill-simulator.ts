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
 * - Consumed liquidity (the memory): what orders took at a (venue, symbol, side, price) stays
 *   consumed until the market itself clears it, never merely because the book's version changed
 *   (replayed and paper data never reflect our trades). An entry is cleared when
 *     - the level's displayed quantity falls to (quantity shown at the take − taken) or below:
 *       the venue's own updates now show our trade (or an equal amount traded/canceled);
 *     - the level trades through: the opposite touch moves beyond its price (a buy's ask level
 *       is gone with the best ask above it; a sell's bid level with the best bid below it);
 *     - `decayNs` passes since the last take (default 1 s: others replenish; configurable).
 *   While remembered, the level offers min(displayed, shown at the take) × fillRatio − taken:
 *   size that appears above what was shown when we took is not ours (a flickering level does
 *   not refill). Entries are checked whenever observe() sees the book (the backtest calls it on
 *   every venue-side update of a remembered book) and on each fill whose book version changed.
 * - Market impact, optional (`impact`, default 0 = off): after a take, that fraction of what
 *   the level still offers is also treated as gone (makers pulling their quotes after a sweep).
 * - No market impact beyond that, no queue position (we never rest), no
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
  walk(null, 0, side, limitPx, qty, levels, n, 1, takerFeeRate, feeRule, false, out, 0);
  return out;
}

export interface FillSimulatorOptions {
  /** Fraction of displayed size available to us, (0, 1]. Default 1. */
  fillRatio?: number;
  venues: number;
  symbols: number;
  /**
   * Room for distinct price levels per (venue, symbol), both sides together, made at start-up.
   * Default 64. Not a bound: a take beyond it grows the memory (nothing taken is forgotten).
   */
  memoryLevels?: number;
  /** Consumed liquidity is forgotten this long after the last take, ns. Default 1 s (DEFAULT_LIQUIDITY_DECAY_NS). */
  decayNs?: number;
  /** Market impact: fraction [0, 1] of a level's remaining offer also gone after a take. Default 0 (off). */
  impact?: number;
}

/** Default decay of the consumed-liquidity memory: 1 s. */
export const DEFAULT_LIQUIDITY_DECAY_NS = 1e9;

export class FillConfigError extends Error {
  override name = 'FillConfigError';
}

/** fillIoc plus fill_ratio and the consumed-liquidity memory, per (venue, symbol). */
export class FillSimulator {
  readonly fillRatio: number;
  readonly venues: number;
  readonly symbols: number;
  /** Entries each (venue, symbol) has room for now: grows (doubles) when a take needs more. */
  memoryLevels: number;
  /** Memory decay, ns (mutable: the backtest sets it from [backtest] liquidity_decay_ms). */
  decayNs: number;
  /** Market impact fraction, [0, 1] (mutable, like decayNs). */
  impact: number;
  /** Book version each (venue, symbol) memory was last checked against. */
  private readonly memVersion: Float64Array;
  private readonly memCount: Int32Array;
  private memSide: Float64Array;
  private memPx: Float64Array;
  private memTaken: Float64Array;
  /** Displayed quantity of the level when it was first taken from. */
  private memShown: Float64Array;
  /** Time of the last take, ns. */
  private memNs: Float64Array;
  /** Times the memory grew because a (venue, symbol) had more levels taken than it had room for (never a take forgotten). */
  memoryGrowths = 0;
  /** Entries cleared, by cause. */
  clearedByFall = 0;
  clearedByTradeThrough = 0;
  clearedByDecay = 0;

  constructor(opts: FillSimulatorOptions) {
    const ratio = opts.fillRatio ?? 1;
    if (!(ratio > 0 && ratio <= 1)) throw new FillConfigError(`fill_ratio must be in (0, 1], got ${ratio}`);
    if (!Number.isInteger(opts.venues) || opts.venues < 1 || !Number.isInteger(opts.symbols) || opts.symbols < 1) {
      throw new FillConfigError(`venues and symbols must be positive integers, got ${opts.venues}, ${opts.symbols}`);
    }
    const decay = opts.decayNs ?? DEFAULT_LIQUIDITY_DECAY_NS;
    if (!(decay > 0)) throw new FillConfigError(`liquidity decay must be > 0 ns, got ${decay}`);
    const impact = opts.impact ?? 0;
    if (!(impact >= 0 && impact <= 1)) throw new FillConfigError(`market impact must be in [0, 1], got ${impact}`);
    this.fillRatio = ratio;
    this.venues = opts.venues;
    this.symbols = opts.symbols;
    this.decayNs = decay;
    this.impact = impact;
    this.memoryLevels = opts.memoryLevels ?? 64;
    const keys = opts.venues * opts.symbols;
    this.memVersion = new Float64Array(keys).fill(NaN);
    this.memCount = new Int32Array(keys);
    const m = keys * this.memoryLevels;
    this.memSide = new Float64Array(m);
    this.memPx = new Float64Array(m);
    this.memTaken = new Float64Array(m);
    this.memShown = new Float64Array(m);
    this.memNs = new Float64Array(m);
  }

  /**
   * Fills an IOC (allOrNone = false) or FOK (true) order against `book` (a BookView depth
   * record with `n` levels; its H_SEQ is the book version) and remembers what it took.
   * `nowNs` is when the order meets the book (its arrival at the venue): it times the takes for
   * the decay. Never the book's last-update time: on a book quiet for longer than the decay, a
   * take stamped with it would be forgotten at the book's next update (any change, e.g. of the
   * other side) and the same liquidity handed out again.
   */
  fill(venue: number, symbol: number, side: number, limitPx: number, qty: number, book: Float64Array, n: number,
    takerFeeRate: number, feeRule: number, allOrNone: boolean, out: FillResult, nowNs: number): FillResult {
    const key = venue * this.symbols + symbol;
    const version = book[H_SEQ]!;
    if (this.memVersion[key] !== version) {
      this.memVersion[key] = version;
      if (this.memCount[key]! > 0) this.observeKey(key, book, n, nowNs);
    }
    walk(this, key, side, limitPx, qty, book, n, this.fillRatio, takerFeeRate, feeRule, allOrNone, out, nowNs);
    return out;
  }

  /** Levels remembered for (venue, symbol): 0 = nothing to check on its updates. */
  remembered(venue: number, symbol: number): number {
    return this.memCount[venue * this.symbols + symbol]!;
  }

  /**
   * The market's word on (venue, symbol): `book` as the venue now shows it (`n` levels) at
   * `nowNs`. Clears the entries the market has cleared (see the file comment).
   */
  observe(venue: number, symbol: number, book: Float64Array, n: number, nowNs: number): void {
    const key = venue * this.symbols + symbol;
    if (this.memCount[key]! > 0) this.observeKey(key, book, n, nowNs);
  }

  private observeKey(key: number, book: Float64Array, n: number, nowNs: number): void {
    const base = key * this.memoryLevels;
    let c = this.memCount[key]!;
    const topBid = n > 0 ? book[D_LEVELS + D_BID_PX]! : 0;
    const topAsk = n > 0 ? book[D_LEVELS + D_ASK_PX]! : 0;
    for (let j = 0; j < c;) {
      const e = base + j;
      const px = this.memPx[e]!;
      const buy = this.memSide[e] === SIDE_BUY;
      let drop = 0;
      if (nowNs - this.memNs[e]! >= this.decayNs) drop = 3;
      else {
        // a buy took asks: its level is traded through once the best ask is above it
        const top = buy ? topAsk : topBid;
        if (top > 0 && (buy ? top > px : top < px)) drop = 2;
        else {
          const pxOff = buy ? D_ASK_PX : D_BID_PX;
          let found = false;
          let deepest = 0;
          for (let i = 0; i < n; i++) {
            const o = D_LEVELS + D_LEVEL_WORDS * i;
            const lp = book[o + pxOff]!;
            if (lp === px) {
              found = true;
              const shown = book[o + (buy ? D_ASK_SZ : D_BID_SZ)]!;
              // fell by at least what we took (1e-12 relative: sizes are decimal strings parsed to doubles)
              if (shown <= (this.memShown[e]! - this.memTaken[e]!) * (1 + 1e-12)) drop = 1;
              break;
            }
            if (lp > 0) deepest = lp;
          }
          // absent although the book shows levels beyond it: the level is gone (fell to 0)
          if (!found && deepest > 0 && (buy ? deepest > px : deepest < px)) drop = 1;
        }
      }
      if (drop === 0) {
        j++;
        continue;
      }
      if (drop === 1) this.clearedByFall++;
      else if (drop === 2) this.clearedByTradeThrough++;
      else this.clearedByDecay++;
      // swap the last entry in
      const last = base + --c;
      this.memSide[e] = this.memSide[last]!;
      this.memPx[e] = this.memPx[last]!;
      this.memTaken[e] = this.memTaken[last]!;
      this.memShown[e] = this.memShown[last]!;
      this.memNs[e] = this.memNs[last]!;
    }
    this.memCount[key] = c;
  }

  /** Quantity already taken at (venue, symbol, side, px) and not yet cleared by the market. */
  taken(key: number, side: number, px: number): number {
    const j = this.find(key, side, px);
    return j < 0 ? 0 : this.memTaken[j]!;
  }

  /** What a level displaying `shown` offers us now: fillRatio of it, less what we took. */
  available(key: number, side: number, px: number, shown: number): number {
    const j = this.find(key, side, px);
    if (j < 0) return shown * this.fillRatio;
    const s0 = this.memShown[j]!;
    return (shown < s0 ? shown : s0) * this.fillRatio - this.memTaken[j]!;
  }

  private find(key: number, side: number, px: number): number {
    const base = key * this.memoryLevels;
    const c = this.memCount[key]!;
    for (let j = 0; j < c; j++) {
      if (this.memPx[base + j] === px && this.memSide[base + j] === side) return base + j;
    }
    return -1;
  }

  /**
   * Doubles the room per (venue, symbol): a take is never dropped (it would hand the same
   * liquidity out again at once). Allocates, but only when more levels are held at once than ever
   * before: deep sweeps within the decay on a moving market.
   */
  private growMemory(): void {
    const from = this.memoryLevels;
    const to = from * 2;
    const keys = this.memCount.length;
    const regrow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(keys * to);
      for (let k = 0; k < keys; k++) b.set(a.subarray(k * from, k * from + this.memCount[k]!), k * to);
      return b;
    };
    this.memSide = regrow(this.memSide);
    this.memPx = regrow(this.memPx);
    this.memTaken = regrow(this.memTaken);
    this.memShown = regrow(this.memShown);
    this.memNs = regrow(this.memNs);
    this.memoryLevels = to;
    this.memoryGrowths++;
  }

  /** Forgets everything taken (e.g. at the start of a new backtest). */
  clear(): void {
    this.memCount.fill(0);
    this.memVersion.fill(NaN);
  }

  /** @internal `q` taken at a level showing `shown`, which then offered `left` more. */
  remember(key: number, side: number, px: number, q: number, shown: number, left: number, nowNs: number): void {
    const extra = this.impact > 0 && left > 0 ? this.impact * left : 0;
    const j = this.find(key, side, px);
    if (j >= 0) {
      this.memTaken[j]! += q + extra;
      this.memNs[j] = nowNs;
      return;
    }
    const c = this.memCount[key]!;
    if (c === this.memoryLevels) this.growMemory();
    const e = key * this.memoryLevels + c;
    this.memSide[e] = side;
    this.memPx[e] = px;
    this.memTaken[e] = q + extra;
    this.memShown[e] = shown;
    this.memNs[e] = nowNs;
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
  out: FillResult, nowNs: number): void {
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
      const avail = sim !== null ? sim.available(key, side, px, book[o + szOff]!) : book[o + szOff]! * ratio;
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
    const shown = book[o + szOff]!;
    const avail = sim !== null ? sim.available(key, side, px, shown) : shown * ratio;
    const availU = Math.round(avail * scale);
    if (!(availU > 0)) continue;
    const qU = availU < remU ? availU : remU;
    remU -= qU;
    const q = qU / scale;
    notional += q * px;
    out.levels++;
    out.worstPx = px;
    if (sim !== null) sim.remember(key, side, px, q, shown, (availU - qU) / scale, nowNs);
  }
  if (out.levels === 0) return;
  // a full fill is exactly the quantity asked for; a partial one the nearest double to its units
  const filled = remU === 0 ? qty : (qtyU - remU) / scale;
  out.filledQty = filled;
  out.notional = notional;
  out.avgPx = out.levels === 1 ? out.worstPx : notional / filled; // one level: its price exactly, no rounding
  out.fee = out.feeAsset === ASSET_BASE ? filled * feeRate : notional * feeRate;
}
