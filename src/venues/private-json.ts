/**
 * Reading the venues' private messages (user data, private topics, account REST answers):
 * a parse gives a typed value or a reason, never a throw; numbers may come as JSON numbers
 * or decimal strings. Not the feed's zero-allocation path: private traffic is a few messages
 * per order.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export function object(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A number field given as a number or a decimal string; NaN when absent or unreadable. */
export function num(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return NaN;
}

/** Text (JSON) or an already-parsed value → a JSON object, or the reason it is not one. */
export function jsonObject(input: string | unknown): ParseResult<Record<string, unknown>> {
  let v: unknown = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch {
      return fail('not JSON');
    }
  }
  const o = object(v);
  return o === null ? fail('not a JSON object') : { ok: true, value: o };
}
