/**
 * A small writer of the Prometheus text exposition format (0.0.4): one family at a time, each
 * with its HELP and TYPE lines before its samples, label values escaped, counters named
 * `_total`. Families are written whole (samples of a family are contiguous, as the format
 * requires); an empty family is left out entirely.
 */
import { escapeLabel } from '../report/prometheus.js';

export type Labels = Readonly<Record<string, string>>;
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // 12 significant digits: no float noise (0.035880959000000004) in the text, exact integers stay exact.
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) parts.push(`${k}="${escapeLabel(v)}"`);
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

export class Exposition {
  private readonly out: string[] = [];
  private readonly names = new Set<string>();

  private header(name: string, type: MetricType, help: string): void {
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
    if (type === 'counter' && !name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
    if (this.names.has(name)) throw new Error(`metric family ${name} written twice`);
    this.names.add(name);
    this.out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
  }

  /** A counter or gauge family; samples with a non-finite value are left out (a gauge may be NaN). */
  simple(type: 'counter' | 'gauge', name: string, help: string, samples: ReadonlyArray<[Labels, number]>): this {
    const keep = samples.filter(([, v]) => Number.isFinite(v) || (type === 'gauge' && Number.isNaN(v)));
    if (keep.length === 0) return this;
    this.header(name, type, help);
    for (const [l, v] of keep) this.out.push(`${name}${labelText(l)} ${formatValue(v)}`);
    return this;
  }

  counter(name: string, help: string, samples: ReadonlyArray<[Labels, number]>): this {
    return this.simple('counter', name, help, samples);
  }

  gauge(name: string, help: string, samples: ReadonlyArray<[Labels, number]>): this {
    return this.simple('gauge', name, help, samples);
  }

  /** Cumulative buckets (upper bounds `le`, counts non-decreasing), then +Inf, _sum, _count. */
  histogram(name: string, help: string, series: ReadonlyArray<{ labels: Labels; le: readonly number[]; counts: readonly number[]; sum: number; count: number }>): this {
    if (series.length === 0) return this;
    this.header(name, 'histogram', help);
    for (const s of series) {
      for (let i = 0; i < s.le.length; i++) this.out.push(`${name}_bucket${labelText(s.labels, ['le', formatValue(s.le[i]!)])} ${s.counts[i]}`);
      this.out.push(`${name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
      this.out.push(`${name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      this.out.push(`${name}_count${labelText(s.labels)} ${s.count}`);
    }
    return this;
  }

  summary(name: string, help: string, series: ReadonlyArray<{ labels: Labels; quantiles: ReadonlyArray<{ q: number; v: number }>; sum: number; count: number }>): this {
    if (series.length === 0) return this;
    this.header(name, 'summary', help);
    for (const s of series) {
      for (const { q, v } of s.quantiles) this.out.push(`${name}${labelText(s.labels, ['quantile', String(q)])} ${formatValue(v)}`);
      this.out.push(`${name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      this.out.push(`${name}_count${labelText(s.labels)} ${s.count}`);
    }
    return this;
  }

  text(): string {
    return this.out.length === 0 ? '' : this.out.join('\n') + '\n';
  }
}
