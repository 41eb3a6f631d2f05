/**
 * Test double: a report sink keeping each execution report's status name, fill and fee, for the
 * private-fills tests (what the strategy would see, order by order).
 */
import { STATUS_NAMES } from '../../../src/core/records.js';
import type { ReportSink } from '../../../src/execution/report-sink.js';

export interface FillReport { orderId: number; status: string; lastPx: number; lastQty: number; cumQty: number; fee: number; feeAsset: number; error: number }

export class FillReportSink implements ReportSink {
  readonly reports: FillReport[] = [];
  report(orderId: number, _p: number, _v: number, _s: number, _side: number, status: number, _price: number, lastPx: number,
    lastQty: number, cumQty: number, _qty: number, fee: number, feeAsset: number, error: number): void {
    this.reports.push({ orderId, status: STATUS_NAMES[status]!, lastPx, lastQty, cumQty, fee, feeAsset, error });
  }
  /** One order's reports, in order. */
  of(id: number): FillReport[] {
    return this.reports.filter((r) => r.orderId === id);
  }
}
