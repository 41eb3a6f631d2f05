/**
 * Live start-up after a crash or a stop, against the in-process simulator (docs/live.md,
 * "Restarts"):
 * - `--resume` of a crashed run reconciles that run's own journal: its filled, unhedged leg is
 *   exposure (adopted, the reason naming the resumed run), its orders at the venue are not
 *   "another instance's" orphans;
 * - an in-flight order of an earlier run outside the venues' look-back window is asked of the
 *   venue by client id: found filled → its fill is exposure; found with nothing filled →
 *   settled in that run's WAL;
 * - an order so young that the venue could still accept it is asked again once its
 *   recvWindow has passed, then never placed;
 * - the venues' balances are compared with the latest live run's journal (start balances +
 *   fills): a difference is a warning, or refuses the start with `start_balance_check = "halt"`;
 * - several symbols on one base asset split the venue's balance of it.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { REPO_ROOT } from '../helpers/paths.js';
import { applySimProfile, loadConfig, type XarbConfig } from '../../src/config/index.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { OrderWal, readOrderWal } from '../../src/execution/order-wal.js';
import { BinanceAccountRest } from '../../src/venues/binance/account-rest.js';
import { BybitAccountRest } from '../../src/venues/bybit/account-rest.js';
import { binance, bybitPost } from '../sim/signed-rest.js';

// One simulator per test: an order one test leaves at the venues is in no other test's runs folder.
let sim: SimHandle;
t.beforeEach(async () => {
  sim = await startSimulator({ seed: 21, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
});
t.afterEach(async () => { await sim.stop(); });

const filters = { binance: { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } }, bybit: { BTCUSDT: { tickSize: 0.01, stepSize: 0.000001, minQty: 0.000001, minNotional: 5 } } } as never;

function setup(t: { teardown(fn: () => void): void }, live: Partial<NonNullable<XarbConfig['execution']['live']>> = {}) {
  const env = {
    BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey,
  };
  const cfg = applySimProfile(loadConfig(path.join(REPO_ROOT, 'config/arbitrage.toml'), { mode: 'live', env }), '127.0.0.1', sim.ports);
  Object.assign(cfg.execution.live, live);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-startup-restart-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } });
  const msg = (m: string | RegExp) => lines.find((l) => (typeof m === 'string' ? l['msg'] === m : m.test(String(l['msg']))));
  return { cfg, runs, lines, log, msg };
}

const touch = (venue: 0 | 1, buy: boolean, far = false) => {
  const b = sim.generator.book(venue, 0);
  const p = (buy ? b.asks.best() * (far ? 0.5 : 1.01) : b.bids.best() * (far ? 2 : 0.99)) * b.tickUnit;
  return venue === 0 ? p.toFixed(2) : p.toFixed(1);
};

async function binanceBuy(cid: string, qty: string): Promise<number> {
  const r = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC',
    quantity: qty, price: touch(0, true), newClientOrderId: cid }, SIM_KEYS.binance);
  if (r.body.status !== 'FILLED') throw new Error(`not filled: ${r.text}`);
  return Number(r.body.executedQty);
}

/** A crashed run `id` in `runs` whose WAL journals a Binance buy of 0.02 sent as `cid`, which is then filled at the simulator; returns its WAL, open. */
async function crashedWithFilledBuy(runs: string, id: string, cid: string): Promise<{ dir: string; wal: OrderWal; bought: number }> {
  const dir = path.join(runs, id);
  crashedJournal(dir, id);
  const wal = new OrderWal(dir);
  wal.send({ clientOrderId: cid, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.02, timestampMs: Date.now() });
  return { dir, wal, bought: await binanceBuy(cid, '0.02') };
}

function crashedJournal(dir: string, id: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), JSON.stringify({ t: Date.now() - 3_600_000, ns: 0, type: 'run_start', run_id: id, mode: 'live' }) + '\n');
}

