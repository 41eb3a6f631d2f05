/**
 * Fills applied exactly once, whichever source brings them first.
 *
 * A fill can reach xarb up to four ways: the order answer (Binance FULL `fills`), the private
 * stream (Binance `executionReport` x=TRADE, Bybit `execution`), the REST gap-fill after a
 * reconnect (`myTrades`, `/v5/execution/list`) and reconciliation at start. They arrive in any
 * order, late, or twice. The venue's trade id (Binance `t`/`tradeId`/`id`, Bybit `execId`) is
 * the identity: the first copy is applied, every later copy is counted as a duplicate of its
 * source and dropped. Per order the ledger keeps the cumulative quantity, quote amount and
 * fees by asset, which is what the executor reports to the strategy.
 *
 * Fees are the venue's word: the commission and its asset as sent (Binance
 * `commission`/`commissionAsset`, Bybit `execFee`/`feeCurrency`, or per coin in `cumFeeDetail`,
 * never the deprecated `cumExecFee`). `feeInQuote` converts one to the quote asset at the
 * fill's price (base-asset fees) or at a rate passed in (BNB from the board or config).
 *
 * Pure: no I/O, no clock.
 */

export type FillVenue = 'binance' | 'bybit';
export type FillSource = 'answer' | 'stream' | 'gapfill' | 'reconcile';
export const FILL_SOURCES: readonly FillSource[] = ['answer', 'stream', 'gapfill', 'reconcile'];

export interface VenueFill {
  venue: FillVenue;
  symbol: string;
  /** The venue's trade id as text (Binance numbers, Bybit UUIDs). */
  tradeId: string;
  /** The venue's order id as text. */
  orderId: string;
  /** xarb's client order id (`newClientOrderId` / `orderLinkId`); '' when the source lacks it. */
  clientOrderId: string;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  /** price × qty as the venue states it when it does (quoteQty / execValue), else computed. */
  quoteQty: number;
  fee: number;
  /** Asset the fee was charged in ('' when the venue did not say). */
  feeAsset: string;
  timeMs: number;
  source: FillSource;
}

export interface OrderFillTotals {
  venue: FillVenue;
  symbol: string;
  orderId: string;
  clientOrderId: string;
  side: 'buy' | 'sell';
  cumQty: number;
  cumQuote: number;
  /** Fee per asset. */
  fees: Map<string, number>;
  trades: number;
  lastTimeMs: number;
}

export interface FillLedgerCounters {
  applied: Record<FillSource, number>;
  duplicates: Record<FillSource, number>;
  /** Fills refused as malformed (no trade id, non-positive qty or price, NaN fee). */
  invalid: number;
}

/** Base/quote of a symbol, for fee conversion. */
export interface SymbolAssets {
  base: string;
  quote: string;
}

/**
 * A fill's fee in the quote asset: quote fees as they are, base fees at the fill's price,
 * any other asset (BNB) at `rateInQuote(asset)`; NaN when no rate is known (the caller
 * counts and reports it rather than booking zero).
 */
export function feeInQuote(fill: Pick<VenueFill, 'fee' | 'feeAsset' | 'price'>, assets: SymbolAssets,
  rateInQuote: (asset: string) => number | undefined): number {
  if (fill.fee === 0) return 0;
  if (fill.feeAsset === assets.quote) return fill.fee;
  if (fill.feeAsset === assets.base) return fill.fee * fill.price;
  const r = rateInQuote(fill.feeAsset);
  return r === undefined || !(r > 0) ? NaN : fill.fee * r;
}

function zeroBySource(): Record<FillSource, number> {
  return { answer: 0, stream: 0, gapfill: 0, reconcile: 0 };
}

export class FillLedger {
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly orders = new Map<string, OrderFillTotals>();
  readonly counters: FillLedgerCounters = { applied: zeroBySource(), duplicates: zeroBySource(), invalid: 0 };

  /** `capacity`: trade ids remembered (oldest forgotten first); far more than a run's fills in flight. */
  constructor(private readonly capacity = 1_000_000) {}

  static key(venue: FillVenue, symbol: string, tradeId: string): string {
    // Binance trade ids are per symbol; Bybit exec ids are unique but keyed the same way.
    return venue + '|' + symbol + '|' + tradeId;
  }

  static orderKey(venue: FillVenue, orderId: string): string {
    return venue + '|' + orderId;
  }

  /** Whether this trade was applied already. */
  has(venue: FillVenue, symbol: string, tradeId: string): boolean {
    return this.seen.has(FillLedger.key(venue, symbol, tradeId));
  }

  /**
   * Applies a fill once. Returns the order's totals after it when applied, null when it was a
   * duplicate or invalid (counted either way).
   */
  apply(f: VenueFill): OrderFillTotals | null {
    if (f.tradeId === '' || !(f.qty > 0) || !(f.price > 0) || !Number.isFinite(f.fee)) {
      this.counters.invalid++;
      return null;
    }
    const k = FillLedger.key(f.venue, f.symbol, f.tradeId);
    if (this.seen.has(k)) {
      this.counters.duplicates[f.source]++;
      return null;
    }
    this.seen.add(k);
    this.seenOrder.push(k);
    if (this.seenOrder.length > this.capacity) this.seen.delete(this.seenOrder.shift()!);
    this.counters.applied[f.source]++;
    const ok = FillLedger.orderKey(f.venue, f.orderId);
    let t = this.orders.get(ok);
    if (t === undefined) {
      t = { venue: f.venue, symbol: f.symbol, orderId: f.orderId, clientOrderId: f.clientOrderId, side: f.side, cumQty: 0, cumQuote: 0,
        fees: new Map(), trades: 0, lastTimeMs: 0 };
      this.orders.set(ok, t);
    }
    if (t.clientOrderId === '' && f.clientOrderId !== '') t.clientOrderId = f.clientOrderId;
    t.cumQty += f.qty;
    t.cumQuote += f.quoteQty;
    if (f.fee !== 0) t.fees.set(f.feeAsset, (t.fees.get(f.feeAsset) ?? 0) + f.fee);
    t.trades++;
    if (f.timeMs > t.lastTimeMs) t.lastTimeMs = f.timeMs;
    return t;
  }

  totals(venue: FillVenue, orderId: string): OrderFillTotals | undefined {
    return this.orders.get(FillLedger.orderKey(venue, orderId));
  }

  /** Totals of an order found by client id (linear scan; for reconciliation, not the hot path). */
  totalsByClientId(venue: FillVenue, clientOrderId: string): OrderFillTotals | undefined {
    for (const t of this.orders.values()) if (t.venue === venue && t.clientOrderId === clientOrderId) return t;
    return undefined;
  }

  /** Fills applied, all sources. */
  get appliedCount(): number {
    let n = 0;
    for (const s of FILL_SOURCES) n += this.counters.applied[s];
    return n;
  }
}
