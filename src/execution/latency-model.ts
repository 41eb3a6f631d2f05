/**
 * Latency models for the dry-run executor and the backtest: how long an order takes to reach
 * the venue (entry latency) and how long the venue's answer takes to come back (response
 * latency). In the manner of HFTBacktest's latency models: one tiny interface, several
 * implementations, all seeded so a run is reproducible.
 *
 * Units: nanoseconds everywhere in code; the config speaks milliseconds (`*_ms`), converted
 * once in the factory.
 */
import type { ExecutionConfig, LatencyModelKind } from '../config/types.js';
import { Prng, deriveSeed } from '../core/prng.js';

export interface LatencyModel {
  /** One latency draw in ns (>= 0). `nowNs` lets a model vary with time; the built-ins ignore it. */
  sampleNs(nowNs: number): number;
}

export class LatencyConfigError extends Error {
  override name = 'LatencyConfigError';
}

const NS_PER_MS = 1e6;

export class ConstantLatency implements LatencyModel {
  constructor(readonly latencyNs: number) {
    if (!(latencyNs >= 0) || !Number.isFinite(latencyNs)) {
      throw new LatencyConfigError(`constant latency must be a finite number >= 0 ns, got ${latencyNs}`);
    }
  }

  sampleNs(_nowNs: number): number {
    return this.latencyNs;
  }
}

/** Normal(mean, std), clamped below at `floorNs` (a wire never answers in negative time). */
export class NormalLatency implements LatencyModel {
  constructor(readonly meanNs: number, readonly stdNs: number, readonly floorNs: number, private readonly rng: Prng) {
    if (!(meanNs >= 0) || !(stdNs >= 0) || !(floorNs >= 0)) {
      throw new LatencyConfigError(`normal latency needs mean, std and floor >= 0 ns (got ${meanNs}, ${stdNs}, ${floorNs})`);
    }
  }

  sampleNs(_nowNs: number): number {
    const v = this.meanNs + this.stdNs * this.rng.normal();
    return v < this.floorNs ? this.floorNs : v;
  }
}

/**
 * Log-normal with the given mean and standard deviation of the latency itself (not of its
 * logarithm): network latency is right-skewed, with a floor near the mean and a long tail.
 * sigma^2 = ln(1 + std^2/mean^2), mu = ln(mean) - sigma^2/2.
 */
export class LogNormalLatency implements LatencyModel {
  readonly mu: number;
  readonly sigma: number;

  constructor(readonly meanNs: number, readonly stdNs: number, private readonly rng: Prng) {
    if (!(meanNs > 0) || !(stdNs >= 0)) {
      throw new LatencyConfigError(`lognormal latency needs mean > 0 and std >= 0 ns (got ${meanNs}, ${stdNs})`);
    }
    const cv = stdNs / meanNs;
    const s2 = Math.log(1 + cv * cv);
    this.sigma = Math.sqrt(s2);
    this.mu = Math.log(meanNs) - s2 / 2;
  }

  sampleNs(_nowNs: number): number {
    return Math.exp(this.mu + this.sigma * this.rng.normal());
  }
}

export interface LatencyBucket {
  /** A latency value (in `unitNs` units), e.g. an HdrHistogram bucket's representative value. */
  value: number;
  /** How often it was seen. */
  count: number;
}

/**
 * A measured distribution, e.g. sent->ack of a live run read from an HdrHistogram: draws by
 * inverse CDF, so the samples reproduce the recorded percentiles (tails included). Values
 * are returned as recorded (no interpolation inside a bucket).
 */
export class EmpiricalLatency implements LatencyModel {
  private readonly values: Float64Array;
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(buckets: readonly LatencyBucket[], private readonly rng: Prng, unitNs = 1) {
    const kept = buckets.filter((b) => b.count > 0).slice().sort((a, b) => a.value - b.value);
    if (kept.length === 0) throw new LatencyConfigError('empirical latency needs at least one bucket with count > 0');
    for (const b of kept) {
      if (!(b.value >= 0) || !Number.isFinite(b.value) || !Number.isFinite(b.count)) {
        throw new LatencyConfigError(`empirical latency bucket must have finite value >= 0 and count, got ${JSON.stringify(b)}`);
      }
    }
    this.values = new Float64Array(kept.length);
    this.cumulative = new Float64Array(kept.length);
    let acc = 0;
    for (let i = 0; i < kept.length; i++) {
      acc += kept[i]!.count;
      this.values[i] = kept[i]!.value * unitNs;
      this.cumulative[i] = acc;
    }
    this.total = acc;
  }

  sampleNs(_nowNs: number): number {
    const target = this.rng.next() * this.total; // in [0, total)
    const c = this.cumulative;
    // first index whose cumulative count exceeds target
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }
}

export type LatencyModelName = LatencyModelKind;

export interface LatencyModelConfig {
  model: LatencyModelName;
  mean_ms: number;
  std_ms: number;
  /** Lower bound for 'normal' draws, ms (default 0). */
  floor_ms?: number;
}

/** Builds a model from config; `seed` feeds its private Prng (ignored by 'constant'). */
export function latencyModelFromConfig(cfg: LatencyModelConfig, seed: number): LatencyModel {
  const mean = cfg.mean_ms * NS_PER_MS;
  const std = cfg.std_ms * NS_PER_MS;
  switch (cfg.model) {
    case 'constant':
      return new ConstantLatency(mean);
    case 'normal':
      return new NormalLatency(mean, std, (cfg.floor_ms ?? 0) * NS_PER_MS, new Prng(seed));
    case 'lognormal':
      return new LogNormalLatency(mean, std, new Prng(seed));
    default:
      throw new LatencyConfigError(`unknown latency model "${String((cfg as { model: unknown }).model)}" (known: constant, normal, lognormal)`);
  }
}

/** The `[execution]` keys that describe the two latencies. */
export type ExecutionLatencyKeys = Pick<ExecutionConfig,
  'entry_latency_model' | 'entry_latency_mean_ms' | 'entry_latency_std_ms'
  | 'response_latency_model' | 'response_latency_mean_ms' | 'response_latency_std_ms'>;

/** Entry and response models from the `[execution]` table, on independent streams of `seed`. */
export function latencyModelsFromExecution(exec: ExecutionLatencyKeys, seed: number): { entry: LatencyModel; response: LatencyModel } {
  return {
    entry: latencyModelFromConfig(
      { model: exec.entry_latency_model, mean_ms: exec.entry_latency_mean_ms, std_ms: exec.entry_latency_std_ms },
      deriveSeed(seed, 1),
    ),
    response: latencyModelFromConfig(
      { model: exec.response_latency_model, mean_ms: exec.response_latency_mean_ms, std_ms: exec.response_latency_std_ms },
      deriveSeed(seed, 2),
    ),
  };
}

/**
 * The paper dry-run executor's two models (src/actors/dry-run-executor-setup.ts): entry drawn
 * from `seed`, response from `seed + 1`. A replay of a paper session builds them the same way
 * from the session's run_start (config and seed), so it draws the same latencies in the same
 * order (src/backtest/session-replay.ts).
 */
export function dryRunExecutorLatency(entry: LatencyModelConfig, response: LatencyModelConfig, seed: number): { entry: LatencyModel; response: LatencyModel } {
  return { entry: latencyModelFromConfig(entry, seed), response: latencyModelFromConfig(response, seed + 1) };
}
