/** Executor actor thread (dry-run): thin wiring around DryRunExecutorAgent. */
import { parentPort, workerData } from 'node:worker_threads';
import { AgentRunner } from '../core/agent.js';
import { Doorbell } from '../core/doorbell.js';
import { RingConsumer, RingProducer } from '../core/ring.js';
import { QuoteBoard } from '../core/quote-board.js';
import { DryRunExecutor, type DryRunExecutorOptions } from '../execution/dry-run-executor.js';
import { warmUpDryRunExecutor } from '../execution/warmup.js';
import { QuoteBoardBookView } from '../execution/book-view.js';
import { latencyModelFromConfig, type LatencyModelName } from '../execution/latency-model.js';
import { VENUE_NAMES } from '../core/records.js';
import { reportEntry } from '../report/journal-entries.js';
import { DryRunExecutorAgent, RingReportSink, newExecutorCounters } from './executor-agent.js';
import { WorkerRuntime, flatCounters } from './worker-runtime.js';
import type { ExecutorWorkerData } from './wiring.js';

const d = workerData as ExecutorWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const board = new QuoteBoard(d.board);
const execOptions: DryRunExecutorOptions = {
  venues: VENUE_NAMES.length,
  symbols: d.symbols.length,
  depthLevels: board.levels,
  entryLatency: latencyModelFromConfig({ ...d.latency.entry, model: d.latency.entry.model as LatencyModelName }, d.seed),
  responseLatency: latencyModelFromConfig({ ...d.latency.response, model: d.latency.response.model as LatencyModelName }, d.seed + 1),
  takerFeeRate: d.takerFees,
  // One base balance per venue applies to every symbol (config [execution.initial_balances]).
  balances: VENUE_NAMES.map((v) => {
    const b = d.balances[v]!;
    const firstBase = Object.values(b.base)[0] ?? 0;
    return { base: firstBase, quote: b.quote };
  }),
};
// Optimise the order path before the first real intent (src/execution/warmup.ts).
warmUpDryRunExecutor(execOptions, 4000, (orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, _sentNs, ackNs) => {
  reportEntry(d.symbols, ackNs, orderId, pairId, venue, 0, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role);
  void symbol;
});
const exec = new DryRunExecutor(execOptions);
const execCounters = newExecutorCounters();
const sink = new RingReportSink(new RingProducer(d.reportRing, new Doorbell(d.strategyBell)), rt.hist, execCounters,
  (orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, ackNs) =>
    rt.journal(reportEntry(d.symbols, ackNs, orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role)));
const agent = new DryRunExecutorAgent(new RingConsumer(d.intentRing), exec, new QuoteBoardBookView(board), sink, rt.hist, execCounters);
agent.onIdle = () => rt.flushJournal();
const runner = new AgentRunner(agent, d.wait, new Doorbell(d.bell), d.control);

function counters(): Record<string, number> {
  return flatCounters(agent.counters, {
    submitted: exec.submitted, refused_exec: exec.refused, rejected: exec.rejected, filled: exec.filled,
    partially_filled: exec.partiallyFilled, canceled: exec.canceled, expired: exec.expired, pending_events: exec.pending,
    reports_delivered: exec.reportsDelivered, parks: runner.parks,
  });
}

function loop(): void {
  const running = runner.runSlice(20);
  rt.tick(counters);
  if (running) setImmediate(loop);
  else {
    // Deliver what is already due, then close.
    rt.close(counters());
    parentPort!.close();
  }
}
rt.post({ type: 'ready', actor: d.actor });
loop();
