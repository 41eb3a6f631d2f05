/**
 * The process bench/backtest-instr.ts runs under callgrind (also usable alone):
 *
 *   node dist/bench/backtest-instr-drive.js TREE CASE REPS HOURS DATA [JOURNAL]
 *
 * TREE: a built checkout (its dist/ engine and its own config/arbitrage.toml); CASE: `loop`
 * (bench backtest's pre-decoded top-of-book loop), `top` or `depth` (its in-memory frame loops);
 * REPS: repetitions, each on a fresh engine, as the bench runs them; HOURS: the first HOURS of
 * the day in DATA (bench backtest's `synthesize` output, 2024-01-01) so callgrind finishes in
 * minutes. The frames and quotes are decoded by this tree's code for both trees (the same input).
 * JOURNAL: write the run's journal (one JSON line per entry, after a last finish()) there, for
 * byte-identity checks of an optimisation.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LINE_FRAME } from '../src/data/store-line.js';
import { simSymbolFilters } from '../src/sim/instruments.js';
import type { VenueFilters } from '../src/strategy/config.js';
import type { BacktestEngine } from '../src/backtest/engine.js';
import type { loadConfig } from '../src/config/index.js';
import type { arbitrageConfig, strategyBalances } from '../src/backtest/run.js';
import type { ConstantLatency } from '../src/execution/latency-model.js';
import { configText, loadFrames, topOfBookQuotes, type Loaded } from './backtest.js';

const DATE = '2024-01-01';

/**
 * The day's frames received before limitNs: decoded once and kept in DATA/frames-HOURS.bin
 * (venue, kind, t, length, bytes per frame), as decoding the whole day's .jsonl.gz under callgrind
 * costs ~20 G instructions a run.
 */
function framesOf(data: string, limitNs: number, hours: string): Loaded[] {
  const file = path.join(data, `frames-${hours}.bin`);
  if (existsSync(file)) {
    const b = readFileSync(file);
    const out: Loaded[] = [];
    let o = 0;
    while (o < b.length) {
      const venue = b[o]!;
      const kind = b[o + 1]!;
      const t = b.readDoubleLE(o + 2);
      const len = b.readUInt32LE(o + 10);
      const bytes = Buffer.from(b.subarray(o + 14, o + 14 + len));
      o += 14 + len;
      out.push({ venue, symbol: 0, t, kind, frame: kind === LINE_FRAME ? bytes : Buffer.alloc(0), text: kind === LINE_FRAME ? '' : bytes.toString('utf8') });
    }
    return out;
  }
  const frames = loadFrames(data, DATE).filter((f) => f.t < limitNs);
  const parts: Buffer[] = [];
  for (const f of frames) {
    const bytes = f.kind === LINE_FRAME ? f.frame : Buffer.from(f.text, 'utf8');
    const h = Buffer.alloc(14);
    h[0] = f.venue;
    h[1] = f.kind;
    h.writeDoubleLE(f.t, 2);
    h.writeUInt32LE(bytes.length, 10);
    parts.push(h, bytes);
  }
  writeFileSync(file, Buffer.concat(parts));
  return frames;
}

// The loops as functions of their own (as bench/backtest.ts's `versus` callbacks): optimised as
// any hot function, where a loop in main() would run on its baseline or on-stack-replaced code,
// a tier that differs from run to run. Each returns the last event's time.
function feedQuotes(e: BacktestEngine, q: Float64Array): number {
  for (let i = 0; i < q.length; i += 6) e.onTopOfBook(q[i]!, 0, q[i + 1]!, 0, q[i + 2]!, q[i + 3]!, q[i + 4]!, q[i + 5]!);
  return q.length > 0 ? q[q.length - 5]! : 0;
}

function feedFrames(e: BacktestEngine, frames: Loaded[]): number {
  for (const f of frames) {
    if (f.kind === LINE_FRAME) e.onFrame(f.venue, f.t, f.frame, f.frame.length);
    else e.onSnapshot(f.venue, 0, f.t, f.text);
  }
  return frames.length > 0 ? frames[frames.length - 1]!.t : 0;
}

async function main(): Promise<void> {
  const [treeArg, kase, repsArg, hoursArg, data, journalPath] = process.argv.slice(2);
  if (treeArg === undefined || kase === undefined || data === undefined || !['loop', 'top', 'depth'].includes(kase)) {
    process.stderr.write('usage: backtest-instr-drive.js TREE loop|top|depth REPS HOURS DATA [JOURNAL]\n');
    process.exitCode = 2;
    return;
  }
  const tree = path.resolve(treeArg);
  const reps = Number(repsArg);
  const limitNs = Number(hoursArg) * 3600e9;
  const imp = (p: string): Promise<Record<string, unknown>> => import(path.join(tree, 'dist', 'src', p));
  const [cfgM, engM, runM, latM] = await Promise.all([imp('config/index.js'), imp('backtest/engine.js'), imp('backtest/run.js'), imp('execution/latency-model.js')]);
  const Engine = engM['BacktestEngine'] as typeof BacktestEngine;
  const Latency = latM['ConstantLatency'] as typeof ConstantLatency;
  const arbCfg = runM['arbitrageConfig'] as typeof arbitrageConfig;
  const balances = runM['strategyBalances'] as typeof strategyBalances;
  const cfgPath = path.join(data, `arbitrage-${path.basename(tree)}.toml`);
  writeFileSync(cfgPath, configText(tree, data));
  const config = (cfgM['loadConfig'] as typeof loadConfig)(cfgPath, { mode: 'dry-run' });
  const filters = simSymbolFilters(['BTCUSDT']) as unknown as VenueFilters;

  let frames = framesOf(data, limitNs, hoursArg!);
  const q = topOfBookQuotes(frames);
  // the loop case keeps only its quotes: a smaller heap for the collector to mark in each repetition
  if (kase === 'loop') frames = [];

  const lines: string[] = [];
  const journal = { append: journalPath === undefined ? () => undefined : (type: string, fields: unknown, ns: number, t: number) => {
    lines.push(JSON.stringify({ type, ns, t, ...(fields as Record<string, unknown>) }));
  } };
  let rounds = 0;
  const events = kase === 'loop' ? q.length / 6 : frames.length;
  for (let r = 0; r < reps; r++) {
    const e = new Engine({
      config: arbCfg(config), filters, balances: balances(config), journal, wallStartMs: Date.UTC(2024, 0, 1),
      entryLatency: new Latency(1e6), responseLatency: new Latency(1e6), book: kase === 'depth' ? 'depth' : 'top',
    });
    const last = r === reps - 1 && journalPath !== undefined;
    if (last) e.start('instr', {}, balances(config));
    const lastT = kase === 'loop' ? feedQuotes(e, q) : feedFrames(e, frames);
    if (last) e.finish(lastT, 10e9);
    rounds = e.roundsOpened;
  }
  if (journalPath !== undefined) writeFileSync(journalPath, lines.join('\n') + '\n');
  process.stdout.write(JSON.stringify({ tree, case: kase, reps, events, rounds }) + '\n');
}

await main();
