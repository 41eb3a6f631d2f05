import t from 'tap';
import { Worker } from 'node:worker_threads';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistogramSnapshot } from '../../src/core/histogram.js';
import { HistogramCollector } from '../../src/core/hist-collector.js';
import { formatHlog } from '../../src/report/hlog-writer.js';
import { mergeTag, parseHlog } from '../../src/report/hlog-reader.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hist-worker.js');

function runWorker(data: { source: string; base: number; intervals: number; startMs: number }): Promise<HistogramSnapshot[]> {
  return new Promise((resolve, reject) => {
    const got: HistogramSnapshot[] = [];
    const w = new Worker(WORKER, { workerData: data });
    w.on('message', (m: HistogramSnapshot) => got.push(m));
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 ? resolve(got) : reject(new Error(`worker exited ${code}`))));
  });
}

t.test('snapshots from worker threads merge, write as .hlog and read back the same', async (t) => {
  const startMs = 1_700_000_000_000;
  const [a, b] = await Promise.all([
    runWorker({ source: 'feed:binance', base: 0, intervals: 2, startMs }),
    runWorker({ source: 'feed:bybit', base: 100, intervals: 2, startMs }),
  ]);
  t.equal(a!.length, 2);
  t.equal(b!.length, 2);

  const c = new HistogramCollector();
  for (let k = 0; k < 2; k++) {
    c.add(a![k]!);
    c.add(b![k]!);
    c.flushInterval();
  }
  const decision = c.totalsByTag().get('decision')!;
  t.equal(decision.totalCount, 400, '2 workers x 2 intervals x 100 values');
  t.equal(c.countersByTag().get('decision')!.errors, 4, 'the negative values were counted, not recorded');
  t.equal(c.totalsByTag().get('tick_to_order')!.totalCount, 4);

  const dir = await mkdtemp(path.join(tmpdir(), 'xarb-hist-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'run.hlog');
  await writeFile(file, formatHlog({ startTimeMs: c.startMs, valueUnit: 'ns' }, c.intervals()));

  const text = await readFile(file, 'utf8');
  t.match(text, /^#\[Histogram log format version 1\.3\]$/m);
  t.match(text, /^#\[BaseTime: 1700000000\.000 \(seconds since epoch\)\]$/m);
  t.match(text, /^Tag=decision,0\.000,1\.000,/m);
  t.match(text, /^Tag=tick_to_order,1\.000,1\.000,5\.00\d,HISTF/m, 'max column in ms (ratio 1e6)');

  const back = parseHlog(text, file);
  t.equal(back.valueUnit, 'ns');
  t.equal(back.intervals.length, 4);
  t.equal(back.intervals[0]!.startSec, 1_700_000_000, 'relative starts resolved against BaseTime');
  const merged = mergeTag(back, 'decision')!;
  t.equal(merged.totalCount, decision.totalCount);
  for (const p of [50, 90, 99, 99.9, 100]) {
    t.equal(merged.getValueAtPercentile(p), decision.getValueAtPercentile(p), `p${p} survives the round trip`);
  }
  t.ok(Math.abs(merged.getValueAtPercentile(50) - 100_000) <= 100, 'p50 of 1..200 µs is ~100 µs');
});
