/**
 * Gives the executor's core away for a moment right after a pair is on the wire.
 *
 * Once both legs' frames are written nothing useful happens on the order path until the
 * venues answer (a network round trip away). On a host with fewer cores than runnable threads
 * the thread that wrote them kept its core anyway: its step's journal lines and bookkeeping,
 * the strategy's own work, the answers as they came, the wait strategy's spin between them
 * (the hosted strategy + executor thread stayed on its core 1.3–2.1 ms after each pair in the
 * peer bench). Whatever else the pair made runnable waited for that core: on the 2-core VM the
 * second leg's venue process, whose arrival stamp then came 0.5–1 ms after the first's
 * (docs/latency.md, "The leg gap at the venues"); on a real host, the feed workers.
 *
 * The yield is a sleep on a private futex word (Atomics.wait with a timeout): the kernel
 * takes the thread off its core at once and hands the core to whatever is runnable, and the
 * thread is back after `us` (plus the timer slack, ~50 µs on Linux). No event of the thread
 * is lost: its event loop (venue answers) and its rings (feeds) wait for it, as they would
 * while it spun. With the busy-spin wait strategy the threads have cores of their own, so
 * there is nothing to give away: `effectiveYieldUs` turns it off.
 */
import type { WaitStrategyName } from '../../core/wait-strategy.js';

/** `engine.yield_after_pair_us` as it applies under the resolved wait strategy (0 = off). */
export function effectiveYieldUs(configuredUs: number, wait: WaitStrategyName): number {
  return wait === 'busy-spin' ? 0 : Math.max(0, configuredUs);
}

export class CoreYield {
  private readonly word = new Int32Array(new SharedArrayBuffer(4));
  private readonly ms: number;
  /** Yields taken (one per pair on the wire). */
  count = 0;

  constructor(readonly us: number) {
    this.ms = us / 1000;
  }

  /** Sleeps `us` on a word nobody notifies: the core goes to whatever else is runnable. */
  run(): void {
    this.count++;
    Atomics.wait(this.word, 0, 0, this.ms);
  }
}
