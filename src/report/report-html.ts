/**
 * `report.html`: one self-contained page per run. Inline CSS and inline SVG only: no script,
 * no font, no stylesheet or image fetched from anywhere, so it opens offline, attaches to a
 * mail and archives as one file. Tooltips are SVG `<title>` elements (no JavaScript).
 *
 * Charts: total equity and strategy equity (capital + strategy PnL) with round closes marked
 * (green win, red loss, by round PnL from the fills), spread in both directions with the
 * threshold (from `spread` entries), inventory per venue (from `equity` entries' `balances`,
 * else net `exposure`), latency percentiles on a log axis without the warm-up interval, and
 * p99 over time, one small panel per hop, the warm-up interval marked (from latency.hlog).
 */
import { mergeTag, hlogTags, parseHlog, warmupInterval } from './hlog-reader.js';
import { formatNs, NS_PER_UNIT } from './percentile-table.js';
import { equityAt, equitySeries, normalizeEntries } from './performance.js';
import type { JournalEntry, Performance } from './performance.js';
import { strategyPnlOf, strategySeries } from './pnl.js';
import { formatDuration, formatPct, pnlRows, quoteAssetOf, ratioBasis, ratioNotes, ratioRows } from './report-text.js';
import { escapeXml, renderPercentilePlot } from './svg-plot.js';
import type { PlotSeries } from './svg-plot.js';
import { HOP_NAMES } from '../core/histogram.js';

/** Points kept per series; longer series are thinned to each bucket's first, min, max, last. */
const MAX_POINTS = 2000;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const WIN = '#2ca02c';
const LOSS = '#d62728';

export interface ChartSeries {
  label: string;
  /** CSS class of the `<path>`, e.g. `equity`. */
  cls: string;
  color: string;
  /** [ns since the run start, value], in x order. */
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface ChartMarker {
  x: number;
  y: number;
  cls: string;
  color: string;
  title: string;
}

export interface ChartOptions {
  title: string;
  yLabel: string;
  series: ChartSeries[];
  markers?: ChartMarker[];
  width?: number;
  height?: number;
}

const fmt = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Keeps first, min, max and last of each bucket, in x order: the shape survives thinning. */
export function decimate(points: Array<[number, number]>, max = MAX_POINTS): Array<[number, number]> {
  if (points.length <= max) return points;
  const buckets = Math.floor(max / 4);
  const per = points.length / buckets;
  const out: Array<[number, number]> = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * per);
    const to = Math.min(points.length, Math.floor((b + 1) * per));
    if (to <= from) continue;
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (points[i]![1] < points[lo]![1]) lo = i;
      if (points[i]![1] > points[hi]![1]) hi = i;
    }
    for (const i of [...new Set([from, lo, hi, to - 1])].sort((a, b) => a - b)) out.push(points[i]!);
  }
  return out;
}

/** A "nice" axis (steps of 1, 2, 5 × 10^k) covering [min, max]. */
function niceRange(min: number, max: number, ticks = 5): { lo: number; hi: number; step: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { lo: 0, hi: 1, step: 0.2 };
  if (max === min) {
    const pad = Math.abs(max) > 0 ? Math.abs(max) * 0.001 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { lo: Math.floor(min / step) * step, hi: Math.ceil(max / step) * step, step };
}

const TIME_STEPS_SEC = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
  3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000];

function elapsedLabel(sec: number): string {
  if (sec < 60) return `${Number(sec.toFixed(3))}s`;
  const s = Math.round(sec);
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 === 0 ? '' : String(s % 60).padStart(2, '0')}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${s % 3600 === 0 ? '' : String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  return `${Math.floor(s / 86400)}d${s % 86400 === 0 ? '' : `${Math.floor((s % 86400) / 3600)}h`}`;
}

