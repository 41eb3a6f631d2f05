import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../helpers/paths.js';
import { computePerformance, parseJournalText } from '../../src/report/performance.js';
import { drawdownOf, ratiosOf } from '../../src/report/pnl.js';
import { DrawdownTracker } from '../../src/strategy/risk.js';
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
    report(0.3 * S, 2, 1, 'bybit', 'sell', 'filled', 50100, 0.01, 0.01, 0.1, 'quote'),
    e(0.4 * S, 'round_closed', { pair_id: 1, symbol: 'BTCUSDT', open_ns: 0.1 * S, close_ns: 0.4 * S, pnl: 0.4, fees: 0.6, legging_pnl: 0, outcome: 'matched' }),
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
  t.ok(near(p.maxDrawdown, 20 / 1000), `max drawdown ${p.maxDrawdown}: (peak 1010 − 990) / start equity 1000`);
  t.equal(p.maxDrawdownQuote, 20);
  t.same(p.rounds, { opened: 3, closed: 3, matched: 1, legged: 1, failed: 1, openAtEnd: 0, withFill: 2, wins: 1, losses: 1, unfilled: 1 });
  t.ok(near(p.winRate, 1 / 2), 'win rate over the 2 rounds with a fill; the failed round is counted apart');
  t.ok(near(p.avgHoldingNs, 0.5e9), `avg holding ${p.avgHoldingNs}`);
  t.ok(near(p.feesQuote, 1.8));
  t.ok(near(p.leggingPnl, -0.6));
  t.ok(near(p.roundPnl, 0.5));
  t.ok(near(p.realizedPnl, -0.1));
  // from the fills: round 1 arbitrage 0.01 × 100 = 1, fees 0.5 + 0.1; round 2 matched 0.004 × 80 = 0.32,
  // cash −500 + 200.32 + 299.4 = −0.28 so legging −0.6, fees 0.5 + 0.2 + 0.3
  t.ok(near(p.pnl.arbitrage, 1.32), `arbitrage ${p.pnl.arbitrage}`);
  t.ok(near(p.pnl.legging, -0.6), `legging ${p.pnl.legging}`);
  t.ok(near(p.pnl.fees, 1.6), `fees ${p.pnl.fees}`);
  t.ok(near(p.pnl.strategy, 1.32 - 0.6 - 1.6), `strategy ${p.pnl.strategy}`);
  t.same(p.pnl.feesByAsset.map((f) => [f.asset, Number(f.amount.toFixed(8)), Number(f.quote!.toFixed(8))]), [['BTC', 0.00001, 0.5], ['USDT', 1.1, 1.1]]);
  t.ok(near(p.pnl.total, 20));
  t.ok(near(p.pnl.inventory, 20 - (1.32 - 0.6 - 1.6)));
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
  t.ok(near(o.feesFromFillsQuote, 1.6));
});

t.test('ratios by hand: 1 min returns of a 1 h series; Sharpe, Sortino, drawdown, Calmar', async (t) => {
  // equity steps every minute, 60 min: up 1 on odd minutes, a little less on even ones
  const pts = Array.from({ length: 61 }, (_, i) => ({ ns: i * 60 * S, equity: 1000 + (i % 2 === 0 ? i * 0.05 : i * 0.05 + 1) }));
  const r = ratiosOf('test', pts, 1000, pts[60]!.equity, 3600 * S);
  const rets = pts.slice(1).map((p, i) => p.equity / pts[i]!.equity - 1);
  const mean = rets.reduce((a, b) => a + b, 0) / rets.length;
  const sd = Math.sqrt(rets.reduce((a, x) => a + (x - mean) ** 2, 0) / (rets.length - 1));
  const down = Math.sqrt(rets.reduce((a, x) => a + (x < 0 ? x * x : 0), 0) / rets.length);
  const perYear = Math.sqrt((365.25 * 86400) / 60);
  t.equal(r.periodSec, 60);
  t.equal(r.returns, 60);
  t.ok(near(r.sharpe, (mean / sd) * perYear, 1e-9), `sharpe ${r.sharpe}`);
  t.ok(near(r.sortino, (mean / down) * perYear, 1e-9), `sortino ${r.sortino}`);
  // running peak 1001 + 0.05k at odd k, next even point 0.95 lower: drawdown 0.95 / 1000
  t.ok(near(r.maxDrawdown, 0.95 / 1000, 1e-9), `max drawdown ${r.maxDrawdown}`);
  t.ok(near(r.maxDrawdownQuote, 0.95, 1e-9));
  t.equal(r.annualizedReturn, null, 'a 1 h run is not extrapolated to a year');
  t.equal(r.calmar, null);
  const short = ratiosOf('test', pts.map((p) => ({ ns: p.ns / 60, equity: p.equity })), 1000, pts[60]!.equity, 60 * S);
  t.equal(short.sharpe, null, 'the same shape over 60 s: no Sharpe');
  t.match(short.ratioNote, /shorter than 1 h/);
  const long = ratiosOf('test', [{ ns: 0, equity: 100 }, { ns: 2 * 86400 * S, equity: 110 }], 100, 110, 2 * 86400 * S);
  t.ok(near(long.annualizedReturn, 1.1 ** (365.25 / 2) - 1, 1e-9));
  t.equal(long.periodSec, 3600, '1 h returns for runs of two days or more');
});

