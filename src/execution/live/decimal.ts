/**
 * Decimal strings for order requests. A price or quantity is snapped to its tick or step and
 * printed from an integer count of 10^-decimals units, so no float residue
 * (0.30000000000000004) ever reaches a request, and the string is the one that was signed.
 */

export class DecimalFormatError extends Error {
  override readonly name = 'DecimalFormatError';
}

/** Decimals needed to write `step` exactly: 0.01 → 2, 0.00001 → 5, 1 → 0. */
export function decimalsOf(step: number): number {
  const d = stepDecimals(step);
  if (d >= 0) return d;
  if (!(step > 0) || !Number.isFinite(step)) throw new DecimalFormatError(`a tick or step must be a positive number, got ${step}`);
  throw new DecimalFormatError(`tick or step ${step} needs more than 12 decimals`);
}

/** decimalsOf without the throw: -1 for a tick or step that is not a positive number of at most 12 decimals. */
export function stepDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return -1;
  let p = 1;
  for (let d = 0; d <= 12; d++) {
    const x = step * p;
    // At least one whole unit: a step below 10^-12 is not "0 decimals" (1e-13 rounds to 0).
    if (Math.round(x) >= 1 && Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, x)) return d;
    p *= 10;
  }
  return -1;
}

/**
 * Why `value` cannot be written on `step` by formatNearestStep / formatFloorToStep (a bad
 * step, a value that is not a finite number ≥ 0, or one whose unit count exceeds 2^53), or
 * null when it can: the pre-send check that keeps an order from throwing while it is formed.
 */
export function stepFormatProblem(value: number, step: number): string | null {
  const d = stepDecimals(step);
  if (d < 0) return `tick or step ${step} is not a positive number of at most 12 decimals`;
  if (!Number.isFinite(value) || value < 0) return `${value} is not a finite number ≥ 0`;
  // Both formatters round to at most the next step: one step of headroom.
  if ((value + step) * 10 ** d > Number.MAX_SAFE_INTEGER) return `${value} with ${d} decimals is too large to write exactly`;
  return null;
}

/**
 * `value` rounded to the nearest multiple of 10^-decimals, written with at most `decimals`
 * decimals and no trailing zeros ("0.1", "60000.5", "3"). Rejects values whose unit count
 * does not fit in a double exactly (> 2^53).
 */
export function formatDecimal(value: number, decimals: number): string {
  if (!Number.isFinite(value) || value < 0) throw new DecimalFormatError(`cannot format ${value} as an order decimal`);
  const units = Math.round(value * 10 ** decimals);
  if (units > Number.MAX_SAFE_INTEGER) throw new DecimalFormatError(`${value} with ${decimals} decimals is too large to format exactly`);
  let s = String(units);
  if (decimals > 0) {
    while (s.length <= decimals) s = '0' + s;
    s = s.slice(0, s.length - decimals) + '.' + s.slice(s.length - decimals);
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46) end--;
    s = s.slice(0, end);
  }
  return s;
}

/** The same value snapped down to a multiple of `step` (quantities: never send more than intended). */
export function formatFloorToStep(value: number, step: number): string {
  return formatDecimal(floorToStep(value, step), decimalsOf(step));
}

/** The number formatFloorToStep writes, without writing it (pre-send checks: no string per check). */
export function floorToStep(value: number, step: number): number {
  const d = decimalsOf(step);
  const stepUnits = Math.round(step * 10 ** d);
  return (Math.floor(Math.round(value * 10 ** d * 1e3) / 1e3 / stepUnits) * stepUnits) / 10 ** d;
}

/** The value snapped to the nearest multiple of `step` (prices already on the tick stay put). */
export function formatNearestStep(value: number, step: number): string {
  const d = decimalsOf(step);
  const stepUnits = Math.round(step * 10 ** d);
  const units = Math.round(Math.round(value * 10 ** d * 1e3) / 1e3 / stepUnits) * stepUnits;
  return formatDecimal(units / 10 ** d, d);
}
