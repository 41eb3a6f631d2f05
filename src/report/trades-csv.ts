/**
 * `trades.csv`: one row per fill, from `report` journal entries with last_qty > 0. The role
 * (leg_buy, leg_sell, hedge, unwind) comes from the order's `intent` entry; empty when the
 * journal has none for that order.
 */
import { normalizeEntries } from './performance.js';
import type { JournalEntry } from './performance.js';

export const TRADES_CSV_COLUMNS = ['time', 'pair_id', 'venue', 'symbol', 'side', 'price', 'qty', 'fee', 'fee_asset', 'role'] as const;

export interface FillRow {
  /** ISO 8601 from the entry's wall-clock `t`. */
  time: string;
  pairId: string;
  venue: string;
  symbol: string;
  side: string;
  price: number;
  qty: number;
  fee: number;
  feeAsset: string;
  role: string;
}

function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function isoOf(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : '';
}

export function fillRows(journal: readonly JournalEntry[]): FillRow[] {
  const entries = normalizeEntries(journal);
  const roles = new Map<string, string>();
  for (const e of entries) if (e.type === 'intent') roles.set(String(e.order_id), text(e.role));
  const rows: FillRow[] = [];
  for (const e of entries) {
    if (e.type !== 'report') continue;
    const qty = Number(e.last_qty);
    if (!(qty > 0)) continue;
    rows.push({
      time: isoOf(e.t),
      pairId: text(e.pair_id),
      venue: text(e.venue),
      symbol: text(e.symbol),
      side: text(e.side),
      price: Number(e.last_px),
      qty,
      fee: Number(e.fee ?? 0),
      feeAsset: text(e.fee_asset),
      role: roles.get(String(e.order_id)) ?? '',
    });
  }
  return rows;
}

/** RFC 4180 quoting: only fields holding a comma, quote or line break are quoted. */
function csvField(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatTradesCsv(entries: readonly JournalEntry[]): string {
  const lines = [TRADES_CSV_COLUMNS.join(',')];
  for (const r of fillRows(entries)) {
    lines.push([r.time, r.pairId, r.venue, r.symbol, r.side, r.price, r.qty, r.fee, r.feeAsset, r.role].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
