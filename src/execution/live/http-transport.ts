/**
 * The thin HTTP layer under the order clients: one request, a timeout, the answer as text.
 * Node's fetch (undici) keeps connections alive by default, so orders after the first reuse
 * the TCP (and TLS) connection. Tests swap in a fake transport.
 */
import { TransportError } from './live-errors.js';

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

export class FetchTransport implements HttpTransport {
  async request(method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, body: string | null,
    timeoutMs: number): Promise<HttpAnswer> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method, headers, body: body ?? undefined, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      // Only the method and path are named: query strings carry signatures.
      const where = `${method} ${url.split('?')[0]}`;
      throw new TransportError(`${where}: ${timedOut ? `no answer within ${timeoutMs} ms` : err.cause?.code ?? err.cause?.message ?? err.message}`, timedOut);
    }
    const h = res.headers;
    return { status: res.status, header: (n) => h.get(n), text };
  }
}

/** Retry-After (seconds, or an HTTP date) in ms; `fallbackMs` when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number, fallbackMs: number): number {
  if (value === null || value === '') return fallbackMs;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : fallbackMs;
}
