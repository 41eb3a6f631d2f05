/**
 * Everything the strategy thread runs, built from its worker data: the pure ArbitrageStrategy,
 * its StrategyAgent and ring sink, the dry-run executor when it shares the thread, the equity
 * sampler, and the duty-cycle slice with its per-second work. strategy.worker.ts only adds the
 * thread (workerData, parentPort, the setImmediate loop); bench/strategy-alloc.ts drives the
 * same object on the main thread to count what the per-quote path allocates.
 */
import { AgentRunner, CompositeAgent } from '../core/agent.js';
import { createDryRunExecutorActor, type DryRunExecutorActor } from './dry-run-executor-setup.js';
import { Doorbell } from '../core/doorbell.js';
import { RingConsumer, RingProducer } from '../core/ring.js';
import { ArbitrageStrategy } from '../strategy/arbitrage.js';
import type { HaltKind } from '../strategy/halts.js';
import { warmUpStrategy } from '../strategy/warmup.js';
import { intentEntry, strategyEventEntry } from '../report/journal-entries.js';
import { EquitySampler } from '../report/equity-entries.js';
import type { SupervisorMessage } from './messages.js';
import type { StrategyWorkerData } from './wiring.js';
import { RingOrderSink, StrategyAgent } from './strategy-agent.js';
import { flatCounters, type WorkerRuntime } from './worker-runtime.js';
import { monoNs } from '../core/clock.js';
import { collectGarbageNow } from '../core/full-gc.js';
import { VENUE_NAMES } from '../core/records.js';

/** Paper/live: an equity entry (and the spreads) every 2 s of the run, and after each closed round. */
const EQUITY_EVERY_NS = 2e9;
// flatten too: an operator's POST /flatten (or `xarb ctl flatten`) is lifted by their resume.
const OPERATOR_RESUMABLE: readonly HaltKind[] = ['flatten', 'max_drawdown', 'unwind_failed', 'balance_drift'];

export interface StrategyThread {
  readonly strategy: ArbitrageStrategy;
  readonly agent: StrategyAgent;
  readonly sink: RingOrderSink;
  readonly runner: AgentRunner;
  readonly colocated: DryRunExecutorActor | null;
  /** The rings this thread reads (the hosted live executor's loop looks at them before parking). */
  readonly feeds: RingConsumer[];
  readonly reports: RingConsumer;
  /** Parks of whatever loop drives the thread (the runner's, or the hosted live executor's). */
  parks: () => number;
  /** Called with each counters snapshot (the hosted live executor posts its own stats there). */
  onSnapshot: (() => void) | null;
  /** The counters posted to the supervisor once a second (and at close). */
  snapshotCounters(): Record<string, number>;
  /** A message from the supervisor (halt, resume, flatten). */
  onMessage(m: SupervisorMessage): void;
  /** One duty-cycle slice of about `sliceMs`, then the per-slice work; false once stopped. */
  slice(sliceMs: number): boolean;
  /** The work between slices: the equity sampler, stats and histogram posts, the journal flush. */
  betweenSlices(): void;
}

