/** Test helper: signed REST calls to the simulator's Binance and Bybit account/order endpoints. */
import { binanceSignedQuery } from '../../src/venues/binance/sign.js';
import { bybitRestHeaders } from '../../src/venues/bybit/sign.js';
import type { SimKeyPair } from '../../src/sim/order-entry-keys.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** A signed Binance request (everything in the query string), timestamp now. */
export async function binance(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string | number>,
  creds: SimKeyPair): Promise<Answer> {
  const q = binanceSignedQuery(creds.secretKey, { ...params, recvWindow: 5000, timestamp: Date.now() });
  return answer(await fetch(`${base}${path}?${q}`, { method, headers: { 'X-MBX-APIKEY': creds.apiKey } }));
}

export async function bybitGet(base: string, path: string, params: Record<string, string>, creds: SimKeyPair): Promise<Answer> {
  const q = new URLSearchParams(params).toString();
  const headers = bybitRestHeaders(creds.secretKey, creds.apiKey, Date.now(), 5000, q);
  return answer(await fetch(`${base}${path}?${q}`, { headers }));
}

export async function bybitPost(base: string, path: string, body: unknown, creds: SimKeyPair): Promise<Answer> {
  const text = JSON.stringify(body);
  const headers = bybitRestHeaders(creds.secretKey, creds.apiKey, Date.now(), 5000, text);
  return answer(await fetch(`${base}${path}`, { method: 'POST', headers, body: text }));
}

/** Injects a fault through the control API. */
export async function fault(base: string, spec: Record<string, unknown>): Promise<Answer> {
  return answer(await fetch(`${base}/__sim/fault`, { method: 'POST', body: JSON.stringify(spec) }));
}
