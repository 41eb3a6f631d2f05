/**
 * Loads each venue's symbol filters (tick size, step size, min qty, min notional) over REST at
 * start-up, through the venues' own response parsers: Binance `GET /api/v3/exchangeInfo`,
 * Bybit `GET /v5/market/instruments-info`. The simulator serves both, so sim and paper runs use
 * the same path.
 */
import type { XarbConfig } from '../config/index.js';
import type { VenueFilters } from '../strategy/config.js';
import { MARKET_SPOT } from '../core/records.js';
import { venueAdapter } from './registry.js';

export class FilterFetchError extends Error {
  override readonly name = 'FilterFetchError';
}

export function symbolFiltersUrl(venue: 'binance' | 'bybit', restBase: string, symbol: string): string {
  const base = restBase.replace(/\/+$/, '');
  return venue === 'binance'
    ? `${base}/api/v3/exchangeInfo?symbol=${encodeURIComponent(symbol)}`
    : `${base}/v5/market/instruments-info?category=spot&symbol=${encodeURIComponent(symbol)}`;
}

export async function fetchVenueFilters(cfg: XarbConfig, symbols: readonly string[], timeoutMs = 10_000): Promise<VenueFilters> {
  const out: VenueFilters = {};
  for (const venue of ['binance', 'bybit'] as const) {
    out[venue] = {};
    const adapter = venueAdapter(venue);
    for (const symbol of symbols) {
      const url = symbolFiltersUrl(venue, cfg.venues[venue].connection.rest_api_url, symbol);
      let body: string;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        body = await res.text();
        if (!res.ok) throw new FilterFetchError(`HTTP ${res.status}: ${body.slice(0, 200)}`);
      } catch (e) {
        throw new FilterFetchError(`${venue} ${symbol}: GET ${url} failed: ${(e as Error).message}`);
      }
      const f = adapter.parseSymbolFilters(body, symbol, MARKET_SPOT);
      out[venue]![symbol] = { tickSize: f.tickSize, stepSize: f.stepSize, minQty: f.minQty, minNotional: f.minNotional };
    }
  }
  return out;
}
