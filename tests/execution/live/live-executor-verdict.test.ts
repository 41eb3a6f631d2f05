/**
 * The live executor's answer to a reconciliation request, against the real simulator on
 * loopback (REST order client over the kept-alive pool):
 *
 * - the venue's answer to the order is lost (simulator fault `order_lost`), the executor's
 *   client finds the order by its client id (order query), and every report of it is lost on
 *   its way to the strategy (a report backlog that overflowed): the verdict, from the memory
 *   of settled orders, states what the venue did, exactly (its order view and the account's
 *   balance changes);
 * - asked while the executor is still looking (answer lost and the order hidden from queries
 *   for a while: `order_invisible`): the verdict comes with the venue's final word, not before;
 * - a restarted executor (another run tag) has no record of the order: it says so.
 */
import t from 'tap';
import { startSimulator, type SimHandle } from '../../../src/sim/index.js';
import { SIM_KEYS } from '../../../src/sim/order-entry-keys.js';
import {
  ACTION_NEW, ACTION_RECONCILE, ASSET_BASE, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY,
  I_ROLE, I_SIDE, I_TIF, INTENT_WORDS, ROLE_LEG_BUY, SIDE_BUY, ST_FILLED, ST_CANCELED, TIF_IOC, VENUE_BINANCE, VERDICT_FINAL, VERDICT_NO_RECORD,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { BinanceOrderClient } from '../../../src/execution/live/binance-client.js';
import { PoolTransport } from '../../../src/execution/live/pool-transport.js';
import type { ReportSink } from '../../../src/execution/report-sink.js';
import type { VerdictSink } from '../../../src/execution/verdict-sink.js';
import { BinanceAccountRest } from '../../../src/venues/binance/account-rest.js';
import { fault } from '../../sim/signed-rest.js';

interface Verdict { orderId: number; kind: number; status: number; cumQty: number; cumQuote: number; cumFee: number; feeAsset: number }

class Verdicts implements VerdictSink {
  readonly got: Verdict[] = [];
  verdict(orderId: number, _venue: number, _symbol: number, kind: number, status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number): void {
    this.got.push({ orderId, kind, status, cumQty, cumQuote, cumFee, feeAsset });
  }
}

/** Every report lost on its way to the strategy, counted. */
class LostReports implements ReportSink {
  lost = 0;
  report(): void {
    this.lost++;
  }
}

const FILTERS = [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minNotional: 5 } }, undefined];
const mono = (): number => Number(process.hrtime.bigint());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function stack(t: { teardown(fn: () => unknown): void }, sim: SimHandle, runTag: string) {
  const pool = new PoolTransport();
  const log = (): void => {};
  const client = new BinanceOrderClient({
    baseUrl: sim.binanceUrl.rest, creds: SIM_KEYS.binance, recvWindowMs: 1000, timeoutMs: 1000, takerFeeRate: 0.001, reconcileBudgetMs: 3000,
    transport: pool, wallMs: Date.now, log,
  });
  const sink = new LostReports();
  const verdicts = new Verdicts();
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients: [client, null], filters: FILTERS, limiters: [null, null], sink, verdicts, runTag, monoNs: mono, wallMs: Date.now, log,
  });
  t.teardown(async () => {
    exec.stop();
    await Promise.race([exec.whenIdle(), sleep(3000)]);
    await pool.close();
  });
  const rec = new Float64Array(INTENT_WORDS);
  const buy = (id: number): void => {
    const b = sim.generator.book(0, 0);
    rec.fill(0);
    rec[H_VENUE] = VENUE_BINANCE; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = id; rec[I_PAIR_ID] = 0;
    rec[I_SIDE] = SIDE_BUY; rec[I_PRICE] = b.asks.best() * b.tickUnit * 1.01; rec[I_QTY] = 0.01; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY;
    rec[H_RECV_NS] = 1; rec[I_DEADLINE_NS] = mono() + 10e9;
    exec.onIntent(rec, 0, mono());
  };
  /** The strategy's ACTION_RECONCILE intent for order `id`. */
  const ask = (id: number): void => {
    rec.fill(0);
    rec[H_VENUE] = VENUE_BINANCE; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_RECONCILE; rec[I_ORDER_ID] = id;
    rec[I_SIDE] = SIDE_BUY; rec[I_QTY] = 0.01;
    exec.onIntent(rec, 0, mono());
  };
  return { exec, sink, verdicts, buy, ask };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
}

