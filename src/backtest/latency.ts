/**
 * Order latency models for a backtest: from the `[execution]` keys (constant / normal /
 * lognormal), or empirical from an `.hlog` the bot recorded (`--latency-hlog FILE`):
 *   entry    (decision -> order at the venue) = intent_to_sent + sent_to_ack / 2
 *   response (venue -> answer back)          = sent_to_ack / 2
 * Each is drawn from its own seeded stream. Halving the round trip assumes a symmetric path,
 * and the two halves of one order are drawn independently (their correlation is lost).
 */
import { readFileSync } from 'node:fs';
import { EmpiricalLatency, latencyModelsFromExecution, type ExecutionLatencyKeys, type LatencyBucket, type LatencyModel } from '../execution/latency-model.js';
import { Prng, deriveSeed } from '../core/prng.js';
import { mergeTag, parseHlog } from '../report/hlog-reader.js';
import type { Histogram } from 'hdr-histogram-js';

export class LatencyHlogError extends Error {
  override readonly name = 'LatencyHlogError';
}

/** a + b, each drawn from its own model. */
export class SumLatency implements LatencyModel {
  constructor(private readonly a: LatencyModel, private readonly b: LatencyModel) {}
  sampleNs(nowNs: number): number {
    return this.a.sampleNs(nowNs) + this.b.sampleNs(nowNs);
  }
}

/** Passes draws through and reports each (for the backtest's latency.hlog). */
export class ObservedLatency implements LatencyModel {
  constructor(private readonly inner: LatencyModel, private readonly observe: (ns: number) => void) {}
  sampleNs(nowNs: number): number {
    const v = this.inner.sampleNs(nowNs);
    this.observe(v);
    return v;
  }
}

function buckets(h: Histogram): LatencyBucket[] {
  const out: LatencyBucket[] = [];
  // Walk the distinct recorded values through the percentile distribution (stable API).
  const total = h.totalCount;
  if (total === 0) return out;
  let prev = 0;
  let prevCount = 0;
  for (let i = 1; i <= 2000; i++) {
    const p = (i / 2000) * 100;
    const v = h.getValueAtPercentile(p);
    const countBelow = Math.round((i / 2000) * total);
    if (v !== prev) {
      out.push({ value: v, count: Math.max(0, countBelow - prevCount) });
      prev = v;
      prevCount = countBelow;
    } else if (out.length > 0) {
      out[out.length - 1]!.count += countBelow - prevCount;
      prevCount = countBelow;
    }
  }
  return out.filter((b) => b.count > 0);
}

export interface OrderLatency {
  entry: LatencyModel;
  response: LatencyModel;
  source: string;
}

export function latencyFromHlog(file: string, seed: number): OrderLatency {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LatencyHlogError(`cannot read --latency-hlog ${file}: ${(e as Error).message}`);
  }
  const log = parseHlog(text, file);
  const its = mergeTag(log, 'intent_to_sent');
  const sta = mergeTag(log, 'sent_to_ack');
  if (sta === null || sta.totalCount === 0) {
    throw new LatencyHlogError(`${file} has no sent_to_ack intervals: record one with a paper or live run (its runs/<id>/latency.hlog)`);
  }
  const half = buckets(sta);
  const rtEntry = new EmpiricalLatency(half, new Prng(deriveSeed(seed, 11)), 0.5);
  const entry = its !== null && its.totalCount > 0
    ? new SumLatency(new EmpiricalLatency(buckets(its), new Prng(deriveSeed(seed, 12)), 1), rtEntry)
    : rtEntry;
  const response = new EmpiricalLatency(half, new Prng(deriveSeed(seed, 13)), 0.5);
  return { entry, response, source: `empirical from ${file} (intent_to_sent + sent_to_ack/2; sent_to_ack/2)` };
}

export function latencyFromConfig(exec: ExecutionLatencyKeys, seed: number): OrderLatency {
  const m = latencyModelsFromExecution(exec, seed);
  return { ...m, source: `[execution] entry ${exec.entry_latency_model} ${exec.entry_latency_mean_ms} ms, response ${exec.response_latency_model} ${exec.response_latency_mean_ms} ms` };
}
