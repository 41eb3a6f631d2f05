/**
 * `trades.csv`: one row per fill, from `report` journal entries with last_qty > 0. The role
 * (leg_buy, leg_sell, hedge, unwind) comes from the order's `intent` entry; empty when the
 * journal has none for that order.
 *
 * Numbers are written for people, without float noise: qty at the symbol's step decimals, the
 * price at its tick decimals + 2 (an average over several levels can fall between ticks), the
 * fee at 10 decimals, from run_start.filters ({venue: {symbol: {tickSize, stepSize}}}) when the
 * journal has them, else 8 decimals for price and qty.
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

/** Decimals of a tick or step size (0.01 → 2, 1 → 0); `fallback` when unknown. */
export function decimalsOf(size: unknown, fallback = 8): number {
  const n = Number(size);
  if (!(n > 0) || !Number.isFinite(n)) return fallback;
  for (let d = 0; d <= 12; d++) if (Math.abs(Math.round(n * 10 ** d) - n * 10 ** d) < 1e-9) return d;
  return 12;
}

/** x rounded to `d` decimals, as a plain decimal string without trailing zeros or exponent. */
export function roundedText(x: number, d: number): string {
  if (!Number.isFinite(x)) return '';
  const s = x.toFixed(d);
  const t = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return t === '-0' ? '0' : t;
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
  const start = entries.find((e) => e.type === 'run_start');
  const filters = (start?.filters ?? {}) as Record<string, Record<string, { tickSize?: unknown; stepSize?: unknown } | undefined> | undefined>;
  for (const r of fillRows(entries)) {
    const f = filters[r.venue]?.[r.symbol];
    const px = roundedText(r.price, f?.tickSize !== undefined ? decimalsOf(f.tickSize) + 2 : 8);
    const qty = roundedText(r.qty, decimalsOf(f?.stepSize));
    lines.push([r.time, r.pairId, r.venue, r.symbol, r.side, px, qty, roundedText(r.fee, 10), r.feeAsset, r.role].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
