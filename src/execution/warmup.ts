/**
 * JIT warm-up of the dry-run executor's order path (see src/strategy/warmup.ts for why): a
 * throwaway DryRunExecutor built with the same options fills synthetic IOC orders against a
 * fixed book, with constant latencies, and reports into a sink that goes nowhere (or into
 * `onReport`, so callers can warm their report formatting). Nothing touches the real executor.
 */
import { DryRunExecutor, type DryRunExecutorOptions } from './dry-run-executor.js';
import type { BookView } from './book-view.js';
import type { ReportSink } from './report-sink.js';
import { ConstantLatency } from './latency-model.js';
import { D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVELS, D_LEVEL_WORDS, FLAG_USABLE, H_FLAGS, H_RECV_NS, H_SEQ, ROLE_LEG_BUY, SIDE_BUY, SIDE_SELL, TIF_IOC } from '../core/records.js';

class FixedBook implements BookView {
  version = 0;
  readLevels(_venue: number, _symbol: number, out: Float64Array): number {
    const n = Math.min(5, Math.floor((out.length - D_LEVELS) / D_LEVEL_WORDS));
    for (let i = 0; i < n; i++) {
      const o = D_LEVELS + D_LEVEL_WORDS * i;
      out[o + D_BID_PX] = 100 - i;
      out[o + D_BID_SZ] = 1;
      out[o + D_ASK_PX] = 101 + i;
      out[o + D_ASK_SZ] = 1;
    }
    out[H_FLAGS] = FLAG_USABLE;
    out[H_RECV_NS] = 0;
    out[H_SEQ] = ++this.version;
    return n;
  }
}

export function warmUpDryRunExecutor(opts: DryRunExecutorOptions, orders: number, onReport: ReportSink['report'] = () => undefined): number {
  const exec = new DryRunExecutor({
    ...opts,
    entryLatency: new ConstantLatency(1000),
    responseLatency: new ConstantLatency(1000),
    balances: opts.balances.map(() => ({ base: 1e12, quote: 1e15 })),
    faults: undefined,
  });
  const book = new FixedBook();
  const sink: ReportSink = { report: onReport };
  let now = 1e9;
  let delivered = 0;
  for (let i = 0; i < orders; i++) {
    const side = i & 1 ? SIDE_SELL : SIDE_BUY;
    exec.submit(i + 1, i + 1, i % opts.venues, 0, side, side === SIDE_BUY ? 102.5 : 98.5, 1.5, TIF_IOC, ROLE_LEG_BUY, now, now + 1e9, now, now);
    now += 5000;
    delivered += exec.poll(now, book, sink);
  }
  return delivered + exec.poll(now + 1e9, book, sink);
}
