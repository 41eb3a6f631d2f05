/**
 * Every venue adapter, keyed by venue id (records.ts VENUE_*) and by name. Adding a venue =
 * adding its folder and one line here.
 */
import { VENUE_BINANCE, VENUE_BYBIT } from '../core/records.js';
import { binanceAdapter } from './binance/adapter.js';
import { bybitAdapter } from './bybit/adapter.js';
import type { VenueAdapter } from './venue.js';

export const VENUES: Readonly<Record<number, VenueAdapter>> = {
  [VENUE_BINANCE]: binanceAdapter,
  [VENUE_BYBIT]: bybitAdapter,
};

export class UnknownVenueError extends Error {
  constructor(which: string | number) {
    super(`unknown venue ${JSON.stringify(which)} (known: ${Object.values(VENUES).map((v) => v.name).join(', ')})`);
    this.name = 'UnknownVenueError';
  }
}

export function venueAdapter(idOrName: number | string): VenueAdapter {
  const v = typeof idOrName === 'number' ? VENUES[idOrName] : Object.values(VENUES).find((a) => a.name === idOrName.toLowerCase());
  if (!v) throw new UnknownVenueError(idOrName);
  return v;
}