t.test('--resume of a crashed run: its own filled leg is exposure (adopted, said so), its orders at the venue are no orphans', async (t) => {
  const { cfg, runs, log, msg } = setup(t, { leftover_exposure: 'adopt' });
  const dir = path.join(runs, 'live-A');
  crashedJournal(dir, 'live-A');
  const wal = new OrderWal(dir);
  wal.reserve('xa0a0a0a0', 1, 1024);
  wal.send({ clientOrderId: 'xa0a0a0a0-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.01, timestampMs: Date.now() });
  const filled = await binanceBuy('xa0a0a0a0-1', '0.01');
  wal.final('binance', 'xa0a0a0a0-1', 'FILLED', filled);
  // A second leg journaled long ago (outside the venues' look-back): only the WAL knows it filled.
  wal.send({ clientOrderId: 'xa0a0a0a0-2', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.5, timestampMs: Date.now() - 30 * 3600_000 });
  wal.final('binance', 'xa0a0a0a0-2', 'FILLED', 0.5);
  wal.close();

  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: dir, runId: 'live-A', log, freshVenues: false, resumed: { previous: 'crashed' } });
  t.equal(r.reason, '');
  t.equal(r.ok, true);
  const v = r.verdict!;
  t.same(v.orphans, [], 'the resumed run\'s own orders at the venue are known');
  t.same(v.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e8) / 1e8, e.runs]), [['BTCUSDT', 0.50999, ['live-A']]],
    'both legs, each once (the venue\'s fill net of its 0.1 % base-coin fee; the WAL-only leg gross: no fee known)');
  t.same(v.adopt.length, 1);
  t.match(v.reasons.join('\n'), /BTCUSDT long 0\.50999\d* left by run live-A itself \(the run being resumed: its crashed segment\): adopted/);
  t.equal(r.walOrders['live-A'], 2, 'the WAL orders taken over, for leftover.json');
  t.ok(msg('live start-up: the resumed run\'s own journal is reconciled like an earlier run\'s'));

  // Without --resume it would have been skipped: a new run's own directory is not an earlier run.
  const fresh = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'live-B'), runId: 'live-B', log, freshVenues: false });
  t.same(fresh.verdict!.exposure.map((e) => e.runs), [['live-A']], 'a new run sees the same exposure, named as a crashed run');
  t.match(fresh.verdict!.reasons.join('\n'), /left by crashed run\(s\) live-A: adopted/);
});

t.test('in-flight orders outside the look-back window: asked by client id; a fill is exposure, an unfilled one is settled in its WAL', async (t) => {
  const { cfg, runs, log, msg } = setup(t, { leftover_exposure: 'adopt' });
  const { dir, wal } = await crashedWithFilledBuy(runs, 'old', 'xb1b1b1b1-1');
  wal.send({ clientOrderId: 'xb1b1b1b1-2', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 60_000, qty: 0.02, timestampMs: Date.now() });
  const y = await bybitPost(sim.bybitUrl.rest, '/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '0.02',
    price: touch(1, false, true), timeInForce: 'IOC', orderLinkId: 'xb1b1b1b1-2' }, SIM_KEYS.bybit);
  t.equal(y.body.retCode, 0, 'placed (an IOC far from the book: nothing fills)');
  wal.close();
  await new Promise((r) => setTimeout(r, 20));
  // A look-back of 1 ms: the snapshots hold neither order; only the query by client id finds them.
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false, lookbackMs: 1 });
  t.equal(r.reason, '');
  t.equal(r.ok, true);
  const asked = msg('live start-up: in-flight orders of earlier runs asked of the venues by client id')!;
  t.equal(asked['asked'], 2);
  t.equal(asked['found'], 2);
  const v = r.verdict!;
  t.same(v.resolved.map((x) => [x.order.clientOrderId, x.cumQty]).sort(), [['xb1b1b1b1-1', 0.02], ['xb1b1b1b1-2', 0]]);
  t.same(v.exposure.map((e) => [Math.round(e.netQty * 1e8) / 1e8, e.byVenue]), [[0.02, { binance: 0.02 }]], 'the Binance fill, found by client id, is the exposure');
  const after = readOrderWal(path.join(dir, 'orders.wal')).orders;
  t.equal(after[0]!.final, null, 'the filled one stays in flight in its WAL (its fill is that run\'s exposure until a taker answers for it)');
  t.equal(after[1]!.final?.cumQty, 0, 'the unfilled one is settled there');
});

