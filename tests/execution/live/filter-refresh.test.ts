/**
 * Filters refreshed on change (`execution.live.filter_refresh_s`), against the simulator: the
 * refresh reads both venues' filters through the start-up parsers; after the simulator's
 * control API raises Binance's minimum notional for BTCUSDT, the next refresh replaces that
 * entry (one warning with before/after) and the executor's pre-send checks refuse a pair the
 * old filter let through, as the venue itself now would (-1013 NOTIONAL).
 */
import t from 'tap';
import { SIDE_BUY, SIDE_SELL, ROLE_LEG_BUY, ROLE_LEG_SELL, VENUE_BINANCE, VENUE_BYBIT } from '../../../src/core/records.js';
import { startSimulator } from '../../../src/sim/index.js';
import { SIM_KEYS } from '../../../src/sim/order-entry-keys.js';
import { FilterRefresh } from '../../../src/execution/live/filter-refresh.js';
import type { LiveSymbolFilter } from '../../../src/execution/live/live-executor.js';
import { PreSendGate } from '../../../src/execution/live/pre-send.js';
import { ERR_LIVE_BELOW_MIN, ERR_LIVE_PAIR_REFUSED } from '../../../src/execution/live/live-errors.js';
import { newClientCounters, type VenueOrderClient } from '../../../src/execution/live/order-types.js';
import { binanceSignedQuery } from '../../../src/venues/binance/sign.js';

const client = (venue: number): VenueOrderClient => ({ venue, counters: newClientCounters(), backoffUntilMs: () => 0, place: () => Promise.resolve() });

t.test('a minimum notional raised at the venue: the next refresh applies it to the pre-send checks', async (t) => {
  const sim = await startSimulator({ seed: 2, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const logs: Array<{ msg: string; f: Record<string, unknown> }> = [];
  const filters: Array<Record<string, LiveSymbolFilter>> = [{}, {}];
  let now = 1_000_000;
  const refresh = new FilterRefresh({
    symbols: ['BTCUSDT'], filters, restUrls: [sim.binanceUrl.rest, sim.bybitUrl.rest], rules: [null, null], everyMs: 60_000,
    wallMs: () => now, log: (_l, msg, f) => { logs.push({ msg, f: f ?? {} }); },
  });
  t.equal(await refresh.refresh(), 0, 'first read fills both venues\' entries: no change');
  t.same(filters[0]!['BTCUSDT'], { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 });
  const gate = new PreSendGate({ symbols: ['BTCUSDT'], clients: [client(VENUE_BINANCE), client(VENUE_BYBIT)], filters, limiters: [null, null] });
  const pair = (p: number): number[] => [gate.check(VENUE_BINANCE, 0, SIDE_BUY, 60000, 0.01, ROLE_LEG_BUY, p, now),
    gate.check(VENUE_BYBIT, 0, SIDE_SELL, 60000, 0.01, ROLE_LEG_SELL, p, now)];
  t.same(pair(1), [0, 0], 'a 600 USDT pair passes the old minimum (5)');

  const r = await fetch(`${sim.binanceUrl.rest}/__sim/fault`, { method: 'POST', body: JSON.stringify({ kind: 'min_notional', venue: 'binance', symbol: 'BTCUSDT', amount: 1000 }) });
  t.equal(r.status, 200);
  // The venue enforces it already.
  const q = binanceSignedQuery(SIM_KEYS.binance.secretKey, { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: '0.01',
    price: '60000.00', newClientOrderId: 'xfeedface-1', recvWindow: 5000, timestamp: Date.now() });
  const order = (await (await fetch(`${sim.binanceUrl.rest}/api/v3/order?${q}`, { method: 'POST', headers: { 'X-MBX-APIKEY': SIM_KEYS.binance.apiKey } })).json()) as { code: number; msg: string };
  t.same(order, { code: -1013, msg: 'Filter failure: NOTIONAL' }, 'the venue refuses below its new minimum');

  refresh.tick();
  t.equal(refresh.counters.filter_refreshes, 2, 'not due yet: nothing read');
  now += 60_000;
  t.equal(await refresh.refresh(), 1, 'one entry changed');
  t.equal(filters[0]!['BTCUSDT']!.minNotional, 1000);
  t.equal(filters[1]!['BTCUSDT']!.minNotional, 5, 'Bybit unchanged');
  const line = logs.find((l) => /filters changed/.test(l.msg))!;
  t.match(line.f, { venue: 'binance', symbol: 'BTCUSDT', before: { minNotional: 5 }, after: { minNotional: 1000 } });
  t.same(pair(2), [ERR_LIVE_BELOW_MIN, ERR_LIVE_PAIR_REFUSED], 'the same pair now: refused before it leaves, both legs');
  t.same([gate.check(VENUE_BINANCE, 0, SIDE_BUY, 60000, 0.02, ROLE_LEG_BUY, 3, now), gate.check(VENUE_BYBIT, 0, SIDE_SELL, 60000, 0.02, ROLE_LEG_SELL, 3, now)],
    [0, 0], '1,200 USDT passes the new minimum');
});

t.test('a venue that cannot be read keeps the filters it had', async (t) => {
  const filters: Array<Record<string, LiveSymbolFilter>> = [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } }, {}];
  const refresh = new FilterRefresh({
    symbols: ['BTCUSDT'], filters, restUrls: ['http://127.0.0.1:9', ''], rules: [null, null], everyMs: 1000, wallMs: () => 0,
    log: () => undefined, get: async () => ({ status: 503, text: 'down' }),
  });
  t.equal(await refresh.refresh(), 0);
  t.equal(refresh.counters.filter_refresh_failed, 1);
  t.same(filters[0]!['BTCUSDT'], { tickSize: 0.01, stepSize: 0.001, minNotional: 5 });
});
