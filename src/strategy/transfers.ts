/**
 * Simulated transfers between venues, for dry-run and backtest only: what an operator would
 * do when the rebalancing skew (inventory.ts) is not enough to refill a venue.
 *
 * A venue that has stayed low on an asset (below `rebalance_threshold` of its total) for
 * `rebalance_transfer_after_ms` gets, from the richest other venue, the amount that evens the
 * asset out (capped by what that venue has not reserved for orders in flight). The amount
 * leaves at once and is in transit, in neither venue's spendable balance (but still counted
 * in exposure and equity), for `rebalance_transfer_delay_ms`; then amount − fee lands (the
 * fee in the asset moved, charged to realized PnL at the mid when it lands). One transfer per
 * asset at a time. Both phases are journaled ('transfer' event, phase started / done); the
 * dry-run executor's balances follow the same events, so both sides stay equal.
 *
 * Live trading never builds this with `enabled` true: there only `rebalance_needed` tells the
 * operator the amount. Pure: time comes in as nowNs; runs from onTimer, off the quote path.
 */
import { ASSET_BASE, ASSET_QUOTE, VENUE_COUNT } from '../core/records.js';
import type { StrategyContext } from './context.js';

export class Transfers {
  /** One slot per asset: k < nSym is base of symbol k, k = nSym the quote asset. */
  private readonly active: Uint8Array;
  private readonly from: Uint8Array;
  private readonly to: Uint8Array;
  private readonly amount: Float64Array;
  private readonly fee: Float64Array;
  private readonly arriveNs: Float64Array;
  readonly enabled: boolean;

  constructor(private readonly x: StrategyContext, simulate: boolean) {
    const n = x.nSym + 1;
    this.active = new Uint8Array(n);
    this.from = new Uint8Array(n);
    this.to = new Uint8Array(n);
    this.amount = new Float64Array(n);
    this.fee = new Float64Array(n);
    this.arriveNs = new Float64Array(n);
    this.enabled = simulate && x.config.transferAfterNs > 0;
  }

  /** Transfers in flight. */
  get inFlight(): number {
    let n = 0;
    for (let k = 0; k < this.active.length; k++) n += this.active[k]!;
    return n;
  }

  /** Lands what is due, starts what is needed. Call from onTimer. */
  step(nowNs: number): void {
    if (!this.enabled) return;
    const nSym = this.x.nSym;
    for (let k = 0; k <= nSym; k++) {
      const s = k < nSym ? k : -1;
      if (this.active[k] === 1) {
        if (nowNs >= this.arriveNs[k]!) this.land(k, s, nowNs);
      } else {
        this.maybeStart(k, s, nowNs);
      }
    }
  }

  private balance(v: number, s: number): number {
    return s < 0 ? this.x.positions.quote(v) : this.x.positions.base(v, s);
  }

  private available(v: number, s: number): number {
    return s < 0 ? this.x.inventory.availableQuote(v) : this.x.inventory.availableBase(v, s);
  }

  private maybeStart(k: number, s: number, nowNs: number): void {
    const x = this.x;
    const c = x.config;
    for (let v = 0; v < VENUE_COUNT; v++) {
      const since = x.inventory.lowSince(v, s);
      if (Number.isNaN(since) || nowNs - since < c.transferAfterNs) continue;
      let rich = -1;
      let total = 0;
      for (let u = 0; u < VENUE_COUNT; u++) {
        const b = Math.max(0, this.balance(u, s));
        total += b;
        if (u !== v && (rich < 0 || b > this.balance(rich, s))) rich = u;
      }
      if (rich < 0) return;
      const fee = s < 0 ? c.transferFeeQuote : c.transferFeeBase;
      const amount = Math.min(total / VENUE_COUNT - this.balance(v, s), this.available(rich, s));
      if (!(amount > fee)) continue; // nothing worth moving (or all of it reserved)
      this.active[k] = 1;
      this.from[k] = rich;
      this.to[k] = v;
      this.amount[k] = amount;
      this.fee[k] = fee;
      this.arriveNs[k] = nowNs + c.transferDelayNs;
      x.positions.transferOut(rich, s, amount);
      x.stats.transfersStarted++;
      this.emit('started', k, s, nowNs);
      x.inventory.afterTransfer(s, nowNs);
      return;
    }
  }

  private land(k: number, s: number, nowNs: number): void {
    const x = this.x;
    const to = this.to[k]!;
    const fee = this.fee[k]!;
    x.positions.transferIn(to, s, this.amount[k]!, fee);
    let feeQuote = fee;
    if (s >= 0 && fee > 0) {
      let mid = 0;
      for (let v = 0; v < VENUE_COUNT && mid === 0; v++) mid = x.books.mid(v, s);
      feeQuote = fee * mid;
    }
    x.pnl.transferFees += feeQuote;
    x.pnl.realized -= feeQuote;
    this.active[k] = 0;
    x.stats.transfersDone++;
    this.emit('done', k, s, nowNs);
    x.inventory.afterTransfer(s, nowNs);
    // Still low after it landed (fees, or trading meanwhile): the wait starts again.
    if (!Number.isNaN(x.inventory.lowSince(to, s))) x.inventory.restartLow(to, s, nowNs);
  }

  private emit(phase: 'started' | 'done', k: number, s: number, nowNs: number): void {
    this.x.events.onEvent({
      type: 'transfer', phase, nowNs, from: this.from[k]!, to: this.to[k]!, asset: s < 0 ? ASSET_QUOTE : ASSET_BASE,
      symbol: s, amount: this.amount[k]!, fee: this.fee[k]!, arriveNs: this.arriveNs[k]!,
    });
  }
}
