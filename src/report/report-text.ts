/**
 * The run report as plain text: printed at the end of a run and by `xarb report`.
 * Numbers that cannot be computed print as `n/a`, with the reason beside them.
 */
import { HEADLINE_HOP } from '../core/histogram.js';
import { formatNs } from './percentile-table.js';
import type { Performance } from './performance.js';
import { splitSymbolAssets, type RatioSet } from './pnl.js';

const NA = 'n/a';

/** A number for people: thousands separators, fixed decimals, never an exponent; n/a when undefined. */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return NA;
  const v = Number(x.toFixed(digits)) === 0 ? 0 : x; // no "-0.00"
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
}

export function formatPct(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? NA : `${formatNumber(x * 100, digits)} %`;
}

export function formatQuote(x: number | null, digits = 4): string {
  return formatNumber(x, digits);
}

/** An amount in the quote asset: `1,234.57 USDT`. */
export function formatAmount(x: number | null, asset: string, digits = 2): string {
  const v = formatNumber(x, digits);
  return v === NA ? NA : `${v} ${asset}`;
}

/** The quote asset of a run's symbols (USDT for BTCUSDT), or "quote". */
export function quoteAssetOf(symbols: readonly string[]): string {
  return splitSymbolAssets(symbols[0] ?? '').quote || 'quote';
}

