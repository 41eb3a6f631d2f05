/**
 * `npm run bench -- <suite...>`: runs benchmark suites, prints a table per suite and writes
 * bench/results/<suite>.json (an array of rows: case, p50_ns, p99_ns, p999_ns, max_ns,
 * ops_per_s, plus suite-specific fields). Every suite compares against its baseline in the
 * same run, because timings on shared machines drift while ratios within one run hold.
 * `--quick` shrinks the workloads (smoke runs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types.js';

type Suite = (opts: { quick?: boolean; base?: string; timings?: boolean }) => Promise<BenchRow[]>;

const SUITES: Record<string, () => Promise<Suite>> = {
  ring: async () => (await import('./ring.js')).runRingBench,
  clock: async () => (await import('./clock.js')).runClockBench,
  hist: async () => (await import('./hist.js' as string)).runHistBench,
  parse: async () => (await import('./parse.js' as string)).runParseBench,
  feed: async () => (await import('./feed.js' as string)).runFeedBench,
  e2e: async () => (await import('./e2e.js' as string)).runE2eBench,
  backtest: async () => (await import('./backtest.js' as string)).runBacktestBench,
  sweep: async () => (await import('./backtest.js' as string)).runSweepBench,
  'backtest-instr': async () => (await import('./backtest-instr.js' as string)).runBacktestInstrBench,
  sign: async () => (await import('./sign.js' as string)).runSignBench,
  peer: async () => (await import('./peer.js' as string)).runPeerBench,
  'leg-floor': async () => (await import('./leg-floor.js' as string)).runLegFloorBench,
  wal: async () => (await import('./wal.js' as string)).runWalBench,
  wake: async () => (await import('./wake.js' as string)).runWakeBench,
  'order-path': async () => (await import('./order-path.js' as string)).runOrderPathBench,
  alloc: async () => (await import('./strategy-alloc.js' as string)).runStrategyAllocBench,
};

const RESULTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');

function fmt(v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '-';
    return Math.abs(v) >= 1e6 ? v.toExponential(2) : String(Math.round(v * 1000) / 1000);
  }
  return v === null || v === undefined ? '-' : String(v);
}

export function table(rows: BenchRow[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => fmt(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** What each suite measures, for --help. */
const ABOUT: Record<string, string> = {
  ring: 'SharedArrayBuffer ring: one record across threads, against a MessagePort baseline',
  clock: 'cost per call of the monotonic clock candidates',
  hist: 'one latency-histogram record: hdr-histogram-js JS against its WebAssembly build',
  parse: 'venue frame parsers against JSON.parse',
  feed: 'one real feed worker against the simulator in a child process, per venue and rate',
  e2e: 'the whole bot (real threads) against the simulator in a child process: tick to intent',
  backtest: 'backtest engine throughput (events/s), from decoded events and from frames',
  sweep: 'the backtest suite\'s sweep rows alone: a 4-point sweep on 2 workers vs 1 (with --base, the base tree\'s too)',
  'backtest-instr': 'the backtest engine loop and in-memory depth case by callgrind instruction count, against --base (XARB_INSTR_TOP=N: per-function breakdown)',
  'leg-floor': 'the host\'s floor under the peer bench\'s venue-side leg gap: two bare writes on two loopback connections, stamped by two receiver processes',
  'order-path': 'the live executor, intents read → both legs on the wire (WS order APIs on loopback): one by one vs staged',
  alloc: 'bytes the strategy thread allocates per quote (its agent, decision and colocated dry-run executor, on this thread)',
  sign: 'signing one order with node:crypto: HMAC-SHA256 and Ed25519, against building the payload alone',
  peer: 'wire to wire against a ccxt.pro script: xarb live vs createOrder vs createOrderWs on loopback venue processes (one per venue)',
  wal: 'journaling an order before its send: plain write vs write + fdatasync vs reserved id blocks',
  wake: 'a worker waking on a signal: Atomics.wait vs Atomics.waitAsync vs MessagePort, idle and busy loop',
};
const DEFAULT_SUITES = ['clock', 'ring', 'hist', 'parse'];

export function benchHelp(): string {
  const w = Math.max(...Object.keys(SUITES).map((n) => n.length));
  return [
    'usage: npm run bench -- [SUITE...] [--quick] [--timings] [--base DIR]',
    '',
    'Runs benchmark suites, prints a table per suite and writes bench/results/<suite>.json.',
    'Each suite compares against its baseline in the same run (ratios hold where timings drift).',
    '',
    'suites:',
    ...Object.keys(SUITES).map((n) => `  ${n.padEnd(w)}  ${ABOUT[n] ?? ''}${DEFAULT_SUITES.includes(n) ? ' (default)' : ''}`),
    '',
    'options:',
    '  --quick     shrink the workloads (smoke runs)',
    '  --base DIR  backtest, sweep: also run a built checkout of another commit (e.g. a git worktree',
    '              at the base, after npm run build there) on the same data, alternating,',
    '              and print its events/s and the ratio (x_base) in the same run',
    '  --timings   backtest, sweep: print the sweep\'s phases by thread (start-up, decode, merge, each',
    '              point, teardown: wall, CPU and run-queue wait) for 1 and 2 workers',
    '  -h, --help  print this help and exit',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(benchHelp());
    return;
  }
  const bi = args.indexOf('--base');
  const base = bi >= 0 ? args[bi + 1] : undefined;
  if (bi >= 0 && (base === undefined || base.startsWith('-'))) {
    process.stderr.write('bench: option --base needs a directory\n');
    process.exitCode = 2;
    return;
  }
  const rest = bi >= 0 ? [...args.slice(0, bi), ...args.slice(bi + 2)] : args;
  const unknown = rest.filter((a) => a.startsWith('-') && a !== '--quick' && a !== '--timings');
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown option ${unknown[0]} (options: --quick, --timings, --base DIR, --help)\n`);
    process.exitCode = 2;
    return;
  }
  const quick = rest.includes('--quick');
  const timings = rest.includes('--timings');
  const names = rest.filter((a) => !a.startsWith('-'));
  const chosen = names.length ? names : DEFAULT_SUITES;
  for (const name of chosen) {
    const load = SUITES[name];
    if (!load) {
      process.stderr.write(`bench: unknown suite "${name}" (known: ${Object.keys(SUITES).join(', ')})\n`);
      process.exitCode = 2;
      return;
    }
    const run = await load();
    const t0 = performance.now();
    const rows = await run({ quick, base, timings });
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    process.stdout.write(`\n== ${name} (${secs} s, node ${process.version}, ${quick ? 'quick' : 'full'})\n${table(rows)}\n`);
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `${name}.json`);
    writeFileSync(file, JSON.stringify(rows, null, 2) + '\n');
    process.stdout.write(`-> ${path.relative(process.cwd(), file)}\n`);
  }
}

await main();
