/** `npm run bench -- clock`: cost per call of the clock candidates (clock.ts explains the pick). */
import { monoNs, hrtimeNs, clockCalibrationErrorNs } from '../src/core/clock.js';
import type { BenchRow } from './types.js';

function measure(name: string, fn: () => number, n: number): BenchRow {
  let sink = 0;
  for (let i = 0; i < 100_000; i++) sink += fn();
  const samples = new Float64Array(50);
  for (let s = 0; s < samples.length; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += fn();
    samples[s] = Number(process.hrtime.bigint() - t0) / n;
  }
  samples.sort();
  const r: BenchRow = {
    case: name, p50_ns: +samples[25]!.toFixed(1), p99_ns: +samples[49]!.toFixed(1), p999_ns: +samples[49]!.toFixed(1),
    max_ns: +samples[49]!.toFixed(1), ops_per_s: Math.round(1e9 / samples[25]!), note: 'per-call mean of 50 batches',
  };
  if (sink === 42) r.sink = sink;
  return r;
}

export async function runClockBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const n = opts.quick ? 20_000 : 200_000;
  const heap0 = process.memoryUsage().heapUsed;
  const rows = [
    measure('performance.now()', () => performance.now(), n),
    measure('monoNs() (performance.now + per-thread offset)', monoNs, n),
    measure('Number(process.hrtime.bigint())', hrtimeNs, n),
    measure('process.hrtime() array', () => process.hrtime()[1], n),
    measure('Date.now()', Date.now, n),
  ];
  rows[1]!.calibration_err_ns = Math.round(clockCalibrationErrorNs());
  rows[0]!.heap_delta_kb = Math.round((process.memoryUsage().heapUsed - heap0) / 1024);
  return rows;
}
