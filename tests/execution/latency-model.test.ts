import t from 'tap';
import {
  ConstantLatency, EmpiricalLatency, LatencyConfigError, LogNormalLatency, NormalLatency, latencyModelFromConfig,
  latencyModelsFromExecution, type LatencyModel,
} from '../../src/execution/latency-model.js';
import { Prng, deriveSeed } from '../../src/core/prng.js';

function draw(m: LatencyModel, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(m.sampleNs(i));
  return out;
}

function stats(xs: number[]): { mean: number; std: number; min: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / xs.length;
  return { mean, std: Math.sqrt(v), min: xs.reduce((a, b) => (b < a ? b : a), Infinity) };
}

t.test('the generator is seeded: same seed, same sequence; another seed, another one', async (t) => {
  const a = new Prng(123);
  const b = new Prng(123);
  const c = new Prng(124);
  const sa = Array.from({ length: 100 }, () => a.nextU32());
  const sb = Array.from({ length: 100 }, () => b.nextU32());
  const sc = Array.from({ length: 100 }, () => c.nextU32());
  t.same(sa, sb);
  t.notSame(sa, sc);
  a.reseed(123);
  t.equal(a.nextU32(), sa[0], 'reseed restarts the sequence');
  const z = new Prng(0);
  t.not(z.nextU32() | z.nextU32() | z.nextU32(), 0, 'seed 0 works');
  t.not(deriveSeed(1, 1), deriveSeed(1, 2), 'derived streams differ');
});

t.test('uniform draws are in [0, 1) and spread evenly', async (t) => {
  const r = new Prng(7);
  const buckets = new Array(10).fill(0);
  const n = 100_000;
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    if (!(u >= 0 && u < 1)) outside++;
    else buckets[Math.floor(u * 10)]++;
  }
  t.equal(outside, 0);
  for (const b of buckets) t.ok(Math.abs(b - n / 10) < n / 100, `bucket ${b} near ${n / 10}`);
});

t.test('constant latency always returns its value', async (t) => {
  const m = new ConstantLatency(1_500_000);
  t.same(draw(m, 5), [1_500_000, 1_500_000, 1_500_000, 1_500_000, 1_500_000]);
  t.throws(() => new ConstantLatency(-1), LatencyConfigError);
});

t.test('normal latency: mean and std near the parameters, never below the floor', async (t) => {
  const m = new NormalLatency(1_000_000, 200_000, 0, new Prng(1));
  const s = stats(draw(m, 50_000));
  t.ok(Math.abs(s.mean - 1_000_000) < 5_000, `mean ${s.mean}`);
  t.ok(Math.abs(s.std - 200_000) < 5_000, `std ${s.std}`);
  const floored = new NormalLatency(100, 1000, 50, new Prng(2));
  t.ok(stats(draw(floored, 10_000)).min >= 50, 'floor holds');
});

t.test('log-normal latency: mean and std of the latency itself near the parameters, always positive', async (t) => {
  const m = new LogNormalLatency(2_000_000, 1_000_000, new Prng(3));
  const xs = draw(m, 200_000);
  const s = stats(xs);
  t.ok(Math.abs(s.mean - 2_000_000) < 20_000, `mean ${s.mean}`);
  t.ok(Math.abs(s.std - 1_000_000) < 50_000, `std ${s.std}`);
  t.ok(s.min > 0);
  const sorted = xs.slice().sort((a, b) => a - b);
  t.ok(sorted[xs.length / 2]! < s.mean, 'right-skewed: median below mean');
});

t.test('empirical latency reproduces the recorded distribution by inverse CDF', async (t) => {
  const buckets = [{ value: 30, count: 0 }, { value: 10, count: 70 }, { value: 20, count: 20 }, { value: 100, count: 10 }];
  const m = new EmpiricalLatency(buckets, new Prng(4), 1000);
  const xs = draw(m, 100_000);
  const freq = new Map<number, number>();
  for (const x of xs) freq.set(x, (freq.get(x) ?? 0) + 1);
  t.same([...freq.keys()].sort((a, b) => a - b), [10_000, 20_000, 100_000], 'only recorded values (scaled to ns), never a zero-count one');
  t.ok(Math.abs(freq.get(10_000)! / xs.length - 0.7) < 0.01);
  t.ok(Math.abs(freq.get(20_000)! / xs.length - 0.2) < 0.01);
  t.ok(Math.abs(freq.get(100_000)! / xs.length - 0.1) < 0.01);
  t.equal(m.total, 100);
  t.throws(() => new EmpiricalLatency([], new Prng(1)), LatencyConfigError);
  t.throws(() => new EmpiricalLatency([{ value: 5, count: 0 }], new Prng(1)), LatencyConfigError);
  const one = new EmpiricalLatency([{ value: 5, count: 3 }], new Prng(1));
  t.same(draw(one, 3), [5, 5, 5]);
});

t.test('factory: config in ms, models in ns, seeded', async (t) => {
  const c = latencyModelFromConfig({ model: 'constant', mean_ms: 2.5, std_ms: 0 }, 1);
  t.equal(c.sampleNs(0), 2_500_000);
  t.type(latencyModelFromConfig({ model: 'normal', mean_ms: 1, std_ms: 0.1 }, 1), NormalLatency);
  t.type(latencyModelFromConfig({ model: 'lognormal', mean_ms: 1, std_ms: 0.1 }, 1), LogNormalLatency);
  const a = draw(latencyModelFromConfig({ model: 'normal', mean_ms: 1, std_ms: 0.5 }, 9), 20);
  const b = draw(latencyModelFromConfig({ model: 'normal', mean_ms: 1, std_ms: 0.5 }, 9), 20);
  t.same(a, b, 'same seed, same draws');
  t.throws(() => latencyModelFromConfig({ model: 'gamma' as 'normal', mean_ms: 1, std_ms: 0 }, 1), LatencyConfigError);
  const { entry, response } = latencyModelsFromExecution({
    entry_latency_model: 'normal', entry_latency_mean_ms: 1, entry_latency_std_ms: 0.2,
    response_latency_model: 'normal', response_latency_mean_ms: 1, response_latency_std_ms: 0.2,
  }, 42);
  t.notSame(draw(entry, 5), draw(response, 5), 'entry and response draw from independent streams');
});