/** How a ratio set's returns were taken and annualized, for a label. */
export function ratioBasis(r: RatioSet): string {
  const period = r.periodSec === 3600 ? '1 h' : r.periodSec === 60 ? '1 min' : `${r.periodSec} s`;
  return `${period} returns (${r.returns}), annualized × √(periods in 365.25 days), rf 0`;
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

/** The PnL breakdown as label/value rows (text and HTML reports). */
export function pnlRows(p: Performance): Array<[string, string]> {
  const q = quoteAssetOf(p.symbols);
  const pn = p.pnl;
  const fees = pn.feesByAsset.map((f) => `${f.asset} ${formatNumber(f.amount, f.asset === q ? 2 : 8)}${f.quote === null ? ' (not converted)' : f.asset === q ? '' : ` = ${formatAmount(f.quote, q)}`}`).join('; ');
  return [
    ['arbitrage pnl', `${formatAmount(pn.arbitrage, q)}  (matched quantity × (sell − buy price), per round)`],
    ['legging pnl', `${formatAmount(pn.legging, q)}  (unmatched legs, hedges and unwinds)`],
    ['fees', `${formatAmount(-pn.fees, q)}${fees !== '' ? `  (${fees})` : ''}`],
    ['strategy pnl', `${formatAmount(pn.strategy, q)}  (arbitrage + legging − fees)`],
    ['inventory pnl', `${formatAmount(pn.inventory, q)}  (holdings marked to market: total − strategy)`],
    ['total pnl', `${formatAmount(pn.total, q)}  (end equity − start equity)`],
    ['pnl vs hold', `${formatAmount(pn.vsHold, q)}  (end equity − starting balances at the last marks${pn.holdEquity === null ? '; no marks in the journal' : ''})`],
  ];
}

/** Ratio rows: label, on strategy PnL over capital, on total equity. */
export function ratioRows(p: Performance): string[][] {
  const q = quoteAssetOf(p.symbols);
  const sr = p.strategyRatios;
  const er = p.equityRatios;
  return [
    ['capital, start equity', formatAmount(sr.capital, q), formatAmount(er.capital, q)],
    ['end', formatAmount(sr.capital === null ? null : sr.capital + (sr.pnl ?? 0), q),
      `${formatAmount(p.endEquity, q)}${p.endEquitySource === 'run_end' ? '' : ` (${p.endEquitySource})`}`],
    ['return', formatPct(sr.totalReturn, 4), formatPct(er.totalReturn, 4)],
    ['annualized return', formatPct(sr.annualizedReturn), formatPct(er.annualizedReturn)],
    ['sharpe ratio', formatNumber(sr.sharpe, 3), formatNumber(er.sharpe, 3)],
    ['sortino ratio', formatNumber(sr.sortino, 3), formatNumber(er.sortino, 3)],
    ['max drawdown', `${formatPct(sr.maxDrawdown, 4)} (${formatAmount(sr.maxDrawdownQuote, q)})`, `${formatPct(er.maxDrawdown, 4)} (${formatAmount(er.maxDrawdownQuote, q)})`],
    ['calmar ratio', formatNumber(sr.calmar, 3), formatNumber(er.calmar, 3)],
  ];
}

/** Why some ratios are n/a, once each. */
export function ratioNotes(p: Performance): string[] {
  const sr = p.strategyRatios;
  const er = p.equityRatios;
  return [...new Set([sr.annualizedNote, sr.ratioNote, er.annualizedNote, er.ratioNote].filter((x): x is string => x !== null))];
}

export function formatReportText(p: Performance): string {
  const out: string[] = [];
  const when = p.startWallMs !== null ? new Date(p.startWallMs).toISOString() : 'unknown start';
  out.push(`run ${p.runId ?? '(unknown)'}  mode ${p.mode ?? '?'}  started ${when}`);
  if (p.symbols.length > 0 || p.venues.length > 0) out.push(`symbols ${p.symbols.join(',') || '-'}  venues ${p.venues.join(',') || '-'}`);
  out.push(`duration ${formatDuration(p.durationNs)} (${p.durationSource}); ended: ${p.endReason ?? 'no run_end'}`);
  const iso = (ms: number | null): string => (ms === null || !Number.isFinite(ms) ? '?' : new Date(ms).toISOString());
  if (p.period.fromWallMs !== null) out.push(`period ${iso(p.period.fromWallMs)} → ${iso(p.period.toWallMs)}`);
  for (const w of p.warnings) out.push(`warning: ${w}`);

  const q = quoteAssetOf(p.symbols);
  out.push('', `strategy pnl (${q})`);
  out.push(...kv(pnlRows(p)));
  out.push('', 'returns');
  out.push(...table(['', 'strategy pnl / capital', 'total equity'], ratioRows(p)).map((l) => `  ${l}`));
  const sr = p.strategyRatios;
  out.push(`  over ${formatDuration(p.durationNs)}; ratios on ${ratioBasis(sr)}; drawdown = (running peak − equity) / start equity`);
  for (const n of ratioNotes(p)) out.push(`  n/a: ${n}`);

  const r = p.rounds;
  out.push('', 'rounds');
  out.push(...kv([
    ['closed', `${r.closed}  (matched ${r.matched}, legged ${r.legged}, failed ${r.failed}; opened ${r.opened}, open at end ${r.openAtEnd})`],
    ['with a fill', `${r.withFill}  (wins ${r.wins}, losses ${r.losses}); without any fill: ${r.unfilled}`],
    ['win rate', `${formatPct(p.winRate)}  (${r.wins} of ${r.withFill} rounds with a fill had round pnl > 0)`],
    ['avg holding time', formatDuration(p.avgHoldingNs)],
  ]));

  const o = p.orders;
  out.push('', 'orders');
  out.push(...kv([
    ['sent', `${o.sent}${Object.keys(o.byRole).length > 0 ? `  (${Object.entries(o.byRole).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`],
    ['by final status', Object.entries(o.byStatus).filter(([k, v]) => v > 0 || k !== 'unreported').map(([k, v]) => `${k} ${v}`).join(', ')],
    ['fills', `${o.fills} fills on ${o.withFill} orders`],
    ['fill ratio', `${formatPct(o.fillRatio)}  (${formatNumber(o.filledQty, 8)} of ${formatNumber(o.intendedQty, 8)} base filled)`],
  ]));

  if (p.riskEvents.length > 0) {
    out.push('', 'risk events');
    out.push(...table(['rule', 'action', 'count'], p.riskEvents.map((e) => [e.rule, e.action, String(e.count)])).map((l) => `  ${l}`));
  }

  out.push('', 'latency');
  if (p.latency.length === 0) out.push(`  ${p.latencyNote ?? 'no histograms'}`);
  else {
    if (p.latencyNote !== null) out.push(`  ${p.latencyNote}`);
    const head = p.latency.find((l) => l.hop === HEADLINE_HOP);
    if (head !== undefined && head.count > 0) {
      out.push(`  tick_to_wire (feed frame in → order bytes out): p50 ${formatNs(head.p50Ns)}, p99 ${formatNs(head.p99Ns)}, ${head.count} orders`);
    }
    const rows = p.latency.map((l) => [l.hop, formatNs(l.p50Ns), formatNs(l.p90Ns), formatNs(l.p99Ns), formatNs(l.p999Ns), formatNs(l.maxNs), String(l.count)]);
    out.push(...table(['hop', 'p50', 'p90', 'p99', 'p99.9', 'max', 'count'], rows).map((l) => `  ${l}`));
  }
  return out.join('\n') + '\n';
}
