/**
 * The venues' rules as pure modules: the usage budget reads the venues' headers and stays
 * below their limits by a margin, keeps a query share, and backs off as documented (Binance
 * 429/418 Retry-After, 403 WAF; Bybit 403 ≥ 10 min, 10006 until the reset); the clock offset
 * keeps the least uncertain sample and resyncs periodically and on -1021/10002; the pair
 * check refuses both legs or neither. Plus a rate-limit storm from the simulator obeyed
 * end to end (one 429, no 418).
 */
import t from 'tap';
import { BINANCE_LIMITS, BYBIT_LIMITS, DEFAULT_BUDGET, UsageBudget } from '../../src/execution/usage-budget.js';
import { ClockOffsetTracker } from '../../src/execution/clock-offset.js';
import { checkPair, ordersPerVenue, type PairLeg } from '../../src/execution/pair-check.js';
import { startSimulator } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { BinanceAccountRest } from '../../src/venues/binance/account-rest.js';
import { AccountRestError } from '../../src/venues/account-rest-http.js';
import { fault } from '../sim/signed-rest.js';

const binanceBudget = () => new UsageBudget({ venue: 'binance', limits: BINANCE_LIMITS, ...DEFAULT_BUDGET });
const bybitBudget = () => new UsageBudget({ venue: 'bybit', limits: BYBIT_LIMITS, ...DEFAULT_BUDGET });

t.test('Binance: the venue\'s weight header wins, and the budget stops at 80 % of 6000', async (t) => {
  const b = binanceBudget();
  t.equal(b.check('order', 1, 0), null);
  b.onAnswer(200, { 'x-mbx-used-weight-1m': '4799' }, 10);
  t.equal(b.check('order', 1, 20), null, '4800 is the edge');
  b.onAnswer(200, { 'x-mbx-used-weight-1m': '4800' }, 30);
  const r = b.check('order', 1, 40);
  t.match(r, { untilMs: 60_000, reason: /request weight 4800\/6000/ });
  t.equal(b.check('order', 1, 60_000), null, 'a new minute');
});

t.test('Binance: order counts per 10 s from the headers and from our own sends', async (t) => {
  const b = binanceBudget();
  for (let i = 0; i < 80; i++) {
    t.equal(b.check('order', 1, 100 + i), null);
    b.spend('order', 1, 100 + i);
  }
  t.match(b.check('order', 1, 200), { reason: /orders 80\/100 per 10 s/ });
  const c = binanceBudget();
  c.onAnswer(200, { 'x-mbx-order-count-10s': '80', 'x-mbx-order-count-1d': '5' }, 0);
  t.ok(c.check('order', 1, 1) !== null, 'the venue\'s count is taken');
  t.equal(c.check('query', 1, 1), null, 'queries are not orders');
});

t.test('queries get their share of the weight only', async (t) => {
  const b = binanceBudget();
  b.spend('query', 1400, 0);
  t.match(b.check('query', 100, 1), { reason: /query share/ });
  t.equal(b.check('order', 1, 1), null, 'orders still have room');
});

t.test('Binance back-offs: 429 and 418 Retry-After, 403 and 418 without it', async (t) => {
  const b = binanceBudget();
  b.onAnswer(429, { 'retry-after': '7' }, 1000);
  t.match(b.check('order', 1, 2000), { untilMs: 8000, reason: /429/ });
  b.onAnswer(418, { 'retry-after': '120' }, 3000);
  t.match(b.check('query', 1, 4000), { untilMs: 123_000, reason: /418/ });
  const c = binanceBudget();
  c.onAnswer(403, {}, 0);
  t.match(c.check('order', 1, 1), { untilMs: 60_000, reason: /WAF/ });
  const d = binanceBudget();
  d.onAnswer(418, {}, 0);
  t.equal(d.backoffUntilMs(), 300_000);
});

