/**
 * Venue server time, for request timestamps: Binance `GET /api/v3/time` → {"serverTime":ms},
 * Bybit `GET /v5/market/time` → {"result":{"timeNano":"…"},"time":ms}. The offset is server
 * time minus the local clock at the middle of the round trip.
 */
import { VENUE_BINANCE } from '../../core/records.js';
import type { HttpTransport } from './http-transport.js';

export class ServerTimeError extends Error {
  override readonly name = 'ServerTimeError';
}

export function parseServerTimeMs(venue: number, text: string): number {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ServerTimeError(`server time answer is not JSON: ${text.slice(0, 100)}`);
  }
  const b = body as { serverTime?: unknown; time?: unknown; result?: { timeNano?: unknown } };
  if (venue === VENUE_BINANCE) {
    if (typeof b.serverTime === 'number') return b.serverTime;
  } else {
    if (typeof b.result?.timeNano === 'string') return Number(b.result.timeNano) / 1e6;
    if (typeof b.time === 'number') return b.time;
  }
  throw new ServerTimeError(`no server time in ${text.slice(0, 100)}`);
}

export async function measureClockOffset(t: HttpTransport, venue: number, restUrl: string, wallMs: () => number, timeoutMs: number): Promise<number> {
  const path = venue === VENUE_BINANCE ? '/api/v3/time' : '/v5/market/time';
  const before = wallMs();
  const ans = await t.request('GET', restUrl.replace(/\/+$/, '') + path, {}, null, timeoutMs);
  const after = wallMs();
  if (ans.status !== 200) throw new ServerTimeError(`GET ${path}: HTTP ${ans.status}`);
  return Math.round(parseServerTimeMs(venue, ans.text) - (before + after) / 2);
}
