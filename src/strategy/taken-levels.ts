/**
 * What the strategy already took at the touch, so it does not fire again at a level it has
 * consumed (the strategy's side of the fill simulator's liquidity memory, fill-simulator.ts).
 *
 * Why: a venue's feed may keep showing a level after our IOC took it (our fill is not in the
 * next update yet, or the level is refilled by a quote we cannot tell from the old one). A
 * strategy that trusts the displayed size re-fires a pair at the same price as soon as the
 * round closes, for liquidity that is gone: orders that cannot fill and that burn the venue's
 * order budget (a peer venue that never removes liquidity answered with rate-limit denies).
 *
 * One entry per (venue, symbol, book side): the touch price we last took at, the size the book
 * showed there when we took, what we took, and when. While the entry stands, that level offers
 *   min(displayed, shown at the take) − taken
 * (size that appears above what was shown is not ours to count: a flickering level does not
 * refill). The market clears an entry, never a version change alone:
 *   - the level's displayed size falls to (shown − taken) or below: the venue's own updates now
 *     carry our trade (or an equal amount traded or cancelled);
 *   - the level trades through: a buy's ask level is gone once the best ask is above it, a
 *     sell's bid level once the best bid is below it;
 *   - `decayNs` has passed since the last take (others replenish).
 * A better touch (a lower ask than the entry's price) is a different level: offered in full,
 * the entry kept for when the touch comes back.
 *
 * Per direction (buy venue → sell venue, per symbol), one pair per dislocation: a direction
 * that sent a pair stays spent until the spread closes (no direction of the symbol clears its
 * required edge any more) or `decayNs` passes. Needed because a level's memory alone is
 * cleared by any tick of the touch or any shrink of its size (a book that jitters while it
 * stays dislocated looks like fresh liquidity at every tick), and a dislocation that persists
 * with our fills not in the feed is most likely the same liquidity.
 *
 * Pure: time comes in as an argument; typed arrays sized at construction; nothing allocates
 * per quote.
 */

/** Book side of an entry: the asks (a buy leg takes them) or the bids (a sell leg). */
export const TAKEN_ASK = 0;
export const TAKEN_BID = 1;

/** Default lifetime of an entry without a new take (docs/configuration.md, strategy.taken_level_decay_ms). */
export const DEFAULT_TAKEN_DECAY_MS = 1000;

export class TakenLevels {
  private readonly px: Float64Array;
  private readonly shown: Float64Array;
  private readonly taken: Float64Array;
  private readonly atNs: Float64Array;
  /** Per (symbol, buy venue, sell venue): 1 while the direction is spent, and since when. */
  private readonly dirSpent: Uint8Array;
  private readonly dirAtNs: Float64Array;
  /** Spent directions per symbol: spreadClosed, called on almost every quote, has nothing to clear at 0. */
  private readonly spentDirs: Int32Array;
  private readonly venues: number;
  /** Entries cleared by the market, by reason (for stats and tests). */
  clearedBySize = 0;
  clearedByTradeThrough = 0;
  clearedByDecay = 0;
  clearedBySpread = 0;

  constructor(
    private readonly nSym: number,
    venues: number,
    /** Lifetime of an entry after its last take, ns (> 0). */
    readonly decayNs: number,
  ) {
    if (!(decayNs > 0)) throw new RangeError(`taken-level decay must be > 0 ns, got ${decayNs}`);
    const n = venues * nSym * 2;
    this.venues = venues;
    this.dirSpent = new Uint8Array(nSym * venues * venues);
    this.dirAtNs = new Float64Array(nSym * venues * venues);
    this.spentDirs = new Int32Array(nSym);
    this.px = new Float64Array(n);
    this.shown = new Float64Array(n);
    this.taken = new Float64Array(n);
    this.atNs = new Float64Array(n);
  }

  private key(venue: number, symbol: number, side: number): number {
    return (venue * this.nSym + symbol) * 2 + side;
  }

  /** We sent an order taking `qty` at `px` on that side, when the touch showed `shown` there. */
  take(venue: number, symbol: number, side: number, px: number, shown: number, qty: number, nowNs: number): void {
    const k = this.key(venue, symbol, side);
    if (this.px[k] === px && this.taken[k]! > 0) {
      this.taken[k] = this.taken[k]! + qty;
      if (shown < this.shown[k]!) this.shown[k] = shown;
    } else {
      this.px[k] = px;
      this.shown[k] = shown;
      this.taken[k] = qty;
    }
    this.atNs[k] = nowNs;
  }