t.test('Bybit: 403 backs off at least 10 minutes; 10006 until the reset; endpoint headers', async (t) => {
  const b = bybitBudget();
  b.onAnswer(403, { 'retry-after': '1' }, 0);
  t.equal(b.backoffUntilMs(), 600_000, 'the venue asks ≥ 10 min, a short Retry-After does not shorten it');
  const c = bybitBudget();
  c.onAnswer(200, { 'x-bapi-limit': '20', 'x-bapi-limit-status': '0', 'x-bapi-limit-reset-timestamp': '5000' }, 4500, '/v5/order/create', 10006);
  t.match(c.check('order', 1, 4600, '/v5/order/create'), { untilMs: 5000 });
  const d = bybitBudget();
  d.onAnswer(200, { 'x-bapi-limit': '20', 'x-bapi-limit-status': '3', 'x-bapi-limit-reset-timestamp': '2000' }, 1500, '/v5/order/create');
  t.match(d.check('order', 1, 1600, '/v5/order/create'), { reason: /3\/20 left/ }, 'below the margin of the endpoint');
  t.equal(d.check('order', 1, 1600, '/v5/order/realtime'), null, 'other endpoints unaffected');
  t.equal(d.check('order', 1, 2000, '/v5/order/create'), null, 'after the reset');
});

t.test('clock offset: least uncertain sample, periodic resync, resync on -1021 / 10002', async (t) => {
  const c = new ClockOffsetTracker(60_000);
  t.ok(c.needsResync(0), 'never measured');
  c.onSample(1000, 1300, 1040);
  c.onSample(2000, 2250, 2010);
  t.equal(c.offsetMs(), 245, 'the 10 ms round trip wins');
  t.equal(c.uncertaintyMs(), 5);
  t.equal(c.venueNowMs(5000), 5245);
  t.notOk(c.needsResync(30_000));
  t.ok(c.needsResync(62_010), 'periodic');
  t.notOk(c.onReject(-2010), 'other rejects are not about the clock');
  t.ok(c.onReject(-1021));
  t.ok(c.needsResync(2020));
  t.equal(c.offsetMs(), 0, 'the stale samples are dropped');
  t.ok(c.onReject(10002));
  t.equal(c.onSample(10, 0, 5), null, 'negative round trip refused');
});

t.test('pair check: both legs or neither, and the budget is spent only for a pair that goes', async (t) => {
  const legs: [PairLeg, PairLeg] = [
    { venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 100, qty: 1 },
    { venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 101, qty: 1 },
  ];
  const spent: string[] = [];
  const backingOff = new Set(['bybit']);
  const v = checkPair(legs, [(l) => (l.qty > 0 ? null : 'qty 0'), (l) => (backingOff.has(l.venue) ? `${l.venue} backing off` : null)], (l) => spent.push(l.venue));
  t.same(v, { ok: false, leg: 1, check: 1, reason: 'bybit backing off' });
  t.same(spent, [], 'nothing spent for a refused pair');
  backingOff.clear();
  t.same(checkPair(legs, [() => null], (l) => spent.push(l.venue)), { ok: true });
  t.same(spent, ['binance', 'bybit']);
  t.same([...ordersPerVenue([legs[0], { ...legs[0], side: 'sell' }])], [['binance', 2]]);
});

t.test('a rate-limit storm from the simulator, obeyed: one 429, then silence until Retry-After, no 418', async (t) => {
  const sim = await startSimulator({ seed: 2, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  const budget = binanceBudget();
  const statuses: number[] = [];
  const rest = new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, ...SIM_KEYS.binance, recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000,
    onAnswer: (_p, a) => {
      statuses.push(a.status);
      budget.onAnswer(a.status, a.headers, Date.now());
    } });
  try {
    await fault(sim.binanceUrl.rest, { kind: 'rate_storm', venue: 'binance', durationMs: 1200, count: 1 });
    let refusedLocally = 0;
    const until = Date.now() + 3000;
    let ok = 0;
    while (Date.now() < until && ok < 2) {
      if (budget.check('query', 20, Date.now()) !== null) {
        refusedLocally++;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      budget.spend('query', 20, Date.now());
      try {
        await rest.account();
        ok++;
      } catch (e) {
        if (!(e instanceof AccountRestError)) throw e;
      }
    }
    t.same(statuses.filter((s) => s !== 200), [429], 'the storm was met once and then obeyed');
    t.ok(refusedLocally > 0, 'the budget held requests back');
    t.equal(ok, 2, 'requests resumed after Retry-After');
  } finally {
    await rest.close();
    await sim.stop();
  }
});
