/**
 * An order's fees in the units the executor reports to the strategy (one amount in
 * ASSET_BASE or ASSET_QUOTE), from the venue's per-fill commissions (Binance
 * `commission`/`commissionAsset`, Bybit `execFee`/`feeCurrency` or `cumFeeDetail`).
 *
 * Spot fees are normally charged in the received asset (base on a buy, quote on a sell): then
 * the sum is reported as is, in that asset. A fee in any other asset (Binance's BNB discount,
 * or a base/quote mix) cannot be one base-or-quote amount, so the whole order's fees are
 * converted to quote instead: quote as is, base at the fill's price, a third asset at
 * `rateInQuote(asset)` (configured, e.g. `[fees] bnb_price_quote`). When no rate is known the
 * fill's fee is estimated at the taker rate on its notional (`estimated`): a fee is never
 * booked as 0 because its asset was unexpected.
 *
 * The order answer (binance-order.ts) and the private-stream path (private-fills.ts) both use
 * this function over the same fills, so their cumulative fees agree and the executor's
 * cumulative-minus-reported rule books each fee once, whichever path brought it first.
 *
 * Pure: no I/O, no clock.
 */
import { ASSET_BASE, ASSET_QUOTE } from '../../core/records.js';

export interface FeeFill {
  fee: number;
  /** '' when the venue did not say (then taken as the received asset). */
  feeAsset: string;
  price: number;
  qty: number;
}

export interface ExecutorFee {
  cumFee: number;
  /** ASSET_BASE | ASSET_QUOTE. */
  feeAsset: number;
  /** Some fee was in a third asset (or a base/quote mix) and was converted to quote. */
  converted: boolean;
  /** Some third-asset fee had no rate and was estimated at the taker rate. */
  estimated: boolean;
}

export type RateInQuote = (asset: string) => number | undefined;

export function executorFee(fills: readonly FeeFill[], side: 'BUY' | 'SELL', assets: { base: string; quote: string },
  rateInQuote: RateInQuote, takerFeeRate: number): ExecutorFee {
  const received = side === 'BUY' ? assets.base : assets.quote;
  const receivedId = side === 'BUY' ? ASSET_BASE : ASSET_QUOTE;
  let sum = 0;
  let other = false;
  for (const f of fills) {
    if (f.fee === 0) continue;
    if (f.feeAsset === received || f.feeAsset === '' || received === '') sum += f.fee;
    else other = true;
  }
  if (!other) return { cumFee: sum, feeAsset: receivedId, converted: false, estimated: false };
  let quote = 0;
  let estimated = false;
  for (const f of fills) {
    if (f.fee === 0) continue;
    const asset = f.feeAsset === '' ? received : f.feeAsset;
    if (asset === assets.quote) quote += f.fee;
    else if (asset === assets.base) quote += f.fee * f.price;
    else {
      const r = rateInQuote(asset);
      if (r !== undefined && r > 0) quote += f.fee * r;
      else {
        quote += f.price * f.qty * takerFeeRate;
        estimated = true;
      }
    }
  }
  return { cumFee: quote, feeAsset: ASSET_QUOTE, converted: true, estimated };
}

/** A rate table from config: asset → price in the quote asset (only positive prices are kept). */
export function ratesFrom(prices: Readonly<Record<string, number>>): RateInQuote {
  const m = new Map<string, number>();
  for (const [a, p] of Object.entries(prices)) if (p > 0) m.set(a.toUpperCase(), p);
  return (asset) => m.get(asset);
}
