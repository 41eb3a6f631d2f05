/**
 * Live starting balances from the venues' accounts (start-balances.ts): shared assets are
 * counted once. Two symbols on one base asset split the venue's balance of it (in proportion
 * to `[execution.initial_balances]`, or evenly), never both seeded with the whole of it;
 * symbols on one quote asset share the one quote balance; symbols on different quote assets
 * get the smallest of those balances.
 */
import t from 'tap';
import { startBalancesFromVenues } from '../../src/execution/start-balances.js';
import type { VenueSnapshot } from '../../src/execution/reconcile.js';

const snap = (venue: 'binance' | 'bybit', b: Record<string, number>): VenueSnapshot => ({
  venue, balances: new Map(Object.entries(b)), openOrders: [], history: [], fills: [],
});

t.test('one symbol per asset: the venue\'s balances as they are', async (t) => {
  const r = startBalancesFromVenues([snap('binance', { USDT: 1000, BTC: 1, ETH: 10 })], ['BTCUSDT', 'ETHUSDT'],
    { binance: { quote: 1000, base: { BTCUSDT: 1, ETHUSDT: 10 } } });
  t.same(r.balances['binance'], { quote: 1000, base: { BTCUSDT: 1, ETHUSDT: 10 } }, 'USDT counted once, as the one quote balance both symbols spend');
  t.same(r.notes, []);
});

t.test('BTCUSDT and BTCUSDC share BTC: split by the configured amounts, or evenly; never the whole to each', async (t) => {
  const venues = [snap('binance', { USDT: 1000, USDC: 400, BTC: 1 }), snap('bybit', { USDT: 50, USDC: 900, BTC: 0.3 })];
  const byConfig = startBalancesFromVenues(venues, ['BTCUSDT', 'BTCUSDC'], {
    binance: { quote: 1000, base: { BTCUSDT: 0.3, BTCUSDC: 0.1 } }, bybit: { quote: 1000, base: { BTCUSDT: 0.3, BTCUSDC: 0.1 } },
  });
  t.same(byConfig.balances['binance']!.base, { BTCUSDT: 0.75, BTCUSDC: 0.25 });
  t.same(byConfig.balances['bybit']!.base, { BTCUSDT: 0.225, BTCUSDC: 0.075 });
  t.equal(byConfig.balances['binance']!.quote, 400, 'two quote assets: the smaller balance, so neither symbol plans with coins it lacks');
  t.equal(byConfig.balances['bybit']!.quote, 50);
  t.match(byConfig.notes.join('\n'), /binance: BTC 1 shared by BTCUSDT, BTCUSDC: BTCUSDT 0\.75, BTCUSDC 0\.25 \(in proportion/);
  t.match(byConfig.notes.join('\n'), /quote assets USDT, USDC share one quote balance: the smallest, 400/);
  const even = startBalancesFromVenues([snap('binance', { USDT: 1000, BTC: 1 })], ['BTCUSDT', 'BTCFDUSD', 'BTCUSDC'],
    { binance: { quote: 1000, base: {} } });
  const b = even.balances['binance']!.base;
  t.same(b, { BTCUSDT: 0.33333333, BTCFDUSD: 0.33333333, BTCUSDC: 0.33333333 }, 'evenly, rounded down');
  t.ok(b['BTCUSDT']! + b['BTCFDUSD']! + b['BTCUSDC']! <= 1, 'the shares never add up to more than the venue holds');
});
