/**
 * Where the live executor runs (`[engine] live_executor`).
 *
 * On its own thread, an intent costs a second thread's wake-up: the strategy publishes, rings
 * the executor's doorbell, and the executor's event loop must be scheduled on a core before
 * it reads the intent. When the bot's threads (main, two feed workers, strategy, executor)
 * outnumber the cores, that wake waits for the scheduler: 0.5–0.9 ms p50 on the 2-core
 * development VM (`intent_to_sent`, docs/benchmarks.md), more than the rest of the order path.
 * On the strategy's thread the intent is read in the same duty cycle that decided it, and the
 * thread is event-loop driven (live-executor-loop.ts) so the venues' answers are read too.
 *
 * `auto`: the strategy's thread when the host has fewer cores than the bot has threads (5),
 * its own thread otherwise (where each thread keeps a core and the executor may spin).
 */
import { availableParallelism } from 'node:os';

export type LiveExecutorSetting = 'auto' | 'strategy-thread' | 'own-thread';

/** Threads of a live bot: main, two feed workers, the strategy, the executor. */
export const LIVE_BOT_THREADS = 5;

export interface ResolvedPlacement {
  thread: 'strategy-thread' | 'own-thread';
  /** Why, for the start-up log line. */
  why: string;
}

export function resolveLiveExecutor(setting: LiveExecutorSetting, cores = availableParallelism()): ResolvedPlacement {
  if (setting !== 'auto') return { thread: setting, why: 'configured' };
  return cores < LIVE_BOT_THREADS
    ? { thread: 'strategy-thread', why: `auto: ${cores} cores < ${LIVE_BOT_THREADS} threads (an intent needs no second thread's wake-up)` }
    : { thread: 'own-thread', why: `auto: ${cores} cores ≥ ${LIVE_BOT_THREADS} threads (each keeps a core)` };
}
