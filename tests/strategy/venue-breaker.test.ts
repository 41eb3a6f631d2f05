import t from 'tap';
import { ASSET_QUOTE, ST_FILLED, ST_REJECTED, SIDE_BUY } from '../../src/core/records.js';
import { REJ_AUTH, REJ_BALANCE, REJ_FILTER, REJ_OTHER, REJ_RATE, rejectKind } from '../../src/strategy/venue-breaker.js';
import { BINANCE, BTC, BYBIT, MS, rig, openPair } from './harness.js';

t.test('reject codes are classified by what they say about the venue', async (t) => {
  for (const c of [-2015, -2014, -1022, 10003, 10004, 10005, 10010, -9105]) t.equal(rejectKind(c), REJ_AUTH, `auth ${c}`);
  for (const c of [-2010, 170131, 110007]) t.equal(rejectKind(c), REJ_BALANCE, `balance ${c}`);
  for (const c of [-1013, 170136, 170140]) t.equal(rejectKind(c), REJ_FILTER, `filter ${c}`);
  for (const c of [-1003, 10006, -9101]) t.equal(rejectKind(c), REJ_RATE, `rate ${c}`);
  t.equal(rejectKind(-9001), REJ_OTHER);
});

t.test('breaker_rejects consecutive rejects open a venue\'s breaker; after the cool-down one pair tries; an accept closes it', async (t) => {
  const r = rig((cfg) => {
    cfg.risk.breaker_rejects = 3;
    cfg.risk.breaker_cooldown_ms = 10_000;
  });
  let ms = 0;
  // Each round: the Bybit sell leg is rejected (filter), the Binance buy leg is empty.
  for (let i = 0; i < 3; i++) {
    const n = r.sink.orders.length;
    openPair(r, ms);
    const [buy, sell] = r.sink.orders.slice(n);
    r.report(buy!.orderId, 5 /* canceled */, 0, 0, 0, 0, ASSET_QUOTE, ms + 2);
    r.report(sell!.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, ms + 2, 170136);
    ms += 100;
  }
  t.ok(r.strat.breakerOpen(BYBIT));
  t.notOk(r.strat.breakerOpen(BINANCE), 'empty IOC fills are answers, not rejects');
  t.match(r.ev.of('breaker'), [{ venue: BYBIT, open: true, code: 170136, detail: /3 consecutive rejects/ }]);
  t.equal(r.strat.riskCounters.breakerTrips, 1);
  const n = r.sink.orders.length;
  openPair(r, ms);
  t.equal(r.sink.orders.length, n, 'no new entry on Bybit while open');
  t.equal(r.strat.stats.skipBreaker, 2, 'both quotes of the pair counted');
  openPair(r, ms + 10_200); // past the cool-down: half-open
  t.equal(r.sink.orders.length, n + 2, 'one pair tries');
  r.report(n + 1, ST_FILLED, 30000, 0.3, 0.3, 0, ASSET_QUOTE, ms + 10_202);
  r.report(n + 2, ST_FILLED, 30096.9, 0.3, 0.3, 0, ASSET_QUOTE, ms + 10_202);
  t.notOk(r.strat.breakerOpen(BYBIT), 'an accepted order closes it');
  t.match(r.ev.of('breaker').map((e) => e.open), [true, false]);
});

t.test('an auth breaker stays open until the operator resets it', async (t) => {
  const r = rig();
  openPair(r, 0);
  r.report(1, 5, 0, 0, 0, 0, ASSET_QUOTE, 2);
  r.report(2, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, 2, 10004);
  t.ok(r.strat.breakerOpen(BYBIT));
  openPair(r, 200_000); // long past any cool-down
  t.equal(r.sink.orders.length, 2);
  r.strat.resetBreakers('new key deployed', 200_010 * MS);
  t.notOk(r.strat.breakerOpen(BYBIT));
  t.match(r.ev.of('breaker').slice(-1), [{ venue: BYBIT, open: false, detail: /new key deployed/ }]);
  openPair(r, 200_100);
  t.match(r.sink.orders.slice(2), [{ venue: BINANCE, side: SIDE_BUY }, { venue: BYBIT }]);
});

t.test('feed lag: books without an exchange time are not judged by it', async (t) => {
  const r = rig();
  r.strat.setWallClockOffset(1_700_000_000_000);
  r.strat.onQuote(BINANCE, BTC, 29990, 0.5, 30000, 0.5, true, 0, 0, 0); // e.g. Binance spot bookTicker: no E
  r.strat.onQuote(BYBIT, BTC, 30100, 0.3, 30110, 0.4, true, 1_700_000_000_001, 1 * MS, 1 * MS);
  t.equal(r.sink.orders.length, 2);
  t.equal(r.strat.riskCounters.feedLagDenials, 0);
});
