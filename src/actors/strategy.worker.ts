/** Strategy actor thread: thin wiring around StrategyAgent (see strategy-agent.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { AgentRunner, CompositeAgent } from '../core/agent.js';
import { createDryRunExecutorActor } from './dry-run-executor-setup.js';
import { createLiveExecutorActor } from './live-executor-setup.js';
import { LiveExecutorLoop } from './live-executor-loop.js';
import { CONTROL_HEARTBEAT, CONTROL_STOP } from '../core/agent.js';
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
import { WorkerRuntime, flatCounters } from './worker-runtime.js';
import { monoNs } from '../core/clock.js';
import { VENUE_NAMES } from '../core/records.js';

const d = workerData as StrategyWorkerData;
/** Paper/live: an equity entry (and the spreads) every 2 s of the run, and after each closed round. */
const EQUITY_EVERY_NS = 2e9;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const symbols = d.symbols;

const intentRing = new RingProducer(d.intentRing, new Doorbell(d.executorBell));
// Optimise the rarely-run trading path before the first real quote (src/strategy/warmup.ts);
// the entry builders are warmed too, their output discarded.
warmUpStrategy(d.config, d.filters, 3000, (e) => { strategyEventEntry(symbols, e); });
for (let i = 0; i < 2000; i++) intentEntry(symbols, i, i, i & 1, 0, 1, 100, 1, 1, i, i);

let sink: RingOrderSink | null = null;
const strategy = new ArbitrageStrategy(d.config, d.filters, d.balances, {
  newOrder: (...a) => sink!.newOrder(...a),
  cancelOrder: (...a) => sink!.cancelOrder(...a),
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
const feedConsumers = d.feedRings.map((r) => new RingConsumer(r));
const reportConsumer = new RingConsumer(d.reportRing);
const agent = new StrategyAgent(feedConsumers, reportConsumer, strategy, rt.hist);
sink = new RingOrderSink(intentRing, rt.hist, agent.counters,
  (orderId, pairId, venue, symbol, side, price, qty, role, decisionNs, tickRecvNs) => {
    equity.first(decisionNs);
    rt.journal(intentEntry(symbols, orderId, pairId, venue, symbol, side, price, qty, role, decisionNs, tickRecvNs));
  });
agent.onIdle = () => rt.flushJournal();
agent.sink = sink;

// The dry-run executor may share this thread (one wake-up less per order on a 2-core host).
const colocated = d.colocatedExecutor !== undefined ? createDryRunExecutorActor(d.colocatedExecutor, rt) : null;
if (colocated !== null) colocated.agent.onIdle = () => rt.flushJournal();
// The live executor may share this thread too (`[engine] live_executor`): built before the loop
// starts (venue sessions opened, logged on and warmed), then driven by an event-loop-driven
// loop, because its answers arrive on this thread's sockets.
// Meanwhile (sessions take a while to open) the strategy keeps reading its rings, so the feed
// rings do not overflow; intents it decides wait in the intent ring as they would for an
// executor thread still starting.
let hosted: Awaited<ReturnType<typeof createLiveExecutorActor>> | null = null;
if (d.colocatedLiveExecutor !== undefined) {
  agent.onStart();
  const pump = setInterval(() => { agent.doWork(); sink!.ringIfPending(); rt.flushJournal(); }, 1);
  try {
    hosted = await createLiveExecutorActor(d.colocatedLiveExecutor, rt);
  } finally {
    clearInterval(pump);
  }
}
const runner = new AgentRunner(colocated === null ? agent : new CompositeAgent([agent, colocated.agent]), d.wait, new Doorbell(d.bell), d.control);

function snapshotCounters(): Record<string, number> {
  const p = strategy.pnl;
  const out = flatCounters(agent.counters, strategy.stats, strategy.riskCounters, {
    realized_pnl: p.realized, round_pnl: p.roundPnl, legging_pnl: p.leggingPnl, fees: p.fees,
    equity: strategy.equity(), drawdown: strategy.drawdown, halted: strategy.isHalted ? 1 : 0,
    flattening: strategy.isFlattening ? 1 : 0, open_rounds: strategy.openRounds(), live_orders: strategy.liveOrders,
    parks: hosted !== null ? hostedLoop!.parks : runner.parks,
  });
  if (colocated !== null) for (const [k, v] of Object.entries(colocated.counters())) out[`executor_${k}`] = v;
  // The hosted live executor reports under its own actor name (the supervisor keeps its entry).
  if (hosted !== null) rt.post({ type: 'stats', actor: 'executor', counters: hosted.counters(() => ({ wake_ups: hostedLoop!.wakeUps })) });
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

const OPERATOR_RESUMABLE: readonly HaltKind[] = ['max_drawdown', 'unwind_failed', 'balance_drift'];

parentPort!.on('message', (m: SupervisorMessage) => {
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
  else if (m.type === 'executor') hosted?.onMessage(m.m);
  else if (m.type === 'stop') hostedLoop?.poke();
  // Orders these decided (unwinds) wake the executor now, and their journal lines follow.
  sink!.ringIfPending();
});

function loop(): void {
  const running = runner.runSlice(20);
  equity.poll(monoNs());
  rt.tick(snapshotCounters);
  if (running) setImmediate(loop);
  else {
    sink!.ringIfPending();
    rt.close(snapshotCounters());
    parentPort!.close();
  }
}
const control = new Int32Array(d.control);
let hostedLoop: LiveExecutorLoop | null = null;
let stopping = false;

/** The live executor hosted here: one duty cycle runs the strategy, then the executor. */
function startHosted(live: NonNullable<typeof hosted>): void {
  // A decision's intents go to the venues as soon as they are all published (the pair's second
  // leg), not after the rest of the strategy's duty cycle.
  sink!.afterRing = () => { live.agent.doWork(); };
  const feeds = feedConsumers;
  const pair = {
    doWork: (): number => agent.doWork() + live.agent.doWork(),
    hasLiveOrders: (): boolean => live.agent.hasLiveOrders() || strategy.liveOrders > 0 || strategy.openRounds() > 0,
  };
  const pending = (): boolean => {
    if (reportConsumer.available() > 0 || live.agent.intents.available() > 0 || Atomics.load(control, CONTROL_STOP) !== 0) return true;
    for (let i = 0; i < feeds.length; i++) if (feeds[i]!.available() > 0) return true;
    return false;
  };
  hostedLoop = new LiveExecutorLoop(pair, new Doorbell(d.bell), d.wait, () => {
    Atomics.add(control, CONTROL_HEARTBEAT, 1);
    equity.poll(monoNs());
    rt.tick(snapshotCounters);
    live.tick();
    if (Atomics.load(control, CONTROL_STOP) !== 0) {
      if (!stopping) {
        stopping = true;
        void closeHosted(live);
      }
      return false;
    }
    return true;
  }, pending);
  hostedLoop.start();
}

async function closeHosted(live: NonNullable<typeof hosted>): Promise<void> {
  agent.onClose();
  sink!.ringIfPending();
  await live.drain();
  rt.close(snapshotCounters());
  await live.closeIo();
  parentPort!.close();
}

rt.post({ type: 'ready', actor: d.actor, ns: monoNs() });
if (hosted !== null) startHosted(hosted);
else loop();
