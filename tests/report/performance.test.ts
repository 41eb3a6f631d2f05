import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../helpers/paths.js';
import { computePerformance, parseJournalText } from '../../src/report/performance.js';
import type { JournalEntry } from '../../src/report/performance.js';
import { formatReportText } from '../../src/report/report-text.js';
import { formatTradesCsv } from '../../src/report/trades-csv.js';

const T0 = 1_700_000_000_000;
const S = 1e9;
function e(ns: number, type: string, fields: Record<string, unknown> = {}): JournalEntry {
  return { t: T0 + ns / 1e6, ns, type, ...fields };
}
const near = (a: number | null, b: number, eps = 1e-12): boolean => a !== null && Math.abs(a - b) <= eps * Math.max(1, Math.abs(b));

function intent(ns: number, id: number, pair: number, venue: string, side: string, price: number, qty: number, role: string): JournalEntry {
  return e(ns, 'intent', { order_id: id, pair_id: pair, venue, symbol: 'BTCUSDT', side, price, qty, role });
}
function report(ns: number, id: number, pair: number, venue: string, side: string, status: string, px: number, last: number, cum: number, fee: number, feeAsset: string): JournalEntry {
  return e(ns, 'report', { order_id: id, pair_id: pair, venue, symbol: 'BTCUSDT', side, status, last_px: px, last_qty: last, cum_qty: cum, fee, fee_asset: feeAsset, error: null });
}

/**
 * Three rounds over 4 s: a matched win, a legged loss (one leg partial, hedged), a failed round
 * (both legs rejected). Equity 1000 → 1010 → 990 → 1005 → 1020.
 */
function handJournal(): JournalEntry[] {
  return [
    e(0, 'run_start', {
      mode: 'backtest', run_id: 'r-test', symbols: ['BTCUSDT'], venues: ['binance', 'bybit'], start_equity: 1000,
      balances: { binance: { quote: 500, base: { BTCUSDT: 0.005 } }, bybit: { quote: 500, base: { BTCUSDT: 0.005 } } }, config: {},
    }),
    e(0.05 * S, 'spread', { symbol: 'BTCUSDT', ab_bps: 3, ba_bps: -5, threshold_bps: 2 }),
    e(0.1 * S, 'round_opened', { pair_id: 1, symbol: 'BTCUSDT', buy_venue: 'binance', sell_venue: 'bybit', edge_bps: 4, qty: 0.01 }),
    intent(0.1 * S, 1, 1, 'binance', 'buy', 50000, 0.01, 'leg_buy'),
    intent(0.1 * S, 2, 1, 'bybit', 'sell', 50100, 0.01, 'leg_sell'),
    report(0.2 * S, 1, 1, 'binance', 'buy', 'acked', 0, 0, 0, 0, 'base'),
    report(0.3 * S, 1, 1, 'binance', 'buy', 'filled', 50000, 0.01, 0.01, 0.00001, 'base'),
    report(0.3 * S, 2, 1, 'bybit', 'sell', 'filled', 50100, 0.01, 0.01, 0.5, 'quote'),
    e(0.4 * S, 'round_closed', { pair_id: 1, symbol: 'BTCUSDT', open_ns: 0.1 * S, close_ns: 0.4 * S, pnl: 0.4, fees: 1.0, legging_pnl: 0, outcome: 'matched' }),
    e(1 * S, 'equity', { equity: 1010, exposure: { BTCUSDT: 0 }, drawdown: 0 }),
    e(1.5 * S, 'round_opened', { pair_id: 2, symbol: 'BTCUSDT', buy_venue: 'binance', sell_venue: 'bybit', edge_bps: 3, qty: 0.01 }),
    intent(1.5 * S, 3, 2, 'binance', 'buy', 50000, 0.01, 'leg_buy'),
    intent(1.5 * S, 4, 2, 'bybit', 'sell', 50080, 0.01, 'leg_sell'),
    report(1.6 * S, 3, 2, 'binance', 'buy', 'filled', 50000, 0.01, 0.01, 0.5, 'quote'),
    report(1.6 * S, 4, 2, 'bybit', 'sell', 'partial', 50080, 0.004, 0.004, 0.2, 'quote'),
    report(1.7 * S, 4, 2, 'bybit', 'sell', 'canceled', 0, 0, 0.004, 0, 'quote'),
    intent(1.8 * S, 5, 2, 'binance', 'sell', 49900, 0.006, 'hedge'),
    report(1.9 * S, 5, 2, 'binance', 'sell', 'filled', 49900, 0.006, 0.006, 0.3, 'quote'),
    e(2 * S, 'equity', { equity: 990, exposure: { BTCUSDT: 0 }, drawdown: 20 / 1010 }),
    e(2.1 * S, 'risk', { rule: 'legging', action: 'hedge', detail: 'pair 2' }),
    e(2.5 * S, 'round_closed', { pair_id: 2, symbol: 'BTCUSDT', open_ns: 1.5 * S, close_ns: 2.5 * S, pnl: 0.1, fees: 1.2, legging_pnl: -0.6, outcome: 'legged' }),
    e(3 * S, 'equity', { equity: 1005, exposure: { BTCUSDT: 0 }, drawdown: 5 / 1010 }),
    e(3 * S, 'round_opened', { pair_id: 3, symbol: 'BTCUSDT', buy_venue: 'bybit', sell_venue: 'binance', edge_bps: 2.5, qty: 0.01 }),
    intent(3 * S, 6, 3, 'bybit', 'buy', 50000, 0.01, 'leg_buy'),
    intent(3 * S, 7, 3, 'binance', 'sell', 50050, 0.01, 'leg_sell'),
    report(3.1 * S, 6, 3, 'bybit', 'buy', 'rejected', 0, 0, 0, 0, 'quote'),
    report(3.1 * S, 7, 3, 'binance', 'sell', 'rejected', 0, 0, 0, 0, 'quote'),
    e(3.2 * S, 'round_closed', { pair_id: 3, symbol: 'BTCUSDT', open_ns: 3 * S, close_ns: 3.2 * S, pnl: 0, fees: 0, legging_pnl: 0, outcome: 'failed' }),
    e(4 * S, 'equity', { equity: 1020, exposure: { BTCUSDT: 0 }, drawdown: 0 }),
    e(4 * S, 'run_end', { reason: 'duration', end_equity: 1020 }),
  ];
}