t.test('the answer and every report lost: the verdict states what the venue did, exactly', async (t) => {
  const sim = await startSimulator({ seed: 41, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  const acct = new BinanceAccountRest({ baseUrl: sim.binanceUrl.rest, ...SIM_KEYS.binance, recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000 });
  t.teardown(async () => {
    await acct.close();
    await sim.stop();
  });
  const s = stack(t, sim, 'xrv');
  const before = (await acct.account()).balances;
  t.equal((await fault(sim.binanceUrl.rest, { kind: 'order_lost', venue: 'binance' })).status, 200);
  s.buy(1);
  await until(() => s.exec.tracker.liveCount === 0, 8000);
  t.equal(s.exec.tracker.liveCount, 0, 'the executor settled the order by its query');
  t.ok(s.sink.lost >= 1, `${s.sink.lost} reports lost on the way to the strategy`);
  s.ask(1);
  t.equal(s.verdicts.got.length, 1, 'answered at once from the memory of settled orders');
  const v = s.verdicts.got[0]!;
  t.equal(v.kind, VERDICT_FINAL);
  const view = (await acct.orderByClientId('BTCUSDT', 'xrv-1'))!;
  t.ok(view !== null, 'the venue has the order');
  t.equal(v.status, view.status === 'FILLED' ? ST_FILLED : ST_CANCELED, `status as the venue says (${view.status})`);
  t.ok(Math.abs(v.cumQty - view.cumQty) < 1e-12, `quantity ${v.cumQty} = the venue's ${view.cumQty}`);
  t.ok(v.cumQty > 0, 'it filled');
  const after = (await acct.account()).balances;
  const dQuote = (after.get('USDT') ?? 0) - (before.get('USDT') ?? 0);
  const dBase = (after.get('BTC') ?? 0) - (before.get('BTC') ?? 0);
  t.ok(Math.abs(dQuote + v.cumQuote) < 1e-6, `quote spent ${-dQuote} = the verdict's ${v.cumQuote}`);
  const feeBase = v.feeAsset === ASSET_BASE ? v.cumFee : 0;
  t.ok(Math.abs(dBase - (v.cumQty - feeBase)) < 1e-9, `base received ${dBase} = ${v.cumQty} less fee ${feeBase}`);
  t.equal(s.exec.counters.verdicts_final, 1);
});

t.test('asked while the executor is still looking: the verdict comes with the venue\'s final word', async (t) => {
  const sim = await startSimulator({ seed: 42, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const s = stack(t, sim, 'xrw');
  await fault(sim.binanceUrl.rest, { kind: 'order_invisible', venue: 'binance', durationMs: 800 });
  await fault(sim.binanceUrl.rest, { kind: 'order_lost', venue: 'binance' });
  s.buy(1);
  await sleep(100);
  t.equal(s.exec.tracker.liveCount, 1, 'still looking (the answer lost, the order hidden from queries)');
  s.ask(1);
  t.equal(s.verdicts.got.length, 0, 'no verdict on a guess while the venue has not said');
  await until(() => s.verdicts.got.length > 0, 8000);
  t.equal(s.verdicts.got.length, 1, 'the verdict came with the final');
  const v = s.verdicts.got[0]!;
  t.equal(v.kind, VERDICT_FINAL);
  t.ok(v.status === ST_FILLED || v.status === ST_CANCELED, 'a final status');
  t.ok(v.cumQty > 0, 'with the fill the venue made');
});

t.test('a restarted executor (another run tag) has no record: it says so', async (t) => {
  const sim = await startSimulator({ seed: 43, symbols: ['BTCUSDT'], ratePerVenue: 100, dislocationEveryMs: 0 });
  t.teardown(() => sim.stop());
  const first = stack(t, sim, 'xra');
  first.buy(1);
  await until(() => first.exec.tracker.liveCount === 0, 5000);
  const restarted = stack(t, sim, 'xrb');
  restarted.ask(1);
  t.same(restarted.verdicts.got.map((v) => v.kind), [VERDICT_NO_RECORD], 'no record, never a guess');
  t.equal(restarted.exec.counters.verdicts_no_record, 1);
  t.equal(restarted.exec.counters.intents, 1, 'the request is an intent like any other');
  t.equal(restarted.exec.counters.sent, 0, 'and sends nothing');
});
