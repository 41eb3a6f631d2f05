/**
 * The dry-run executor's answer to a reconciliation request (dry-run-executor.ts
 * requestVerdict): one query round trip later, the venue's final as the simulated venue decided
 * it (kept per slot from the order's arrival, then in the memory of settled orders), "no
 * record" for an order it never saw, nothing for an order not at the venue yet.
 *
 * Then the whole paper path with its real rings: the strategy (RingOrderSink, StrategyAgent's
 * report handler), the executor agent and RingReportSink, with every report of one order lost
 * on its way to the strategy. The strategy asks, the executor's verdict settles the order, and
 * the strategy's positions equal the executor's balances.
 */
import t from 'tap';
import {
  ASSET_BASE, ASSET_QUOTE, INTENT_WORDS, REPORT_WORDS, ROLE_LEG_BUY, SIDE_BUY, SIDE_SELL, ST_CANCELED, ST_FILLED, TIF_IOC,
  VENUE_BINANCE, VENUE_BYBIT, VERDICT_FINAL, VERDICT_NO_RECORD,
} from '../../src/core/records.js';
import { DryRunExecutor, type DryRunExecutorOptions } from '../../src/execution/dry-run-executor.js';
import { ConstantLatency } from '../../src/execution/latency-model.js';
import type { ReportSink } from '../../src/execution/report-sink.js';
import type { VerdictSink } from '../../src/execution/verdict-sink.js';
import { POLICY_BLOCK, RingConsumer, RingProducer, createRing } from '../../src/core/ring.js';
import { Doorbell } from '../../src/core/doorbell.js';
import { HopRecorders } from '../../src/core/histogram.js';
import { monoNs } from '../../src/core/clock.js';
import { DryRunExecutorAgent, RingReportSink, newExecutorCounters } from '../../src/actors/executor-agent.js';
import { RingOrderSink, StrategyAgent } from '../../src/actors/strategy-agent.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import { FEE, START_BASE, START_QUOTE, propertyBalances, propertyConfig, propertyFilters } from '../strategy/model-venues.js';
import { ArrayBook } from './array-book.js';
import { TR_REPORT, TR_VERDICT, TR_WORDS, TraceBatcher } from '../../src/data/strategy-trace.js';

const MS = 1e6;

interface Verdict { orderId: number; venue: number; symbol: number; kind: number; status: number; cumQty: number; cumQuote: number; cumFee: number; feeAsset: number; t: number }

class Verdicts implements VerdictSink {
  readonly got: Verdict[] = [];
  verdict(orderId: number, venue: number, symbol: number, kind: number, status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number, t: number): void {
    this.got.push({ orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset, t });
  }
}

/** Reports that never arrive (a report backlog that overflowed), counted. */
class LostReports implements ReportSink {
  lost = 0;
  report(): void {
    this.lost++;
  }
}

function executor(over: Partial<DryRunExecutorOptions> = {}): DryRunExecutor {
  return new DryRunExecutor({
    venues: 2, symbols: 1, entryLatency: new ConstantLatency(1 * MS), responseLatency: new ConstantLatency(2 * MS), takerFeeRate: [0.001, 0.001],
    balances: [{ base: 10, quote: 10_000 }, { base: 10, quote: 10_000 }], ...over,
  });
}

function book(): ArrayBook {
  const b = new ArrayBook();
  b.set(VENUE_BINANCE, 0, [[99, 1]], [[101, 0.4]]);
  b.set(VENUE_BYBIT, 0, [[100, 2]], [[103, 2]]);
  return b;
}

function runAll(ex: DryRunExecutor, b: ArrayBook, out: ReportSink): void {
  for (let i = 0; i < 10_000 && ex.nextDueNs() < Infinity; i++) ex.poll(ex.nextDueNs(), b, out);
}

