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

const d = workerData as StrategyWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const th = buildStrategyThread(d, rt);

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
  th.onMessage(m);
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
rt.post({ type: 'ready', actor: d.actor, ns: monoNs() });
loop();