t.test('drawdown: one definition, (running peak − equity) / start equity, the risk rule\'s', async (t) => {
  const pts = [1000, 1100, 990, 1050, 900, 1200].map((equity, i) => ({ ns: i * S, equity }));
  const d = drawdownOf(pts, 1000);
  t.equal(d.quote, 200, 'peak 1100 to 900');
  t.ok(near(d.fraction, 0.2), 'of the start equity 1000, not of the peak 1100 (which would give 0.1818)');
  const tracker = new DrawdownTracker();
  let worst = 0;
  for (const p of pts) worst = Math.max(worst, tracker.update(p.equity));
  t.ok(near(worst, d.fraction!), 'the risk rule measures the same number');
});

t.test('Sharpe: n/a on zero variance and on too few returns; 1 min intervals for long runs', async (t) => {
  const flat = computePerformance([
    e(0, 'run_start', { start_equity: 100 }),
    ...Array.from({ length: 40 }, (_, i) => e((i + 1) * 100 * S, 'equity', { equity: 100 })),
    e(4100 * S, 'run_end', { reason: 'done', end_equity: 100 }),
  ]);
  t.equal(flat.sharpe, null);
  t.match(flat.sharpeNote, /fewer than 30 non-zero returns/, 'a flat series: no return moved');
  t.equal(flat.totalReturn, 0);
  t.equal(flat.maxDrawdown, 0);

  // 8.8 s, no orders, a noisy mark: too few returns for a ratio (it used to say Sharpe 1,748)
  const short = computePerformance([e(0, 'run_start', { start_equity: 100 }), e(4 * S, 'equity', { equity: 100.3 }), e(8.8 * S, 'run_end', { reason: 'done', end_equity: 101 })]);
  t.equal(short.sharpe, null);
  t.match(short.sharpeNote, /shorter than 1 h/);
  t.equal(short.strategyRatios.sharpe, null, 'and no strategy Sharpe without a round');

  // Two hours, equity steps every 2 minutes: 1 min grid, 120 returns, 60 of them non-zero.
  const long = computePerformance([
    e(0, 'run_start', { start_equity: 100 }),
    ...Array.from({ length: 60 }, (_, i) => e((i + 1) * 120 * S, 'equity', { equity: 100 + ((i * 7) % 5) })),
    e(7200 * S, 'run_end', { reason: 'done', end_equity: 102 }),
  ]);
  t.equal(long.sharpeIntervalSec, 60);
  t.equal(long.sharpeReturns, 120);
  t.ok(long.sharpe !== null && Number.isFinite(long.sharpe));
});

t.test('annualized return: compounded over the duration; n/a under 23 h, never an overflow', async (t) => {
  const run = (durationSec: number, end: number) => computePerformance([
    e(0, 'run_start', { start_equity: 1000 }),
    e(durationSec * S, 'run_end', { reason: 'done', end_equity: end }),
  ]);
  const twoDays = run(2 * 86400, 1010);
  t.ok(near(twoDays.annualizedReturn, 1.01 ** (365.25 / 2) - 1, 1e-9));
  t.equal(twoDays.annualizedNote, null);
  const halfDay = run(43200, 1001);
  t.equal(halfDay.annualizedReturn, null);
  t.match(halfDay.annualizedNote, /shorter than 23 h/);
  const p = computePerformance(handJournal());
  t.equal(p.annualizedReturn, null);
});

