/**
 * What the venues should hold at a live start by the journals (expected-balances.ts): the
 * latest live start line's balances, moved by the fills journaled after it (buys add base and
 * spend quote, sells the other way, fees from their asset). A start refused before trading
 * (its start line holds the config's figures) is not a baseline.
 */
import t from 'tap';
import { expectedBalancesFromJournal } from '../../src/execution/expected-balances.js';

const start = (over: Record<string, unknown> = {}) => ({
  t: 1000, ns: 0, type: 'run_start', mode: 'live', symbols: ['BTCUSDT', 'ETHUSDT'],
  balances: { binance: { quote: 10_000, base: { BTCUSDT: 1, ETHUSDT: 5 } }, bybit: { quote: 20_000, base: { BTCUSDT: 2, ETHUSDT: 0 } } }, ...over,
});
const fill = (venue: string, symbol: string, side: string, qty: number, px: number, fee = 0, feeAsset = 'quote') => ({
  t: 2000, ns: 1, type: 'report', venue, symbol, side, status: 'FILLED', last_px: px, last_qty: qty, fee, fee_asset: feeAsset,
});

t.test('start balances + fills, per venue and asset', async (t) => {
  const e = expectedBalancesFromJournal([
    start(),
    fill('binance', 'BTCUSDT', 'buy', 0.1, 60_000, 6, 'quote'),
    fill('bybit', 'BTCUSDT', 'sell', 0.1, 60_100, 0.0001, 'base'),
    { t: 2100, ns: 2, type: 'report', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', status: 'CANCELED', last_px: 0, last_qty: 0, fee: 0 },
    fill('binance', 'ETHUSDT', 'sell', 1, 3000, 0.001, 'BNB'),
    { t: 3000, ns: 3, type: 'run_end', reason: 'signal' },
  ])!;
  t.equal(e.from, 'run_start');
  t.equal(e.fills, 3);
  t.same([...e.balances.binance!], [['USDT', 10_000 - 6000 - 6 + 3000], ['BTC', 1.1], ['ETH', 4]], 'a BNB fee moves no tracked asset');
  t.same([...e.balances.bybit!].map(([a, v]) => [a, Math.round(v * 1e8) / 1e8]), [['USDT', 26_010], ['BTC', 1.8999], ['ETH', 0]]);
});

t.test('the latest start line counts; a refused start and a paper run are not baselines; none → null', async (t) => {
  const refused = { ...start({ t: 5000, balances: { binance: { quote: 1, base: { BTCUSDT: 1 } } } }), start_equity: null,
    start_equity_missing: 'a "run_end" line came before the first equity entry' };
  const e = expectedBalancesFromJournal([start(), fill('binance', 'BTCUSDT', 'buy', 0.5, 100), { type: 'run_end', t: 3, ns: 3 }, refused, { type: 'run_end', t: 6, ns: 6 }])!;
  t.equal(e.balances.binance!.get('BTC'), 1.5, 'the refused start is skipped; the earlier one and its fill count');
  const resumed = expectedBalancesFromJournal([start(), fill('binance', 'BTCUSDT', 'buy', 0.5, 100), start({ type: 'run_resumed', t: 9000 })])!;
  t.equal(resumed.from, 'run_resumed');
  t.equal(resumed.fills, 0);
  t.equal(expectedBalancesFromJournal([start({ mode: 'paper' })]), null);
  t.equal(expectedBalancesFromJournal([]), null);
  const mixed = expectedBalancesFromJournal([start({ symbols: ['BTCUSDT', 'BTCUSDC'], balances: { binance: { quote: 5, base: { BTCUSDT: 0.75, BTCUSDC: 0.25 } } } })])!;
  t.same([...mixed.balances.binance!], [['BTC', 1]], 'the symbols\' shares of a shared base add up; no quote when the symbols\' quotes differ');
});
