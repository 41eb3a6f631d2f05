/**
 * `npm run bench -- backtest-instr [--base DIR]`: bench backtest's engine loop and in-memory
 * cases by instruction count instead of wall clock (the wall clock of a shared 2-core VM moves
 * by ±50 % between repetitions; callgrind's counts repeat to ~0.2 %).
 *
 * For this tree and the --base tree, each case runs under
 *   valgrind --tool=callgrind node --single-threaded --perf-basic-prof dist/bench/backtest-instr-drive.js TREE CASE REPS HOURS DATA
 * with REPS = 1 and REPS = 5 on bench backtest's --quick day (`synthesize` rate 2, seed 1) cut to
 * its first HOURS; a steady-state repetition is (I(5) − I(1)) / 4, start-up, loading and the first
 * (JIT-warming) repetition cancelling out, the collector's and compiler's later work averaged
 * over four. Rows: instructions per repetition and per event, and x_base = base ÷ this (higher
 * is faster, as bench backtest's x_base); src_jit_per_rep and x_base_src_jit count the JIT code
 * of src/ alone (engine and strategy), steadier than the total, which carries the collector's
 * and compiler's work (±25 M per loop repetition between runs of one tree).
 * With XARB_INSTR_TOP=N the N functions with the most self instructions per repetition (on
 * either tree) are printed per case, JIT code named through the perf map node writes
 * (/tmp/perf-PID.map).
 *
 * XARB_INSTR_CASES overrides the cases and slices (default "loop:6,depth:2", as the slices of
 * docs/benchmarks.md's session 7 table); XARB_INSTR_KEEP=DIR keeps the callgrind files there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesize } from '../src/backtest/synth.js';
import type { BenchRow } from './types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DRIVE = path.join(ROOT, 'dist', 'bench', 'backtest-instr-drive.js');

/** Self instructions per function of one callgrind file (JIT code named through the perf map), and the total. */
export function selfCosts(file: string, perfMap: string | null): { total: number; byFn: Map<string, number> } {
  const text = readFileSync(file, 'utf8');
  const names = new Map<string, string>();
  const byFn = new Map<string, number>();
  let fn = '';
  let skipNext = false;
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=') || line.startsWith('cfn=')) {
      const m = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (m === null) continue;
      if (m[2] !== undefined) names.set(m[1]!, m[2]);
      if (line.startsWith('fn=')) fn = names.get(m[1]!) ?? m[1]!;
      continue;
    }
    if (line.startsWith('calls=')) { skipNext = true; continue; }
    if (line.startsWith('summary:') || line.startsWith('totals:')) { total = Number(line.split(/\s+/)[1]); continue; }
    const c = line.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) {
      if (skipNext) { skipNext = false; continue; }
      const n = Number(line.split(' ')[1]);
      if (n > 0) byFn.set(fn, (byFn.get(fn) ?? 0) + n);
    }
  }
  if (perfMap === null) return { total, byFn };
  // perf map: "start size name" (hex), one JIT code object a line
  const spans: [number, number, string][] = [];
  for (const l of readFileSync(perfMap, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(l);
    if (m !== null) spans.push([parseInt(m[1]!, 16), parseInt(m[2]!, 16), shortName(m[3]!)]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const named = new Map<string, number>();
  for (const [name, n] of byFn) {
    let key = name;
    if (/^0x[0-9a-f]+$/.test(name)) {
      const a = parseInt(name, 16);
      let lo = 0;
      let hi = spans.length - 1;
      let hit = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (spans[mid]![0] <= a) { hit = mid; lo = mid + 1; } else hi = mid - 1;
      }
      key = hit >= 0 && a < spans[hit]![0] + spans[hit]![1] ? spans[hit]![2] : '(JIT code, unnamed)';
    } else key = name.replace(/\(.*$/, '').slice(0, 90);
    named.set(key, (named.get(key) ?? 0) + n);
  }
  return { total, byFn: named };
}

/**
 * "JS:*quote file:///x/dist/src/backtest/engine.js:580:10" → "*quote engine.js:580" (* optimized,
 * ^ baseline, ~ interpreted); a bench file's as "bench/backtest-instr-drive.js:60".
 */
function shortName(s: string): string {
  const m = /^(?:[A-Za-z]+:)?([*~^+]?)(\S*) (?:file:\/\/)?(\S*?)([^/\s]+):(\d+)(?::\d+)?$/.exec(s);
  return m === null ? s.slice(0, 90) : `${m[1]}${m[2] || '(anonymous)'} ${m[3]!.includes('/dist/bench/') ? 'bench/' : ''}${m[4]}:${m[5]}`;
}

/** Instructions of the JIT code of src/ (the engine and strategy): named JS functions other than the bench's. */
function srcJit(byFn: Map<string, number>): number {
  let n = 0;
  for (const [k, v] of byFn) if (/^[*^~+]/.test(k) && !k.includes(' bench/')) n += v;
  return n;
}

function callgrind(out: string, tree: string, kase: string, reps: number, hours: number, data: string): { total: number; byFn: Map<string, number> } {
  const dir = mkdtempSync(path.join(out, `${path.basename(tree)}-${kase}-${reps}-`));
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${path.join(dir, 'cg.%p')}`,
    process.execPath, '--single-threaded', '--perf-basic-prof', DRIVE, tree, kase, String(reps), String(hours), data], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`callgrind ${tree} ${kase} ${reps}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const file = readdirSync(dir).find((f) => f.startsWith('cg.'))!;
  const pid = file.slice(3);
  const map = `/tmp/perf-${pid}.map`;
  const res = selfCosts(path.join(dir, file), existsSync(map) ? map : null);
  if (existsSync(map)) {
    if (process.env['XARB_INSTR_KEEP'] !== undefined) copyFileSync(map, path.join(dir, `perf-${pid}.map`));
    rmSync(map);
  }
  return res;
}

export async function runBacktestInstrBench(opts: { base?: string }): Promise<BenchRow[]> {
  try {
    execFileSync('valgrind', ['--version']);
  } catch {
    throw new Error('bench backtest-instr needs valgrind (callgrind) on the PATH');
  }
  const keep = process.env['XARB_INSTR_KEEP'];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-bench-instr-'));
  const out = keep ?? dir;
  mkdirSync(out, { recursive: true });
  const top = Number(process.env['XARB_INSTR_TOP'] ?? 0);
  const cases = (process.env['XARB_INSTR_CASES'] ?? 'loop:6,depth:2').split(',').map((c) => {
    const [k, h] = c.split(':');
    return { kase: k!, hours: Number(h ?? 2) };
  });
  const trees = [ROOT, ...(opts.base !== undefined ? [path.resolve(opts.base)] : [])];
  const rows: BenchRow[] = [];
  try {
    const data = path.join(dir, 'data');
    await synthesize({ dataDir: data, symbols: ['BTCUSDT'], startDate: '2024-01-01', endDate: '2024-01-01', rate: 2, seed: 1 });
    for (const { kase, hours } of cases) {
      const per: { total: number; byFn: Map<string, number> }[] = [];
      // outside callgrind first: the event count, and the slice's frames decoded once (drive's framesOf)
      const r0 = spawnSync(process.execPath, [DRIVE, ROOT, kase, '0', String(hours), data], { encoding: 'utf8' });
      const events = (JSON.parse(r0.stdout.trim()) as { events: number }).events;
      for (const tree of trees) {
        const one = callgrind(out, tree, kase, 1, hours, data);
        const five = callgrind(out, tree, kase, 5, hours, data);
        const byFn = new Map<string, number>();
        for (const [k, v] of five.byFn) byFn.set(k, (v - (one.byFn.get(k) ?? 0)) / 4);
        for (const [k, v] of one.byFn) if (!five.byFn.has(k)) byFn.set(k, -v / 4);
        per.push({ total: (five.total - one.total) / 4, byFn });
      }
      const [me, base] = per;
      const label = kase === 'loop' ? 'engine loop, pre-decoded top-of-book events' : `engine over in-memory frames (${kase === 'top' ? 'top of book fills' : '20-level depth fills'})`;
      rows.push({
        case: `${label}, first ${hours} h`, p50_ns: NaN, p99_ns: NaN, p999_ns: NaN, max_ns: NaN, ops_per_s: NaN, events,
        instr_per_rep: Math.round(me!.total), instr_per_event: Math.round(me!.total / events), src_jit_per_rep: Math.round(srcJit(me!.byFn)),
        ...(base !== undefined ? {
          base_instr_per_rep: Math.round(base.total), x_base: Number((base.total / me!.total).toFixed(3)),
          base_src_jit_per_rep: Math.round(srcJit(base.byFn)), x_base_src_jit: Number((srcJit(base.byFn) / srcJit(me!.byFn)).toFixed(3)),
        } : {}),
      });
      if (top > 0) {
        const keys = new Set([...me!.byFn.keys(), ...(base?.byFn.keys() ?? [])]);
        const list = [...keys].map((k) => ({ k, a: me!.byFn.get(k) ?? 0, b: base?.byFn.get(k) ?? 0 }))
          .sort((x, y) => Math.max(Math.abs(y.a), Math.abs(y.b)) - Math.max(Math.abs(x.a), Math.abs(x.b))).slice(0, top);
        process.stdout.write(`\n-- ${label}, first ${hours} h: self instructions per repetition (M), this${base !== undefined ? ' / base' : ''}\n`);
        for (const e of list) process.stdout.write(`${(e.a / 1e6).toFixed(1).padStart(9)}${base !== undefined ? (e.b / 1e6).toFixed(1).padStart(9) : ''}  ${e.k}\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
