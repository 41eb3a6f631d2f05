/**
 * Request usage of one simulated venue, reported in the venues' response headers so a client
 * can keep its own budget below the limits (VENUES.md C):
 *
 * - Binance: `X-MBX-USED-WEIGHT-1M` (request weight of the IP in the current minute; limit
 *   6000, HTTP 429 -1003 beyond) on every answer, `X-MBX-ORDER-COUNT-10S` and
 *   `X-MBX-ORDER-COUNT-1D` (orders of the account) on order answers.
 * - Bybit: `X-Bapi-Limit`, `X-Bapi-Limit-Status` (requests left), `X-Bapi-Limit-Reset-Timestamp`
 *   per API key and endpoint group, in a 1 s window.
 *
 * Windows are fixed (the minute, the 10 s, the UTC day), like Binance's interval counters.
 */

export const BINANCE_WEIGHT_LIMIT_1M = 6000;

class FixedWindow {
  private start = -1;
  count = 0;
  constructor(private readonly lengthMs: number) {}

  add(nowMs: number, n: number): number {
    const s = Math.floor(nowMs / this.lengthMs) * this.lengthMs;
    if (s !== this.start) {
      this.start = s;
      this.count = 0;
    }
    this.count += n;
    return this.count;
  }

  resetAt(): number {
    return this.start + this.lengthMs;
  }
}

export class BinanceUsage {
  private readonly weight = new FixedWindow(60_000);
  private readonly orders10s = new Map<string, FixedWindow>();
  private readonly orders1d = new Map<string, FixedWindow>();

  /** Counts a request's weight; returns its headers, or null when the minute's limit is spent. */
  request(nowMs: number, weight: number): Array<[string, string]> | null {
    const used = this.weight.add(nowMs, weight);
    if (used > BINANCE_WEIGHT_LIMIT_1M) return null;
    return [['X-MBX-USED-WEIGHT-1M', String(used)]];
  }

  /** Seconds until the weight window resets (Retry-After of a -1003). */
  retryAfterS(nowMs: number): number {
    return Math.max(1, Math.ceil((this.weight.resetAt() - nowMs) / 1000));
  }

  /** Counts an order of `apiKey`; returns the order-count headers. */
  order(nowMs: number, apiKey: string): Array<[string, string]> {
    let a = this.orders10s.get(apiKey);
    if (a === undefined) this.orders10s.set(apiKey, (a = new FixedWindow(10_000)));
    let d = this.orders1d.get(apiKey);
    if (d === undefined) this.orders1d.set(apiKey, (d = new FixedWindow(86_400_000)));
    return [['X-MBX-ORDER-COUNT-10S', String(a.add(nowMs, 1))], ['X-MBX-ORDER-COUNT-1D', String(d.add(nowMs, 1))]];
  }
}

export class BybitUsage {
  private readonly windows = new Map<string, FixedWindow>();

  /** Counts a request of `apiKey` to an endpoint group limited to `limitPerS`; returns its headers. */
  request(nowMs: number, apiKey: string, group: string, limitPerS: number): { headers: Array<[string, string]>; over: boolean } {
    const k = apiKey + '|' + group;
    let w = this.windows.get(k);
    if (w === undefined) this.windows.set(k, (w = new FixedWindow(1000)));
    const used = w.add(nowMs, 1);
    const left = Math.max(0, limitPerS - used);
    return {
      headers: [['X-Bapi-Limit', String(limitPerS)], ['X-Bapi-Limit-Status', String(left)], ['X-Bapi-Limit-Reset-Timestamp', String(w.resetAt())]],
      over: used > limitPerS,
    };
  }
}
