/**
 * Inventory: what each venue can still spend, and how the strategy leans to keep the
 * inventory where it can trade.
 *
 * Reservations. Every order reserves what it may spend when it goes out: a buy its limit
 * notional plus fee in quote, a sell its quantity in base. A fill turns reservation into a
 * balance move; a final answer releases the rest. So several symbols never spend the same
 * USDT, and an order whose status is unknown keeps its claim until the venue answers.
 *
 * Rebalancing. An asset's *share* on a venue is its balance there over its total across
 * venues. Below `rebalance_threshold` the venue is low, and the required edge of each
 * direction is skewed by the deficit d = clamp((threshold − share) / (threshold / 2), 0, 1):
 *
 *   required = min_spread_bps + (depleting − restoring) · (min_spread_bps − rebalance_floor_bps)
 *
 * where `restoring` is the largest deficit the direction refills (base on the buy venue,
 * quote on the sell venue) and `depleting` the largest it drains (quote on the buy venue,
 * base on the sell venue), floored at rebalance_floor_bps. A low venue also raises
 * `rebalance_needed` with the amount that would even the asset out, for the operator.
 * Required edges are recomputed after fills (off the per-quote path) into a flat array.
 * When the skew is not enough, dry-run and backtest may simulate a transfer (transfers.ts).
 */
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, VENUE_COUNT } from '../core/records.js';
import type { CompiledConfig } from './config.js';
import type { StrategyEvents } from './events.js';
import type { Positions } from './positions.js';
import type { StrategyStats } from './stats.js';

export class Inventory {
  private readonly nSym: number;
  private readonly resQuote: Float64Array; // per venue
  private readonly resBase: Float64Array; // per (venue, symbol)
  private readonly quoteDeficit: Float64Array; // per venue
  private readonly baseDeficit: Float64Array; // per (venue, symbol)
  /** requiredEdge[(s * V + buyV) * V + sellV], bps. */
  private readonly required: Float64Array;
  private readonly quoteLow: Uint8Array;
  private readonly baseLow: Uint8Array;
  /** When each low flag was last set (ns), for the simulated transfer's wait (transfers.ts). */
  private readonly quoteLowSince: Float64Array;
  private readonly baseLowSince: Float64Array;

  constructor(
    private readonly c: CompiledConfig,
    private readonly p: Positions,
    private readonly events: StrategyEvents,
    private readonly stats: StrategyStats,
  ) {
    this.nSym = c.nSym;
    this.resQuote = new Float64Array(VENUE_COUNT);
    this.resBase = new Float64Array(VENUE_COUNT * c.nSym);
    this.quoteDeficit = new Float64Array(VENUE_COUNT);
    this.baseDeficit = new Float64Array(VENUE_COUNT * c.nSym);
    this.required = new Float64Array(c.nSym * VENUE_COUNT * VENUE_COUNT).fill(c.minSpreadBps);
    this.quoteLow = new Uint8Array(VENUE_COUNT);
    this.baseLow = new Uint8Array(VENUE_COUNT * c.nSym);
    this.quoteLowSince = new Float64Array(VENUE_COUNT);
    this.baseLowSince = new Float64Array(VENUE_COUNT * c.nSym);
    for (let s = 0; s < c.nSym; s++) this.refresh(s, 0, false);
  }

  // ---- reservations ---------------------------------------------------------------------------

  /** What a buy of qty at px on v reserves (quote, fee included) or a sell reserves (base). */
  reserveFor(v: number, side: number, px: number, qty: number): number {
    return side === SIDE_BUY ? px * qty * (1 + this.c.takerFee[v]!) : qty;
  }

  adjust(v: number, s: number, side: number, delta: number): void {
    if (side === SIDE_BUY) this.resQuote[v] = Math.max(0, this.resQuote[v]! + delta);
    else {
      const i = v * this.nSym + s;
      this.resBase[i] = Math.max(0, this.resBase[i]! + delta);
    }
  }

  availableQuote(v: number): number {
    return this.p.quote(v) - this.resQuote[v]!;
  }

  availableBase(v: number, s: number): number {
    return this.p.base(v, s) - this.resBase[v * this.nSym + s]!;
  }

  reservedQuote(v: number): number {
    return this.resQuote[v]!;
  }

  reservedBase(v: number, s: number): number {
    return this.resBase[v * this.nSym + s]!;
  }

  // ---- rebalancing ----------------------------------------------------------------------------

  /** Required edge (bps) of "buy on buyV, sell on sellV" for symbol s. Per-quote path: one read. */
  requiredEdge(s: number, buyV: number, sellV: number): number {
    return this.required[(s * VENUE_COUNT + buyV) * VENUE_COUNT + sellV]!;
  }

  /** After a fill on (v, s): new shares, events on crossings, new required edges. */
  afterFill(s: number, nowNs: number): void {
    this.refresh(s, nowNs, true);
  }

