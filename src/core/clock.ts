/**
 * The engine's clocks.
 *
 * monoNs(): monotonic nanoseconds on one timebase shared by every thread of the process.
 *   `performance.now()` is relative to each thread's own time origin, so values from two
 *   workers cannot be subtracted; `process.hrtime.bigint()` is CLOCK_MONOTONIC (shared) but
 *   allocates a BigInt per call (57 ns and garbage, measured: bench/clock.ts).
 *   So each thread calibrates once: offset = hrtime - performance.now(), taking the pair read
 *   closest together over a few tries, and from then on monoNs() = performance.now()*1e6 +
 *   offset: one ~38 ns call, a double, no BigInt. Values are ~1e15 ns (days of uptime), where
 *   a double still resolves 0.125 ns. Calibration error between threads is bounded by the
 *   tightest read pair (typically < 100 ns); bench/clock.ts reports it.
 *
 * wallMs(): wall-clock milliseconds since the epoch, for exchange timestamps and logs.
 */
let offsetNs = 0;
let calibrated = false;
let calibrationErrorNs = 0;

export function calibrate(tries = 64): void {
  let best = Infinity;
  let bestOffset = 0;
  for (let i = 0; i < tries; i++) {
    const a = performance.now();
    const h = Number(process.hrtime.bigint());
    const b = performance.now();
    const spread = (b - a) * 1e6;
    if (spread < best) {
      best = spread;
      bestOffset = h - ((a + b) / 2) * 1e6;
    }
  }
  offsetNs = bestOffset;
  calibrationErrorNs = best / 2;
  calibrated = true;
}

calibrate();

/** Monotonic ns, comparable across all threads of this process. */
export function monoNs(): number {
  return performance.now() * 1e6 + offsetNs;
}

export function wallMs(): number {
  return Date.now();
}

/** Half the width of the read pair the calibration used: the worst-case offset error. */
export function clockCalibrationErrorNs(): number {
  return calibrated ? calibrationErrorNs : NaN;
}

/** The reference implementation, for benchmarks and calibration checks. */
export function hrtimeNs(): number {
  return Number(process.hrtime.bigint());
}
