/**
 * Start-up checks: a key that cannot trade refuses the start naming the venue; a key that can
 * withdraw is a loud warning; the account's actual fee rates against [fees] warn on mismatch.
 */
import t from 'tap';
import { checkFeeRates, checkKeyPermissions } from '../../src/execution/start-checks.js';

t.test('permissions', async (t) => {
  t.same(checkKeyPermissions([{ venue: 'binance', canTrade: true, canWithdraw: false }, { venue: 'bybit', canTrade: true, canWithdraw: false }]),
    { errors: [], warnings: [] });
  const r = checkKeyPermissions([{ venue: 'binance', canTrade: false, canWithdraw: false }, { venue: 'bybit', canTrade: true, canWithdraw: true }]);
  t.same(r.errors, ['binance: the API key cannot trade spot (enable spot trading for this key)']);
  t.match(r.warnings[0], /^bybit: the API key CAN WITHDRAW/);
});

t.test('fee rates against the configuration', async (t) => {
  const cfg = { binance: { taker: 10, maker: 10 }, bybit: { taker: 10, maker: 10 } };
  t.same(checkFeeRates([{ venue: 'binance', taker: 0.001, maker: 0.001 }], cfg), { errors: [], warnings: [] });
  const r = checkFeeRates([{ venue: 'bybit', taker: 0.00075, maker: 0.001 }, { venue: 'binance', taker: NaN, maker: 0.001 }], cfg);
  t.same(r.warnings, ['bybit: taker fee is 7.5 bps at the venue, 10 bps in [fees] (bybit_taker_bps)', 'binance: the venue did not say its taker rate']);
});