t.test('every report lost: the verdict states the venue\'s final (status, quantity, quote, fee)', async (t) => {
  const ex = executor();
  const v = new Verdicts();
  ex.verdictSink = v;
  const b = book();
  const lost = new LostReports();
  // Buys 0.5 at up to 101: the book shows 0.4, so 0.4 fills and the rest is cancelled.
  t.ok(ex.submit(1, 1, VENUE_BINANCE, 0, SIDE_BUY, 101, 0.5, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0));
  runAll(ex, b, lost);
  t.equal(lost.lost, 3, 'ACKED, PARTIAL and CANCELED all lost');
  t.ok(ex.requestVerdict(1, VENUE_BINANCE, 0, 100 * MS));
  t.equal(v.got.length, 0, 'answered one query round trip later, not at once');
  runAll(ex, b, lost);
  t.equal(v.got.length, 1);
  const g = v.got[0]!;
  t.same([g.orderId, g.venue, g.symbol, g.kind, g.status], [1, VENUE_BINANCE, 0, VERDICT_FINAL, ST_CANCELED], 'final: cancelled after a partial fill');
  t.equal(g.t, 103 * MS, 'at request + entry + response latency');
  t.ok(Math.abs(g.cumQty - 0.4) < 1e-12, `quantity ${g.cumQty}`);
  t.ok(Math.abs(g.cumQuote - 0.4 * 101) < 1e-9, `quote ${g.cumQuote}`);
  t.ok(Math.abs(g.cumFee - 0.4 * 0.001) < 1e-12, `fee ${g.cumFee} in base (a spot buy)`);
  t.equal(g.feeAsset, ASSET_BASE);
  t.ok(Math.abs(ex.balances.baseOf(VENUE_BINANCE, 0) - (10 + g.cumQty - g.cumFee)) < 1e-12, 'the venue\'s balance moved by exactly what the verdict states');
  // Asked again (the verdict itself was lost): the same answer, from the settled memory.
  ex.requestVerdict(1, VENUE_BINANCE, 0, 200 * MS);
  runAll(ex, b, lost);
  t.same(v.got[1], { ...g, t: 203 * MS }, 'the same verdict again');
  t.equal(ex.verdictsFinal, 2);
});

t.test('an order the executor never saw: "no record"; an order not at the venue yet: no answer', async (t) => {
  const ex = executor({ entryLatency: new ConstantLatency(50 * MS) });
  const v = new Verdicts();
  ex.verdictSink = v;
  const b = book();
  const lost = new LostReports();
  ex.requestVerdict(99, VENUE_BYBIT, 0, 0);
  t.ok(ex.submit(1, 1, VENUE_BYBIT, 0, SIDE_SELL, 100, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0));
  ex.requestVerdict(1, VENUE_BYBIT, 0, 0);
  // Both verdicts are due at 52 ms; the order arrives at 50 ms: poll only up to 49 ms first.
  ex.poll(49 * MS, b, lost);
  t.equal(v.got.length, 0);
  runAll(ex, b, lost);
  t.same(v.got.map((x) => [x.orderId, x.kind]), [[99, VERDICT_NO_RECORD], [1, VERDICT_FINAL]], 'no record for 99; order 1 had arrived by then');
  t.equal(ex.verdictsNoRecord, 1);
  const late = executor({ entryLatency: new ConstantLatency(50 * MS), responseLatency: new ConstantLatency(1 * MS) });
  late.verdictSink = v;
  t.ok(late.submit(1, 1, VENUE_BYBIT, 0, SIDE_SELL, 100, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0));
  late.requestVerdict(1, VENUE_BYBIT, 0, 0); // due at 2 ms, the order arrives at 50 ms
  late.poll(2 * MS, b, lost);
  t.equal(v.got.length, 2, 'not at the venue yet: nothing final to state, no answer (the strategy asks again)');
});

t.test('a verdict ahead of a slow answer settles the order; the answer still scheduled is dropped', async (t) => {
  const ex = executor({ faults: { extraResponseLatencyNs: 5000 * MS } });
  const v = new Verdicts();
  ex.verdictSink = v;
  const b = book();
  const reports: number[] = [];
  const out: ReportSink = { report: (_id, _p, _v, _s, _side, status) => { reports.push(status); } };
  t.ok(ex.submit(1, 1, VENUE_BYBIT, 0, SIDE_SELL, 100, 1, TIF_IOC, ROLE_LEG_BUY, 0, 0, 0, 0));
  ex.poll(1 * MS, b, out); // arrival: decided (filled 1 at 100), answers due at 5003 ms
  ex.requestVerdict(1, VENUE_BYBIT, 0, 10 * MS);
  ex.poll(13 * MS, b, out);
  t.equal(v.got.length, 1);
  t.same([v.got[0]!.status, v.got[0]!.cumQty, v.got[0]!.cumQuote, v.got[0]!.feeAsset], [ST_FILLED, 1, 100, ASSET_QUOTE]);
  t.equal(ex.tracker.liveCount, 0, 'settled: the slot is free');
  runAll(ex, b, out);
  t.same(reports, [], 'the slow answer for a settled order is dropped');
  t.equal(ex.pending, 0);
});

