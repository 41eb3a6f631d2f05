/**
 * The thin HTTP layer under the order clients: one request, a timeout, the answer as text.
 * The implementation is PoolTransport (pool-transport.ts: undici Pools, kept alive, connected
 * at start-up); tests swap in a fake transport.
 */
export interface HttpAnswer {
  status: number;
  /** Lower-case header name → value. */
  header(name: string): string | null;
  text: string;
}

export interface HttpTransport {
  request(method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, body: string | null,
    timeoutMs: number): Promise<HttpAnswer>;
}

/** Retry-After (seconds, or an HTTP date) in ms; `fallbackMs` when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number, fallbackMs: number): number {
  if (value === null || value === '') return fallbackMs;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : fallbackMs;
}
