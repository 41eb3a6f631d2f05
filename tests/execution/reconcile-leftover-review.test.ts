/**
 * Review findings of session 6 (issue 9), now specifications of reconcileAtStart:
 *
 * Fills-only orphan: an xarb fill (xarb's client-id shape) whose order neither a run's journal
 * nor the venue's order lists know is the venue's word that exposure exists. It is reported
 * (`orphanFills`) and counted as leftover exposure, handled by the policy like a crashed run's
 * (flatten, adopt, halt); a run that took it over (leftover.json `taken_fills`) answers for it.
 * Only contradictory fills (one client id, two sides or symbols; no positive quantity or
 * price) refuse the start. An xarb order the venue lists in no journal still refuses.
 *
 * Halt, then closed by hand: exposure the operator closed at the venue is seen by the next
 * start as the fills that are not xarb's, of that symbol, after the exposure's last fill: it is
 * `closed` (nothing traded, the halt does not apply, a reason line says so), or reduced by what
 * was closed (the rest still halts / is flattened / adopted).
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LEFTOVER_FILE, readEarlierRuns, writeLeftover } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { UNJOURNALED_FILLS, reconcileAtStart, type EarlierRun, type JournaledOrder, type ReconcileOptions, type VenueFillView, type VenueOrderView,
  type VenueSnapshot } from '../../src/execution/reconcile.js';

const fill = (cid: string, side: 'buy' | 'sell', qty: number, over: Partial<VenueFillView> = {}): VenueFillView => ({
  venue: 'binance', symbol: 'BTCUSDT', tradeId: `t-${cid}-${side}-${qty}`, orderId: `o-${cid}`, clientOrderId: cid, side, qty, price: 60_000, timeMs: 1000, ...over,
});
const snap = (venue: 'binance' | 'bybit', over: Partial<VenueSnapshot> = {}): VenueSnapshot => ({ venue, balances: new Map(), openOrders: [], history: [], fills: [], ...over });
const opts = (over: Partial<ReconcileOptions> = {}): ReconcileOptions => ({ exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 1e-6, ...over });
const jo = (cid: string, over: Partial<JournaledOrder> = {}): JournaledOrder => ({
  clientOrderId: cid, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.5, sentMs: 1000, final: null, ...over,
});
const hist = (o: JournaledOrder): VenueOrderView => ({
  venue: o.venue, symbol: o.symbol, orderId: `o-${o.clientOrderId}`, clientOrderId: o.clientOrderId, side: o.side, price: o.price, qty: o.qty,
  cumQty: o.qty, status: 'FILLED', open: false, timeMs: o.sentMs,
});

t.test('a fill whose order no journal and no venue list knows: reported, counted as leftover exposure, handled by the policy', async (t) => {
  const orphan = [fill('xabcdef01-7', 'buy', 0.2, { price: 60_000 }), fill('xabcdef01-7', 'buy', 0.1, { price: 60_300, tradeId: 't2' })];
  const snaps = [snap('binance', { fills: orphan }), snap('bybit')];
  const v = reconcileAtStart(snaps, [], opts());
  t.equal(v.canTrade, true, v.reasons.join('; '));
  t.same(v.orphans, [], 'not an orphan that halts');
  t.same(v.orphanFills.map((o) => [o.venue, o.clientOrderId, o.side, Math.round(o.qty * 1e9) / 1e9, o.fills]), [['binance', 'xabcdef01-7', 'buy', 0.3, 2]], 'reported');
  t.same(v.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e9) / 1e9, e.runs]), [['BTCUSDT', 0.3, [UNJOURNALED_FILLS]]], 'its exposure is real');
  t.ok(Math.abs(v.exposure[0]!.avgPx - 60_100) < 1e-6, 'entry price: the fills\' average');
  t.same(v.exposure[0]!.orphanFills, ['binance|BTCUSDT|t-xabcdef01-7-buy-0.2', 'binance|BTCUSDT|t2'], 'the fills, for the taker\'s leftover.json');
  t.same(v.flatten.map((f) => [f.venue, f.side, Math.round(f.qty * 1e9) / 1e9]), [['binance', 'sell', 0.3]], 'flatten: sold where it sits');
  t.match(v.reasons.join('\n'), /1 xarb order\(s\) known only by their fills .* binance xabcdef01-7 BTCUSDT buy/);
  t.match(v.reasons.join('\n'), /BTCUSDT long 0.3\d* left by xarb fills in no run's journal: flattening/);
  t.equal(reconcileAtStart(snaps, [], opts({ exposurePolicy: 'adopt' })).adopt.length, 1, 'adopt');
  const halt = reconcileAtStart(snaps, [], opts({ exposurePolicy: 'halt' }));
  t.equal(halt.canTrade, false, 'halt policy: refused, for the exposure');
  t.match(halt.reasons.join('\n'), /left by xarb fills in no run's journal: halting/);
  // Another fill nets against it: a sell of the same size on Bybit (another such order) leaves nothing.
  const both = reconcileAtStart([snap('binance', { fills: orphan }), snap('bybit', { fills: [fill('xabcdef01-8', 'sell', 0.3, { venue: 'bybit' })] })], [], opts({ exposurePolicy: 'halt' }));
  t.equal(both.canTrade, true, 'the two net out');
  t.same(both.exposure, []);
});

t.test('fills in no journal already taken over by an ended run are not counted again', async (t) => {
  const f = fill('xabcdef01-7', 'buy', 0.3);
  const v = reconcileAtStart([snap('binance', { fills: [f] })], [], opts({ exposurePolicy: 'halt', takenFills: new Set([`binance|${f.symbol}|${f.tradeId}`]) }));
  t.equal(v.canTrade, true);
  t.same(v.orphanFills, []);
  t.same(v.exposure, []);
  // A leftover.json written before keys named the symbol (`venue|tradeId`): taken on any symbol.
  const old = reconcileAtStart([snap('binance', { fills: [f] })], [], opts({ exposurePolicy: 'halt', takenFills: new Set(['binance|' + f.tradeId]) }));
  t.equal(old.canTrade, true, 'an older key without the symbol still counts as taken');
  t.same(old.exposure, []);
});

t.test('contradictory fills in no journal refuse the start: nobody can say what the exposure is', async (t) => {
  const v = reconcileAtStart([snap('binance', { fills: [fill('xabcdef01-9', 'buy', 0.1), fill('xabcdef01-9', 'sell', 0.1, { tradeId: 'tx' })] })], [], opts());
  t.equal(v.canTrade, false);
  t.equal(v.orphans.length, 2);
  t.match(v.reasons.join('\n'), /xabcdef01-9: xarb fills in no journal that contradict each other \(its fills differ in symbol or side\)/);
  const zero = reconcileAtStart([snap('binance', { fills: [fill('xabcdef01-9', 'buy', 0.1, { price: 0 })] })], [], opts());
  t.equal(zero.canTrade, false, 'a fill at no price');
});

t.test('an xarb order the venue lists in no journal still refuses the start (another instance on these keys)', async (t) => {
  const o = jo('xabcdef01-3');
  const v = reconcileAtStart([snap('binance', { history: [hist(o)], fills: [fill(o.clientOrderId, 'buy', 0.5)] })], [], opts());
  t.equal(v.canTrade, false);
  t.same(v.orphanFills, []);
  t.ok(v.orphans.length >= 1);
});

t.test('a fill in no list inside a crashed run\'s reserved ids belongs to that run', async (t) => {
  const run: EarlierRun = { runId: 'r9', ended: false, orders: [], reserved: [{ tag: 'xabcdef01', from: 1, to: 1024 }] };
  const v = reconcileAtStart([snap('binance', { fills: [fill('xabcdef01-7', 'buy', 0.3)] })], [run], opts({ exposurePolicy: 'adopt' }));
  t.same(v.orphanFills, []);
  t.same(v.exposure.map((e) => [e.netQty, e.runs]), [[0.3, ['r9']]]);
});

t.test('halt, then the operator closes the exposure by hand at the venue: the next start sees it closed and goes on', async (t) => {
  const a = jo('xdeadbeef-1', { side: 'buy', qty: 0.5 });
  const run: EarlierRun = { runId: 'r1', ended: false, orders: [a] };
  const legFill = fill(a.clientOrderId, 'buy', 0.5, { timeMs: 1000 });
  const before = reconcileAtStart([snap('binance', { history: [hist(a)], fills: [legFill] })], [run], opts({ exposurePolicy: 'halt' }));
  t.equal(before.canTrade, false, 'halted');
  // The operator sells the 0.5 on Bybit from the web UI (client id not xarb's), after the leg.
  const manual = fill('web_8f2c', 'sell', 0.5, { venue: 'bybit', timeMs: 90_000, tradeId: 'm1' });
  const after = reconcileAtStart([snap('binance', { history: [hist(a)], fills: [legFill] }), snap('bybit', { fills: [manual] })], [run], opts({ exposurePolicy: 'halt' }));
  t.equal(after.canTrade, true, after.reasons.join('; '));
  t.same(after.exposure, [], 'nothing left to trade');
  t.same(after.closed.map((e) => [e.symbol, e.closedByHand, e.runs]), [['BTCUSDT', 0.5, ['r1']]], 'closed by hand, for the leftover.json of this run');
  t.match(after.reasons.join('\n'), /BTCUSDT long 0.5 left by crashed run\(s\) r1: closed by hand at the venue \(1 fill\(s\) not xarb's since its last fill\)/);
  // With flatten, nothing is sold again.
  t.same(reconcileAtStart([snap('binance', { history: [hist(a)], fills: [legFill] }), snap('bybit', { fills: [manual] })], [run], opts()).flatten, []);
});

t.test('closed by hand in part: the rest is still exposure; trades before the leftover or the same way do not close it', async (t) => {
  const a = jo('xdeadbeef-1', { side: 'buy', qty: 0.5 });
  const run: EarlierRun = { runId: 'r1', ended: false, orders: [a] };
  const legFill = fill(a.clientOrderId, 'buy', 0.5, { timeMs: 1000 });
  const part = reconcileAtStart([snap('binance', { history: [hist(a)], fills: [legFill, fill('web_1', 'sell', 0.2, { timeMs: 5000, tradeId: 'm1' })] })], [run],
    opts({ exposurePolicy: 'halt' }));
  t.equal(part.canTrade, false, 'the rest still halts');
  t.same(part.exposure.map((e) => [Math.round(e.netQty * 1e9) / 1e9, e.closedByHand]), [[0.3, 0.2]]);
  t.match(part.reasons.join('\n'), /0.2 of it closed by hand/);
  t.match(part.reasons.join('\n'), /BTCUSDT long 0.3 still open of it: halting/);
  const earlier = reconcileAtStart([snap('binance', { history: [hist(a)], fills: [legFill, fill('web_1', 'sell', 0.5, { timeMs: 500, tradeId: 'm1' })] })], [run],
    opts({ exposurePolicy: 'halt' }));
  t.equal(earlier.canTrade, false, 'a sale before the leftover was made closes nothing');
  const sameWay = reconcileAtStart([snap('binance', { history: [hist(a)], fills: [legFill, fill('web_1', 'buy', 0.5, { timeMs: 5000, tradeId: 'm1' })] })], [run],
    opts({ exposurePolicy: 'halt' }));
  t.equal(sameWay.canTrade, false, 'a buy adds to a long, it does not close it');
});

t.test('a taker\'s leftover.json records the fills in no journal and what was closed by hand; once it ended they count as settled', async (t) => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-taken-fills-'));
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const taker = path.join(runs, 'taker');
  new OrderWal(taker).close();
  const f = fill('xabcdef01-7', 'buy', 0.3);
  const v = reconcileAtStart([snap('binance', { fills: [f] })], [], opts({ exposurePolicy: 'adopt' }));
  writeLeftover(taker, v.adopt, 'adopt', {});
  const left = JSON.parse(fs.readFileSync(path.join(taker, LEFTOVER_FILE), 'utf8')) as { taken_fills: string[] };
  t.same(left.taken_fills, [`binance|${f.symbol}|${f.tradeId}`]);
  fs.writeFileSync(path.join(taker, 'journal.jsonl'), JSON.stringify({ type: 'run_start' }) + '\n');
  t.same([...readEarlierRuns(runs).takenFills], [], 'the taker still running (or crashed): not taken yet, its own orders net with them');
  fs.appendFileSync(path.join(taker, 'journal.jsonl'), JSON.stringify({ type: 'run_end' }) + '\n');
  const er = readEarlierRuns(runs);
  t.same([...er.takenFills], [`binance|${f.symbol}|${f.tradeId}`]);
  const next = reconcileAtStart([snap('binance', { fills: [f] })], er.runs, opts({ exposurePolicy: 'halt', takenFills: er.takenFills }));
  t.equal(next.canTrade, true, 'a later start does not count them again');
  t.same(next.exposure, []);
});