  /** After a simulated transfer of base of s (or quote, s < 0) left or landed. */
  afterTransfer(s: number, nowNs: number): void {
    this.refresh(s, nowNs, true);
  }

  /** Since when v has been low on quote (s < 0) or base of s; NaN when it is not low. */
  lowSince(v: number, s: number): number {
    if (s < 0) return this.quoteLow[v] === 1 ? this.quoteLowSince[v]! : NaN;
    const i = v * this.nSym + s;
    return this.baseLow[i] === 1 ? this.baseLowSince[i]! : NaN;
  }

  /** Restarts the low clock of (v, asset) at nowNs (a transfer landed and it is still low). */
  restartLow(v: number, s: number, nowNs: number): void {
    if (s < 0) this.quoteLowSince[v] = nowNs;
    else this.baseLowSince[v * this.nSym + s] = nowNs;
  }

  private refresh(sym: number, nowNs: number, emit: boolean): void {
    const c = this.c;
    const p = this.p;
    const thr = c.rebalanceThreshold;
    // The total counts what is in transit (transfers.ts): a transfer under way does not make
    // the poorer venue look richer (a smaller total) before it lands.
    let totalQ = p.inTransit(-1);
    for (let v = 0; v < VENUE_COUNT; v++) totalQ += Math.max(0, p.quote(v));
    for (let v = 0; v < VENUE_COUNT; v++) {
      const d = deficit(p.quote(v), totalQ, thr);
      this.quoteDeficit[v] = d;
      this.crossing(v, -1, d > 0, p.quote(v), totalQ, nowNs, emit);
    }
    // Quote is shared by every symbol: a quote change re-skews them all.
    for (let s = 0; s < this.nSym; s++) {
      if (s === sym) {
        let totalB = p.inTransit(s);
        for (let v = 0; v < VENUE_COUNT; v++) totalB += Math.max(0, p.base(v, s));
        for (let v = 0; v < VENUE_COUNT; v++) {
          const d = deficit(p.base(v, s), totalB, thr);
          this.baseDeficit[v * this.nSym + s] = d;
          this.crossing(v, s, d > 0, p.base(v, s), totalB, nowNs, emit);
        }
      }
      this.skew(s);
    }
  }

  private skew(s: number): void {
    const c = this.c;
    const span = c.minSpreadBps - c.rebalanceFloorBps;
    for (let a = 0; a < VENUE_COUNT; a++) {
      for (let d = 0; d < VENUE_COUNT; d++) {
        if (a === d) continue;
        const restoring = Math.max(this.baseDeficit[a * this.nSym + s]!, this.quoteDeficit[d]!);
        const depleting = Math.max(this.quoteDeficit[a]!, this.baseDeficit[d * this.nSym + s]!);
        const req = c.minSpreadBps + (depleting - restoring) * span;
        this.required[(s * VENUE_COUNT + a) * VENUE_COUNT + d] = Math.max(c.rebalanceFloorBps, req);
      }
    }
  }

  /** inventory_low + rebalance_needed on the way down, inventory_ok on the way back (once each). */
  private crossing(v: number, s: number, low: boolean, balance: number, total: number, nowNs: number, emit: boolean): void {
    const flags = s < 0 ? this.quoteLow : this.baseLow;
    const i = s < 0 ? v : v * this.nSym + s;
    if (low === (flags[i] === 1)) return;
    flags[i] = low ? 1 : 0;
    if (low) (s < 0 ? this.quoteLowSince : this.baseLowSince)[i] = nowNs;
    if (!emit) return;
    const asset = s < 0 ? ASSET_QUOTE : ASSET_BASE;
    const threshold = this.c.rebalanceThreshold * total;
    if (low) {
      this.stats.inventoryLowEvents++;
      this.events.onEvent({ type: 'inventory_low', nowNs, venue: v, asset, symbol: s, balance, threshold });
      this.events.onEvent({ type: 'rebalance_needed', nowNs, venue: v, asset, symbol: s, balance, total, amount: total / VENUE_COUNT - balance });
    } else {
      this.events.onEvent({ type: 'inventory_ok', nowNs, venue: v, asset, symbol: s, balance, threshold });
    }
  }

  /** True while v's quote, or its base of s, is below rebalance_threshold of the total. */
  isLow(v: number, s: number): boolean {
    return this.quoteLow[v] === 1 || (s >= 0 && this.baseLow[v * this.nSym + s] === 1);
  }
}

/** 0 at or above the threshold share, rising linearly to 1 at half of it. */
function deficit(balance: number, total: number, thr: number): number {
  if (!(total > 0) || !(thr > 0)) return 0;
  const share = Math.max(0, balance) / total;
  if (share >= thr) return 0;
  return Math.min(1, (thr - share) / (thr / 2));
}
