/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: it refuses what
 * Prometheus would refuse or what breaks its conventions, so /metrics is checked, not eyeballed.
 * - every sample belongs to a family with a TYPE and a HELP line before its first sample;
 * - a family's lines are contiguous, declared once; names match [a-zA-Z_:][a-zA-Z0-9_:]*;
 * - counters end in `_total`; no other type does; gauge/counter samples carry the family name;
 * - histograms: `_bucket` with `le` (ascending, cumulative, ending at +Inf = `_count`), `_sum`, `_count`;
 * - summaries: `quantile` in [0, 1], plus `_sum` and `_count`;
 * - label names valid and unique per sample, values properly escaped; no duplicate series;
 * - values are floats (or NaN/+Inf/-Inf); counters are non-negative.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class ExpositionError extends Error {}

function parseValue(s: string, line: number): number {
  if (s === 'NaN') return Number.NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new ExpositionError(`line ${line}: bad value "${s}"`);
  return Number(s);
}

function parseLabels(text: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new ExpositionError(`line ${line}: bad labels {${text}}`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name)) throw new ExpositionError(`line ${line}: bad label name "${name}"`);
    if (name in out) throw new ExpositionError(`line ${line}: duplicate label "${name}"`);
    if (text[eq + 1] !== '"') throw new ExpositionError(`line ${line}: label value must be quoted`);
    let j = eq + 2;
    let v = '';
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new ExpositionError(`line ${line}: unterminated label value`);
      if (c === '\\') {
        const n = text[j + 1];
        if (n === 'n') v += '\n'; else if (n === '\\') v += '\\'; else if (n === '"') v += '"';
        else throw new ExpositionError(`line ${line}: bad escape \\${n}`);
        j += 2;
        continue;
      }
      if (c === '"') break;
      if (c === '\n') throw new ExpositionError(`line ${line}: raw newline in a label value`);
      v += c;
      j++;
    }
    out[name] = v;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i < text.length) throw new ExpositionError(`line ${line}: expected "," in labels`);
  }
  return out;
}

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  for (const suffix of ['_bucket', '_sum', '_count', '']) {
    if (!sample.endsWith(suffix)) continue;
    const f = families.get(sample.slice(0, sample.length - suffix.length));
    if (f === undefined) continue;
    if (suffix === '' || f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket')) return f;
  }
  return undefined;
}

export function parseExposition(text: string): Map<string, Family> {
  if (text !== '' && !text.endsWith('\n')) throw new ExpositionError('the text must end with a newline');
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  let current: Family | null = null;
  const series = new Set<string>();
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    if (raw.trim() === '') throw new ExpositionError(`line ${n}: empty line`);
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (m === null) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new ExpositionError(`line ${n}: bad metric name "${name}"`);
      if (closed.has(name)) throw new ExpositionError(`line ${n}: family ${name} is not contiguous`);
      let f = families.get(name);
      if (f === undefined) {
        if (current !== null) closed.add(current.name);
        f = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, f);
        current = f;
      } else if (f !== current) throw new ExpositionError(`line ${n}: ${name} declared apart from its family`);
      if (f.samples.length > 0) throw new ExpositionError(`line ${n}: ${kind} of ${name} after its samples`);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new ExpositionError(`line ${n}: bad type "${rest}"`);
        f.type = rest as Family['type'];
      } else {
        if (rest.trim() === '') throw new ExpositionError(`line ${n}: empty HELP for ${name}`);
        f.help = rest;
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(raw);
    if (m === null) throw new ExpositionError(`line ${n}: not a sample: ${raw}`);
    const name = m[1]!;
    const labels = m[3] !== undefined ? parseLabels(m[3], n) : {};
    const value = parseValue(m[4]!, n);
    const f = familyOf(name, families);
    if (f === undefined) throw new ExpositionError(`line ${n}: sample ${name} has no TYPE/HELP before it`);
    if (f !== current) throw new ExpositionError(`line ${n}: sample ${name} outside its family's block`);
    const key = name + JSON.stringify(Object.entries(labels).sort());
    if (series.has(key)) throw new ExpositionError(`line ${n}: duplicate series ${key}`);
    series.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) checkFamily(f);
  return families;
}

function checkFamily(f: Family): void {
  if (f.help === '') throw new ExpositionError(`${f.name}: no HELP`);
  if (f.type === 'untyped') throw new ExpositionError(`${f.name}: no TYPE`);
  if (f.samples.length === 0) throw new ExpositionError(`${f.name}: declared without samples`);
  if ((f.type === 'counter') !== f.name.endsWith('_total')) {
    throw new ExpositionError(`${f.name}: ${f.type === 'counter' ? 'a counter must end in _total' : `a ${f.type} must not end in _total`}`);
  }
  if (f.type === 'counter' || f.type === 'gauge') {
    for (const s of f.samples) {
      if (s.name !== f.name) throw new ExpositionError(`${f.name}: sample ${s.name} in a ${f.type}`);
      if (f.type === 'counter' && !(s.value >= 0)) throw new ExpositionError(`${f.name}: counter value ${s.value}`);
    }
  }
  if (f.type === 'histogram') checkHistogram(f);
  if (f.type === 'summary') {
    for (const s of f.samples) {
      if (s.name === f.name) {
        const q = Number(s.labels['quantile']);
        if (!(q >= 0 && q <= 1)) throw new ExpositionError(`${f.name}: quantile label "${s.labels['quantile']}"`);
      }
    }
    const groups = groupBy(f.samples, 'quantile');
    for (const [k, ss] of groups) {
      if (!ss.some((s) => s.name === `${f.name}_sum`) || !ss.some((s) => s.name === `${f.name}_count`)) throw new ExpositionError(`${f.name}${k}: summary without _sum/_count`);
    }
  }
}

function groupBy(samples: Sample[], drop: string): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const s of samples) {
    const rest = Object.entries(s.labels).filter(([k]) => k !== drop).sort();
    const key = JSON.stringify(rest);
    out.set(key, [...(out.get(key) ?? []), s]);
  }
  return out;
}

function checkHistogram(f: Family): void {
  for (const [k, ss] of groupBy(f.samples, 'le')) {
    const buckets = ss.filter((s) => s.name === `${f.name}_bucket`);
    const count = ss.find((s) => s.name === `${f.name}_count`);
    const sum = ss.find((s) => s.name === `${f.name}_sum`);
    if (buckets.length === 0 || count === undefined || sum === undefined) throw new ExpositionError(`${f.name}${k}: histogram needs _bucket, _sum and _count`);
    let prevLe = -Infinity;
    let prev = 0;
    for (const b of buckets) {
      const le = parseValue(b.labels['le'] ?? 'x', 0);
      if (!(le > prevLe)) throw new ExpositionError(`${f.name}${k}: le not ascending`);
      if (b.value < prev) throw new ExpositionError(`${f.name}${k}: buckets not cumulative`);
      prevLe = le;
      prev = b.value;
    }
    if (prevLe !== Infinity) throw new ExpositionError(`${f.name}${k}: last bucket is not +Inf`);
    if (prev !== count.value) throw new ExpositionError(`${f.name}${k}: +Inf bucket ${prev} != _count ${count.value}`);
  }
}

/** One sample's value by family name and labels (subset match), or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