t.test('paper path over the real rings: every report of one leg lost; the strategy asks, the verdict settles it, positions equal the executor\'s', async (t) => {
  const cfg = propertyConfig();
  cfg.execution.order_timeout_ms = 20;
  cfg.risk.reconcile_after_ms = 30;
  const intentSab = createRing(256, INTENT_WORDS, POLICY_BLOCK);
  const reportSab = createRing(256, REPORT_WORDS, POLICY_BLOCK);
  const hist = new HopRecorders('test', 0, 'js');
  t.teardown(() => hist.close());
  let sinkRef: RingOrderSink | null = null;
  const strategy: ArbitrageStrategy = new ArbitrageStrategy(cfg, propertyFilters(), propertyBalances(), {
    newOrder: (...a) => sinkRef!.newOrder(...a),
    cancelOrder: (...a) => sinkRef!.cancelOrder(...a),
    requestVerdict: (...a) => sinkRef!.requestVerdict(...a),
  }, { onEvent: () => {} });
  const agent = new StrategyAgent([], new RingConsumer(reportSab), strategy, hist);
  const orderSink = sinkRef = new RingOrderSink(new RingProducer(intentSab, new Doorbell()), hist, agent.counters, () => {});
  agent.sink = orderSink;
  // --record: the trace of what the strategy read (data/strategy-trace.ts).
  const traced: number[][] = [];
  agent.trace = new TraceBatcher((buf, n) => {
    const f = new Float64Array(buf);
    for (let i = 0; i < n; i++) traced.push([...f.subarray(i * TR_WORDS, i * TR_WORDS + TR_WORDS)]);
  }, 16);
  agent.onStart();

  const exec = new DryRunExecutor({
    venues: 2, symbols: 1, entryLatency: new ConstantLatency(1 * MS), responseLatency: new ConstantLatency(1 * MS), takerFeeRate: [FEE, FEE],
    balances: [{ base: START_BASE, quote: START_QUOTE }, { base: START_BASE, quote: START_QUOTE }],
  });
  const counters = newExecutorCounters();
  const ring = new RingReportSink(new RingProducer(reportSab), hist, counters, () => {});
  exec.verdictSink = ring;
  // Every report of order 1 (the buy leg) is lost between the executor and the strategy.
  let lost = 0;
  const lossy: ReportSink = {
    report(orderId, ...rest: number[]) {
      if (orderId === 1) {
        lost++;
        return;
      }
      (ring.report as (...a: number[]) => void)(orderId, ...rest);
    },
  };
  const b = new ArrayBook();
  const quote = (v: number, bid: number, ask: number): void => {
    const now = monoNs();
    b.set(v, 0, [[bid, 1]], [[ask, 1]], true, now);
    strategy.onQuote(v, 0, bid, 1, ask, 1, true, 0, now, now);
    orderSink.ringIfPending();
  };
  const execAgent = new DryRunExecutorAgent(new RingConsumer(intentSab), exec, b, lossy, hist, counters);
  quote(VENUE_BINANCE, 29999, 30001);
  quote(VENUE_BYBIT, 30100, 30102);
  t.ok(strategy.stats.pairsSent >= 1, 'a pair went out');
  // Both agents' duty cycles, bounded in count and time, until the lost leg is settled.
  const until = Date.now() + 10_000;
  for (let i = 0; i < 5_000_000 && Date.now() < until; i++) {
    execAgent.doWork();
    agent.doWork();
    if (strategy.stats.verdicts > 0 && strategy.liveOrders === 0 && exec.pending === 0) break;
  }
  t.ok(lost >= 2, `${lost} reports of order 1 lost`);
  t.ok((agent.counters.verdictIntents ?? 0) >= 1, 'the strategy asked over the intent ring');
  t.ok((counters.verdicts ?? 0) >= 1, 'the executor answered over the report ring');
  t.ok(strategy.stats.verdicts >= 1, 'the verdict was applied');
  t.equal(strategy.unknownOrders, 0, 'nothing unknown');
  t.equal(strategy.liveOrders, 0, 'every slot free');
  t.notOk(strategy.haltKinds().includes('unresolved_order'), 'no halt needed');
  agent.trace.flush();
  const verdictReads = traced.filter((r) => r[0] === TR_VERDICT);
  t.ok(verdictReads.length >= 1, 'the verdict the strategy read is in its trace, like its reports');
  t.equal(verdictReads[0]![2], 1, 'order 1');
  t.equal(Math.floor(verdictReads[0]![1]! / 16), VERDICT_FINAL, 'a final verdict');
  t.ok([ST_FILLED, ST_CANCELED].includes(verdictReads[0]![1]! % 16), 'with its final status');
  t.ok(traced.some((r) => r[0] === TR_REPORT && r[2] === 2), 'beside the reports of its twin');
  for (let v = 0; v < 2; v++) {
    t.equal(strategy.positions.quote(v), exec.balances.quoteOf(v), `venue ${v} quote equals the executor's`);
    t.equal(strategy.positions.base(v, 0), exec.balances.baseOf(v, 0), `venue ${v} base equals the executor's`);
  }
});
