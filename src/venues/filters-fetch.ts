/**
 * Loads each venue's symbol filters (tick size, step size, min qty, min notional) over REST at
 * start-up, through the venues' own response parsers: Binance `GET /api/v3/exchangeInfo`,
 * Bybit `GET /v5/market/instruments-info`. The simulator serves both, so sim and paper runs use
 * the same path. Binance USD-M futures (`market = "linear"`): `GET /fapi/v1/exchangeInfo`, which
 * is documented without parameters, so the whole list is read and the symbol picked from it;
 * its MIN_NOTIONAL filter carries `notional` (the spot parser reads both shapes). Bybit linear:
 * the same endpoint with `category=linear` (lotSizeFilter qtyStep/minOrderQty/minNotionalValue).
 */
import type { XarbConfig } from '../config/index.js';
import type { VenueFilters } from '../strategy/config.js';
import { MARKET_LINEAR, MARKET_SPOT } from '../core/records.js';
import { venueAdapter } from './registry.js';

export class FilterFetchError extends Error {
  override readonly name = 'FilterFetchError';
}

export function symbolFiltersUrl(venue: 'binance' | 'bybit', restBase: string, symbol: string, market: number = MARKET_SPOT): string {
  const base = restBase.replace(/\/+$/, '');
  if (venue === 'binance' && market === MARKET_LINEAR) return `${base}/fapi/v1/exchangeInfo`;
  return venue === 'binance'
    ? `${base}/api/v3/exchangeInfo?symbol=${encodeURIComponent(symbol)}`
    : `${base}/v5/market/instruments-info?category=${market === MARKET_LINEAR ? 'linear' : 'spot'}&symbol=${encodeURIComponent(symbol)}`;
}

export async function fetchVenueFilters(cfg: XarbConfig, symbols: readonly string[], timeoutMs = 10_000): Promise<VenueFilters> {
  const out: VenueFilters = {};
  for (const venue of ['binance', 'bybit'] as const) {
    out[venue] = {};
    const adapter = venueAdapter(venue);
    const conn = cfg.venues[venue].connection;
    const market = conn.market === 'linear' ? MARKET_LINEAR : MARKET_SPOT;
    for (const symbol of symbols) {
      const url = symbolFiltersUrl(venue, conn.rest_api_url, symbol, market);
      let body: string;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        body = await res.text();
        if (!res.ok) throw new FilterFetchError(`HTTP ${res.status}: ${body.slice(0, 200)}`);
      } catch (e) {
        throw new FilterFetchError(`${venue} ${symbol}: GET ${url} failed: ${(e as Error).message}`);
      }
      const f = adapter.parseSymbolFilters(body, symbol, market);
      out[venue]![symbol] = { tickSize: f.tickSize, stepSize: f.stepSize, minQty: f.minQty, minNotional: f.minNotional };
    }
  }
  return out;
}
