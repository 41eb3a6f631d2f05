/**
 * Snapping prices and quantities to a venue's tick and step without float residue.
 *
 * `x / step` is rarely an exact integer in binary floating point (100.01 / 0.01 =
 * 10000.999999999998), so the division is nudged by a relative epsilon before floor/ceil,
 * and the result is re-rounded at the step's decimal scale (10^decimals, computed once at
 * configuration time) so 3 * 0.1 comes out as 0.3, the number a venue would print.
 */

/** 10^d where d is the number of decimals needed to write `step` exactly (0.001 → 1000, 5 → 1). */
export function decimalScale(step: number): number {
  let p = 1;
  for (let d = 0; d <= 15; d++) {
    const x = step * p;
    if (Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, x)) return p;
    p *= 10;
  }
  return p;
}

function eps(ratio: number): number {
  return 1e-9 + Math.abs(ratio) * 1e-12;
}

/** Largest multiple of `step` that is ≤ x (quantities, sell prices). */
export function floorToStep(x: number, step: number, scale: number): number {
  const r = x / step;
  const n = Math.floor(r + eps(r));
  return Math.round(n * step * scale) / scale;
}

/** Smallest multiple of `step` that is ≥ x (buy prices). */
export function ceilToStep(x: number, step: number, scale: number): number {
  const r = x / step;
  const n = Math.ceil(r - eps(r));
  return Math.round(n * step * scale) / scale;
}
