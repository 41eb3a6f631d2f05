/**
 * The venues' rules kept during a live run, against the real simulator on loopback: the live
 * executor with the real order clients (REST over the kept-alive pool), each venue's
 * VenueRules (usage budget, back-offs, clock) and the run-time checks.
 *
 * - a Binance rate-limit storm: the 429's Retry-After is obeyed (no request to Binance inside
 *   the back-off, no 418 ban), new pairs are refused with counters meanwhile, and trading
 *   resumes after it;
 * - a Bybit 403: a back-off of at least 10 minutes; a pair with a leg there is refused as a
 *   whole: neither leg is sent, both get a clean local reject;
 * - a skewed venue clock: the -1021 / 10002 reject forces a resync, and the next order passes;
 * - a balance drift injected by the simulator: own fills explain the balances, the drift halts
 *   new entries (hedges still go) and reports the halt;
 * - cancel-all on both venues for the kill switch.
 */
import t from 'tap';
import { startSimulator, type SimHandle } from '../../../src/sim/index.js';
import { SIM_KEYS } from '../../../src/sim/order-entry-keys.js';
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS,
  ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, STATUS_NAMES, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { BinanceOrderClient } from '../../../src/execution/live/binance-client.js';
import { BybitOrderClient } from '../../../src/execution/live/bybit-client.js';
import type { OrderClientOptions } from '../../../src/execution/live/client-base.js';
import type { HttpAnswer, HttpTransport } from '../../../src/execution/live/http-transport.js';
import { PoolTransport } from '../../../src/execution/live/pool-transport.js';
import { buildVenueClient } from '../../../src/execution/live/venue-client.js';
import { VenueRules, answerCode } from '../../../src/execution/live/venue-rules.js';
import { BalanceWatch } from '../../../src/execution/live/balance-watch.js';
import { RunChecks, watchFills } from '../../../src/execution/live/run-checks.js';
import { ERR_LIVE_BACKOFF, ERR_LIVE_ENTRIES_HALTED, ERR_LIVE_PAIR_REFUSED } from '../../../src/execution/live/live-errors.js';
import type { ReportSink } from '../../../src/execution/report-sink.js';
import { BinanceAccountRest } from '../../../src/venues/binance/account-rest.js';
import { BybitAccountRest } from '../../../src/venues/bybit/account-rest.js';
import { fault } from '../../sim/signed-rest.js';

interface Sent { venue: string; path: string; atMs: number; status: number; answeredMs: number }

/** The pool transport, recording every request that really left (and its answer). */
class RecordingTransport implements HttpTransport {
  readonly sent: Sent[] = [];
  constructor(private readonly inner: PoolTransport, private readonly names: Record<string, string>) {}
  async request(method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, body: string | null, timeoutMs: number): Promise<HttpAnswer> {
    const u = new URL(url);
    const s: Sent = { venue: this.names[u.origin] ?? u.origin, path: u.pathname, atMs: Date.now(), status: 0, answeredMs: 0 };
    this.sent.push(s);
    const a = await this.inner.request(method, url, headers, body, timeoutMs);
    s.status = a.status;
    s.answeredMs = Date.now();
    return a;
  }
}

interface Report { orderId: number; venue: number; status: string; error: number }

class Sink implements ReportSink {
  readonly got: Report[] = [];
  report(orderId: number, _p: number, venue: number, _s: number, _side: number, status: number, _price: number, _lastPx: number,
    _lastQty: number, _cum: number, _qty: number, _fee: number, _fa: number, errorCode: number): void {
    this.got.push({ orderId, venue, status: STATUS_NAMES[status]!, error: errorCode });
  }
  finalOf(id: number): Report | undefined {
    return [...this.got].reverse().find((r) => r.orderId === id && r.status !== 'acked');
  }
}

const FILTERS = [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minNotional: 5 } }, { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001, minNotional: 5 } }];

