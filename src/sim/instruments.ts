/**
 * The instruments the simulator lists, per venue: tick size, lot step, minimums and a starting
 * price. Every tick and step is a power of ten, stored as its number of decimals, so prices
 * and quantities travel as integers (ticks, lots) and are printed exactly.
 *
 * BTCUSDT values are the documented ones (/work/shared/VENUES.md: Binance tick 0.01,
 * step 0.00001, NOTIONAL min 5; Bybit doc example tick 0.1, basePrecision 0.000001,
 * quotePrecision 0.0000001, minOrderAmt 5). The others are plausible values for a simulator,
 * not copied from a venue.
 */
import { unitOf } from './decimal-format.js';

export type SimVenue = 'binance' | 'bybit';
export const SIM_VENUES: readonly SimVenue[] = ['binance', 'bybit'];
export const VENUE_BINANCE = 0;
export const VENUE_BYBIT = 1;

export interface VenueInstrument {
  /** Decimals of the tick size (2 → 0.01). */
  tickDecimals: number;
  /** Decimals of the quantity step (5 → 0.00001); Bybit spot calls it basePrecision. */
  stepDecimals: number;
  /** Decimals of Bybit's quotePrecision; unused by Binance. */
  quoteDecimals: number;
  minNotional: number;
}

export interface InstrumentSpec {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  startPrice: number;
  binance: VenueInstrument;
  bybit: VenueInstrument;
}

function spec(symbol: string, startPrice: number, bn: [number, number], bb: [number, number]): InstrumentSpec {
  return {
    symbol,
    baseAsset: symbol.replace(/USDT$/, ''),
    quoteAsset: 'USDT',
    startPrice,
    binance: { tickDecimals: bn[0], stepDecimals: bn[1], quoteDecimals: 8, minNotional: 5 },
    bybit: { tickDecimals: bb[0], stepDecimals: bb[1], quoteDecimals: 7, minNotional: 5 },
  };
}

const KNOWN: Record<string, InstrumentSpec> = {
  BTCUSDT: spec('BTCUSDT', 60000, [2, 5], [1, 6]),
  ETHUSDT: spec('ETHUSDT', 3000, [2, 4], [2, 5]),
  SOLUSDT: spec('SOLUSDT', 150, [2, 3], [2, 3]),
  BNBUSDT: spec('BNBUSDT', 600, [2, 3], [1, 3]),
  XRPUSDT: spec('XRPUSDT', 0.6, [4, 0], [4, 2]),
};

export class UnknownInstrumentError extends Error {
  override readonly name = 'UnknownInstrumentError';
}

/**
 * The spec of a symbol. Unlisted USDT symbols get generic values (price 100, tick 0.01,
 * step 0.001) unless a start price is given, so any symbol list can be simulated.
 */
export function instrumentSpec(symbol: string, startPrice?: number): InstrumentSpec {
  const upper = symbol.toUpperCase();
  if (!/^[A-Z0-9]{2,20}$/.test(upper)) throw new UnknownInstrumentError(`bad symbol "${symbol}"`);
  const known = KNOWN[upper];
  const base = known ?? spec(upper, 100, [2, 3], [2, 3]);
  return startPrice === undefined ? base : { ...base, startPrice };
}

export function venueInstrument(s: InstrumentSpec, venue: number): VenueInstrument {
  return venue === VENUE_BINANCE ? s.binance : s.bybit;
}

/** A symbol's trading filters on one venue, in numbers, for the bot's order sizing. */
export interface SimSymbolFilter {
  symbol: string;
  tickSize: number;
  stepSize: number;
  minQty: number;
  minNotional: number;
  tickDecimals: number;
  stepDecimals: number;
}

/** Filters per venue per symbol, as the simulator enforces and advertises them over REST. */
export function simSymbolFilters(symbols: readonly string[]): Record<SimVenue, Record<string, SimSymbolFilter>> {
  const out: Record<SimVenue, Record<string, SimSymbolFilter>> = { binance: {}, bybit: {} };
  for (const sym of symbols) {
    const s = instrumentSpec(sym);
    for (const venue of SIM_VENUES) {
      const v = venue === 'binance' ? s.binance : s.bybit;
      out[venue][s.symbol] = {
        symbol: s.symbol,
        tickSize: unitOf(v.tickDecimals),
        stepSize: unitOf(v.stepDecimals),
        minQty: unitOf(v.stepDecimals),
        minNotional: v.minNotional,
        tickDecimals: v.tickDecimals,
        stepDecimals: v.stepDecimals,
      };
    }
  }
  return out;
}
