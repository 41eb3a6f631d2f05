/**
 * Review of issue #10, finding: the strategy Sharpe of a run with a single trade is a number, and
 * the same number whatever the trade made. The strategy series is a step function (capital +
 * cumulative round PnL), resampled every minute: one round gives one non-zero return among N,
 * and mean/sd·√(periods per year) = √(525,960 / N) however large or small the round was
 * (src/report/pnl.ts:259-265: the "fewer than 30 returns" guard counts the zero returns of the
 * minutes without a trade). A 2 h run with one round of 0.00001 USDT reports Sharpe 66.2; a day
 * with one round reports 19.1, and `xarb sweep --rank-by sharpe` ranks such a point above a point
 * with ten rounds netting +4 USDT (nine +1, one −5: Sharpe 13.1).
 * Claim broken: Sharpe "n/a for a series ... with fewer than 30 returns" (docs/report.md, Ratios)
 * read as intended — a handful of observations says nothing — and "reports that measure the
 * strategy" (issue #10).
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
