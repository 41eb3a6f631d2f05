/**
 * Bybit REST responses the feed needs (not hot): `GET /v5/market/orderbook` snapshots and
 * `GET /v5/market/instruments-info` filters.
 */
import { MARKET_SPOT } from '../../core/records.js';
import type { DepthSnapshot } from '../sync-result.js';
import type { SymbolFilters } from '../venue.js';
import { VenueResponseError } from '../venue.js';

function fail(msg: string): never {
  throw new VenueResponseError('bybit', msg);
}

/** Unwrap `{"retCode":0,"result":…}`; a bare result object is accepted too. */
function result(body: string, what: string): Record<string, unknown> {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(body) as Record<string, unknown>;
  } catch (e) {
    fail(`${what} is not JSON: ${(e as Error).message}`);
  }
  if (o === null || typeof o !== 'object') fail(`${what} is not an object`);
  if ('retCode' in o) {
    if (o.retCode !== 0) fail(`${what} error ${String(o.retCode)}: ${String(o.retMsg)}`);
    if (!o.result || typeof o.result !== 'object') fail(`${what} has no result`);
    return o.result as Record<string, unknown>;
  }
  return o;
}

function levels(v: unknown, what: string): [number, number][] {
  if (!Array.isArray(v)) fail(`orderbook: "${what}" is not an array`);
  return v.map((l: unknown, i: number) => {
    if (!Array.isArray(l) || l.length < 2) fail(`orderbook: ${what}[${i}] is not a [price, size] pair`);
    const px = Number(l[0]);
    const sz = Number(l[1]);
    if (!(px > 0) || !(sz >= 0) || !Number.isFinite(px) || !Number.isFinite(sz)) fail(`orderbook: ${what}[${i}] has a bad price or size`);
    return [px, sz] as [number, number];
  });
}

/** `{s,b,a,ts,u,seq,cts}` inside the v5 envelope. lastUpdateId = `u`. */
export function parseBybitOrderbookSnapshot(body: string): DepthSnapshot {
  const r = result(body, 'orderbook');
  if (typeof r.u !== 'number') fail('orderbook has no numeric u');
  return { lastUpdateId: r.u, bids: levels(r.b, 'b'), asks: levels(r.a, 'a'), exchMs: typeof r.ts === 'number' ? r.ts : 0 };
}

/**
 * Filters from instruments-info. Spot: lotSizeFilter.basePrecision (step), minOrderQty,
 * minOrderAmt; linear: qtyStep, minOrderQty, minNotionalValue. priceFilter.tickSize for both.
 */
export function parseBybitSymbolFilters(body: string, symbol: string, market: number = MARKET_SPOT): SymbolFilters {
  const r = result(body, 'instruments-info');
  const want = symbol.toUpperCase();
  const list = Array.isArray(r.list) ? (r.list as Record<string, unknown>[]) : [];
  const inst = list.find((i) => i.symbol === want);
  if (!inst) fail(`instruments-info has no symbol ${want}`);
  const lot = inst.lotSizeFilter as Record<string, string> | undefined;
  const price = inst.priceFilter as Record<string, string> | undefined;
  if (!lot || !price) fail(`instruments-info ${want} lacks lotSizeFilter or priceFilter`);
  const num = (v: string | undefined): number => (v === undefined || v === '' ? 0 : Number(v));
  if (market === MARKET_SPOT) {
    return { symbol: want, tickSize: num(price.tickSize), stepSize: num(lot.basePrecision), minQty: num(lot.minOrderQty), minNotional: num(lot.minOrderAmt) };
  }
  return { symbol: want, tickSize: num(price.tickSize), stepSize: num(lot.qtyStep), minQty: num(lot.minOrderQty), minNotional: num(lot.minNotionalValue) };
}
