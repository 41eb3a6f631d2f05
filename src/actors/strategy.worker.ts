/** Strategy actor thread: thin wiring around the strategy thread's parts (strategy-thread.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { SupervisorMessage } from './messages.js';
import type { StrategyWorkerData } from './wiring.js';
import { WorkerRuntime } from './worker-runtime.js';
import { buildStrategyThread } from './strategy-thread.js';
import { monoNs } from '../core/clock.js';
import { VENUE_NAMES } from '../core/records.js';
import { TR_ARRIVE, TraceBatcher, type RecordTraceMessage } from '../data/strategy-trace.js';
import { DEFAULT_BATCH_EVERY_MS } from '../data/frame-batch.js';
import { CONTROL_HEARTBEAT, CONTROL_STOP } from '../core/agent.js';
import { Doorbell } from '../core/doorbell.js';
import { createLiveExecutorActor, type LiveExecutorActor } from './live-executor-setup.js';
import { LiveExecutorLoop } from './live-executor-loop.js';

const d = workerData as StrategyWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const th = buildStrategyThread(d, rt);

// The live executor may share this thread too (`[engine] live_executor`): built before the loop
// starts (venue sessions opened, logged on and warmed), then driven by an event-loop-driven
// loop, because its answers arrive on this thread's sockets. Meanwhile (sessions take a while
// to open) the strategy keeps reading its rings, so the feed rings do not overflow; intents it
// decides wait in the intent ring as they would for an executor thread still starting.
let hosted: LiveExecutorActor | null = null;
let hostedLoop: LiveExecutorLoop | null = null;
if (d.colocatedLiveExecutor !== undefined) {
  th.agent.onStart();
  const pump = setInterval(() => { th.agent.doWork(); th.sink.ringIfPending(); rt.flushJournal(); }, 1);
  try {
    hosted = await createLiveExecutorActor(d.colocatedLiveExecutor, rt);
  } finally {
    clearInterval(pump);
  }
  const live = hosted;
  th.parks = () => hostedLoop?.parks ?? 0;
  // The hosted live executor reports under its own actor name (the supervisor keeps its entry).
  th.onSnapshot = () => rt.post({ type: 'stats', actor: 'executor', counters: live.counters(() => ({ wake_ups: hostedLoop?.wakeUps ?? 0 })) });
}

// --record: what this thread read and when, for a replay of the session (data/strategy-trace.ts).
const trace = d.record === true
  ? new TraceBatcher((buf, records) => parentPort!.postMessage({ type: 'record-trace', buf, records } satisfies RecordTraceMessage, [buf]))
  : null;
th.agent.trace = trace;
if (trace !== null && th.colocated !== null) th.colocated.exec.onArrive = (orderId, nowNs, bookRecvNs) => trace.add(TR_ARRIVE, bookRecvNs, orderId, nowNs);
let nextTraceFlushNs = 0;

parentPort!.on('message', (m: SupervisorMessage | { type: 'record-buffer'; buf: ArrayBuffer }) => {
  if (m.type === 'record-buffer') {
    trace?.recycle(m.buf);
    return;
  }
  if (m.type === 'executor') hosted?.onMessage(m.m);
  else if (m.type === 'stop') hostedLoop?.poke();
  else th.onMessage(m);
});

// A crashed run's leftover exposure (live start-up): handed to the strategy once both books of
// its symbol are usable, so the first hedge/unwind has prices to go by.
const symbols = d.symbols;
const leftovers = (d.leftovers ?? []).filter((l) => symbols.includes(l.symbol));
function adoptLeftovers(): void {
  const now = monoNs();
  const strategy = th.strategy;
  for (let i = leftovers.length - 1; i >= 0; i--) {
    const l = leftovers[i]!;
    const s = symbols.indexOf(l.symbol);
    let ready = true;
    for (let v = 0; v < VENUE_NAMES.length; v++) if (!strategy.books.hasQuote(v, s) || !strategy.books.usable(v, s)) ready = false;
    if (!ready || !strategy.adoptLeftover(s, l.netQty, l.avgPx, l.flatten, now)) continue;
    rt.log('warn', l.flatten ? 'leftover exposure: flattening' : 'leftover exposure: adopted, hedging', { symbol: l.symbol, net_qty: l.netQty, avg_px: l.avgPx });
    // The supervisor's take-over record: a leftover never handed over stays the crashed run's.
    rt.post({ type: 'leftover-adopted', symbol: l.symbol });
    leftovers.splice(i, 1);
    th.sink.ringIfPending();
  }
}

function loop(): void {
  if (leftovers.length > 0) adoptLeftovers();
  const running = th.slice(20);
  if (trace !== null) {
    const sliceEnd = monoNs();
    if (sliceEnd >= nextTraceFlushNs || !running) {
      nextTraceFlushNs = sliceEnd + DEFAULT_BATCH_EVERY_MS * 1e6;
      trace.flush();
    }
  }
  if (running) setImmediate(loop);
  else {
    th.sink.ringIfPending();
    rt.close(th.snapshotCounters());
    parentPort!.close();
  }
}
const control = new Int32Array(d.control);
let stopping = false;

/** The live executor hosted here: one duty cycle runs the strategy, then the executor. */
function startHosted(live: LiveExecutorActor): void {
  // A decision's intents go to the venues as soon as they are all published (the pair's second
  // leg), not after the rest of the strategy's duty cycle.
  th.sink.afterRing = () => { live.agent.doWork(); };
  const { agent, strategy, feeds, reports } = th;
  const pair = {
    doWork: (): number => agent.doWork() + live.agent.doWork(),
    hasLiveOrders: (): boolean => live.agent.hasLiveOrders() || strategy.liveOrders > 0 || strategy.openRounds() > 0,
  };
  const pending = (): boolean => {
    if (reports.available() > 0 || live.agent.intents.available() > 0 || Atomics.load(control, CONTROL_STOP) !== 0) return true;
    for (let i = 0; i < feeds.length; i++) if (feeds[i]!.available() > 0) return true;
    return false;
  };
  hostedLoop = new LiveExecutorLoop(pair, new Doorbell(d.bell), d.wait, () => {
    Atomics.add(control, CONTROL_HEARTBEAT, 1);
    if (leftovers.length > 0) adoptLeftovers();
    th.betweenSlices();
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

async function closeHosted(live: LiveExecutorActor): Promise<void> {
  th.agent.onClose();
  th.sink.ringIfPending();
  await live.drain();
  rt.close(th.snapshotCounters());
  await live.closeIo();
  parentPort!.close();
}

rt.post({ type: 'ready', actor: d.actor, ns: monoNs() });
if (hosted !== null) startHosted(hosted);
else loop();
