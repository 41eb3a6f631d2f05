/**
 * `npm run bench -- peer`: xarb against a ccxt.pro script, wire to wire, on the same market.
 *
 * Two venue processes, one per venue (bench/peer-venue.ts: the simulator, ~1,000 book
 * updates/s per venue, the same market in both: same seed, same simulated clock origin, the
 * same script scheduled at the same simulated times), play the same dislocation script to
 * each contender in turn, interleaved (A B C A B C ...): 60 bps for 50 ms every 400 ms,
 * alternating venue and direction. Each stamps on CLOCK_MONOTONIC (one clock for every
 * process on the host) the write of its own venue's dislocating frames and the arrival of
 * every order it receives; a venue's arrivals never wait for the other venue's work (one
 * process serving both serialized the two legs' arrival stamps on one event loop).
 * Contenders, each in its own process, started fresh for each of its turns and given a
 * warm-up before the script plays:
 *
 * - xarb: `xarb --mode live` with the shipped configuration, its venue URLs pointed at the
 *   venue processes (WebSocket order entry, the default) and the simulator's test keys;
 * - ccxt createOrder: bench/peer-ccxt.ts (watchBidsAsks / watchOrderBook, createOrder with
 *   the rate limiter off, Promise.all for both legs);
 * - ccxt createOrderWs: the same script with createOrderWs.
 *
 * Per contender: first leg (dislocating frame written → first order arrives) and both legs
 * (→ the order on the second venue arrives) p50/p90/p99, the gap between the legs, and
 * dislocations caught (first order inside the 50 ms window), late (after it, before the next
 * dislocation) and missed; ratios against xarb in the same run. For xarb, its own hops p50
 * (latency.hlog, averaged over its turns), among them `leg_gap` (first leg's frame handed to
 * its socket → second's) beside the venue-side gap, also printed per turn on stderr. Writes bench/results/peer.json
 * (through bench/run.ts). `--quick`: 2 rounds of 8 dislocations; full: 3 rounds of 25.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIM_KEYS } from '../src/sim/order-entry-keys.js';
import { scriptLeg, type Dislocation, type Played, type PlaySpec } from './peer-script.js';
import { percentile, type BenchRow } from './types.js';
import { latencyFromHlog } from '../src/report/performance.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..') : path.resolve(here, '..');
const XARB_BIN = path.join(REPO_ROOT, 'bin', 'xarb.js');
const WINDOW_MS = 50;
const EVERY_MS = 400;

export class PeerBenchError extends Error {
  override readonly name = 'PeerBenchError';
}

interface Contender {
  name: string;
  /** An xarb run: its latency.hlog is read for its own hops. */
  xarb?: boolean;
  start(ports: { binance: number; bybit: number }, dir: string, turn: number): { child: ChildProcess; ready: Promise<void> };
}

function waitLine(child: ChildProcess, needle: string, limitMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new PeerBenchError(`${what}: not ready within ${limitMs} ms (last output: ${buf.slice(-300)})`)), limitMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf = (buf + d.toString()).slice(-20_000);
      if (buf.includes(needle)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new PeerBenchError(`${what}: exited (${code}) before it was ready: ${buf.slice(-500)}`));
    });
  });
}

/** config/ copied with each venue's URLs pointed at its venue process (scheme, host, port; paths kept). */
function xarbConfig(dir: string, ports: { binance: number; bybit: number }, set: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['arbitrage.toml', 'binance.toml', 'bybit.toml']) {
    let text = readFileSync(path.join(REPO_ROOT, 'config', f), 'utf8');
    const port = f === 'binance.toml' ? ports.binance : ports.bybit;
    if (f === 'arbitrage.toml') {
      // Experiments only (docs/benchmarks.md): XARB_PEER_SET='wait_strategy="busy-spin";spin_polls=20000'
      // replaces those keys' values in the copied arbitrage.toml (and each XARB_PEER_VARIANTS entry
      // does, for its own xarb contender).
      for (const kv of set.split(';').filter((x) => x.includes('='))) {
        const [k, v] = [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()];
        const re = new RegExp(`^${k}\\s*=.*$`, 'm');
        if (!re.test(text)) throw new PeerBenchError(`XARB_PEER_SET: no key ${k} in config/arbitrage.toml`);
        text = text.replace(re, `${k} = ${v}`);
      }
    } else {
      text = text.replace(/"(wss?|https?):\/\/[^/"]+/g, (_m, scheme: string) => `"${scheme.startsWith('ws') ? 'ws' : 'http'}://127.0.0.1:${port}`);
    }
    writeFileSync(path.join(dir, f), text);
  }
  return path.join(dir, 'arbitrage.toml');
}