export function buildStrategyThread(d: StrategyWorkerData, rt: WorkerRuntime, opts: { warmUp?: boolean } = {}): StrategyThread {
  const symbols = d.symbols;
  const intentRing = new RingProducer(d.intentRing, new Doorbell(d.executorBell));
  if (opts.warmUp !== false) {
    // Optimise the rarely-run trading path before the first real quote (src/strategy/warmup.ts);
    // the entry builders are warmed too, their output discarded.
    warmUpStrategy(d.config, d.filters, 3000, (e) => { strategyEventEntry(symbols, e); });
    for (let i = 0; i < 2000; i++) intentEntry(symbols, i, i, i & 1, 0, 1, 100, 1, 1, i, i);
  }

  let sink: RingOrderSink | null = null;
  let colocated: DryRunExecutorActor | null = null;
  const strategy = new ArbitrageStrategy(d.config, d.filters, d.balances, {
    newOrder: (...a) => sink!.newOrder(...a),
    cancelOrder: (...a) => sink!.cancelOrder(...a),
    requestVerdict: (...a) => sink!.requestVerdict(...a),
  }, {
    onEvent: (e) => {
      equity.first(e.nowNs);
      rt.journal(strategyEventEntry(symbols, e));
      // The few events an operator must see at once get one log line each (never per quote).
      if (e.type === 'breaker') rt.log(e.open ? 'error' : 'warn', e.detail, { venue: e.venue, code: e.code });
      // The shutdown's own flatten is expected: info, not an error.
      else if (e.type === 'halt') rt.log(e.kind === 'flatten' ? 'info' : 'error', `entries halted: ${e.kind}`, { reason: e.reason });
      else if (e.type === 'resume') rt.log('warn', `halt lifted: ${e.kinds.join(', ')}`, { reason: e.reason, remaining: e.remaining });
      else if (e.type === 'rebalance_needed') rt.log('warn', 'rebalance needed', { venue: e.venue, asset: e.asset, symbol: e.symbol, amount: e.amount });
      else if (e.type === 'round_closed') equity.now(e.nowNs);
      // Dry-run with the executor in this thread: its balances follow the simulated transfer.
      else if (e.type === 'transfer' && colocated !== null) colocated.exec.balances.applyTransfer(e);
    },
  }, { simulateTransfers: d.colocatedExecutor !== undefined });
  // equity + spread entries, the same writer as the backtest's (docs/report.md)
  const equity = new EquitySampler(strategy, symbols, EQUITY_EVERY_NS, (e) => rt.journal(e));
  const feeds = d.feedRings.map((r) => new RingConsumer(r));
  const reports = new RingConsumer(d.reportRing);
  const agent = new StrategyAgent(feeds, reports, strategy, rt.hist);
  sink = new RingOrderSink(intentRing, rt.hist, agent.counters,
    (orderId, pairId, venue, symbol, side, price, qty, role, decisionNs, tickRecvNs) => {
      equity.first(decisionNs);
      rt.journal(intentEntry(symbols, orderId, pairId, venue, symbol, side, price, qty, role, decisionNs, tickRecvNs));
    });
  agent.onIdle = () => rt.flushJournal();
  agent.sink = sink;

  // The dry-run executor may share this thread (one wake-up less per order on a 2-core host).
  colocated = d.colocatedExecutor !== undefined ? createDryRunExecutorActor(d.colocatedExecutor, rt) : null;
  if (colocated !== null) colocated.agent.onIdle = () => rt.flushJournal();
  const runner = new AgentRunner(colocated === null ? agent : new CompositeAgent([agent, colocated.agent]), d.wait, new Doorbell(d.bell), d.control);
  // The warm-ups' garbage, collected now rather than by a mark-compact in the first minute of
  // trading (the e2e bench counted it as the strategy thread's one major GC).
  if (opts.warmUp !== false) collectGarbageNow();

  function snapshotCounters(): Record<string, number> {
    const p = strategy.pnl;
    const out = flatCounters(agent.counters, strategy.stats, strategy.riskCounters, {
      realized_pnl: p.realized, round_pnl: p.roundPnl, legging_pnl: p.leggingPnl, fees: p.fees,
      equity: strategy.equity(), drawdown: strategy.drawdown, halted: strategy.isHalted ? 1 : 0,
      flattening: strategy.isFlattening ? 1 : 0, open_rounds: strategy.openRounds(), live_orders: strategy.liveOrders,
      parks: th.parks(),
    });
    if (th.onSnapshot !== null) th.onSnapshot();
    if (colocated !== null) for (const [k, v] of Object.entries(colocated.counters())) out[`executor_${k}`] = v;
    // Positions for the monitor (dashboard, /status, gauges): quote_<venue>, base_<venue>_<symbol>, exposure_<symbol>.
    for (let v = 0; v < VENUE_NAMES.length; v++) {
      out[`quote_${VENUE_NAMES[v]}`] = strategy.positions.quote(v);
      out[`breaker_open_${VENUE_NAMES[v]}`] = strategy.breakerOpen(v) ? 1 : 0; // the breaker alert (monitor/alert-rules.ts)
      for (let s = 0; s < symbols.length; s++) out[`base_${VENUE_NAMES[v]}_${symbols[s]}`] = strategy.positions.base(v, s);
    }
    for (let s = 0; s < symbols.length; s++) out[`exposure_${symbols[s]}`] = strategy.positions.netExposure(s);
    // `drawdown` above is the tracker object (flatCounters keeps numbers only): its fraction for the monitor.
    const dd = strategy.drawdown;
    out['drawdown_ratio'] = dd.startEquity > 0 ? (dd.peakEquity - dd.lastEquity) / dd.startEquity : 0;
    return out;
  }

  function onMessage(m: SupervisorMessage): void {
    const now = monoNs();
    if (m.type === 'halt') {
      if (m.kind === 'balance_drift') strategy.haltBalanceDrift(m.reason, now);
      else strategy.halt(m.reason, now);
    }
    else if (m.type === 'resume') {
      // Without a reason: the KILL file was removed, which lifts the kill switch only. With the
      // operator's reason (POST /resume, `xarb ctl resume --reason`): the explicit, journaled
      // resume that max_drawdown and unwind_failed need (docs/strategy.md, Halts).
      strategy.resume(now);
      if (m.reason !== undefined && m.reason.trim() !== '') strategy.resumeHalts(m.reason, OPERATOR_RESUMABLE, now);
    }
    else if (m.type === 'flatten') strategy.flatten(now);
    // Orders these decided (unwinds) wake the executor now, and their journal lines follow.
    sink!.ringIfPending();
  }

  function betweenSlices(): void {
    equity.poll(monoNs());
    rt.tick(snapshotCounters);
  }

  function slice(sliceMs: number): boolean {
    const running = runner.runSlice(sliceMs);
    betweenSlices();
    return running;
  }

  const th: StrategyThread = {
    strategy, agent, sink, runner, colocated, feeds, reports, parks: () => runner.parks, onSnapshot: null,
    snapshotCounters, onMessage, slice, betweenSlices,
  };
  return th;
}