t.test('price falls while every round wins: strategy PnL > 0, inventory PnL < 0, both reported', async (t) => {
  // 1 BTC on each venue at 50,000, 100,000 USDT each; 40 rounds over 80 min each make 10 USDT
  // after fees while BTC falls 50 USDT every 2 minutes.
  const entries: JournalEntry[] = [e(0, 'run_start', {
    mode: 'backtest', run_id: 'fall', symbols: ['BTCUSDT'], venues: ['binance', 'bybit'], start_equity: 300_000,
    balances: { binance: { quote: 100_000, base: { BTCUSDT: 1 } }, bybit: { quote: 100_000, base: { BTCUSDT: 1 } } },
  })];
  let id = 0;
  for (let k = 1; k <= 40; k++) {
    const ns = k * 120 * S;
    const px = 50_000 - 50 * k;
    entries.push(e(ns - 2e6, 'round_opened', { pair_id: k, symbol: 'BTCUSDT' }));
    entries.push(report(ns - 1e6, ++id, k, 'binance', 'buy', 'filled', px, 0.1, 0.1, 0.00001, 'base'));
    entries.push(report(ns - 1e6, ++id, k, 'bybit', 'sell', 'filled', px + 110, 0.1, 0.1, 0.5, 'quote'));
    entries.push(e(ns, 'round_closed', { pair_id: k, outcome: 'matched' }));
    // the same holdings (each round is flat in base) marked at the falling price
    const equity = 300_000 + 10 * k - 100 * k + 0.00001 * k * 0 - (0.00001 * (50_000 - 50 * k) * 0);
    entries.push(e(ns, 'equity', { equity, marks: { binance: { BTCUSDT: px }, bybit: { BTCUSDT: px } } }));
  }
  entries.push(e(4800 * S, 'run_end', { reason: 'done', end_equity: 300_000 + 400 - 4000 }));
  const p = computePerformance(entries);
  // per round: 0.1 × 110 = 11 arbitrage, fees 0.00001 BTC × px + 0.5
  const fees = Array.from({ length: 40 }, (_, i) => 0.00001 * (50_000 - 50 * (i + 1)) + 0.5).reduce((a, b) => a + b, 0);
  t.ok(near(p.pnl.arbitrage, 440, 1e-9), `arbitrage ${p.pnl.arbitrage}`);
  t.ok(near(p.pnl.fees, fees, 1e-9));
  t.ok(p.pnl.strategy > 0 && near(p.pnl.strategy, 440 - fees, 1e-9), `strategy pnl ${p.pnl.strategy}`);
  t.ok(near(p.pnl.total, -3600), 'equity fell');
  t.ok(p.pnl.inventory! < 0 && near(p.pnl.inventory, -3600 - (440 - fees), 1e-9), `inventory pnl ${p.pnl.inventory}`);
  t.ok(near(p.pnl.holdEquity, 200_000 + 2 * 48_000), 'starting balances at the last mark');
  t.ok(near(p.pnl.vsHold, 296_400 - 296_000), 'pnl vs hold');
  t.equal(p.winRate, 1, 'every round won');
  t.ok(p.strategyRatios.totalReturn! > 0, 'strategy return positive');
  t.ok(p.equityRatios.totalReturn! < 0, 'total-equity return negative');
  t.ok(p.strategyRatios.sharpe !== null && p.strategyRatios.sharpe > 0, `strategy sharpe ${p.strategyRatios.sharpe}`);
  t.equal(p.strategyRatios.maxDrawdown, 0, 'no drawdown in strategy PnL');
  const text = formatReportText(p);
  t.match(text, /strategy pnl:\s+\d{3}\.\d{2} USDT/);
  t.match(text, /inventory pnl:\s+-4,000\.\d{2} USDT/);
  t.match(text, /return\s+0\.\d{4} %\s+-1\.2000 %/);
});