/** Line chart over time since the run start; SVG without a namespace (inline in HTML5). */
export function renderLineChart(o: ChartOptions): string {
  const W = o.width ?? 900;
  const H = o.height ?? 320;
  const m = { left: 80, right: 20, top: 34, bottom: 44 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const series = o.series.map((s) => ({ ...s, points: decimate(s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))) }));
  const xs = series.flatMap((s) => s.points.map((p) => p[0])).concat((o.markers ?? []).map((k) => k.x));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).concat((o.markers ?? []).map((k) => k.y)).filter(Number.isFinite);
  const xMax = Math.max(1e9, ...xs);
  const xMin = Math.min(0, ...xs);
  const y = niceRange(Math.min(...ys), Math.max(...ys));
  const sx = (x: number): number => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (v: number): number => m.top + ph - ((v - y.lo) / (y.hi - y.lo)) * ph;
  const spanSec = (xMax - xMin) / 1e9;
  const xStep = TIME_STEPS_SEC.find((s) => spanSec / s <= 8) ?? spanSec / 8;

  const parts: string[] = [];
  parts.push(`<svg class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(o.title)}">`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" class="chart-title">${escapeXml(o.title)}</text>`);
  parts.push('<g class="grid">');
  for (let v = y.lo; v <= y.hi + y.step / 2; v += y.step) {
    parts.push(`<line x1="${m.left}" y1="${fmt(sy(v))}" x2="${m.left + pw}" y2="${fmt(sy(v))}"/>`);
  }
  for (let s = 0; s * 1e9 <= xMax + 1; s += xStep) parts.push(`<line x1="${fmt(sx(s * 1e9))}" y1="${m.top}" x2="${fmt(sx(s * 1e9))}" y2="${m.top + ph}"/>`);
  parts.push('</g>');
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" class="frame"/>`);
  parts.push('<g class="y-labels" text-anchor="end">');
  const yDigits = Math.max(0, -Math.floor(Math.log10(y.step)));
  for (let v = y.lo; v <= y.hi + y.step / 2; v += y.step) parts.push(`<text x="${m.left - 6}" y="${fmt(sy(v) + 4)}">${v.toFixed(yDigits)}</text>`);
  parts.push('</g><g class="x-labels" text-anchor="middle">');
  for (let s = 0; s * 1e9 <= xMax + 1; s += xStep) parts.push(`<text x="${fmt(sx(s * 1e9))}" y="${m.top + ph + 16}">${elapsedLabel(s)}</text>`);
  parts.push('</g>');
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 8}" text-anchor="middle">time since run start</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  series.forEach((s) => {
    if (s.points.length === 0) return;
    const d = s.points.map(([x, v], i) => `${i === 0 ? 'M' : 'L'}${fmt(sx(x))},${fmt(sy(v))}`).join(' ');
    parts.push(`<path class="${escapeXml(s.cls)}" data-label="${escapeXml(s.label)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  });
  for (const k of o.markers ?? []) {
    parts.push(`<circle class="${escapeXml(k.cls)}" cx="${fmt(sx(k.x))}" cy="${fmt(sy(k.y))}" r="3.5" fill="${k.color}"><title>${escapeXml(k.title)}</title></circle>`);
  }
  parts.push('<g class="legend">');
  series.forEach((s, i) => {
    const lx = m.left + 10 + (i % 4) * 200;
    const ly = m.top + 14 + Math.floor(i / 4) * 16;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 20}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 25}" y="${ly}">${escapeXml(s.label)}</text>`);
  });
  parts.push('</g></svg>');
  return parts.join('\n');
}

function rel(e: JournalEntry, t0: number): number {
  return e.ns - t0;
}