  /** Whether an entry of that venue's book for the symbol waits to be cleared (observe() has work). */
  holds(venue: number, symbol: number): boolean {
    const k = this.key(venue, symbol, TAKEN_ASK);
    return this.taken[k]! > 0 || this.taken[k + 1]! > 0;
  }

  /**
   * A new touch of one venue's book: clears the entries the market has cleared (call on every
   * quote of that venue and symbol, before deciding).
   */
  observe(venue: number, symbol: number, bidPx: number, bidSz: number, askPx: number, askSz: number, nowNs: number): void {
    const k = this.key(venue, symbol, TAKEN_ASK);
    if (this.taken[k]! > 0) this.check(k, askPx, askSz, true, nowNs);
    if (this.taken[k + 1]! > 0) this.check(k + 1, bidPx, bidSz, false, nowNs);
  }

  private check(k: number, px: number, sz: number, ask: boolean, nowNs: number): void {
    const at = this.px[k]!;
    if (nowNs - this.atNs[k]! >= this.decayNs) {
      this.clearedByDecay++;
      this.taken[k] = 0;
    } else if (!(px > 0)) {
      // An empty side says nothing about the level.
    } else if (ask ? px > at : px < at) {
      this.clearedByTradeThrough++;
      this.taken[k] = 0;
    } else if (px === at && sz <= this.shown[k]! - this.taken[k]! + 1e-12) {
      this.clearedBySize++;
      this.taken[k] = 0;
    }
  }

  /**
   * Size the touch at `px` (displaying `displayed`) still offers us on that side: `displayed`
   * unless we took at that very price and the market has not cleared it. Expects observe() to
   * have run on this touch.
   */
  available(venue: number, symbol: number, side: number, px: number, displayed: number, nowNs: number): number {
    const k = this.key(venue, symbol, side);
    const t = this.taken[k]!;
    if (t <= 0 || this.px[k] !== px) return displayed;
    if (nowNs - this.atNs[k]! >= this.decayNs) {
      this.clearedByDecay++;
      this.taken[k] = 0;
      return displayed;
    }
    const left = Math.min(displayed, this.shown[k]!) - t;
    return left > 0 ? left : 0;
  }

  /** A pair went out buying on `buyV` and selling on `sellV`: that direction is spent. */
  spendDirection(symbol: number, buyV: number, sellV: number, nowNs: number): void {
    const k = (symbol * this.venues + buyV) * this.venues + sellV;
    if (this.dirSpent[k] === 0) this.spentDirs[symbol]!++;
    this.dirSpent[k] = 1;
    this.dirAtNs[k] = nowNs;
  }

  /** False while the direction is spent (cleared here once `decayNs` has passed). */
  directionFree(symbol: number, buyV: number, sellV: number, nowNs: number): boolean {
    const k = (symbol * this.venues + buyV) * this.venues + sellV;
    if (this.dirSpent[k] === 0) return true;
    if (nowNs - this.dirAtNs[k]! < this.decayNs) return false;
    this.dirSpent[k] = 0;
    this.spentDirs[symbol]!--;
    this.clearedByDecay++;
    return true;
  }

  /** The symbol's spread closed (no direction clears its required edge): every direction is free again. */
  spreadClosed(symbol: number): void {
    if (this.spentDirs[symbol] === 0) return;
    this.spentDirs[symbol] = 0;
    const v2 = this.venues * this.venues;
    const base = symbol * v2;
    for (let i = 0; i < v2; i++) {
      if (this.dirSpent[base + i] !== 0) {
        this.dirSpent[base + i] = 0;
        this.clearedBySpread++;
      }
    }
  }

  /** Quantity remembered as taken at that side's entry (0 = none), and its price. */
  takenAt(venue: number, symbol: number, side: number): number {
    return this.taken[this.key(venue, symbol, side)]!;
  }

  priceAt(venue: number, symbol: number, side: number): number {
    return this.px[this.key(venue, symbol, side)]!;
  }

  /** Forgets everything (a new run). */
  clear(): void {
    this.taken.fill(0);
    this.dirSpent.fill(0);
    this.spentDirs.fill(0);
  }
}