/** xarb live with the shipped configuration, `set` (XARB_PEER_SET syntax) applied over it. */
function xarbContender(name: string, set: string): Contender {
  return {
    name,
    xarb: true,
    start(ports, dir, turn) {
      // `env:NAME=value` entries set the xarb process's environment instead of a config key.
      const entries = set.split(';');
      const config = xarbConfig(path.join(dir, `cfg${turn}`), ports, entries.filter((e) => !e.trim().startsWith('env:')).join(';'));
      const extraEnv = Object.fromEntries(entries.filter((e) => e.trim().startsWith('env:') && e.includes('='))
        .map((e) => { const kv = e.trim().slice(4); return [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]; }));
      const child = spawn(process.execPath, [XARB_BIN, '--mode', 'live', '--config', config, '--runs-dir', path.join(dir, 'runs'),
        '--run-id', `peer${turn}`, '--monitor-port', '0', '--no-status', '--confirm-live'], {
        cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env, BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
          BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey, ...extraEnv,
        },
      });
      child.stderr!.resume();
      return { child, ready: waitLine(child, 'live executor ready', 60_000, 'xarb') };
    },
  };
}

const XARB_DEFAULT = 'xarb (live, default config)';

const CONTENDERS: Contender[] = [
  xarbContender(XARB_DEFAULT, process.env.XARB_PEER_SET ?? ''),
  ...(['rest', 'ws'] as const).map((mode) => ({
    name: mode === 'rest' ? 'ccxt.pro createOrder' : 'ccxt.pro createOrderWs',
    start(ports: { binance: number; bybit: number }, _dir: string, turn: number) {
      const child = spawn(process.execPath, [path.join(here, 'peer-ccxt.js'), String(ports.binance), String(ports.bybit), mode,
        `c${mode === 'ws' ? 'w' : 'r'}${turn}x`, '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stderr!.resume();
      return { child, ready: waitLine(child, 'ready', 60_000, `ccxt ${mode}`) };
    },
  })),
];

class Venue {
  private readonly child: ChildProcess;
  private waiters = new Map<string, (m: Record<string, unknown>) => void>();
  readonly loaded: Promise<Record<string, unknown>>;
  constructor(venue: 'binance' | 'bybit') {
    this.child = fork(path.join(here, 'peer-venue.js'), [venue], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    // Experiments only (docs/benchmarks.md): XARB_PEER_VENUE_CMD='taskset -pc {i} {pid}' (or
    // 'chrt -f -p 10 {pid}', 'renice -n -10 -p {pid}') runs that command on each venue process
    // once forked ({i}: 0 binance, 1 bybit), to see how much of the venue-side leg gap is the
    // second venue process waiting for a core.
    const cmd = process.env.XARB_PEER_VENUE_CMD;
    if (cmd !== undefined && cmd !== '' && this.child.pid !== undefined) {
      const argv = cmd.replaceAll('{pid}', String(this.child.pid)).replaceAll('{i}', venue === 'binance' ? '0' : '1').split(/\s+/);
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
      if (r.status !== 0) throw new PeerBenchError(`XARB_PEER_VENUE_CMD: ${argv.join(' ')} failed: ${r.stderr || r.error?.message}`);
    }
    this.loaded = new Promise((resolve) => this.waiters.set('loaded', resolve));
    this.child.on('message', (m: Record<string, unknown>) => {
      const w = this.waiters.get(m.type as string);
      if (w !== undefined) {
        this.waiters.delete(m.type as string);
        w(m);
      }
    });
  }
  ask(type: string, answer: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiters.set(answer, resolve);
      this.child.send({ type, ...extra });
    });
  }
  get pid(): number {
    return this.child.pid ?? 0;
  }
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

interface Tally {
  first: number[];
  both: number[];
  gap: number[];
  caught: number;
  late: number;
  missed: number;
  noFrame: number;
  orders: number;
}

function score(t: Tally, ds: Dislocation[]): void {
  for (const d of ds) {
    t.orders += d.arrivals.length;
    if (d.frameNs === '') {
      t.noFrame++;
      continue;
    }
    const f = BigInt(d.frameNs);
    const after = d.arrivals.filter((a) => BigInt(a.ns) >= f);
    if (after.length === 0) {
      t.missed++;
      continue;
    }
    const first = after[0]!;
    const firstNs = Number(BigInt(first.ns) - f);
    const other = after.find((a) => a.venue !== first.venue);
    t.first.push(firstNs);
    if (firstNs <= WINDOW_MS * 1e6) t.caught++;
    else t.late++;
    if (other !== undefined) {
      const bothNs = Number(BigInt(other.ns) - f);
      t.both.push(bothNs);
      t.gap.push(bothNs - firstNs);
    }
  }
}

const XARB_HOPS = ['frame_to_parsed', 'publish_to_strategy', 'tick_to_intent', 'intent_to_sent', 'intent_to_wire', 'tick_to_wire', 'leg_gap'] as const;

/** p50 per hop of one xarb turn's latency.hlog ([] when the run left none). */
function xarbHops(file: string): Array<[string, number]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return latencyFromHlog(text).filter((l) => (XARB_HOPS as readonly string[]).includes(l.hop) && l.count > 0).map((l) => [l.hop, l.p50Ns]);
}

/** Both venue processes, on one simulated clock; `play` merges what each saw into one script's dislocations. */
class Venues {
  private readonly binance = new Venue('binance');
  private readonly bybit = new Venue('bybit');
  private origin = 0n;
  droppedBacklogMs = 0;

  async start(): Promise<{ binance: number; bybit: number }> {
    await Promise.all([this.binance.loaded, this.bybit.loaded]);
    // Simulated time 0 now, in both (their first tick catches up the few ms since).
    this.origin = process.hrtime.bigint();
    const extra = { originNs: String(this.origin) };
    const [a, b] = await Promise.all([this.binance.ask('start', 'started', extra), this.bybit.ask('start', 'started', extra)]);
    return { binance: a.port as number, bybit: b.port as number };
  }

  async play(spec: PlaySpec): Promise<Dislocation[]> {
    // The script starts 100 ms of simulated time from now: both processes have it by then.
    const t0Ms = Math.ceil(Number(process.hrtime.bigint() - this.origin) / 1e6) + 100;
    const answers = await Promise.all([this.binance.ask('play', 'played', { spec, t0Ms }), this.bybit.ask('play', 'played', { spec, t0Ms })]);
    const seen: Record<'binance' | 'bybit', Played> = { binance: undefined!, bybit: undefined! };
    (['binance', 'bybit'] as const).forEach((v, k) => {
      const a = answers[k]!;
      if (typeof a.error === 'string') throw new PeerBenchError(`${v} venue process: ${a.error}`);
      seen[v] = a.played as Played;
    });
    const dropped = seen.binance.droppedBacklogMs + seen.bybit.droppedBacklogMs;
    if (dropped > this.droppedBacklogMs) {
      process.stderr.write(`peer bench: a venue process fell behind and dropped ${dropped} ms of updates: the two venues' markets may differ from here on\n`);
      this.droppedBacklogMs = dropped;
    }
    const out: Dislocation[] = [];
    for (let i = 0; i < spec.count; i++) {
      const { venue, up } = scriptLeg(i);
      const arrivals = [...seen.binance.arrivals, ...seen.bybit.arrivals].filter((a) => a.i === i)
        .sort((x, y) => (BigInt(x.ns) < BigInt(y.ns) ? -1 : 1)).map(({ venue: v, id, ns }) => ({ venue: v, id, ns }));
      out.push({ venue, bps: up ? spec.bps : -spec.bps, frameNs: seen[venue].frames[i]!, arrivals });
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all([this.binance.ask('stop', 'stopped'), this.bybit.ask('stop', 'stopped')]);
  }

  get pids(): { binance: number; bybit: number } {
    return { binance: this.binance.pid, bybit: this.bybit.pid };
  }

  kill(): void {
    this.binance.kill();
    this.bybit.kill();
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(percentile(s, p));
};

export async function runPeerBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const rounds = opts.quick ? 2 : 3;
  const spec: PlaySpec = { count: opts.quick ? 8 : 25, everyMs: EVERY_MS, bps: 60, durationMs: WINDOW_MS };
  const warmupMs = 2000;
  // Experiments only: XARB_PEER_ONLY=xarb runs xarb alone; XARB_PEER_KEEP=1 keeps the run
  // directories (journals, orders.wal, latency.hlog) and prints where; XARB_PEER_DUMP=file
  // appends one JSON line per turn (contender and venue pids, each dislocation's frame and
  // arrival stamps) to match against a `perf sched record -k mono` trace.
  const dump = process.env.XARB_PEER_DUMP ?? '';
  // XARB_PEER_VARIANTS='spin_polls=0|wait_strategy="park"': one more xarb contender per entry
  // (XARB_PEER_SET syntax, over XARB_PEER_SET), interleaved with the others in every round.
  const variants = (process.env.XARB_PEER_VARIANTS ?? '').split('|').filter((v) => v.includes('='))
    .map((v) => xarbContender(`xarb [${v}]`, `${process.env.XARB_PEER_SET ?? ''};${v}`));
  const contenders = [CONTENDERS[0]!, ...variants, ...(process.env.XARB_PEER_ONLY === 'xarb' ? [] : CONTENDERS.slice(1))];
  const venues = new Venues();
  const tallies = contenders.map((): Tally => ({ first: [], both: [], gap: [], caught: 0, late: 0, missed: 0, noFrame: 0, orders: 0 }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-bench-peer-'));
  /** Per contender, xarb's own hops p50 per turn. */
  const inside = contenders.map((): Array<[string, number]> => []);
  /** Venue-side leg gap p50 per turn (ns). */
  const turnGap: number[] = [];
  try {
    const ports = await venues.start();
    process.stderr.write(`peer bench: venue processes on ports ${ports.binance} (binance) / ${ports.bybit} (bybit); ${rounds} rounds × ${contenders.length} contenders × ${spec.count} dislocations (${spec.bps} bps for ${spec.durationMs} ms every ${spec.everyMs} ms); ${os.availableParallelism()} cores\n`);
    for (let r = 0; r < rounds; r++) {
      for (let c = 0; c < contenders.length; c++) {
        const con = contenders[c]!;
        const turn = r * contenders.length + c;
        const { child, ready } = con.start(ports, dir, turn);
        try {
          await ready;
          await new Promise((res) => setTimeout(res, warmupMs));
          const ds = await venues.play(spec);
          if (dump !== '') appendFileSync(dump, JSON.stringify({ turn, contender: con.name, pid: child.pid, venues: venues.pids, dislocations: ds }) + '\n');
          const t = tallies[c]!;
          const gapsBefore = t.gap.length;
          score(t, ds);
          turnGap[turn] = pct(t.gap.slice(gapsBefore), 50);
          process.stderr.write(`  round ${r + 1} ${con.name}: ${ds.reduce((n, d) => n + d.arrivals.length, 0)} orders; so far caught ${t.caught} late ${t.late} missed ${t.missed}\n`);
        } finally {
          child.kill('SIGTERM');
          await new Promise<void>((res) => {
            const k = setTimeout(() => { child.kill('SIGKILL'); res(); }, 8000);
            if (child.exitCode !== null) { clearTimeout(k); res(); }
            child.once('exit', () => { clearTimeout(k); res(); });
          });
        }
        if (con.xarb === true) {
          const hops = xarbHops(path.join(dir, 'runs', `peer${turn}`, 'latency.hlog'));
          inside[c]!.push(...hops);
          const own = hops.find(([h]) => h === 'leg_gap');
          process.stderr.write(`    ${con.name} leg gap p50 this turn: ${Math.round((turnGap[turn] ?? NaN) / 1e3)} µs at the venues, ${own ? Math.round(own[1] / 1e3) : '-'} µs in xarb (leg_gap: first frame handed to its socket → second)\n`);
        }
      }
    }
    await venues.stop();
  } finally {
    venues.kill();
    if (process.env.XARB_PEER_KEEP === '1') process.stderr.write(`peer bench: run directories kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
  const base = tallies[0]!;
  const baseFirst = pct(base.first, 50);
  return contenders.map((con, i) => {
    const t = tallies[i]!;
    const row: BenchRow = {
      case: con.name,
      p50_ns: pct(t.first, 50), p99_ns: pct(t.first, 99), p999_ns: NaN, max_ns: t.first.length ? Math.max(...t.first) : NaN, ops_per_s: NaN,
      first_leg_p50_us: pct(t.first, 50) / 1e3, first_leg_p90_us: pct(t.first, 90) / 1e3, first_leg_p99_us: pct(t.first, 99) / 1e3,
      both_legs_p50_us: pct(t.both, 50) / 1e3, both_legs_p90_us: pct(t.both, 90) / 1e3, both_legs_p99_us: pct(t.both, 99) / 1e3,
      leg_gap_p50_us: pct(t.gap, 50) / 1e3,
      // xarb's own view of the same gap, beside the venues' (filled in below; its leg_gap hop).
      ...(con.xarb === true ? { xarb_leg_gap_p50_us: NaN } : {}),
      caught: t.caught, late: t.late, missed: t.missed, no_frame: t.noFrame, orders: t.orders,
      first_leg_p50_vs_xarb: i === 0 ? 1 : Math.round((pct(t.first, 50) / baseFirst) * 100) / 100,
    };
    if (con.xarb === true) {
      // xarb's own view of the same runs (its latency.hlog): where the time went, p50 per turn, averaged.
      for (const hop of XARB_HOPS) {
        const v = inside[i]!.filter(([h]) => h === hop).map(([, ns]) => ns);
        row[`xarb_${hop}_p50_us`] = v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length / 10) / 100 : NaN;
      }
    }
    return row;
  });
}
