/**
 * Builds the dry-run executor actor (DryRunExecutor + its ring I/O) for whichever thread runs
 * it: its own (executor.worker.ts) or the strategy's (strategy.worker.ts, when
 * `[engine] dry_run_executor = "strategy-thread"`).
 */
import { Doorbell } from '../core/doorbell.js';
import { RingConsumer, RingProducer } from '../core/ring.js';
import { QuoteBoard } from '../core/quote-board.js';
import { VENUE_NAMES } from '../core/records.js';
import { DryRunExecutor, type DryRunExecutorOptions } from '../execution/dry-run-executor.js';
import { warmUpDryRunExecutor } from '../execution/warmup.js';
import { QuoteBoardBookView } from '../execution/book-view.js';
import { dryRunExecutorLatency, type LatencyModelName } from '../execution/latency-model.js';
import { reportEntry, verdictEntry } from '../report/journal-entries.js';
import { DryRunExecutorAgent, RingReportSink, newExecutorCounters } from './executor-agent.js';
import { flatCounters, type WorkerRuntime } from './worker-runtime.js';
import type { ExecutorWorkerData } from './wiring.js';

export interface DryRunExecutorActor {
  agent: DryRunExecutorAgent;
  exec: DryRunExecutor;
  counters(): Record<string, number>;
}

export function createDryRunExecutorActor(d: ExecutorWorkerData, rt: WorkerRuntime): DryRunExecutorActor {
  const board = new QuoteBoard(d.board);
  // entry from d.seed, response from d.seed + 1: a replay of this session draws the same (session-replay.ts)
  const lat = dryRunExecutorLatency({ ...d.latency.entry, model: d.latency.entry.model as LatencyModelName },
    { ...d.latency.response, model: d.latency.response.model as LatencyModelName }, d.seed);
  const options: DryRunExecutorOptions = {
    venues: VENUE_NAMES.length,
    symbols: d.symbols.length,
    depthLevels: board.levels,
    entryLatency: lat.entry,
    responseLatency: lat.response,
    takerFeeRate: d.takerFees,
    // Base per symbol, in symbol-id order (config [execution.initial_balances]).
    balances: VENUE_NAMES.map((v) => {
      const b = d.balances[v]!;
      return { base: d.symbols.map((s) => b.base[s] ?? 0), quote: b.quote };
    }),
  };
  // Optimise the order path before the first real intent (src/execution/warmup.ts); the
  // report formatting is warmed too, its output discarded.
  warmUpDryRunExecutor(options, 4000, (orderId, pairId, venue, _symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, _sentNs, ackNs) => {
    reportEntry(d.symbols, ackNs, orderId, pairId, venue, 0, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role);
  });
  const exec = new DryRunExecutor(options);
  const counters = newExecutorCounters();
  const sink = new RingReportSink(new RingProducer(d.reportRing, new Doorbell(d.strategyBell)), rt.hist, counters,
    (orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, ackNs) =>
      rt.journal(reportEntry(d.symbols, ackNs, orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role)));
  // Reconciliation verdicts go out on the report ring too (behind the reports), and to the journal.
  exec.verdictSink = sink;
  sink.onVerdict = (orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset, nowNs) =>
    rt.journal(verdictEntry(d.symbols, nowNs, orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset));
  const agent = new DryRunExecutorAgent(new RingConsumer(d.intentRing), exec, new QuoteBoardBookView(board), sink, rt.hist, counters);
  return {
    agent,
    exec,
    counters: () => flatCounters(agent.counters, {
      submitted: exec.submitted, refused_exec: exec.refused, rejected: exec.rejected, filled: exec.filled,
      partially_filled: exec.partiallyFilled, canceled: exec.canceled, expired: exec.expired, pending_events: exec.pending,
      reports_delivered: exec.reportsDelivered, verdicts_final: exec.verdictsFinal, verdicts_no_record: exec.verdictsNoRecord,
    }),
  };
}