t.test('a young order not found: the start waits until the venue can no longer accept it, asks again, then never placed', async (t) => {
  const { cfg, runs, log } = setup(t);
  const dir = path.join(runs, 'stopped');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), [
    JSON.stringify({ t: Date.now(), ns: 0, type: 'run_start', run_id: 'stopped', mode: 'live' }),
    JSON.stringify({ t: Date.now(), ns: 1, type: 'run_end', reason: 'signal', exit_code: 0 }),
  ].join('\n') + '\n');
  const wal = new OrderWal(dir);
  wal.send({ clientOrderId: 'xc2c2c2c2-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.01, timestampMs: Date.now() });
  // The run stopped with it unknown (LiveExecutor.onSettled while stopping).
  wal.final('binance', 'xc2c2c2c2-1', 'UNRESOLVED', 0);
  wal.close();
  const waits: number[] = [];
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false,
    sleep: (ms) => { waits.push(ms); return new Promise((res) => setTimeout(res, ms)); } });
  t.equal(r.reason, '');
  t.equal(r.ok, true);
  t.equal(waits.length, 1, 'one wait for the recvWindow to pass');
  t.same(r.verdict!.notPlaced.map((x) => [x.runId, x.order.clientOrderId]), [['stopped', 'xc2c2c2c2-1']]);
  t.same(readOrderWal(path.join(dir, 'orders.wal')).orders[0]!.final, { status: 'NOT_PLACED', cumQty: 0 });
});

async function venueBalances(): Promise<Record<'binance' | 'bybit', Map<string, number>>> {
  const common = { recvWindowMs: 5000, venueNowMs: Date.now, timeoutMs: 3000 };
  const bn = new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, ...SIM_KEYS.binance, ...common });
  const bb = new BybitAccountRest({ baseUrl: sim.bybitUrl.rest, ...SIM_KEYS.bybit, ...common });
  try {
    return { binance: (await bn.account()).balances, bybit: await bb.walletBalance() };
  } finally {
    await bn.close();
    await bb.close();
  }
}

function previousLiveRun(runs: string, b: Record<'binance' | 'bybit', Map<string, number>>, fillQty: number): void {
  const dir = path.join(runs, 'prev');
  fs.mkdirSync(dir, { recursive: true });
  const bal = (m: Map<string, number>) => ({ quote: m.get('USDT') ?? 0, base: { BTCUSDT: m.get('BTC') ?? 0 } });
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), [
    { t: Date.now() - 1000, ns: 0, type: 'run_start', run_id: 'prev', mode: 'live', symbols: ['BTCUSDT'], balances: { binance: bal(b.binance), bybit: bal(b.bybit) } },
    { t: Date.now() - 900, ns: 1, type: 'report', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', status: 'FILLED', last_px: 60_000, last_qty: fillQty, fee: 0, fee_asset: 'quote' },
    { t: Date.now() - 800, ns: 2, type: 'report', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', status: 'FILLED', last_px: 60_000, last_qty: fillQty, fee: 0, fee_asset: 'quote' },
    { t: Date.now() - 700, ns: 3, type: 'run_end', reason: 'signal', exit_code: 0 },
  ].map((x) => JSON.stringify(x)).join('\n') + '\n');
}

