/**
 * Where executors deliver execution reports: numbers only, one call per state change of an
 * order, so the executor worker can write them straight into a REPORT record (see
 * writeReportRecord) and the backtest can hand them back to the strategy, with no objects in
 * between.
 */
import {
  H_KIND, H_PUB_NS, H_RECV_NS, H_SYMBOL, H_VENUE, KIND_REPORT, R_ACK_NS, R_CUM_QTY, R_ERROR, R_FEE, R_FEE_ASSET,
  R_LAST_PX, R_LAST_QTY, R_ORDER_ID, R_PAIR_ID, R_PRICE, R_QTY, R_ROLE, R_SENT_NS, R_SIDE, R_STATUS,
} from '../core/records.js';

export interface ReportSink {
  /**
   * status: ST_*; price: limit price; lastPx/lastQty: this fill (0 if none); cumQty: filled so
   * far; qty: order quantity; fee: of this fill, in feeAsset (ASSET_*) units; errorCode: venue
   * code when rejected (0 otherwise); sentNs: order left the executor; ackNs: this answer
   * received; tickRecvNs: feed receive time of the triggering quote.
   */
  report(orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number,
    price: number, lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number,
    errorCode: number, role: number, sentNs: number, ackNs: number, tickRecvNs: number): void;
}

/**
 * Writes one report as a REPORT record at `off` of `rec` (header and R_* fields; MARKET, SEQ,
 * EXCH_MS and FLAGS are left to the caller). pubNs: when it is published.
 */
export function writeReportRecord(rec: Float64Array, off: number, orderId: number, pairId: number, venue: number,
  symbol: number, side: number, status: number, price: number, lastPx: number, lastQty: number, cumQty: number,
  qty: number, fee: number, feeAsset: number, errorCode: number, role: number, sentNs: number, ackNs: number,
  tickRecvNs: number, pubNs: number): void {
  rec[off + H_KIND] = KIND_REPORT;
  rec[off + H_VENUE] = venue;
  rec[off + H_SYMBOL] = symbol;
  rec[off + H_RECV_NS] = tickRecvNs;
  rec[off + H_PUB_NS] = pubNs;
  rec[off + R_ORDER_ID] = orderId;
  rec[off + R_PAIR_ID] = pairId;
  rec[off + R_STATUS] = status;
  rec[off + R_SIDE] = side;
  rec[off + R_PRICE] = price;
  rec[off + R_LAST_PX] = lastPx;
  rec[off + R_LAST_QTY] = lastQty;
  rec[off + R_CUM_QTY] = cumQty;
  rec[off + R_FEE] = fee;
  rec[off + R_FEE_ASSET] = feeAsset;
  rec[off + R_ERROR] = errorCode;
  rec[off + R_ROLE] = role;
  rec[off + R_SENT_NS] = sentNs;
  rec[off + R_ACK_NS] = ackNs;
  rec[off + R_QTY] = qty;
}
