/** One row of a benchmark result; suites may add fields. Times in nanoseconds. */
export interface BenchRow {
  case: string;
  p50_ns: number;
  p99_ns: number;
  p999_ns: number;
  max_ns: number;
  ops_per_s: number;
  [extra: string]: string | number | boolean | null;
}

/** Percentile of an ascending-sorted array (nearest rank). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(caseName: string, latencies: Float64Array, opsPerS: number, extra: Record<string, string | number | boolean | null> = {}): BenchRow {
  const s = Float64Array.from(latencies).sort();
  return {
    case: caseName,
    p50_ns: Math.round(percentile(s, 50)),
    p90_ns: Math.round(percentile(s, 90)),
    p99_ns: Math.round(percentile(s, 99)),
    p999_ns: Math.round(percentile(s, 99.9)),
    max_ns: Math.round(s.length ? s[s.length - 1]! : NaN),
    ops_per_s: Math.round(opsPerS),
    ...extra,
  };
}
