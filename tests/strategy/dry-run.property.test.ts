/**
 * The real strategy against the real dry-run executor (the paper-mode venue), over random
 * quote paths, latencies that sometimes outlast order_timeout_ms (EXPIRED, then the late
 * answer), injected rejects and thin books (partial and empty IOC fills). After quiescence the
 * strategy's positions equal the executor's balances exactly, exposure is closed or halted
 * with a reason, and every round is closed or abandoned. Amounts are dyadic (integer prices,
 * quantities in 1/64ths, fee rate 1/1024) so the comparison can be exact.
 *
 * Reports are lost between the executor and the strategy (`lostReports`: a report backlog that
 * overflowed): the strategy's reconciliation request and the executor's verdict (from its own
 * order table or its memory of settled orders) settle them, and the balances still agree.
 */
import fc from 'fast-check';
import t from 'tap';
import { Prng } from '../../src/core/prng.js';
import { DryRunExecutor } from '../../src/execution/dry-run-executor.js';
import { NormalLatency } from '../../src/execution/latency-model.js';
import type { ReportSink } from '../../src/execution/report-sink.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { OrderSink, StrategyEvent } from '../../src/strategy/events.js';
import { ArrayBook } from '../execution/array-book.js';
import { FEE, MS, START_BASE, START_QUOTE, STEP, propertyBalances, propertyConfig, propertyFilters } from './model-venues.js';

interface Scenario {
  seed: number;
  steps: number;
  meanLatencyMs: number;
  stdLatencyMs: number;
  slowResponseMs: number;
  rejectProbability: number;
  /** Probability that a report never reaches the strategy. */
  lostReports: number;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  steps: fc.integer({ min: 5, max: 80 }),
  meanLatencyMs: fc.integer({ min: 1, max: 30 }),
  stdLatencyMs: fc.integer({ min: 0, max: 20 }),
  slowResponseMs: fc.constantFrom(0, 0, 1500, 4000), // beyond order_timeout_ms (1000): EXPIRED, then the answer
  rejectProbability: fc.constantFrom(0, 0.05, 0.3),
  lostReports: fc.constantFrom(0, 0, 0.05, 0.3),
});

function run(sc: Scenario): { strat: ArbitrageStrategy; exec: DryRunExecutor; events: StrategyEvent[] } {
  const rng = new Prng(sc.seed);
  const book = new ArrayBook();
  let now = 0;
  let exec: DryRunExecutor | null = null;
  const events: StrategyEvent[] = [];
  const sink: OrderSink = {
    newOrder: (id, pair, v, s, side, px, qty, tif, role, decisionNs, deadlineNs, tickRecvNs) =>
      exec!.submit(id, pair, v, s, side, px, qty, tif, role, decisionNs, deadlineNs, tickRecvNs, now),
    cancelOrder: (id) => { exec!.cancel(id, now); },
    requestVerdict: (id, v, s) => exec!.requestVerdict(id, v, s, now),
  };
  const strat = new ArbitrageStrategy(propertyConfig(), propertyFilters(), propertyBalances(), sink, { onEvent: (e) => events.push(e) });
  exec = new DryRunExecutor({
    venues: 2,
    symbols: 1,
    entryLatency: new NormalLatency(sc.meanLatencyMs * MS, sc.stdLatencyMs * MS, 1 * MS, new Prng(sc.seed + 1)),
    responseLatency: new NormalLatency(sc.meanLatencyMs * MS, sc.stdLatencyMs * MS, 1 * MS, new Prng(sc.seed + 2)),
    takerFeeRate: [FEE, FEE],
    balances: [{ base: START_BASE, quote: START_QUOTE }, { base: START_BASE, quote: START_QUOTE }],
    faults: { rejectProbability: sc.rejectProbability, rejectCode: -2010, extraResponseLatencyNs: sc.slowResponseMs * MS, seed: sc.seed },
  });
  const loss = new Prng(sc.seed + 3);
  const out: ReportSink = {
    report: (orderId, _p, _v, _s, _side, status, _price, lastPx, lastQty, cumQty, _qty, fee, feeAsset, errorCode, _role, _sent, ackNs) => {
      if (sc.lostReports > 0 && loss.next() < sc.lostReports) return;
      strat.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, ackNs);
    },
  };
  exec.verdictSink = {
    verdict: (orderId, _v, _s, kind, status, cumQty, cumQuote, cumFee, feeAsset, t) => { strat.onVerdict(orderId, kind, status, cumQty, cumQuote, cumFee, feeAsset, t); },
  };
  const setBook = (v: number, bid: number, ask: number, sz: number): void => {
    book.set(v, 0, [[bid, sz]], [[ask, sz]], true, now);
    strat.onQuote(v, 0, bid, sz, ask, sz, true, 0, now, now);
  };
  const advance = (to: number): void => {
    // Every scheduled executor event in time order, the strategy's timer between them.
    for (let due = exec!.nextDueNs(); due <= to; due = exec!.nextDueNs()) {
      now = Math.max(now, due);
      exec!.poll(now, book, out);
      strat.onTimer(now);
    }
    now = Math.max(now, to);
    strat.onTimer(now);
  };
  let mid = 30000;
  for (let i = 0; i < sc.steps; i++) {
    advance(now + (1 + rng.int(60)) * MS);
    mid += rng.int(21) - 10;
    const basis = rng.int(4) === 0 ? rng.int(301) - 150 : rng.int(41) - 20;
    const v = rng.int(2);
    const px = mid + (v === 0 ? basis : -basis);
    setBook(v, px - 1, px + 1, (1 + rng.int(64)) * STEP);
  }
  const end = now + 60_000 * MS;
  while (now < end) {
    advance(now + 100 * MS);
    setBook(0, mid - 1, mid + 1, 1);
    setBook(1, mid - 1, mid + 1, 1);
  }
  return { strat, exec, events };
}

t.test('strategy and dry-run executor agree on every balance; rounds end; exposure closed or halted', async (t) => {
  let runs = 0;
  let verdicts = 0;
  fc.assert(
    fc.property(scenarioArb, (sc) => {
      runs++;
      const { strat, exec } = run(sc);
      if (exec.pending !== 0) throw new Error(`${exec.pending} executor events pending after quiescence`);
      for (let v = 0; v < 2; v++) {
        if (strat.positions.quote(v) !== exec.balances.quoteOf(v)) throw new Error(`venue ${v} quote ${strat.positions.quote(v)} vs ${exec.balances.quoteOf(v)}`);
        if (strat.positions.base(v, 0) !== exec.balances.baseOf(v, 0)) throw new Error(`venue ${v} base ${strat.positions.base(v, 0)} vs ${exec.balances.baseOf(v, 0)}`);
      }
      // Base paid as fees on buys is drift, not a residual: add it back.
      const net = strat.positions.netExposure(0) + strat.positions.baseFeesPaid(0);
      if (Math.abs(net) >= STEP && !strat.isHalted) throw new Error(`net exposure ${net} open without a halt`);
      const state = strat.round(0).state;
      if (state !== 'idle' && state !== 'abandoned') throw new Error(`round left in ${state}`);
      if (strat.unknownOrders > 0) throw new Error(`${strat.unknownOrders} orders still unknown: the executor answers every order`);
      if (strat.haltKinds().includes('unresolved_order')) throw new Error('unresolved_order in force: a lost report was not settled by its verdict');
      if (sc.lostReports > 0) verdicts += strat.stats.verdicts;
    }),
    { numRuns: 200, seed: 56 },
  );
  t.ok(runs >= 200, `${runs} scenarios`);
  t.ok(verdicts > 0, `${verdicts} lost reports settled by verdicts`);
});