t.test('computePerformance: every metric of a hand-built journal', async (t) => {
  const p = computePerformance(handJournal());
  t.same(p.warnings, []);
  t.equal(p.runId, 'r-test');
  t.equal(p.mode, 'backtest');
  t.equal(p.durationNs, 4e9);
  t.equal(p.endReason, 'duration');
  t.equal(p.startEquity, 1000);
  t.equal(p.endEquity, 1020);
  t.ok(near(p.totalReturn, 0.02), `total return ${p.totalReturn}`);
  t.ok(near(p.maxDrawdown, 20 / 1010), `max drawdown ${p.maxDrawdown}`);
  t.equal(p.maxDrawdownQuote, 20);
  t.same(p.rounds, { opened: 3, closed: 3, matched: 1, legged: 1, failed: 1, wins: 1, openAtEnd: 0 });
  t.ok(near(p.winRate, 1 / 3));
  t.ok(near(p.avgHoldingNs, 0.5e9), `avg holding ${p.avgHoldingNs}`);
  t.ok(near(p.feesQuote, 2.2));
  t.ok(near(p.leggingPnl, -0.6));
  t.ok(near(p.roundPnl, 0.5));
  t.ok(near(p.realizedPnl, -0.1));
  t.same(p.riskEvents, [{ rule: 'legging', action: 'hedge', count: 1 }]);
});

t.test('orders: final status per order, fills, fill ratio and fees from fills', async (t) => {
  const o = computePerformance(handJournal()).orders;
  t.equal(o.sent, 7);
  t.same(o.byRole, { leg_buy: 3, leg_sell: 3, hedge: 1 });
  t.same(o.byStatus, { acked: 0, partial: 0, filled: 4, canceled: 1, rejected: 2, expired: 0, unreported: 0 });
  t.equal(o.fills, 5);
  t.equal(o.withFill, 5);
  t.ok(near(o.intendedQty, 0.066));
  t.ok(near(o.filledQty, 0.04));
  t.ok(near(o.fillRatio, 0.04 / 0.066));
  // 0.00001 BTC at 50000 = 0.5 quote, plus 0.5 + 0.5 + 0.2 + 0.3 in quote.
  t.ok(near(o.feesFromFillsQuote, 2.0));
});

t.test('Sharpe: 1 s returns of a 4 s run, by hand', async (t) => {
  const p = computePerformance(handJournal());
  // Equity on the 1 s grid: 1000 | 1010 990 1005 1020.
  const r = [1010 / 1000 - 1, 990 / 1010 - 1, 1005 / 990 - 1, 1020 / 1005 - 1];
  const mean = (r[0]! + r[1]! + r[2]! + r[3]!) / 4;
  const sd = Math.sqrt(((r[0]! - mean) ** 2 + (r[1]! - mean) ** 2 + (r[2]! - mean) ** 2 + (r[3]! - mean) ** 2) / 3);
  const perYear = 365.25 * 86400;
  t.equal(p.sharpeIntervalSec, 1);
  t.equal(p.sharpeReturns, 4);
  t.ok(near(p.sharpe, (mean / sd) * Math.sqrt(perYear), 1e-9), `sharpe ${p.sharpe}`);
  t.equal(p.sharpeNote, null);
});