t.test('a round with fees in a third asset: converted at the fill\'s fee_quote or run_start.fee_prices', async (t) => {
  const base = [
    e(0, 'run_start', { start_equity: 1000, fee_prices: { BNB: 600 } }),
    e(1 * S, 'round_opened', { pair_id: 1 }),
    report(2 * S, 1, 1, 'binance', 'buy', 'filled', 100, 1, 1, 0.0002, 'BNB'), // 0.12 USDT at 600
    { ...report(2 * S, 2, 1, 'bybit', 'sell', 'filled', 101, 1, 1, 0.0001, 'BNB'), fee_quote: 0.065 }, // the venue's own conversion
    e(3 * S, 'round_closed', { pair_id: 1, outcome: 'matched' }),
    e(4 * S, 'run_end', { reason: 'done', end_equity: 1000.815 }),
  ];
  const p = computePerformance(base);
  t.same(p.pnl.feesByAsset.map((f) => [f.asset, Number(f.amount.toFixed(10)), Number(f.quote!.toFixed(10))]), [['BNB', 0.0003, 0.185]]);
  t.ok(near(p.pnl.strategy, 1 - 0.185), `strategy pnl ${p.pnl.strategy}`);
  t.same(p.warnings, []);
  const noPrice = computePerformance(base.map((x) => (x.type === 'run_start' ? e(0, 'run_start', { start_equity: 1000 }) : x)));
  t.equal(noPrice.pnl.feesByAsset[0]!.quote, null, 'no price: not converted');
  t.match(noPrice.warnings.join('\n'), /fees of 0\.0002 BNB not converted/);
  t.match(formatReportText(noPrice), /BNB 0\.00030000 \(not converted\)/);
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
  t.match(text, /return\s+-0\.0880 %\s+2\.0000 %/);
  t.match(text, /annualized return\s+n\/a\s+n\/a/);
  t.match(text, /n\/a: run shorter than 23 h/);
  t.match(text, /sharpe ratio\s+n\/a\s+n\/a/);
  t.match(text, /n\/a: series shorter than 1 h/);
  t.match(text, /max drawdown.*2\.0000 % \(20\.00 USDT\)/);
  t.match(text, /closed:\s+3  \(matched 1, legged 1, failed 1/);
  t.match(text, /win rate:\s+50\.00 %  \(1 of 2 rounds with a fill/);
  t.match(text, /without any fill: 1/);
  t.match(text, /avg holding time:\s+500 ms/);
  t.match(text, /fees:\s+-1\.60 USDT  \(BTC 0\.00001000 = 0\.50 USDT; USDT 1\.10\)/);
  t.match(text, /legging pnl:\s+-0\.60 USDT/);
  t.notMatch(text, /e\+\d/, 'no exponent anywhere');
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

t.test('a live journal with venue_fill / venue_order lines (private streams) reports the same as one without them', async (t) => {
  const base = handJournal();
  const withVenueLines: JournalEntry[] = [];
  for (const x of base) {
    withVenueLines.push(x);
    if (x.type === 'report' && Number(x['last_qty']) > 0) {
      withVenueLines.push(e(Number(x.ns) + 1, 'venue_fill', { venue: x['venue'], symbol: x['symbol'], client_order_id: `xr-${String(x['order_id'])}`,
        venue_order_id: '1', trade_id: `t${String(x['order_id'])}`, side: x['side'], price: x['last_px'], qty: x['last_qty'], fee: 0, fee_asset: 'USDT',
        trade_ms: T0, source: 'stream' }));
      withVenueLines.push(e(Number(x.ns) + 2, 'venue_order', { venue: x['venue'], client_order_id: `xr-${String(x['order_id'])}`, venue_order_id: '1',
        status: 'FILLED', cum_qty: x['cum_qty'], avg_px: x['last_px'], source: 'stream', settled: false }));
    }
  }
  t.ok(withVenueLines.length > base.length);
  const a = computePerformance(withVenueLines);
  const b = computePerformance(base);
  t.equal(a.entries, b.entries + (withVenueLines.length - base.length), 'read, counted');
  t.same({ ...a, entries: 0 }, { ...b, entries: 0 }, 'the executor\'s report entries stay the report\'s only fills');
});