t.test('start balances against the journals: agreement is logged; a difference warns, or refuses the start with start_balance_check = "halt"', async (t) => {
  const b = await venueBalances();
  {
    const { cfg, runs, log, msg } = setup(t);
    previousLiveRun(runs, b, 0);
    const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false });
    t.equal(r.ok, true);
    t.ok(msg('live start-up: the venues\' balances agree with the journals'), 'no fills since: the journals agree with the venues');
  }
  // The previous run journaled a fill of 5 BTC each way that never happened at the venues.
  {
    const { cfg, runs, log, msg } = setup(t);
    previousLiveRun(runs, b, 5);
    const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false });
    t.equal(r.ok, true, 'warn (the default) does not refuse');
    const w = msg(/balances differ from what the journals say \(warning only/)!;
    t.equal(w['level'], 40);
    const drift = w['drift'] as Array<{ venue: string; asset: string; expected: number; venue_amount: number }>;
    t.ok(drift.some((d) => d.venue === 'binance' && d.asset === 'BTC' && Math.abs(d.expected - ((b.binance.get('BTC') ?? 0) + 5)) < 1e-9));
    t.ok(drift.some((d) => d.venue === 'bybit' && d.asset === 'USDT' && Math.abs(d.expected - ((b.bybit.get('USDT') ?? 0) + 300_000)) < 1e-6));
  }
  {
    const { cfg, runs, log } = setup(t, { start_balance_check: 'halt' });
    previousLiveRun(runs, b, 5);
    const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false });
    t.equal(r.ok, false);
    t.match(r.reason, /binance BTC: venue holds [\d.]+, the journals say [\d.]+ \(latest live run's start \+ 2 fill\(s\)\)/);
  }
});

t.test('halt policy, then the leftover closed by hand at the venue: the next start sees the closing trade and goes on, nothing traded', async (t) => {
  const { cfg, runs, log, msg } = setup(t, { leftover_exposure: 'halt' });
  const { wal, bought } = await crashedWithFilledBuy(runs, 'crashed', 'xc1c1c1c1-1');
  wal.close();
  const first = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'try1'), runId: 'try1', log, freshVenues: false });
  t.equal(first.ok, false, 'halted');
  // What the account holds of the buy: 0.02 less the simulator's 0.1 % fee in BTC.
  t.match(first.reason, /BTCUSDT long 0\.0199\d* left by crashed run\(s\) crashed: halting/);
  // The operator sells it from the venue's web page (a client id that is not xarb's).
  await new Promise((r) => setTimeout(r, 5));
  const s = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'IOC',
    quantity: String(bought), price: touch(0, false), newClientOrderId: 'web_manual_close' }, SIM_KEYS.binance);
  t.equal(s.body.status, 'FILLED');
  const second = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'try2'), runId: 'try2', log, freshVenues: false });
  t.equal(second.reason, '');
  t.equal(second.ok, true, 'the halt does not apply: nothing left');
  t.same(second.verdict!.exposure, []);
  t.same(second.verdict!.closed.map((e) => [e.symbol, Math.round(e.closedByHand! * 1e8) / 1e8, e.runs]), [['BTCUSDT', 0.01998, ['crashed']]],
    'closed: all the account held of it (the buy net of its base-coin fee)');
  t.ok(msg(/leftover exposure closed by hand at the venue/), 'a warning says so');
});

t.test('an order found in a crashed run\'s reserved ids is journaled in its WAL and counted in the orders taken over (walOrders)', async (t) => {
  const { cfg, runs, log } = setup(t, { leftover_exposure: 'adopt' });
  const dir = path.join(runs, 'reserved');
  crashedJournal(dir, 'reserved');
  const wal = new OrderWal(dir);
  wal.reserve('xc2c2c2c2', 1, 1024);
  wal.close();
  // Sent, and the process died before its send line (or a machine crash lost it).
  const bought = await binanceBuy('xc2c2c2c2-1', '0.01');
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'taker'), runId: 'taker', log, freshVenues: false });
  t.equal(r.reason, '');
  t.same(r.verdict!.foundInReserved.map((f) => [f.runId, f.order.clientOrderId]), [['reserved', 'xc2c2c2c2-1']]);
  t.same(readOrderWal(path.join(dir, 'orders.wal')).orders.map((o) => [o.clientOrderId, o.side, o.final?.cumQty ?? null]), [['xc2c2c2c2-1', 'buy', bought]],
    'journaled in the crashed run\'s WAL');
  t.equal(r.walOrders['reserved'], 1, 'the found order counts among the orders taken over: once the taker ends, the run counts as ended');
});
