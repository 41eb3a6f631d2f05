/**
 * Percentile tables for latency histograms: p50 p90 p99 p99.9 p99.99 max and count, each
 * value in a human unit (ns, µs, ms, s) chosen per cell. Values go in as nanoseconds; a
 * histogram recorded in another unit is scaled by `nsPerUnit`.
 */
import type { Histogram } from 'hdr-histogram-js';

export const TABLE_PERCENTILES = [50, 90, 99, 99.9, 99.99] as const;
export const TABLE_COLUMNS = ['p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max'] as const;

export interface PercentileRow {
  label: string;
  count: number;
  /** p50, p90, p99, p99.9, p99.99, max: nanoseconds. */
  valuesNs: number[];
}

export const NS_PER_UNIT: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };

export function percentileRow(label: string, h: Histogram, nsPerUnit = 1): PercentileRow {
  const empty = h.totalCount === 0;
  const valuesNs = TABLE_PERCENTILES.map((p) => (empty ? 0 : h.getValueAtPercentile(p) * nsPerUnit));
  // The percentiles are highest-equivalent values (the top of their bucket); so is this max (the
  // 100th percentile, as the run report's latency table takes it): h.maxValue is the bucket's
  // lowest-equivalent value and can read below p50 (a constant 2 ms: p50 2,000,895, max 2,000,000).
  valuesNs.push(empty ? 0 : h.getValueAtPercentile(100) * nsPerUnit);
  return { label, count: h.totalCount, valuesNs };
}

/** `850 ns`, `12.3 µs`, `1.05 ms`, `2.50 s`: rounded to 3 significant digits before the unit is chosen. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  if (ns === 0) return '0 ns';
  const r = Number(ns.toPrecision(3));
  const a = Math.abs(r);
  if (a < 1e3) return `${Math.round(r)} ns`;
  if (a < 1e6) return `${sig3(r / 1e3)} µs`;
  if (a < 1e9) return `${sig3(r / 1e6)} ms`;
  return `${sig3(r / 1e9)} s`;
}

function sig3(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(3);
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

/** One row per histogram: label, p50 … max, count. */
export function formatPercentileTable(rows: readonly PercentileRow[], labelHeader = 'tag'): string {
  return table(
    [labelHeader, ...TABLE_COLUMNS, 'count'],
    rows.map((r) => [r.label, ...r.valuesNs.map(formatNs), String(r.count)]),
  );
}

/** `x1.23` (B/A); `-` when A is 0 or a side is missing. */
export function formatRatio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || a === 0) return '-';
  return `x${(b / a).toFixed(2)}`;
}

/** Two runs side by side: per column A, B and B/A. A missing side shows `-`. */
export function formatCompareTable(a: PercentileRow | null, b: PercentileRow | null, nameA = 'A', nameB = 'B'): string {
  const body: string[][] = TABLE_COLUMNS.map((col, c) => [
    col,
    a ? formatNs(a.valuesNs[c]!) : '-',
    b ? formatNs(b.valuesNs[c]!) : '-',
    formatRatio(a?.valuesNs[c], b?.valuesNs[c]),
  ]);
  body.push(['count', a ? String(a.count) : '-', b ? String(b.count) : '-', formatRatio(a?.count, b?.count)]);
  return table(['', nameA, nameB, 'B/A'], body);
}
