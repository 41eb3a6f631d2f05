/**
 * Cost of one `recordValue` on xarb's latency histogram (1 ns .. 60 s, 3 digits): the
 * hdr-histogram-js JS build against its WebAssembly build, and through `HopRecorders.record`
 * (the checks xarb adds). The WASM build is the default in src/core/histogram.ts because of
 * this bench.
 *
 * Method: 5M records per case (1M with --quick), in batches of 50k; each batch is timed once and divided
 * by its size, so p50/p99/p99.9/max are over per-batch mean ns/op (not single records, which
 * are below the clock's resolution). Values cycle through a pre-made table of latencies
 * spread from 100 ns to 10 ms, so the bench measures the histogram, not the generator.
 */
import { buildLatencyHistogram, HopRecorders, HOP_DECISION, initHistograms } from '../src/core/histogram.js';
import type { HistogramImpl } from '../src/core/histogram.js';
import { percentile } from './types.js';
import type { BenchRow } from './types.js';

const BATCH = 50_000;

function valueTable(): Float64Array {
  const v = new Float64Array(4096);
  let x = 12345;
  for (let i = 0; i < v.length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648; // fixed LCG: same values every run
    v[i] = Math.floor(100 * 10 ** ((x / 2147483648) * 5)); // 100 ns .. 10 ms, log-uniform
  }
  return v;
}

function measure(name: string, record: (value: number) => void, BATCHES: number): BenchRow {
  const values = valueTable();
  for (let i = 0; i < 200_000; i++) record(values[i & 4095]!); // warm-up (JIT, histogram growth)
  const perOp = new Float64Array(BATCHES);
  let totalNs = 0;
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) record(values[i & 4095]!);
    const ns = Number(process.hrtime.bigint() - t0);
    totalNs += ns;
    perOp[b] = ns / BATCH;
  }
  perOp.sort();
  const at = (p: number): number => Math.round(percentile(perOp, p) * 10) / 10;
  return {
    case: name,
    p50_ns: at(50),
    p99_ns: at(99),
    p999_ns: at(99.9),
    max_ns: Math.round(perOp[BATCHES - 1]! * 10) / 10,
    ops_per_s: Math.round((BATCHES * BATCH * 1e9) / totalNs),
    note: `percentiles over ${BATCHES} batches of ${BATCH} records (per-batch mean ns/op)`,
  };
}

function histogramCase(impl: HistogramImpl, batches: number): BenchRow {
  const h = buildLatencyHistogram(impl);
  try {
    return measure(`recordValue ${impl}`, (v) => h.recordValue(v), batches);
  } finally {
    h.destroy();
  }
}

/** 5M records per case (100 batches); `quick`: 1M (20 batches). */
export async function runHistBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const batches = opts.quick ? 20 : 100;
  await initHistograms('wasm');
  const rows = [histogramCase('js', batches), histogramCase('wasm', batches)];
  for (const impl of ['js', 'wasm'] as const) {
    const hops = new HopRecorders('bench', 0, impl);
    try {
      rows.push(measure(`HopRecorders.record ${impl}`, (v) => hops.record(HOP_DECISION, v), batches));
    } finally {
      hops.close();
    }
  }
  return rows;
}

// `node dist/bench/hist.js` runs it alone.
if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const row of await runHistBench()) console.log(JSON.stringify(row));
}