function equityChart(perf: Performance, entries: readonly JournalEntry[], t0: number): string | null {
  const series = equitySeries(entries);
  if (series.length === 0) return null;
  const q = quoteAssetOf(perf.symbols);
  const sp = strategyPnlOf(entries);
  const strat = perf.startEquity === null ? [] : strategySeries(perf.startEquity, sp.rounds, perf.period.fromNs, perf.period.toNs);
  const markers: ChartMarker[] = [];
  for (const r of sp.rounds) {
    if (r.pairId === '(none)') continue;
    const win = r.pnl > 0;
    markers.push({
      x: r.ns - t0,
      y: strat.length > 0 ? equityAt(strat, r.ns) : equityAt(series, r.ns),
      cls: win ? 'trade win' : 'trade loss',
      color: win ? WIN : LOSS,
      title: `pair ${r.pairId}: round pnl ${r.pnl.toFixed(6)} (arbitrage ${r.arbitrage.toFixed(6)}, legging ${r.legging.toFixed(6)}, fees ${r.feesQuote.toFixed(6)})`,
    });
  }
  return renderLineChart({
    title: 'Total equity (marked at mid) and strategy equity (capital + strategy PnL), round closes',
    yLabel: `equity (${q})`,
    series: [
      { label: 'total equity', cls: 'equity', color: COLORS[0]!, points: series.map((p) => [p.ns - t0, p.equity]) },
      { label: 'capital + strategy pnl', cls: 'strategy-equity', color: COLORS[2]!, points: strat.map((p) => [p.ns - t0, p.equity]) },
    ],
    markers,
  });
}

function spreadCharts(entries: readonly JournalEntry[], t0: number): string[] {
  const bySymbol = new Map<string, JournalEntry[]>();
  for (const e of entries) {
    if (e.type !== 'spread') continue;
    const s = String(e.symbol ?? '');
    const list = bySymbol.get(s) ?? [];
    list.push(e);
    bySymbol.set(s, list);
  }
  const charts: string[] = [];
  for (const [symbol, list] of bySymbol) {
    const pts = (field: string): Array<[number, number]> => list.map((e) => [rel(e, t0), Number(e[field])]);
    charts.push(renderLineChart({
      title: `Spread ${symbol}, both directions`,
      yLabel: 'bps',
      series: [
        { label: 'A→B (ab_bps)', cls: 'spread-ab', color: COLORS[0]!, points: pts('ab_bps') },
        { label: 'B→A (ba_bps)', cls: 'spread-ba', color: COLORS[3]!, points: pts('ba_bps') },
        { label: 'threshold', cls: 'threshold', color: '#555', points: pts('threshold_bps'), dashed: true },
      ],
    }));
  }
  return charts;
}

/** Base held per (venue, symbol) and quote per venue, from equity entries' `balances`. */
function inventoryCharts(entries: readonly JournalEntry[], t0: number): string[] {
  const base = new Map<string, Array<[number, number]>>();
  const quote = new Map<string, Array<[number, number]>>();
  const exposure = new Map<string, Array<[number, number]>>();
  const push = (m: Map<string, Array<[number, number]>>, k: string, p: [number, number]): void => {
    const l = m.get(k) ?? [];
    l.push(p);
    m.set(k, l);
  };
  for (const e of entries) {
    if (e.type !== 'equity' && e.type !== 'run_start') continue;
    const x = rel(e, t0);
    const balances = e.balances;
    if (balances !== null && typeof balances === 'object') {
      for (const [venue, b] of Object.entries(balances as Record<string, unknown>)) {
        if (b === null || typeof b !== 'object') continue;
        const vb = b as { quote?: unknown; base?: unknown };
        if (vb.quote !== undefined) push(quote, venue, [x, Number(vb.quote)]);
        if (vb.base !== null && typeof vb.base === 'object') {
          for (const [sym, q] of Object.entries(vb.base as Record<string, unknown>)) push(base, `${venue} ${sym}`, [x, Number(q)]);
        }
      }
    }
    if (e.type === 'equity' && e.exposure !== null && typeof e.exposure === 'object') {
      for (const [sym, q] of Object.entries(e.exposure as Record<string, unknown>)) push(exposure, sym, [x, Number(q)]);
    }
  }
  const toSeries = (m: Map<string, Array<[number, number]>>, cls: string): ChartSeries[] =>
    [...m.entries()].map(([label, points], i) => ({ label, cls, color: COLORS[i % COLORS.length]!, points }));
  const charts: string[] = [];
  if (base.size > 0) charts.push(renderLineChart({ title: 'Inventory per venue (base)', yLabel: 'base', series: toSeries(base, 'inventory') }));
  if (quote.size > 0) charts.push(renderLineChart({ title: 'Quote balance per venue', yLabel: 'quote', series: toSeries(quote, 'quote-balance') }));
  if (exposure.size > 0) charts.push(renderLineChart({ title: 'Net exposure per symbol (base, all venues)', yLabel: 'base', series: toSeries(exposure, 'exposure') }));
  return charts;
}

