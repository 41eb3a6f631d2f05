/**
 * Prometheus text exposition (format 0.0.4) of the per-hop latency totals:
 *
 *   # HELP xarb_latency_seconds Latency per hop since start (HdrHistogram, 3 significant digits).
 *   # TYPE xarb_latency_seconds summary
 *   xarb_latency_seconds{hop="decision",quantile="0.99"} 1.9e-05
 *   xarb_latency_seconds_sum{hop="decision"} 0.123
 *   xarb_latency_seconds_count{hop="decision"} 10000
 *
 * plus `xarb_latency_max_seconds` (gauge) and `xarb_latency_errors_total` (counter: negative
 * or NaN values refused by the recorders). `_sum` is mean × count, HdrHistogram's estimate
 * at its 3-digit resolution.
 */
import type { Histogram } from 'hdr-histogram-js';

export const PROM_QUANTILES = [0.5, 0.9, 0.99, 0.999, 0.9999] as const;

export interface PrometheusOptions {
  /** Metric name prefix; default `xarb_latency`. */
  prefix?: string;
  /** ns per recorded unit (1 for xarb's histograms). */
  nsPerUnit?: number;
  /** Refused values per hop. */
  errors?: ReadonlyMap<string, { errors: number }>;
}

export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function num(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return String(x);
}

/** Exposition text for histograms keyed by hop name, sorted by hop. */
export function formatPrometheus(byHop: ReadonlyMap<string, Histogram>, options: PrometheusOptions = {}): string {
  const prefix = options.prefix ?? 'xarb_latency';
  const toSec = (options.nsPerUnit ?? 1) / 1e9;
  const hops = [...byHop.keys()].sort();
  const name = `${prefix}_seconds`;
  let out = `# HELP ${name} Latency per hop since start (HdrHistogram, 3 significant digits).\n`;
  out += `# TYPE ${name} summary\n`;
  for (const hop of hops) {
    const h = byHop.get(hop)!;
    const l = `hop="${escapeLabel(hop)}"`;
    const empty = h.totalCount === 0;
    for (const q of PROM_QUANTILES) {
      out += `${name}{${l},quantile="${q}"} ${num(empty ? Number.NaN : h.getValueAtPercentile(q * 100) * toSec)}\n`;
    }
    out += `${name}_sum{${l}} ${num(empty ? 0 : h.mean * h.totalCount * toSec)}\n`;
    out += `${name}_count{${l}} ${h.totalCount}\n`;
  }
  out += `# HELP ${prefix}_max_seconds Largest latency per hop since start.\n`;
  out += `# TYPE ${prefix}_max_seconds gauge\n`;
  for (const hop of hops) {
    const h = byHop.get(hop)!;
    out += `${prefix}_max_seconds{hop="${escapeLabel(hop)}"} ${num(h.totalCount === 0 ? 0 : h.maxValue * toSec)}\n`;
  }
  if (options.errors !== undefined) {
    out += `# HELP ${prefix}_errors_total Negative or NaN latencies refused per hop.\n`;
    out += `# TYPE ${prefix}_errors_total counter\n`;
    for (const hop of [...options.errors.keys()].sort()) {
      out += `${prefix}_errors_total{hop="${escapeLabel(hop)}"} ${options.errors.get(hop)!.errors}\n`;
    }
  }
  return out;
}
