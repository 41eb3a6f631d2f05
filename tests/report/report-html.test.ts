import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../helpers/paths.js';
import { computePerformance } from '../../src/report/performance.js';
import type { JournalEntry } from '../../src/report/performance.js';
import { decimate, renderReportHtml } from '../../src/report/report-html.js';

const S = 1e9;
const e = (ns: number, type: string, fields: Record<string, unknown> = {}): JournalEntry => ({ t: 1_700_000_000_000 + ns / 1e6, ns, type, ...fields });
const balances = (bBase: number, yBase: number) => ({ binance: { quote: 500, base: { BTCUSDT: bBase } }, bybit: { quote: 500, base: { BTCUSDT: yBase } } });

const fill = (ns: number, id: number, pair: number, venue: string, side: string, px: number, qty: number, role: string): JournalEntry =>
  e(ns, 'report', { order_id: id, pair_id: pair, venue, symbol: 'BTCUSDT', side, status: 'filled', last_px: px, last_qty: qty, cum_qty: qty, fee: 0.05, fee_asset: 'quote', role });

/** Two rounds (a win and a <b>loss</b>), spreads, balances: everything the page can draw. */
function journal(): JournalEntry[] {
  return [
    e(0, 'run_start', { mode: 'dry-run', run_id: 'r<1>', symbols: ['BTCUSDT'], venues: ['binance', 'bybit'], start_equity: 1000, balances: balances(0.1, 0.1), config: {} }),
    ...[0, 1, 2, 3].map((s) => e(s * S + 1, 'spread', { symbol: 'BTCUSDT', ab_bps: 1 + s, ba_bps: -2 - s, threshold_bps: 2.5 })),
    e(1 * S, 'equity', { equity: 1001, exposure: { BTCUSDT: 0 }, drawdown: 0, balances: balances(0.11, 0.09) }),
    fill(1.15 * S, 1, 1, 'binance', 'buy', 50000, 0.01, 'leg_buy'),
    fill(1.15 * S, 2, 1, 'bybit', 'sell', 50060, 0.01, 'leg_sell'),
    e(1.2 * S, 'round_closed', { pair_id: 1, symbol: 'BTCUSDT', open_ns: 1.1 * S, close_ns: 1.2 * S, pnl: 0.5, fees: 0.1, legging_pnl: 0, outcome: 'matched' }),
    e(2 * S, 'equity', { equity: 999, exposure: { BTCUSDT: 0.01 }, drawdown: 0.002, balances: balances(0.12, 0.09) }),
    fill(2.2 * S, 3, 2, 'binance', 'buy', 50000, 0.01, 'leg_buy'),
    fill(2.4 * S, 4, 2, 'binance', 'sell', 49930, 0.01, 'hedge'),
    e(2.5 * S, 'round_closed', { pair_id: 2, symbol: 'BTCUSDT', open_ns: 2.1 * S, close_ns: 2.5 * S, pnl: 0.2, fees: 0.1, legging_pnl: -0.7, outcome: 'legged' }),
    e(3 * S, 'equity', { equity: 1002, exposure: { BTCUSDT: 0 }, drawdown: 0, balances: balances(0.11, 0.09) }),
    e(3 * S, 'run_end', { reason: 'signal', end_equity: 1002 }),
  ];
}

const hlog = readFileSync(path.join(FIXTURES, 'hlog', 'xarb-sample.hlog'), 'utf8');

t.test('a self-contained page: every chart inline, nothing fetched', async (t) => {
  const entries = journal();
  const html = renderReportHtml(computePerformance(entries, hlog), entries, hlog);
  t.ok(html.startsWith('<!DOCTYPE html>'));
  t.ok(html.trimEnd().endsWith('</html>'));
  t.notMatch(html, /https?:\/\//, 'no URL at all: no CDN, font, script or namespace reference');
  t.notMatch(html, /<script|<link|<img|@import|url\(/i);
  t.match(html, /<style>/);
  t.match(html, /<path class="equity" data-label="total equity" d="M[\d.]+,[\d.]+ L/);
  t.match(html, /<path class="strategy-equity" data-label="capital \+ strategy pnl" d="M[\d.]+,[\d.]+ L/);
  t.match(html, /strategy pnl<\/th><td>-0\.30 USDT/, 'round 1: 0.6 − 0.1 fees; round 2: −0.7 − 0.1');
  t.match(html, /<th>sortino ratio<\/th>|<td>sortino ratio<\/td>/);
  t.match(html, /Latency \(log scale\)/, 'log-scaled latency axis');
  t.match(html, /p99 over time: /, 'one p99-over-time panel per hop');
  t.notMatch(html, /e\+\d/, 'no exponent');
  t.equal(html.match(/<circle class="trade win"/g)?.length, 1);
  t.equal(html.match(/<circle class="trade loss"/g)?.length, 1, 'legging loss outweighs the round pnl');
  t.match(html, /<path class="spread-ab"/);
  t.match(html, /<path class="spread-ba"/);
  t.match(html, /<path class="threshold"[^>]*stroke-dasharray/);
  t.match(html, /<path class="inventory" data-label="binance BTCUSDT"/);
  t.match(html, /<path class="inventory" data-label="bybit BTCUSDT"/);
  t.match(html, /<path class="exposure" data-label="BTCUSDT"/);
  t.equal(html.match(/<path class="curve"/g)?.length, 2, 'one latency curve per hop');
  t.match(html, /<td>decision<\/td>/);
  t.match(html, /xarb run r&lt;1&gt;/, 'journal text is escaped');
  t.ok((html.match(/<svg/g)?.length ?? 0) >= 5);
  // Balanced tags: every opened element is closed or self-closed.
  const body = html.replace(/<!DOCTYPE html>/, '');
  const opened = (body.match(/<[a-z][^>]*[^/]>|<[a-z]>/g) ?? []).length;
  const closed = (body.match(/<\/[a-z0-9]+>/g) ?? []).length;
  t.equal(opened, closed);
});

t.test('a sparse journal still renders, saying what is missing', async (t) => {
  const entries = [e(0, 'run_start', { start_equity: 100 }), e(2 * S, 'run_end', { reason: 'done', end_equity: 100 })];
  const html = renderReportHtml(computePerformance(entries), entries);
  t.match(html, /<path class="equity"/);
  t.match(html, /no spread entries in the journal/);
  t.match(html, /no balances or exposure/);
  t.match(html, /no latency\.hlog/);
  const none = renderReportHtml(computePerformance([]), []);
  t.match(none, /no equity entries in the journal/);
  t.match(none, /warning: no run_start/);
});

t.test('decimate keeps the extremes and the ends of a long series', async (t) => {
  const pts: Array<[number, number]> = Array.from({ length: 100_000 }, (_, i) => [i, Math.sin(i / 1000)]);
  pts[54_321] = [54_321, 5];
  pts[12_345] = [12_345, -5];
  const d = decimate(pts, 400);
  t.ok(d.length <= 400);
  t.same(d[0], pts[0]);
  t.same(d[d.length - 1], pts[pts.length - 1]);
  t.ok(d.some((p) => p[1] === 5) && d.some((p) => p[1] === -5));
  t.ok(d.every((p, i) => i === 0 || p[0] > d[i - 1]![0]), 'x stays in order');
  t.equal(decimate(pts.slice(0, 10), 400).length, 10);
});