t.test('Sharpe: n/a on zero variance and on too short a run; 1 min intervals for long runs', async (t) => {
  const flat = computePerformance([
    e(0, 'run_start', { start_equity: 100 }),
    ...[1, 2, 3, 4].map((s) => e(s * S, 'equity', { equity: 100 })),
    e(5 * S, 'run_end', { reason: 'done', end_equity: 100 }),
  ]);
  t.equal(flat.sharpe, null);
  t.match(flat.sharpeNote, /zero variance/);
  t.equal(flat.totalReturn, 0);
  t.equal(flat.maxDrawdown, 0);

  const short = computePerformance([e(0, 'run_start', { start_equity: 100 }), e(1.5 * S, 'run_end', { reason: 'done', end_equity: 101 })]);
  t.equal(short.sharpe, null);
  t.match(short.sharpeNote, /fewer than 2 intervals/);

  // Two hours, equity steps every 10 minutes: 1 min grid, 120 returns.
  const long = computePerformance([
    e(0, 'run_start', { start_equity: 100 }),
    ...Array.from({ length: 12 }, (_, i) => e((i + 1) * 600 * S, 'equity', { equity: 100 + ((i * 7) % 5) })),
    e(7200 * S, 'run_end', { reason: 'done', end_equity: 102 }),
  ]);
  t.equal(long.sharpeIntervalSec, 60);
  t.equal(long.sharpeReturns, 120);
  t.ok(long.sharpe !== null && Number.isFinite(long.sharpe));
});

t.test('annualized return: compounded over the duration; flagged under a day', async (t) => {
  const run = (durationSec: number, end: number) => computePerformance([
    e(0, 'run_start', { start_equity: 1000 }),
    e(durationSec * S, 'run_end', { reason: 'done', end_equity: end }),
  ]);
  const twoDays = run(2 * 86400, 1010);
  t.ok(near(twoDays.annualizedReturn, 1.01 ** (365.25 / 2) - 1, 1e-9));
  t.equal(twoDays.annualizedNote, null);
  const halfDay = run(43200, 1001);
  t.ok(near(halfDay.annualizedReturn, 1.001 ** (365.25 * 2) - 1, 1e-9));
  t.match(halfDay.annualizedNote, /shorter than a day/);
  // 2 % in 4 s does not fit in a double once compounded over a year: n/a, not Infinity.
  const p = computePerformance(handJournal());
  t.equal(p.annualizedReturn, null);
  t.match(p.annualizedNote, /shorter than a day.*overflows/);
});

t.test('a journal without run_end: numbers up to the last entry, with a warning', async (t) => {
  const cut = handJournal().filter((x) => x.type !== 'run_end' && x.ns <= 3 * S);
  const p = computePerformance(cut);
  t.equal(p.endReason, null);
  t.equal(p.endEquity, 1005);
  t.equal(p.endEquitySource, 'last equity entry');
  t.equal(p.durationNs, 3e9);
  t.match(p.warnings.join('\n'), /no run_end/);
  t.equal(p.rounds.openAtEnd, 1);
});

t.test('parseJournalText: a torn last line is reported and skipped, bad middle lines too', async (t) => {
  const good = handJournal().map((x) => JSON.stringify(x));
  const torn = parseJournalText(good.join('\n') + '\n{"t":1700000004000,"ns":4000000000,"type":"equ');
  t.equal(torn.entries.length, good.length);
  t.same(torn.problems, [{ line: good.length + 1, torn: true, message: 'torn last line (cut short), skipped' }]);
  t.ok(near(computePerformance(torn.entries).totalReturn, 0.02));

  const middle = parseJournalText(['{"t":1,"ns":5,"type":"risk"}', 'garbage', '[1,2]', '{"t":2,"ns":6,"type":"risk"}', ''].join('\n'));
  t.equal(middle.entries.length, 2);
  t.same(middle.problems.map((p) => [p.line, p.torn]), [[2, false], [3, false]]);

  const clean = parseJournalText(good.join('\n') + '\n');
  t.same(clean.problems, []);
  const empty = parseJournalText('');
  t.same(empty, { entries: [], problems: [] });
  t.doesNotThrow(() => computePerformance([]));
});

