/**
 * What a consumer does when a duty cycle found no work (names after the LMAX Disruptor's).
 *
 * - busy-spin: poll again at once. Lowest latency, burns a whole core: only for hosts with a
 *   spare isolated core per spinning actor. On a 2-core machine a third runnable thread pushes
 *   every transport's p90 to the scheduler's slice (milliseconds).
 * - spin-then-park (default): poll `spinPolls` times, then park on the consumer's doorbell
 *   (Atomics.wait) until a producer rings it or `parkTimeoutMs` passes. Keeps busy-spin's
 *   latency while records arrive faster than the spin window; otherwise pays a ~10 µs wake-up
 *   and leaves the core to the feed workers.
 * - park: park as soon as a cycle is idle.
 * - auto (the configured default): busy-spin when the host has a core for every spinning
 *   thread plus one for the feed workers' I/O and one for the main thread, spin-then-park
 *   otherwise;
 *   resolved once at start (resolveWaitStrategy) and the effective choice logged.
 */
import { availableParallelism } from 'node:os';

export type WaitStrategyName = 'busy-spin' | 'spin-then-park' | 'park';
export const WAIT_STRATEGIES: readonly WaitStrategyName[] = ['busy-spin', 'spin-then-park', 'park'];
/** What the configuration may say: a strategy, or 'auto'. */
export type WaitStrategySetting = WaitStrategyName | 'auto';

export interface ResolvedWait {
  name: WaitStrategyName;
  /** Why, for the start-up log line. */
  why: string;
}

/**
 * The effective strategy for `setting`. `spinningThreads`: threads that would busy-spin (the
 * strategy, plus the executor when it has its own thread). 'auto' busy-spins only when
 * `cores` ≥ spinningThreads + 1: each spinner keeps a core, and one is left for the feed
 * workers' socket I/O and the main thread (DESIGN §9: a third runnable thread on two cores
 * pushes every hop's p90 to the scheduler's slice).
 */
/**
 * `auto`: busy-spin when every spinning thread has a core of its own after one core is left
 * for the feed workers' I/O, one for the main thread, and one more for each other busy process
 * the bot knows shares the host (`otherCores`: the venue simulator with --venues sim); else
 * spin-then-park (a spinning thread on a shared core starves the feeds: docs/adr/0003). So
 * never on 2 cores: there `npm run bench -- e2e` saw the feed rings drop records whenever the
 * strategy busy-spun (3 of 4 runs) and never under spin-then-park or park.
 */
export function resolveWaitStrategy(setting: WaitStrategySetting, spinningThreads: number, cores = availableParallelism(), otherCores = 0): ResolvedWait {
  if (setting !== 'auto') return { name: setting, why: 'configured' };
  const need = spinningThreads + 2 + otherCores;
  const others = otherCores > 0 ? ` + ${otherCores} for the simulator on this host` : '';
  if (cores >= need) return { name: 'busy-spin', why: `auto: ${cores} cores ≥ ${spinningThreads} spinning thread(s) + 1 for the feeds + 1 for main${others}` };
  return { name: 'spin-then-park', why: `auto: ${cores} cores < ${spinningThreads} spinning thread(s) + 1 for the feeds + 1 for main${others}` };
}

export interface WaitStrategyConfig {
  name: WaitStrategyName;
  /** Idle polls before parking (spin-then-park). */
  spinPolls: number;
  /** Longest single park; bounds how late a stop request or timer is noticed. */
  parkTimeoutMs: number;
}

export const DEFAULT_WAIT: WaitStrategyConfig = { name: 'spin-then-park', spinPolls: 2000, parkTimeoutMs: 10 };

/** How many idle polls before parking; Infinity never parks. */
export function spinBudget(cfg: WaitStrategyConfig): number {
  switch (cfg.name) {
    case 'busy-spin':
      return Infinity;
    case 'park':
      return 0;
    case 'spin-then-park':
      return cfg.spinPolls;
  }
}

export function parseWaitStrategy(name: string): WaitStrategyName {
  if ((WAIT_STRATEGIES as readonly string[]).includes(name)) return name as WaitStrategyName;
  throw new RangeError(`unknown wait strategy "${name}" (expected one of ${WAIT_STRATEGIES.join(', ')})`);
}
