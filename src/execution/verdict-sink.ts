/**
 * Where executors deliver reconciliation verdicts (records.ts KIND_VERDICT): the answer to a
 * strategy's ACTION_RECONCILE request for an order it holds as unknown. Numbers only, like
 * ReportSink: the executor worker writes a VERDICT record on the report ring, the backtest
 * hands it to the strategy.
 *
 * kind: VERDICT_FINAL (status ST_FILLED | ST_CANCELED | ST_REJECTED, and the order's
 * cumulative quantity, quote amount and fee in feeAsset units as the venue states them) or
 * VERDICT_NO_RECORD (the executor has no record of the order; the other fields are 0).
 */
import {
  H_KIND, H_PUB_NS, H_RECV_NS, H_SYMBOL, H_VENUE, KIND_VERDICT, V_CUM_FEE, V_CUM_QTY, V_CUM_QUOTE, V_FEE_ASSET,
  V_ORDER_ID, V_STATUS, V_VERDICT,
} from '../core/records.js';

export interface VerdictSink {
  verdict(orderId: number, venue: number, symbol: number, kind: number, status: number, cumQty: number, cumQuote: number,
    cumFee: number, feeAsset: number, nowNs: number): void;
}

/** Writes one verdict as a KIND_VERDICT record at `off` of `rec` (REPORT_WORDS long; other words left). */
export function writeVerdictRecord(rec: Float64Array, off: number, orderId: number, venue: number, symbol: number, kind: number,
  status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number, nowNs: number, pubNs: number): void {
  rec[off + H_KIND] = KIND_VERDICT;
  rec[off + H_VENUE] = venue;
  rec[off + H_SYMBOL] = symbol;
  rec[off + H_RECV_NS] = nowNs;
  rec[off + H_PUB_NS] = pubNs;
  rec[off + V_ORDER_ID] = orderId;
  rec[off + V_VERDICT] = kind;
  rec[off + V_STATUS] = status;
  rec[off + V_CUM_QTY] = cumQty;
  rec[off + V_CUM_QUOTE] = cumQuote;
  rec[off + V_CUM_FEE] = cumFee;
  rec[off + V_FEE_ASSET] = feeAsset;
}