t.test('latency percentiles per hop from latency.hlog', async (t) => {
  const hlog = readFileSync(path.join(FIXTURES, 'hlog', 'xarb-sample.hlog'), 'utf8');
  const p = computePerformance(handJournal(), hlog);
  t.same(p.latency.map((l) => l.hop), ['decision', 'sent_to_ack']);
  const d = p.latency[0]!;
  t.equal(d.count, 100);
  t.ok(d.p50Ns <= d.p90Ns && d.p90Ns <= d.p99Ns && d.p99Ns <= d.p999Ns && d.p999Ns <= d.maxNs);
  t.equal(p.latencyNote, null);
  const none = computePerformance(handJournal());
  t.same(none.latency, []);
  t.equal(none.latencyNote, 'no latency.hlog');
  const bad = computePerformance(handJournal(), 'not an hlog');
  t.match(bad.latencyNote, /latency\.hlog unreadable/);
});

t.test('text report: the headline numbers with their units and intervals', async (t) => {
  const hlog = readFileSync(path.join(FIXTURES, 'hlog', 'xarb-sample.hlog'), 'utf8');
  const text = formatReportText(computePerformance(handJournal(), hlog));
  t.match(text, /run r-test  mode backtest/);
  t.match(text, /total return:\s+2\.0000 %/);
  t.match(text, /annualized return:\s+n\/a  \(over 4 s; run shorter than a day/);
  t.match(text, /sharpe ratio:\s+-?\d+\.\d{3}  \(1 s returns, 4 intervals, annualized, rf 0\)/);
  t.match(text, /max drawdown:\s+1\.9802 %  \(20\.0000 quote\)/);
  t.match(text, /closed:\s+3  \(matched 1, legged 1, failed 1/);
  t.match(text, /win rate:\s+33\.33 %/);
  t.match(text, /avg holding time:\s+500 ms/);
  t.match(text, /fees paid:\s+2\.2000/);
  t.match(text, /of which legging:\s+-0\.6000/);
  t.match(text, /by final status:\s+acked 0, partial 0, filled 4, canceled 1, rejected 2, expired 0/);
  t.match(text, /^\s+decision\s+\S+ µs/m);
});

t.test('trades.csv: one row per fill, role from the intent', async (t) => {
  const csv = formatTradesCsv(handJournal()).trimEnd().split('\n');
  t.equal(csv[0], 'time,pair_id,venue,symbol,side,price,qty,fee,fee_asset,role');
  t.equal(csv.length, 6);
  t.equal(csv[1], '2023-11-14T22:13:20.300Z,1,binance,BTCUSDT,buy,50000,0.01,0.00001,base,leg_buy');
  t.equal(csv[4], '2023-11-14T22:13:21.600Z,2,bybit,BTCUSDT,sell,50080,0.004,0.2,quote,leg_sell');
  t.equal(csv[5], '2023-11-14T22:13:21.900Z,2,binance,BTCUSDT,sell,49900,0.006,0.3,quote,hedge');
});

t.test('reads the Journal class dialect too: fill/cancel lines, camelCase fields, numeric roles', async (t) => {
  const lines = [
    e(0, 'run_start', { mode: 'dry-run', run_id: 'j', start_equity: 1000 }),
    e(1, 'intent', { orderId: 1, pairId: 1, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 50000, qty: 0.01, tif: 1, role: 1 }),
    e(2, 'intent', { orderId: 2, pairId: 1, venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 50100, qty: 0.01, tif: 1, role: 2 }),
    e(3, 'ack', { orderId: 1, pairId: 1, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', status: 'acked', lastPx: 0, lastQty: 0, cumQty: 0, fee: 0, feeAsset: 'quote', errorCode: 0, role: 1 }),
    e(4, 'fill', { orderId: 1, pairId: 1, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', status: 'filled', lastPx: 50000, lastQty: 0.01, cumQty: 0.01, fee: 0.5, feeAsset: 'quote', errorCode: 0, role: 1 }),
    e(5, 'cancel', { orderId: 2, pairId: 1, venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', status: 'canceled', lastPx: 0, lastQty: 0, cumQty: 0, fee: 0, feeAsset: 'quote', errorCode: 0, role: 2 }),
    e(6, 'risk', { event: 'stale_feed', action: 'pause' }),
    e(7, 'run_end', { reason: 'done', end_equity: 999 }),
  ];
  const p = computePerformance(lines);
  t.same(p.orders.byRole, { leg_buy: 1, leg_sell: 1 });
  t.same(p.orders.byStatus, { acked: 0, partial: 0, filled: 1, canceled: 1, rejected: 0, expired: 0, unreported: 0 });
  t.equal(p.orders.fills, 1);
  t.ok(near(p.orders.fillRatio, 0.5));
  t.same(p.riskEvents, [{ rule: 'stale_feed', action: 'pause', count: 1 }]);
  const csv = formatTradesCsv(lines).trimEnd().split('\n');
  t.equal(csv.length, 2);
  t.match(csv[1], /,1,binance,BTCUSDT,buy,50000,0\.01,0\.5,quote,leg_buy$/);
});
