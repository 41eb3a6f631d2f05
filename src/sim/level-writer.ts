/**
 * Writes `[["price","qty"],…]` arrays for the wire, from book levels or from a map of
 * pending changes, with a venue's number formatting. Prices and quantities are integer ticks
 * and lots; `fmt` turns them into the venue's decimal strings.
 */
import type { BookSide } from './book-side.js';

export type UnitFormatter = (units: number, decimals: number) => string;

/** The best `n` levels of a book side. */
export function levelsJson(side: BookSide, n: number, fmt: UnitFormatter, priceDec: number, qtyDec: number): string {
  const count = n < side.count ? n : side.count;
  let s = '[';
  for (let i = 0; i < count; i++) {
    if (i > 0) s += ',';
    s += '["' + fmt(side.prices[i]!, priceDec) + '","' + fmt(side.lots[i]!, qtyDec) + '"]';
  }
  return s + ']';
}

/**
 * Pending changes (price → lots) sorted best first (`descending` for bids), using `scratch`
 * to sort without allocating per call once it is large enough.
 */
export class ChangeWriter {
  private scratch = new Float64Array(256);

  json(changes: Map<number, number>, descending: boolean, fmt: UnitFormatter, priceDec: number, qtyDec: number): string {
    const n = changes.size;
    if (n === 0) return '[]';
    if (this.scratch.length < n) this.scratch = new Float64Array(n * 2);
    let k = 0;
    for (const p of changes.keys()) this.scratch[k++] = p;
    const keys = this.scratch.subarray(0, n);
    keys.sort();
    let s = '[';
    for (let i = 0; i < n; i++) {
      const p = descending ? keys[n - 1 - i]! : keys[i]!;
      if (i > 0) s += ',';
      s += '["' + fmt(p, priceDec) + '","' + fmt(changes.get(p)!, qtyDec) + '"]';
    }
    return s + ']';
  }
}
