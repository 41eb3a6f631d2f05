/**
 * Percentile-distribution plot as a self-contained SVG, in the style of HdrHistogram's
 * plotFiles: x is the percentile on a log scale of 1/(1-p) (0%, 90%, 99%, ... 99.999%),
 * y the latency (linear from 0, or log10 with `logY`, which keeps fast hops off the floor when a
 * slow one sets the scale). One `<path class="curve">` per series, with a legend.
 */
import type { Histogram } from 'hdr-histogram-js';

export interface PlotSeries {
  label: string;
  histogram: Histogram;
  /** ns per recorded unit. */
  nsPerUnit: number;
}

export interface PlotOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Log-scaled latency axis (decades). Default false. */
  logY?: boolean;
}

/** Decades of 1/(1-p) on the x axis: 0% .. 99.999%. */
const X_DECADES = 5;
const X_LABELS = ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%'];
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A "nice" axis top and step (1, 2, 5 × 10^k) covering `max`. */
function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

function unitFor(maxNs: number): { name: string; ns: number } {
  if (maxNs >= 1e9) return { name: 's', ns: 1e9 };
  if (maxNs >= 1e6) return { name: 'ms', ns: 1e6 };
  if (maxNs >= 1e3) return { name: 'µs', ns: 1e3 };
  return { name: 'ns', ns: 1 };
}

const fmt = (x: number): string => (Math.round(x * 100) / 100).toString();

/** 1000 → "1 µs", 1e7 → "10 ms" (decades of ns). */
function formatDecade(ns: number): string {
  const u = unitFor(ns);
  return `${Number((ns / u.ns).toPrecision(3))} ${u.name}`;
}

export function renderPercentilePlot(series: readonly PlotSeries[], options: PlotOptions = {}): string {
  const W = options.width ?? 900;
  const H = options.height ?? 540;
  // right margin wide enough for the last x label ("99.999%"), centred on the frame's edge
  const m = { left: 80, right: 40, top: 40, bottom: 60 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;

  // Sample each curve at 40 points per decade of 1/(1-p).
  const curves = series.map((s) => {
    const pts: Array<[number, number]> = [];
    if (s.histogram.totalCount > 0) {
      for (let i = 0; i <= X_DECADES * 40; i++) {
        const x = i / 40;
        const p = 100 * (1 - 10 ** -x);
        pts.push([x, s.histogram.getValueAtPercentile(p) * s.nsPerUnit]);
      }
    }
    return pts;
  });
  const maxNs = Math.max(0, ...curves.flat().map((p) => p[1]));
  const minNs = Math.min(...curves.flat().map((p) => p[1]).filter((v) => v > 0));
  const unit = options.logY ? { name: 'ns', ns: 1 } : unitFor(maxNs);
  const { top, step } = niceScale(maxNs / unit.ns);
  const sx = (x: number): number => m.left + (x / X_DECADES) * pw;
  // log axis: whole decades from below the smallest to above the largest value
  const d0 = Number.isFinite(minNs) ? Math.floor(Math.log10(minNs)) : 0;
  const d1 = Math.max(d0 + 1, Math.ceil(Math.log10(Math.max(maxNs, 1))));
  const sy = options.logY
    ? (v: number): number => m.top + ph - ((Math.log10(Math.max(v, 10 ** d0)) - d0) / (d1 - d0)) * ph
    : (v: number): number => m.top + ph - (v / top) * ph;
  const yTicks: Array<[number, string]> = [];
  if (options.logY) for (let d = d0; d <= d1; d++) yTicks.push([10 ** d, formatDecade(10 ** d)]);
  else for (let v = 0; v <= top + step / 2; v += step) yTicks.push([v, fmt(v)]);

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`);
  // Grid and axes.
  parts.push('<g class="grid" stroke="#ddd" stroke-width="1">');
  for (let d = 0; d <= X_DECADES; d++) parts.push(`<line x1="${fmt(sx(d))}" y1="${m.top}" x2="${fmt(sx(d))}" y2="${m.top + ph}"/>`);
  for (const [v] of yTicks) parts.push(`<line x1="${m.left}" y1="${fmt(sy(v))}" x2="${m.left + pw}" y2="${fmt(sy(v))}"/>`);
  parts.push('</g>');
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push('<g class="x-labels" text-anchor="middle">');
  for (let d = 0; d <= X_DECADES; d++) parts.push(`<text x="${fmt(sx(d))}" y="${m.top + ph + 18}">${X_LABELS[d]}</text>`);
  parts.push('</g><g class="y-labels" text-anchor="end">');
  for (const [v, label] of yTicks) parts.push(`<text x="${m.left - 6}" y="${fmt(sy(v) + 4)}">${label}</text>`);
  parts.push('</g>');
  parts.push(`<text class="x-title" x="${m.left + pw / 2}" y="${H - 16}" text-anchor="middle">Percentile</text>`);
  parts.push(`<text class="y-title" transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">Latency (${options.logY ? 'log scale' : unit.name})</text>`);
  // Curves.
  curves.forEach((pts, k) => {
    const color = COLORS[k % COLORS.length]!;
    const d = pts.map(([x, v], i) => `${i === 0 ? 'M' : 'L'}${fmt(sx(x))},${fmt(sy(v / unit.ns))}`).join(' ');
    parts.push(`<path class="curve" data-label="${escapeXml(series[k]!.label)}" d="${d || `M${m.left},${m.top + ph}`}" fill="none" stroke="${color}" stroke-width="2"/>`);
  });
  // Legend.
  parts.push('<g class="legend">');
  series.forEach((s, k) => {
    const y = m.top + 14 + k * 18;
    parts.push(`<line x1="${m.left + 12}" y1="${y - 4}" x2="${m.left + 36}" y2="${y - 4}" stroke="${COLORS[k % COLORS.length]}" stroke-width="3"/>`);
    parts.push(`<text x="${m.left + 42}" y="${y}">${escapeXml(s.label)} (${s.histogram.totalCount})</text>`);
  });
  parts.push('</g>');
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
