/**
 * Binance REST responses the feed needs (not hot: JSON.parse is fine here):
 * depth snapshots (`GET /api/v3/depth`, `/fapi/v1/depth`) and exchangeInfo symbol filters.
 */
import type { SymbolFilters } from '../venue.js';
import { VenueResponseError } from '../venue.js';
import type { DepthSnapshot } from '../sync-result.js';

function fail(msg: string): never {
  throw new VenueResponseError('binance', msg);
}

function levels(v: unknown, what: string): [number, number][] {
  if (!Array.isArray(v)) fail(`depth snapshot: "${what}" is not an array`);
  return v.map((l: unknown, i: number) => {
    if (!Array.isArray(l) || l.length < 2) fail(`depth snapshot: ${what}[${i}] is not a [price, qty] pair`);
    const px = Number(l[0]);
    const sz = Number(l[1]);
    if (!(px > 0) || !(sz >= 0) || !Number.isFinite(px) || !Number.isFinite(sz)) fail(`depth snapshot: ${what}[${i}] has a bad price or qty (${l[0]}, ${l[1]})`);
    return [px, sz] as [number, number];
  });
}

/** `{"lastUpdateId":…,"bids":[[p,q]…],"asks":[…]}` (+ `E`,`T` on futures). */
export function parseBinanceDepthSnapshot(body: string): DepthSnapshot {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(body) as Record<string, unknown>;
  } catch (e) {
    fail(`depth snapshot is not JSON: ${(e as Error).message}`);
  }
  if (o === null || typeof o !== 'object') fail('depth snapshot is not an object');
  if (typeof o.code === 'number') fail(`depth snapshot error ${o.code}: ${String(o.msg)}`);
  if (typeof o.lastUpdateId !== 'number') fail('depth snapshot has no numeric lastUpdateId');
  return {
    lastUpdateId: o.lastUpdateId,
    bids: levels(o.bids, 'bids'),
    asks: levels(o.asks, 'asks'),
    exchMs: typeof o.E === 'number' ? o.E : 0,
  };
}

interface BinanceFilter {
  filterType: string;
  [k: string]: unknown;
}

/**
 * Symbol filters from an exchangeInfo body: `symbols: [{symbol, filters}]`. Also accepts any
 * top-level object whose `symbol` matches (recorded fixtures store it as `symbol_<SYM>`).
 */
export function parseBinanceSymbolFilters(body: string, symbol: string): SymbolFilters {
  const o = JSON.parse(body) as Record<string, unknown>;
  const want = symbol.toUpperCase();
  let sym: Record<string, unknown> | undefined;
  if (Array.isArray(o.symbols)) sym = (o.symbols as Record<string, unknown>[]).find((s) => s.symbol === want);
  if (!sym) {
    for (const v of Object.values(o)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, unknown>).symbol === want) sym = v as Record<string, unknown>;
    }
  }
  if (!sym) fail(`exchangeInfo has no symbol ${want}`);
  const filters = sym.filters;
  if (!Array.isArray(filters)) fail(`exchangeInfo ${want} has no filters`);
  const find = (t: string): BinanceFilter | undefined => (filters as BinanceFilter[]).find((f) => f.filterType === t);
  const price = find('PRICE_FILTER');
  const lot = find('LOT_SIZE');
  const notional = find('NOTIONAL') ?? find('MIN_NOTIONAL');
  if (!price || !lot) fail(`exchangeInfo ${want} lacks PRICE_FILTER or LOT_SIZE`);
  return {
    symbol: want,
    tickSize: Number(price.tickSize),
    stepSize: Number(lot.stepSize),
    minQty: Number(lot.minQty),
    minNotional: notional ? Number(notional.minNotional ?? notional.notional ?? 0) : 0,
  };
}
