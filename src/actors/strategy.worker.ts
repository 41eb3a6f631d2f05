/** Strategy actor thread: thin wiring around the strategy thread's parts (strategy-thread.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { SupervisorMessage } from './messages.js';
import type { StrategyWorkerData } from './wiring.js';
import { WorkerRuntime } from './worker-runtime.js';
import { buildStrategyThread } from './strategy-thread.js';
import { monoNs } from '../core/clock.js';
import { VENUE_NAMES } from '../core/records.js';

const d = workerData as StrategyWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const th = buildStrategyThread(d, rt);

parentPort!.on('message', (m: SupervisorMessage) => th.onMessage(m));

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
  if (th.slice(20)) setImmediate(loop);
  else {
    th.sink.ringIfPending();
    rt.close(th.snapshotCounters());
    parentPort!.close();
  }
}
rt.post({ type: 'ready', actor: d.actor, ns: monoNs() });
loop();
