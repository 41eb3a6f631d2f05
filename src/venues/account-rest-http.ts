/**
 * The HTTP under the account query clients (binance/account-rest.ts, bybit/account-rest.ts):
 * one kept-alive undici Pool per venue host, a timeout per request, the answer as text with
 * its headers (the usage headers go to the caller's budget tracker). Errors name the method
 * and path only: query strings carry signatures.
 */
import { Pool } from 'undici';

export interface RestAnswer {
  status: number;
  /** Lower-case header name → value. */
  headers: Record<string, string>;
  text: string;
}

export class AccountRestError extends Error {
  override readonly name = 'AccountRestError';
  constructor(message: string, readonly status: number, readonly code: number | null) {
    super(message);
  }
}

export class RestPool {
  private readonly pool: Pool;
  private readonly origin: string;

  constructor(baseUrl: string, connections = 2) {
    const u = new URL(baseUrl);
    this.origin = u.origin;
    this.pool = new Pool(this.origin, { connections, keepAliveTimeout: 30_000 });
  }

  async request(method: 'GET' | 'POST' | 'DELETE', pathAndQuery: string, headers: Record<string, string>, body: string | null,
    timeoutMs: number): Promise<RestAnswer> {
    const where = `${method} ${pathAndQuery.split('?')[0]}`;
    try {
      const res = await this.pool.request({ method, path: pathAndQuery, headers, body: body ?? undefined, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const text = await res.body.text();
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      return { status: res.statusCode, headers: h, text };
    } catch (e) {
      const err = e as Error & { code?: string };
      throw new AccountRestError(`${where}: ${err.code ?? err.message}`, 0, null);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Parses a JSON answer; a non-JSON one is an AccountRestError naming the path and HTTP status. */
export function jsonOf(a: RestAnswer, where: string): unknown {
  try {
    return JSON.parse(a.text);
  } catch {
    throw new AccountRestError(`${where}: HTTP ${a.status}, answer is not JSON`, a.status, null);
  }
}