async function stack(t: { teardown(fn: () => unknown): void }, sim: SimHandle, o: { resyncEveryMs?: number; binanceWs?: boolean; bybitWs?: boolean } = {}) {
  const pool = new PoolTransport();
  const transport = new RecordingTransport(pool, { [sim.binanceUrl.rest]: 'binance', [sim.bybitUrl.rest]: 'bybit' });
  const logs: string[] = [];
  const log = (level: string, msg: string): void => {
    logs.push(`${level} ${msg}`);
  };
  const opts = (baseUrl: string, creds: { apiKey: string; secretKey: string }): OrderClientOptions => ({
    baseUrl, creds, recvWindowMs: 1000, timeoutMs: 1000, takerFeeRate: 0.001, reconcileBudgetMs: 1500, transport, wallMs: Date.now, log,
  });
  // Binance over its WebSocket API (the default order path) when asked, REST otherwise.
  const vc = o.binanceWs === true
    ? buildVenueClient({ venue: VENUE_BINANCE, name: 'binance', rest: opts(sim.binanceUrl.rest, SIM_KEYS.binance), orderEntry: 'ws',
      wsApiUrl: sim.binanceUrl.ws + '/ws-api/v3', keyType: 'hmac', privateKeyPem: '', reconnectMinMs: 100, reconnectMaxMs: 1000 })
    : null;
  if (vc !== null) {
    t.teardown(() => vc.close());
    if (!(await vc.start(5000))) throw new Error('the WS API session did not come up');
  }
  const bn = (vc?.rest ?? new BinanceOrderClient(opts(sim.binanceUrl.rest, SIM_KEYS.binance))) as BinanceOrderClient;
  const vb = o.bybitWs === true
    ? buildVenueClient({ venue: VENUE_BYBIT, name: 'bybit', rest: opts(sim.bybitUrl.rest, SIM_KEYS.bybit), orderEntry: 'ws',
      wsApiUrl: sim.bybitUrl.ws + '/v5/trade', keyType: 'hmac', privateKeyPem: '', reconnectMinMs: 100, reconnectMaxMs: 1000 })
    : null;
  if (vb !== null) {
    t.teardown(() => vb.close());
    if (!(await vb.start(5000))) throw new Error('the Bybit trade session did not come up');
  }
  const bb = (vb?.rest ?? new BybitOrderClient(opts(sim.bybitUrl.rest, SIM_KEYS.bybit))) as BybitOrderClient;
  const clients = [bn, bb] as const;
  const rules = (['binance', 'bybit'] as const).map((venue, v) => {
    const r = new VenueRules({ venue, margin: 0.2, resyncEveryMs: o.resyncEveryMs ?? 60_000, wallMs: Date.now, log, applyOffset: (ms) => { clients[v]!.clockOffsetMs = ms; } });
    clients[v]!.rules = r;
    return r;
  });
  const restUrls = [sim.binanceUrl.rest, sim.bybitUrl.rest];
  for (let v = 0; v < 2; v++) await rules[v]!.resyncIfDue(transport, restUrls[v]!, 2000);
  const sink = new Sink();
  const acct = (baseUrl: string, creds: { apiKey: string; secretKey: string }, v: number) => ({
    baseUrl, ...creds, recvWindowMs: 1000, venueNowMs: () => Date.now() + clients[v]!.clockOffsetMs, timeoutMs: 2000,
    onAnswer: (p: string, a: { status: number; headers: Record<string, string>; text: string }) => rules[v]!.onHttpAnswer(p, a.status, (n) => a.headers[n] ?? null, answerCode(a.text), a.text),
  });
  const bnAcct = new BinanceAccountRest(acct(sim.binanceUrl.rest, SIM_KEYS.binance, 0));
  const bbAcct = new BybitAccountRest(acct(sim.bybitUrl.rest, SIM_KEYS.bybit, 1));
  const assets = [{ base: 'BTC', quote: 'USDT' }];
  let exec: LiveExecutor;
  const busy = () => exec.inFlight > 0 || exec.tracker.liveCount > 0;
  const watches = [
    new BalanceWatch({ venue: 'binance', assets, tolerance: 0.002, log, busy, read: async () => (await bnAcct.account()).balances }),
    new BalanceWatch({ venue: 'bybit', assets, tolerance: 0.002, log, busy, read: () => bbAcct.walletBalance() }),
  ];
  exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [vc?.client ?? bn, vb?.client ?? bb], filters: FILTERS, limiters: [null, null], rules, sink: watchFills(sink, watches), runTag: 'xvr',
    monoNs: () => Number(process.hrtime.bigint()), wallMs: Date.now, log,
  });
  const halts: Array<[string, string, boolean]> = [];
  const checks = new RunChecks({
    exec, rules, watches, symbols: ['BTCUSDT'], transport, restUrls, requestTimeoutMs: 2000, balanceEveryMs: 0, wallMs: Date.now, log,
    cancelAll: [async (s) => (await bnAcct.cancelAll(s)).length, async (s) => (await bbAcct.cancelAll(s)).length],
    onHalt: (rule, reason, active) => halts.push([rule, reason, active]),
  });
  t.teardown(async () => {
    exec.stop();
    await Promise.race([exec.whenIdle(), new Promise((r) => setTimeout(r, 3000))]);
    await bnAcct.close();
    await bbAcct.close();
    await pool.close();
  });
  const rec = new Float64Array(INTENT_WORDS);
  let nextId = 1;
  /** One intent; returns its order id. Prices cross the touch so IOC orders fill. */
  const intent = (venue: number, side: number, role: number, pairId: number): number => {
    const id = nextId++;
    const b = sim.generator.book(venue, 0);
    const px = side === SIDE_BUY ? b.asks.best() * b.tickUnit * 1.01 : b.bids.best() * b.tickUnit * 0.99;
    rec.fill(0);
    rec[H_VENUE] = venue; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = id; rec[I_PAIR_ID] = pairId;
    rec[I_SIDE] = side; rec[I_PRICE] = px; rec[I_QTY] = 0.01; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = role; rec[H_RECV_NS] = 1;
    rec[I_DEADLINE_NS] = Number(process.hrtime.bigint()) + 10e9;
    exec.onIntent(rec, 0, Number(process.hrtime.bigint()));
    return id;
  };
  /** Both legs back to back, as the strategy publishes them (buy on `buyVenue` first). */
  const pair = (pairId: number, buyVenue: number): [number, number] => [
    intent(buyVenue, SIDE_BUY, ROLE_LEG_BUY, pairId), intent(1 - buyVenue, SIDE_SELL, ROLE_LEG_SELL, pairId)];
  const idle = () => Promise.race([exec.whenIdle(), new Promise((r) => setTimeout(r, 5000))]);
  return { exec, rules, clients, sink, transport, logs, pair, intent, idle, checks, halts, watches };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('Binance rate-limit storm: Retry-After obeyed (nothing sent inside it, no 418), pairs refused meanwhile, trading resumes', async (t) => {
  const sim = await startSimulator({ seed: 5, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = await stack(t, sim);
  t.equal((await fault(sim.binanceUrl.rest, { kind: 'rate_storm', venue: 'binance', durationMs: 1500, count: 1 })).status, 200);
  const [buy1] = s.pair(1, VENUE_BINANCE);
  await s.idle();
  t.equal(s.sink.finalOf(buy1)?.status, 'rejected', 'the order met the storm');
  const storm = s.transport.sent.find((x) => x.status === 429)!;
  t.ok(storm !== undefined, 'a 429 came back');
  const until = s.rules[0]!.backoffUntilMs();
  t.ok(until >= storm.answeredMs + 1000, 'back-off for the Retry-After (≥ 1 s)');
  // Pairs during the back-off: both legs refused at once, nothing sent to either venue.
  const sentBefore = s.transport.sent.length;
  for (let p = 2; p <= 4; p++) {
    const [b, sl] = s.pair(p, VENUE_BINANCE);
    t.same([s.sink.finalOf(b)?.error, s.sink.finalOf(sl)?.error], [ERR_LIVE_BACKOFF, ERR_LIVE_PAIR_REFUSED], `pair ${p} refused as a whole`);
  }
  t.equal(s.transport.sent.length, sentBefore, 'no request left for a refused pair');
  t.equal(s.exec.counters.refused_backoff, 3);
  t.equal(s.exec.counters.refused_pair, 3);
  // Wait the back-off out (bounded), then trade again.
  for (let i = 0; i < 60 && Date.now() <= until; i++) await sleep(50);
  const [b5, s5] = s.pair(5, VENUE_BINANCE);
  await s.idle();
  t.same([s.sink.finalOf(b5)?.status, s.sink.finalOf(s5)?.status], ['filled', 'filled'], 'trading resumed after the back-off');
  const inside = s.transport.sent.filter((x) => x.venue === 'binance' && x.atMs > storm.answeredMs && x.atMs < until);
  t.same(inside.map((x) => x.path), [], 'no request to Binance inside the back-off');
  t.notOk(s.transport.sent.some((x) => x.status === 418), 'never banned');
  t.equal(s.rules[0]!.counters.backoffs, 1, 'one back-off started');
  t.ok(s.rules[0]!.counters.usage_updates > 0, 'usage headers read');
});

t.test('Binance rate-limit storm on the WebSocket API: its retryAfter obeyed, no order written inside it, no 418', async (t) => {
  const sim = await startSimulator({ seed: 4, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = await stack(t, sim, { binanceWs: true });
  const [b0] = s.pair(1, VENUE_BINANCE);
  await s.idle();
  t.equal(s.sink.finalOf(b0)?.status, 'filled', 'a clean pair over the WS API first');
  t.ok(s.rules[0]!.counters.usage_updates > 0, 'the answer\'s rateLimits were read');
  await fault(sim.binanceUrl.rest, { kind: 'rate_storm', venue: 'binance', durationMs: 1500, count: 1 });
  const [b1] = s.pair(2, VENUE_BINANCE);
  await s.idle();
  t.equal(s.sink.finalOf(b1)?.error, -1003, 'the order met the storm (429, -1003)');
  const until = s.rules[0]!.backoffUntilMs();
  t.ok(until - Date.now() >= 500, 'backing off for the retryAfter the venue gave');
  const wsOrders = s.clients[0].counters.ws_orders;
  const [b2, s2] = s.pair(3, VENUE_BINANCE);
  t.same([s.sink.finalOf(b2)?.error, s.sink.finalOf(s2)?.error], [ERR_LIVE_BACKOFF, ERR_LIVE_PAIR_REFUSED], 'refused whole during the back-off');
  t.equal(s.clients[0].counters.ws_orders, wsOrders, 'nothing written to the session');
  for (let i = 0; i < 80 && Date.now() <= until; i++) await sleep(50);
  const [b3, s3] = s.pair(4, VENUE_BINANCE);
  await s.idle();
  t.same([s.sink.finalOf(b3)?.status, s.sink.finalOf(s3)?.status], ['filled', 'filled'], 'trading resumed, never banned');
});

t.test('Bybit rate-limit storm on the trade WebSocket: 10006 backs off, pairs refused whole meanwhile, trading resumes', async (t) => {
  const sim = await startSimulator({ seed: 10, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = await stack(t, sim, { bybitWs: true });
  await fault(sim.bybitUrl.rest, { kind: 'rate_storm', venue: 'bybit', durationMs: 800 });
  const [, s1] = s.pair(1, VENUE_BINANCE);
  await s.idle();
  t.equal(s.sink.finalOf(s1)?.error, 10006, 'the Bybit leg met the storm');
  t.ok(s.rules[1]!.backoffUntilMs() > Date.now(), 'backing off');
  const wsOrders = s.clients[1].counters.ws_orders;
  const [b2, s2] = s.pair(2, VENUE_BINANCE);
  t.same([s.sink.finalOf(b2)?.error, s.sink.finalOf(s2)?.error], [ERR_LIVE_PAIR_REFUSED, ERR_LIVE_BACKOFF], 'refused whole');
  t.equal(s.clients[1].counters.ws_orders, wsOrders, 'nothing written to the trade session');
  const until = Math.max(s.rules[1]!.backoffUntilMs(), s.clients[1].backoffUntilMs());
  for (let i = 0; i < 60 && Date.now() <= until + 900; i++) await sleep(50);
  const [b3, s3] = s.pair(3, VENUE_BINANCE);
  await s.idle();
  t.same([s.sink.finalOf(b3)?.status, s.sink.finalOf(s3)?.status], ['filled', 'filled'], 'trading resumed after the storm');
});

t.test('Bybit 403: at least 10 minutes of back-off; a pair with a leg there is refused whole, neither leg sent', async (t) => {
  const sim = await startSimulator({ seed: 6, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = await stack(t, sim);
  await fault(sim.bybitUrl.rest, { kind: 'forbidden', venue: 'bybit', durationMs: 500 });
  const h = s.intent(VENUE_BYBIT, SIDE_SELL, ROLE_HEDGE, 0);
  await s.idle();
  t.equal(s.sink.finalOf(h)?.status, 'rejected');
  t.ok(s.rules[1]!.backoffUntilMs() - Date.now() >= 590_000, 'Bybit 403: ≥ 10 min, as the venue asks');
  const before = s.transport.sent.length;
  const [b, sl] = s.pair(7, VENUE_BINANCE);
  t.same([s.sink.finalOf(b), s.sink.finalOf(sl)].map((r) => [r?.status, r?.error]), [['rejected', ERR_LIVE_PAIR_REFUSED], ['rejected', ERR_LIVE_BACKOFF]],
    'both legs rejected locally: the Binance leg with its twin, the Bybit leg for the back-off');
  t.equal(s.transport.sent.length, before, 'neither leg was sent');
  t.equal(s.exec.gate.counters.pairs_refused, 1);
  t.equal(s.exec.gate.counters.twins_refused, 1);
  // The other direction too (the Bybit leg first).
  const [b2, s2] = s.pair(8, VENUE_BYBIT);
  t.same([s.sink.finalOf(b2)?.error, s.sink.finalOf(s2)?.error], [ERR_LIVE_BACKOFF, ERR_LIVE_PAIR_REFUSED]);
  t.equal(s.transport.sent.length, before, 'still nothing sent');
  // Queries to Bybit are held too (reconciliation would wait, not hammer).
  t.match(s.rules[1]!.takeQuery('/v5/order/realtime', Date.now()), { reason: /403/ });
});

t.test('a skewed venue clock: -1021 / 10002 force a resync, and the next order passes', async (t) => {
  const sim = await startSimulator({ seed: 7, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = await stack(t, sim, { resyncEveryMs: 300 });
  t.ok(Math.abs(s.clients[0]!.clockOffsetMs) < 200, 'no skew at start');
  t.equal((await fault(sim.binanceUrl.rest, { kind: 'clock_skew', venue: 'binance', amount: 5000 })).status, 200);
  const a = s.intent(VENUE_BINANCE, SIDE_BUY, ROLE_HEDGE, 0);
  const b = s.intent(VENUE_BYBIT, SIDE_BUY, ROLE_HEDGE, 0);
  await s.idle();
  t.same([s.sink.finalOf(a)?.error, s.sink.finalOf(b)?.error], [-1021, 10002], 'both venues refused the timestamp');
  t.same(s.rules.map((r) => r.counters.timestamp_rejects), [1, 1]);
  t.ok(s.rules.every((r) => r.resyncDue()), 'a resync is due at once');
  for (let v = 0; v < 2; v++) t.ok(await s.rules[v]!.resyncIfDue(s.transport, [sim.binanceUrl.rest, sim.bybitUrl.rest][v]!, 2000));
  t.ok(s.clients.every((c) => Math.abs(c.clockOffsetMs - 5000) < 200), 'the new offset is the skew');
  const a2 = s.intent(VENUE_BINANCE, SIDE_BUY, ROLE_HEDGE, 0);
  const b2 = s.intent(VENUE_BYBIT, SIDE_BUY, ROLE_HEDGE, 0);
  await s.idle();
  t.same([s.sink.finalOf(a2)?.status, s.sink.finalOf(b2)?.status], ['filled', 'filled'], 'orders pass with the new offset');
  t.notOk(s.rules[0]!.resyncDue(), 'not due right after a measurement');
  await sleep(350);
  t.ok(s.rules[0]!.resyncDue(), 'due again after clock_resync_s (periodic)');
});

t.test('a balance drift injected by the simulator halts new entries; own fills do not; hedges still go', async (t) => {
  const sim = await startSimulator({ seed: 8, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = await stack(t, sim);
  await s.checks.checkBalances();
  const [b1, s1] = s.pair(1, VENUE_BINANCE);
  await s.idle();
  t.same([s.sink.finalOf(b1)?.status, s.sink.finalOf(s1)?.status], ['filled', 'filled']);
  await s.checks.checkBalances();
  t.equal(s.checks.counters.balance_drift, 0, 'own fills explain the balances');
  t.equal(s.checks.counters.balance_checks, 4, 'baseline and one check on each venue');
  t.equal((await fault(sim.bybitUrl.rest, { kind: 'balance_drift', venue: 'bybit', asset: 'USDT', amount: -5000 })).status, 200);
  await s.checks.checkBalances();
  t.equal(s.checks.counters.balance_drift, 1);
  t.equal(s.halts.length, 1);
  t.equal(s.halts[0]![0], 'balance_drift');
  t.match(s.halts[0]![1], /^balance drift: bybit USDT venue /, 'the halt names the venue, the asset and both figures');
  t.ok(s.logs.some((l) => /^error balance drift: bybit USDT .*new entries halted/.test(l)), 'one error line');
  const [b2, s2] = s.pair(2, VENUE_BINANCE);
  t.same([s.sink.finalOf(b2)?.error, s.sink.finalOf(s2)?.error], [ERR_LIVE_ENTRIES_HALTED, ERR_LIVE_ENTRIES_HALTED], 'entries refused, both legs');
  t.equal(s.exec.counters.refused_halted, 2, 'both legs counted');
  const h = s.intent(VENUE_BINANCE, SIDE_SELL, ROLE_HEDGE, 0);
  await s.idle();
  t.equal(s.sink.finalOf(h)?.status, 'filled', 'a hedge still goes');
  s.checks.resume();
  t.equal(s.exec.entriesHaltReason(), null, 'an operator resume lifts it');
});

t.test('cancel-all reaches both venues for every symbol (kill switch, flatten)', async (t) => {
  const sim = await startSimulator({ seed: 9, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = await stack(t, sim);
  // The simulator never rests an order (IOC only), so nothing is open: the calls must still succeed on both.
  t.equal(await s.checks.cancelAll('kill switch signal'), 0);
  t.equal(s.checks.counters.cancel_all_runs, 1);
  t.notOk(s.logs.some((l) => l.startsWith('error cancel-all failed')), 'both venues answered');
  t.ok(s.logs.some((l) => l === 'warn open orders cancelled on both venues'));
});
