/**
 * The run report as plain text: printed at the end of a run and by `xarb report`.
 * Numbers that cannot be computed print as `n/a`, with the reason beside them.
 */
import { HEADLINE_HOP } from '../core/histogram.js';
import { formatNs } from './percentile-table.js';
import type { Performance } from './performance.js';

/** One day in ns: for a shorter run the table shows no annualized figure. */
const DAY_NS = 86_400e9;

const NA = 'n/a';

export function formatPct(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? NA : `${(x * 100).toFixed(digits)} %`;
}

export function formatQuote(x: number | null, digits = 4): string {
  return x === null || !Number.isFinite(x) ? NA : x.toFixed(digits);
}

/** `3d 04:05:06`, `01:02:03`, `12.345 s`, `850 ms`: seconds shown exactly below a minute. */
export function formatDuration(ns: number | null): string {
  if (ns === null || !Number.isFinite(ns)) return NA;
  if (ns < 1e9) return formatNs(ns);
  const totalSec = ns / 1e9;
  if (totalSec < 60) return `${Number(totalSec.toFixed(3))} s`;
  const s = Math.floor(totalSec);
  const d = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${d > 0 ? `${d}d ` : ''}${hh}:${mm}:${ss}`;
}

function withNote(value: string, note: string | null): string {
  return note === null ? value : `${value}  (${note})`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function kv(pairs: Array<[string, string]>): string[] {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${(k + ':').padEnd(w + 1)} ${v}`);
}

export function formatReportText(p: Performance): string {
  const out: string[] = [];
  const when = p.startWallMs !== null ? new Date(p.startWallMs).toISOString() : 'unknown start';
  out.push(`run ${p.runId ?? '(unknown)'}  mode ${p.mode ?? '?'}  started ${when}`);
  if (p.symbols.length > 0 || p.venues.length > 0) out.push(`symbols ${p.symbols.join(',') || '-'}  venues ${p.venues.join(',') || '-'}`);
  out.push(`duration ${formatDuration(p.durationNs)} (${p.durationSource}); ended: ${p.endReason ?? 'no run_end'}`);
  for (const w of p.warnings) out.push(`warning: ${w}`);

  out.push('', 'returns');
  out.push(...kv([
    ['start equity', formatQuote(p.startEquity)],
    ['end equity', `${formatQuote(p.endEquity)}${p.endEquitySource === 'run_end' ? '' : ` (${p.endEquitySource})`}`],
    ['total return', formatPct(p.totalReturn, 4)],
    // Compounding a few seconds to a year gives numbers like 9e15 %: under a day the table says
    // n/a and keeps the extrapolation in the JSON (`xarb report --json`) for whoever wants it.
    ['annualized return', withNote(p.durationNs < DAY_NS ? 'n/a' : formatPct(p.annualizedReturn),
      p.annualizedNote === null ? `over ${formatDuration(p.durationNs)}` : `over ${formatDuration(p.durationNs)}; ${p.annualizedNote}`)],
    ['sharpe ratio', withNote(p.sharpe === null ? NA : p.sharpe.toFixed(3),
      `${p.sharpeIntervalSec === 60 ? '1 min' : `${p.sharpeIntervalSec} s`} returns, ${p.sharpeReturns} intervals, annualized, rf 0${p.sharpeNote !== null ? `; ${p.sharpeNote}` : ''}`)],
    ['max drawdown', `${formatPct(p.maxDrawdown, 4)}  (${formatQuote(p.maxDrawdownQuote)} quote)`],
  ]));

  const r = p.rounds;
  out.push('', 'rounds');
  out.push(...kv([
    ['closed', `${r.closed}  (matched ${r.matched}, legged ${r.legged}, failed ${r.failed}; opened ${r.opened}, open at end ${r.openAtEnd})`],
    ['win rate', `${formatPct(p.winRate)}  (${r.wins} of ${r.closed} with pnl + legging_pnl > 0)`],
    ['avg holding time', formatDuration(p.avgHoldingNs)],
    ['realized pnl', formatQuote(p.realizedPnl)],
    ['  of which legging', formatQuote(p.leggingPnl)],
    ['fees paid', `${formatQuote(p.feesQuote)}  (quote equivalent)`],
  ]));

  const o = p.orders;
  out.push('', 'orders');
  out.push(...kv([
    ['sent', `${o.sent}${Object.keys(o.byRole).length > 0 ? `  (${Object.entries(o.byRole).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`],
    ['by final status', Object.entries(o.byStatus).filter(([k, v]) => v > 0 || k !== 'unreported').map(([k, v]) => `${k} ${v}`).join(', ')],
    ['fills', `${o.fills} fills on ${o.withFill} orders`],
    ['fill ratio', `${formatPct(o.fillRatio)}  (${formatQuote(o.filledQty, 8)} of ${formatQuote(o.intendedQty, 8)} base filled)`],
  ]));

  if (p.riskEvents.length > 0) {
    out.push('', 'risk events');
    out.push(...table(['rule', 'action', 'count'], p.riskEvents.map((e) => [e.rule, e.action, String(e.count)])).map((l) => `  ${l}`));
  }

  out.push('', 'latency');
  if (p.latency.length === 0) out.push(`  ${p.latencyNote ?? 'no histograms'}`);
  else {
    const head = p.latency.find((l) => l.hop === HEADLINE_HOP);
    if (head !== undefined && head.count > 0) {
      out.push(`  tick_to_wire (feed frame in → order bytes out): p50 ${formatNs(head.p50Ns)}, p99 ${formatNs(head.p99Ns)}, ${head.count} orders`);
    }
    const rows = p.latency.map((l) => [l.hop, formatNs(l.p50Ns), formatNs(l.p90Ns), formatNs(l.p99Ns), formatNs(l.p999Ns), formatNs(l.maxNs), String(l.count)]);
    out.push(...table(['hop', 'p50', 'p90', 'p99', 'p99.9', 'max', 'count'], rows).map((l) => `  ${l}`));
  }
  return out.join('\n') + '\n';
}
