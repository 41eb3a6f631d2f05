/**
 * Sharpe and Sortino need at least 30 non-zero returns (docs/report.md, Ratios). Found in the
 * review of issue #10: the strategy series is a step function (capital + cumulative round PnL)
 * resampled every minute, so one round gave one non-zero return among N and mean/sd·√(periods
 * per year) = √(525,960 / N) however large or small the round was: a 2 h run with one round of
 * 0.00001 USDT reported Sharpe 66.2 (and `xarb sweep --rank-by sharpe` ranked it above ten
 * rounds netting +4 USDT). The old "fewer than 30 returns" guard counted the idle minutes.
 */
import t from 'tap';
import { computePerformance, type JournalEntry } from '../../src/report/performance.js';

const H = 3600e9;

function journal(rounds: Array<{ ns: number; q: number; buy: number; sell: number }>, hours: number): JournalEntry[] {
  const start = 100_000;
  const e: JournalEntry[] = [{
    type: 'run_start', t: 0, ns: 0, mode: 'backtest', symbols: ['BTCUSDT'], venues: ['binance', 'bybit'], start_equity: start,
    balances: { binance: { quote: start / 2, base: { BTCUSDT: 0 } }, bybit: { quote: start / 2, base: { BTCUSDT: 0 } } },
  }];
  let pid = 1;
  let oid = 1;
  for (const r of rounds) {
    const at = { t: r.ns / 1e6, ns: r.ns };
    e.push({ type: 'round_opened', ...at, pair_id: pid, symbol: 'BTCUSDT' });
    e.push({ type: 'intent', ...at, order_id: oid, pair_id: pid, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', qty: r.q, price: r.buy, role: 'leg_buy' });
    e.push({ type: 'report', ...at, order_id: oid++, pair_id: pid, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', status: 'filled',
      last_px: r.buy, last_qty: r.q, cum_qty: r.q, fee: 0, fee_asset: 'quote' });
    e.push({ type: 'intent', ...at, order_id: oid, pair_id: pid, venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', qty: r.q, price: r.sell, role: 'leg_sell' });
    e.push({ type: 'report', ...at, order_id: oid++, pair_id: pid, venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', status: 'filled',
      last_px: r.sell, last_qty: r.q, cum_qty: r.q, fee: 0, fee_asset: 'quote' });
    e.push({ type: 'round_closed', ...at, pair_id: pid++, pnl: (r.sell - r.buy) * r.q, legging_pnl: 0, fees: 0, outcome: 'matched', open_ns: r.ns, close_ns: r.ns });
  }
  const end = start + rounds.reduce((a, r) => a + (r.sell - r.buy) * r.q, 0);
  e.push({ type: 'run_end', t: (hours * H) / 1e6, ns: hours * H, reason: 'end of data', end_equity: end });
  return e;
}

t.test('one trade is not a Sharpe ratio', async (t) => {
  const tiny = computePerformance(journal([{ ns: 1.5 * H, q: 0.001, buy: 100, sell: 100.01 }], 2)); // +0.00001 USDT
  const big = computePerformance(journal([{ ns: 1.5 * H, q: 10, buy: 100, sell: 110 }], 2)); // +100 USDT
  t.equal(tiny.rounds.withFill, 1);
  t.equal(big.rounds.withFill, 1);
  t.equal(tiny.strategyRatios.sharpe, null, 'a single round of 0.00001 USDT over 2 h: strategy Sharpe n/a, not 66.2');
  t.equal(big.strategyRatios.sharpe, null, 'a single round of 100 USDT over 2 h: strategy Sharpe n/a, not the same 66.2');
});

t.test('30 rounds in 30 different minutes are enough for a strategy Sharpe', async (t) => {
  const rounds = Array.from({ length: 30 }, (_, i) => ({ ns: (0.1 + i * 0.05) * H, q: 1, buy: 100, sell: i % 3 === 0 ? 99.99 : 100.02 }));
  const p = computePerformance(journal(rounds, 2));
  t.equal(p.rounds.withFill, 30);
  t.type(p.strategyRatios.sharpe, 'number', 'a Sharpe from 30 non-zero minute returns');
  const fewer = computePerformance(journal(rounds.slice(0, 29), 2));
  t.equal(fewer.strategyRatios.sharpe, null, '29 are not');
});
