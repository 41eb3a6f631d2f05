/**
 * Dry-run account balances: per venue one quote balance, and per (venue, symbol) a base
 * balance, as spot arbitrage holds them. The dry-run executor checks them when an order
 * reaches the venue (a buy needs quote for limit price x qty, a sell needs the base) and moves
 * them by each fill and its fee. Infinity means "not limited".
 */
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY } from '../core/records.js';
import type { TransferEvent } from '../strategy/events.js';

export interface StartingBalance {
  /** Base asset on this venue: one amount for every symbol, or one per symbol id. */
  base: number | readonly number[];
  quote: number;
}

export class DryRunBalances {
  readonly base: Float64Array;
  readonly quote: Float64Array;

  constructor(readonly venues: number, readonly symbols: number, start: readonly StartingBalance[]) {
    if (start.length < venues) throw new RangeError(`starting balances for ${venues} venues needed, got ${start.length}`);
    this.base = new Float64Array(venues * symbols);
    this.quote = new Float64Array(venues);
    for (let v = 0; v < venues; v++) {
      this.quote[v] = start[v]!.quote;
      const b = start[v]!.base;
      for (let s = 0; s < symbols; s++) this.base[v * symbols + s] = typeof b === 'number' ? b : (b[s] ?? 0);
    }
  }

  baseOf(venue: number, symbol: number): number {
    return this.base[venue * this.symbols + symbol]!;
  }

  quoteOf(venue: number): number {
    return this.quote[venue]!;
  }

  /**
   * Can the account place this order? The fee is reserved too when it is charged in the asset
   * being spent (a buy paying its fee in quote, a sell paying in base).
   */
  canPlace(venue: number, symbol: number, side: number, limitPx: number, qty: number, feeRate: number, feeAsset: number): boolean {
    if (side === SIDE_BUY) {
      const need = limitPx * qty * (feeAsset === ASSET_QUOTE ? 1 + feeRate : 1);
      return this.quote[venue]! >= need;
    }
    const need = qty * (feeAsset === ASSET_BASE ? 1 + feeRate : 1);
    return this.base[venue * this.symbols + symbol]! >= need;
  }

  /**
   * One phase of a simulated transfer between venues (the strategy's 'transfer' events,
   * src/strategy/transfers.ts): 'started' takes `amount` of quote (symbol < 0) or base off
   * `from`; 'done' puts amount − fee on `to`.
   */
  applyTransfer(e: TransferEvent): void {
    const started = e.phase === 'started';
    const delta = started ? -e.amount : e.amount - e.fee;
    const v = started ? e.from : e.to;
    if (e.symbol < 0) this.quote[v]! += delta;
    else this.base[v * this.symbols + e.symbol]! += delta;
  }

  /** Books a fill: `qty` base for `notional` quote, and the fee in its asset. */
  applyFill(venue: number, symbol: number, side: number, qty: number, notional: number, fee: number, feeAsset: number): void {
    const b = venue * this.symbols + symbol;
    if (side === SIDE_BUY) {
      this.base[b]! += qty;
      this.quote[venue]! -= notional;
    } else {
      this.base[b]! -= qty;
      this.quote[venue]! += notional;
    }
    if (feeAsset === ASSET_BASE) this.base[b]! -= fee;
    else this.quote[venue]! -= fee;
  }
}
