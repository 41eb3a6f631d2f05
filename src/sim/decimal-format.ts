/**
 * Decimal strings as the venues print them, from integer counts of a power-of-ten unit
 * (price ticks, quantity lots). Working in integers keeps 0.1 + 0.2 out of the wire format.
 *
 * - Binance spot prints every price and quantity with 8 decimals ("61837.63000000").
 * - Bybit spot prints the shortest form ("43730", "43724.1", "0.5").
 * - Bybit linear prints a fixed number of decimals per instrument ("1.9520").
 */

/** `units` (a non-negative integer) in steps of 10^-decimals, with exactly `decimals` decimals. */
export function formatFixed(units: number, decimals: number): string {
  const neg = units < 0;
  let s = String(neg ? -units : units);
  if (decimals > 0) {
    while (s.length <= decimals) s = '0' + s;
    s = s.slice(0, s.length - decimals) + '.' + s.slice(s.length - decimals);
  }
  return neg ? '-' + s : s;
}

/** Same as formatFixed, then padded with zeros to `totalDecimals` (Binance's 8). */
export function formatPadded(units: number, decimals: number, totalDecimals: number): string {
  const s = formatFixed(units, decimals);
  if (totalDecimals <= decimals) return s;
  return decimals === 0 ? s + '.' + ZEROS.slice(0, totalDecimals) : s + ZEROS.slice(0, totalDecimals - decimals);
}

/** Same as formatFixed, without trailing zeros or a trailing dot (Bybit spot). */
export function formatShortest(units: number, decimals: number): string {
  const s = formatFixed(units, decimals);
  if (decimals === 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** 10^-decimals as a number, e.g. 2 → 0.01. */
export function unitOf(decimals: number): number {
  return Number('1e-' + decimals);
}

const ZEROS = '0000000000000000';
