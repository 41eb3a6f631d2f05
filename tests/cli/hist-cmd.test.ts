import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURES, REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

const HLOG = path.join(FIXTURES, 'hlog');
const fx = (name: string): string => path.relative(REPO_ROOT, path.join(HLOG, name));

function xarb(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [XARB_BIN, 'hist', ...args], { cwd: REPO_ROOT, timeout: 30_000, env: { ...process.env, XARB_STDOUT_TTY: '1' } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

t.test('show: a percentile table per tag of a Java-written log', async (t) => {
  const r = await xarb('show', fx('java-tagged.hlog'));
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /4 intervals, values recorded in ns \(assumed; set --unit\)/);
  t.match(r.stdout, /^tag\s+p50\s+p90\s+p99\s+p99\.9\s+p99\.99\s+max\s+count$/m);
  t.match(r.stdout, /^decision\s+50\.0 µs\s+90\.0 µs\s+99\.0 µs\s+100 µs\s+100 µs\s+100 µs\s+200$/m);
  t.match(r.stdout, /^tick_to_order\s+500 µs\s+900 µs\s+990 µs\s+1\.00 ms\s+1\.00 ms\s+1\.00 ms\s+200$/m);
});

t.test('show --tag and --unit; untagged legacy logs; xarb logs name their unit', async (t) => {
  const r = await xarb('show', fx('java-tagged.hlog'), '--tag', 'decision', '--unit', 'us');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /values recorded in us \(--unit\)/);
  t.match(r.stdout, /^decision\s+50\.0 ms\s/m);
  t.notMatch(r.stdout, /tick_to_order/);
  const legacy = await xarb('show', fx('java-legacy.hlog'));
  t.match(legacy.stdout, /^\(untagged\)\s+700 µs\s+1\.60 ms\s+2\.00 ms\s.*\s20$/m);
  const own = await xarb('show', fx('xarb-sample.hlog'));
  t.match(own.stdout, /values recorded in ns \(from the log\)/);
  const js = await xarb('show', fx('js-writer.hlog'));
  t.match(js.stdout, /^decision\s+50\.0 µs/m);
});

t.test('compare: both sides and B/A per percentile, for tags in either file', async (t) => {
  const r = await xarb('compare', fx('java-tagged.hlog'), fx('xarb-sample.hlog'));
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /\[decision\]  intervals: A 2, B 1/);
  t.match(r.stdout, /^p50\s+50\.0 µs\s+100 µs\s+x2\.00$/m);
  t.match(r.stdout, /^count\s+200\s+100\s+x0\.50$/m);
  t.match(r.stdout, /\[tick_to_order\]  intervals: A 2, B 0/);
  t.match(r.stdout, /\[sent_to_ack\]  intervals: A 0, B 1/);
});

t.test('plot: a well-formed SVG with one path per (file, tag)', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'xarb-plot-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'out.svg');
  const r = await xarb('plot', fx('java-tagged.hlog'), fx('xarb-sample.hlog'), '-o', out);
  t.equal(r.code, 0, r.stderr);
  const svg = await readFile(out, 'utf8');
  t.ok(svg.startsWith('<svg'));
  t.ok(svg.trimEnd().endsWith('</svg>'));
  t.equal(svg.match(/<path class="curve"/g)?.length, 4);
  t.ok(svg.includes('java-tagged.hlog decision'));
  t.ok(svg.includes('xarb-sample.hlog sent_to_ack'));
  // Balanced tags: every opened element is closed or self-closed.
  const opened = (svg.match(/<[a-z][^>]*[^/]>/g) ?? []).length;
  const closed = (svg.match(/<\/[a-z]+>/g) ?? []).length;
  t.equal(opened, closed);
});

t.test('bad input: clear message on stderr, exit 2', async (t) => {
  for (const [args, msg] of [
    [['show', 'no/such.hlog'], /no\/such\.hlog: no such file/],
    [['show', fx('not-an-hlog.hlog')], /not-an-hlog\.hlog:1: not an interval line/],
    [['show', fx('corrupt-payload.hlog')], /corrupt-payload\.hlog:3: histogram payload is not valid base64/],
    [['compare', fx('java-tagged.hlog')], /compare takes two files/],
    [['show', fx('java-tagged.hlog'), '--unit', 'weeks'], /--unit must be/],
    [['plot', fx('java-tagged.hlog')], /needs -o/],
    [['frobnicate'], /unknown hist command/],
  ] as Array<[string[], RegExp]>) {
    const r = await xarb(...args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, msg);
    t.equal(r.stdout, '');
  }
});

t.test('--start/--end select the intervals that start in the window (seconds since the first, or ISO)', async (t) => {
  const all = await xarb('show', fx('java-tagged.hlog'));
  t.match(all.stdout, /^decision\s.*\s200$/m, 'both intervals: 200 values');
  const late = await xarb('show', fx('java-tagged.hlog'), '--start', '1');
  t.equal(late.code, 0, late.stderr);
  t.match(late.stdout, /2 intervals/);
  t.match(late.stdout, /^decision\s.*\s100$/m, 'the first second left out');
  const early = await xarb('show', fx('java-tagged.hlog'), '--end', '1');
  t.match(early.stdout, /^tick_to_order\s.*\s100$/m);
  const none = await xarb('show', fx('java-tagged.hlog'), '--start', '5');
  t.equal(none.code, 2);
  t.match(none.stderr, /no interval starts between --start and --end/);
  const bad = await xarb('show', fx('java-tagged.hlog'), '--start', 'yesterday');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--start takes seconds since the log's first interval or an ISO 8601 time/);
  const dir = await mkdtemp(path.join(tmpdir(), 'xarb-plot-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'w.svg');
  const p = await xarb('plot', fx('java-tagged.hlog'), '--start', '1', '-o', out);
  t.equal(p.code, 0, p.stderr);
  const svg = await readFile(out, 'utf8');
  t.match(svg, /Latency \(log scale\)/, 'log axis by default');
  t.match(svg, /99\.999%/);
});
