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
 */
export type WaitStrategyName = 'busy-spin' | 'spin-then-park' | 'park';
export const WAIT_STRATEGIES: readonly WaitStrategyName[] = ['busy-spin', 'spin-then-park', 'park'];

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