/** The percentile plot (log y, warm-up excluded) and p99 over time, one panel per hop. */
function latencyPlots(hlogText: string | undefined): string[] {
  if (hlogText === undefined) return [];
  try {
    const file = parseHlog(hlogText, 'latency.hlog');
    const nsPerUnit = NS_PER_UNIT[file.valueUnit ?? 'ns'] ?? 1;
    const tags = hlogTags(file);
    const order = [...HOP_NAMES.filter((h) => tags.includes(h)), ...tags.filter((t) => t === null || !(HOP_NAMES as readonly string[]).includes(t))];
    const warm = warmupInterval(file);
    const series: PlotSeries[] = [];
    for (const tag of order) {
      let h = warm === null ? null : mergeTag(file, tag, warm.endSec);
      if (h === null || h.totalCount === 0) h = mergeTag(file, tag);
      if (h !== null && h.totalCount > 0) series.push({ label: tag ?? '(untagged)', histogram: h, nsPerUnit });
    }
    if (series.length === 0) return [];
    const title = `Latency by percentile, per hop${warm !== null ? ' (warm-up interval excluded)' : ''}`;
    // Inline SVG in HTML needs no namespace; dropping it keeps the page free of URLs.
    const out = [renderPercentilePlot(series, { title, logY: true }).replace(/\s+xmlns="[^"]*"/g, '')];
    const t0 = Math.min(...file.intervals.map((i) => i.startSec));
    for (const tag of order) {
      const pts: Array<[number, number]> = file.intervals
        .filter((i) => i.tag === tag && i.histogram.totalCount > 0)
        .sort((a, b) => a.startSec - b.startSec)
        .map((i) => [(i.startSec - t0) * 1e9, i.histogram.getValueAtPercentile(99) * nsPerUnit / 1e6]);
      if (pts.length === 0) continue;
      const markers: ChartMarker[] = warm === null ? [] : pts.filter(([x]) => x < (warm.endSec - t0) * 1e9)
        .map(([x, y]) => ({ x, y, cls: 'warmup', color: '#999', title: `warm-up interval: p99 ${y.toFixed(3)} ms (excluded from the tables)` }));
      out.push(renderLineChart({
        title: `p99 over time: ${tag ?? '(untagged)'}`, yLabel: 'p99 (ms)', height: 180,
        series: [{ label: `${tag ?? '(untagged)'} p99 per interval`, cls: 'p99', color: COLORS[1]!, points: pts }], markers,
      }));
    }
    return out;
  } catch {
    return [];
  }
}

function row(cells: string[], head = false): string {
  const tag = head ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${escapeXml(c)}</${tag}>`).join('')}</tr>`;
}

function kvTable(pairs: Array<[string, string]>): string {
  return `<table class="kv">${pairs.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table>`;
}

const CSS = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}
table.kv th{text-align:left;font-weight:normal;color:#555}td:first-child,th:first-child{text-align:left}
.warn{color:#a40}.note{color:#666;font-size:13px}
svg.chart{display:block;margin:8px 0;font-family:sans-serif;font-size:11px;background:#fff}
svg.chart .grid line{stroke:#e5e5e5}svg.chart .frame{fill:none;stroke:#333}svg.chart .chart-title{font-size:14px}`;

/** The whole page. `entries` feed the charts; `perf` the tables; `hlogText` the latency plot. */
export function renderReportHtml(perf: Performance, journal: readonly JournalEntry[], hlogText?: string): string {
  const entries = normalizeEntries(journal);
  const start = entries.find((e) => e.type === 'run_start');
  const t0 = start !== undefined && Number.isFinite(start.ns) ? start.ns : Math.min(...entries.map((e) => e.ns).filter(Number.isFinite), 0);
  const title = `xarb run ${perf.runId ?? '(unknown)'}`;
  const b: string[] = [];
  b.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8"/>', `<title>${escapeXml(title)}</title>`, `<style>${CSS}</style>`, '</head>', '<body>');
  b.push(`<h1>${escapeXml(title)}</h1>`);
  b.push(`<p>mode ${escapeXml(perf.mode ?? '?')} · symbols ${escapeXml(perf.symbols.join(', ') || '-')} · venues ${escapeXml(perf.venues.join(', ') || '-')}` +
    ` · started ${escapeXml(perf.startWallMs !== null ? new Date(perf.startWallMs).toISOString() : 'unknown')}` +
    ` · duration ${escapeXml(formatDuration(perf.durationNs))} (${escapeXml(perf.durationSource)}) · ended: ${escapeXml(perf.endReason ?? 'no run_end')}</p>`);
  for (const w of perf.warnings) b.push(`<p class="warn">warning: ${escapeXml(w)}</p>`);

  b.push(`<h2>Strategy PnL (${escapeXml(quoteAssetOf(perf.symbols))})</h2>`);
  b.push(kvTable(pnlRows(perf)));
  b.push('<h2>Returns</h2>');
  b.push(`<table class="ratios">${row(['', 'strategy pnl / capital', 'total equity'], true)}${ratioRows(perf).map((r) => row(r)).join('')}</table>`);
  b.push(`<p class="note">over ${escapeXml(formatDuration(perf.durationNs))}; ratios on ${escapeXml(ratioBasis(perf.strategyRatios))}; drawdown = (running peak − equity) / start equity${ratioNotes(perf).map((n) => `; n/a: ${escapeXml(n)}`).join('')}</p>`);
  const r = perf.rounds;
  b.push('<h2>Rounds and orders</h2>');
  b.push(kvTable([
    ['rounds closed', `${r.closed} (matched ${r.matched}, legged ${r.legged}, failed ${r.failed})`],
    ['rounds with a fill', `${r.withFill} (wins ${r.wins}, losses ${r.losses}); without any fill: ${r.unfilled}`],
    ['win rate', `${formatPct(perf.winRate)} (of rounds with a fill)`],
    ['avg holding time', formatDuration(perf.avgHoldingNs)],
    ['orders sent', String(perf.orders.sent)],
    ['fill ratio', formatPct(perf.orders.fillRatio)],
  ]));

  b.push('<h2>Equity</h2>');
  b.push(equityChart(perf, entries, t0) ?? '<p class="note">no equity entries in the journal</p>');

  const spreads = spreadCharts(entries, t0);
  b.push('<h2>Spread</h2>');
  b.push(...(spreads.length > 0 ? spreads : ['<p class="note">no spread entries in the journal</p>']));

  const inventory = inventoryCharts(entries, t0);
  b.push('<h2>Positions</h2>');
  b.push(...(inventory.length > 0 ? inventory : ['<p class="note">no balances or exposure in the equity entries</p>']));

  b.push('<h2>Orders</h2>');
  b.push(`<table>${row(['status', 'orders'], true)}${Object.entries(perf.orders.byStatus).map(([k, v]) => row([k, String(v)])).join('')}</table>`);
  if (perf.riskEvents.length > 0) {
    b.push('<h2>Risk events</h2>');
    b.push(`<table>${row(['rule', 'action', 'count'], true)}${perf.riskEvents.map((r) => row([r.rule, r.action, String(r.count)])).join('')}</table>`);
  }

  b.push('<h2>Latency</h2>');
  if (perf.latency.length === 0) b.push(`<p class="note">${escapeXml(perf.latencyNote ?? 'no histograms')}</p>`);
  else {
    if (perf.latencyNote !== null) b.push(`<p class="note">${escapeXml(perf.latencyNote)}</p>`);
    b.push(`<table>${row(['hop', 'p50', 'p90', 'p99', 'p99.9', 'max', 'count'], true)}${perf.latency
      .map((l) => row([l.hop, formatNs(l.p50Ns), formatNs(l.p90Ns), formatNs(l.p99Ns), formatNs(l.p999Ns), formatNs(l.maxNs), String(l.count)]))
      .join('')}</table>`);
    b.push(...latencyPlots(hlogText));
  }
  b.push('</body>', '</html>');
  return b.join('\n') + '\n';
}
