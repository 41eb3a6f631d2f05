/**
 * `npm run bench -- alloc`: what the strategy thread allocates, per quote, on the main thread
 * with no worker in between. The strategy thread's own parts (src/actors/strategy-thread.ts:
 * StrategyAgent, the ring sink, the dry-run executor on the same thread, the per-second stats
 * and histogram posts) are driven by a synthetic feed that writes quote records into the feed
 * rings and the quote board as the feed workers do: a random walk per (venue, symbol) inside
 * the fees, so no pair trades (the per-quote path), or with the first symbol's book on one venue
 * lifted 60 bps for the whole run: a standing opportunity, so a few rounds trade (legs fill,
 * reports come back, journal lines are made) and then every quote of that symbol runs the
 * gates and is held back by one (inventory, position, rebalancing), as in a long dislocation.
 *
 * Bytes are counted from V8's heap: `total_allocated_bytes` where the runtime has it (Node 24),
 * else the median growth of `used_heap_size` over chunks of quotes (a chunk that a scavenge
 * cut short shows a drop and falls out of the median). The clock reads are part of the path:
 * in Node 20 `performance.now()` returns a fresh HeapNumber (16 B) per call.
 */
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { createRing, POLICY_BLOCK, POLICY_DROP_OLDEST, RingProducer } from '../src/core/ring.js';
import { createQuoteBoard, QuoteBoard } from '../src/core/quote-board.js';
import { Doorbell } from '../src/core/doorbell.js';
import { AgentControl } from '../src/core/agent.js';
import { monoNs, wallMs } from '../src/core/clock.js';
import {
  FLAG_USABLE, H_EXCH_MS, H_FLAGS, H_KIND, H_PUB_NS, H_RECV_NS, H_SEQ, H_SYMBOL, H_VENUE, INTENT_WORDS, KIND_QUOTE,
  Q_ASK_PX, Q_ASK_SZ, Q_BID_PX, Q_BID_SZ, QUOTE_WORDS, REPORT_WORDS, VENUE_COUNT,
} from '../src/core/records.js';
import { toStrategyBalances } from '../src/actors/supervisor.js';
import { buildStrategyThread, type StrategyThread } from '../src/actors/strategy-thread.js';
import { WorkerRuntime } from '../src/actors/worker-runtime.js';
import type { ExecutorWorkerData, StrategyWorkerData } from '../src/actors/wiring.js';
import { simSymbolFilters } from '../src/sim/index.js';
import type { VenueFilters } from '../src/strategy/config.js';
import type { BenchRow } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..') : path.resolve(here, '..');
const CONFIG = path.join(REPO_ROOT, 'config', 'arbitrage.toml');
export const FIVE_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'];
const BASE_PX = [60_000, 3_000, 150, 600, 0.6];

/** The strategy thread on this thread, fed by a synthetic feed. */
export class StrategyThreadRig {
  readonly th: StrategyThread;
  readonly rt: WorkerRuntime;
  private readonly feeds: RingProducer[];
  private readonly board: QuoteBoard;
  private readonly mid: Float64Array;
  private readonly nSym: number;
  private seq = 0;
  private readonly clock = new Float64Array(2);
  /** The venue whose book `dislocated` lifts (alternate it to trade both ways). */
  dislocatedVenue = 0;
  /** xorshift32 state: deterministic quotes. */
  private rng = 0x9e3779b9;

  private constructor(th: StrategyThread, rt: WorkerRuntime, feeds: RingProducer[], board: QuoteBoard, nSym: number) {
    this.th = th;
    this.rt = rt;
    this.feeds = feeds;
    this.board = board;
    this.nSym = nSym;
    this.mid = new Float64Array(nSym);
    for (let s = 0; s < nSym; s++) this.mid[s] = BASE_PX[s % BASE_PX.length]!;
  }

  static async create(opts: { symbols?: string[]; warmUp?: boolean } = {}): Promise<StrategyThreadRig> {
    const symbols = opts.symbols ?? FIVE_SYMBOLS;
    const cfg = loadConfig(CONFIG, { mode: 'dry-run' });
    cfg.strategy.symbols = [...symbols];
    const eng = cfg.engine;
    const feedRings = [0, 1].map(() => createRing(eng.feed_ring_slots, QUOTE_WORDS, POLICY_DROP_OLDEST));
    const intentRing = createRing(eng.order_ring_slots, INTENT_WORDS, POLICY_BLOCK);
    const reportRing = createRing(eng.order_ring_slots, REPORT_WORDS, POLICY_BLOCK);
    const boardSab = createQuoteBoard({ venues: VENUE_COUNT, symbols: symbols.length, levels: eng.depth_levels });
    const bell = new Doorbell();
    const executorBell = new Doorbell();
    const wait = { name: 'busy-spin' as const, spinPolls: eng.spin_polls, parkTimeoutMs: eng.park_timeout_ms };
    const filters = simSymbolFilters(symbols) as unknown as VenueFilters;
    const balances = toStrategyBalances(cfg);
    const exec: ExecutorWorkerData = {
      actor: 'strategy', symbols, intentRing, reportRing, board: boardSab, bell: bell.sab, strategyBell: bell.sab,
      control: new AgentControl().sab, wait, histogramIntervalMs: eng.histogram_interval_ms,
      takerFees: [cfg.fees.binance_taker_bps / 1e4, cfg.fees.bybit_taker_bps / 1e4], balances,
      latency: {
        entry: { model: cfg.execution.entry_latency_model, mean_ms: cfg.execution.entry_latency_mean_ms, std_ms: cfg.execution.entry_latency_std_ms },
        response: { model: cfg.execution.response_latency_model, mean_ms: cfg.execution.response_latency_mean_ms, std_ms: cfg.execution.response_latency_std_ms },
      },
      seed: 5,
    };
    const d: StrategyWorkerData = {
      actor: 'strategy', symbols, feedRings, reportRing, intentRing, bell: bell.sab, executorBell: executorBell.sab,
      control: new AgentControl().sab, wait, config: { strategy: cfg.strategy, risk: cfg.risk, execution: cfg.execution, fees: cfg.fees },
      filters, balances, histogramIntervalMs: eng.histogram_interval_ms, colocatedExecutor: exec,
    };
    const rt = await WorkerRuntime.create('strategy', eng.histogram_interval_ms);
    const th = buildStrategyThread(d, rt, { warmUp: opts.warmUp });
    th.agent.onStart();
    th.colocated?.agent.onStart();
    const feeds = feedRings.map((r) => new RingProducer(r, new Doorbell(bell.sab)));
    return new StrategyThreadRig(th, rt, feeds, new QuoteBoard(boardSab), symbols.length);
  }

  private next(): number {
    let x = this.rng;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 4294967296;
  }

  /**
   * Publishes one quote (venue, symbol round-robin) as a feed worker would: the board's top,
   * then the ring record. `dislocated`: symbol 0's book on `dislocatedVenue` is 60 bps above the other's.
   */
  publish(dislocated: boolean): void {
    const q = this.seq++;
    const v = q & 1;
    const s = (q >> 1) % this.nSym;
    const mid = this.mid[s]! * (1 + (this.next() - 0.5) * 2e-5);
    this.mid[s] = mid;
    const m = dislocated && s === 0 && v === this.dislocatedVenue ? mid * 1.006 : mid;
    const tick = mid >= 100 ? 0.01 : 0.0001;
    const bid = Math.floor((m * (1 - 5e-5)) / tick) * tick;
    const ask = bid + tick * 2;
    const sz = 1 + this.next() * 4;
    // The feed's clocks, read every 64 quotes into a typed array: the feed workers' own reads
    // are not the strategy thread's allocation, and must not be counted as if they were.
    const clk = this.clock;
    if ((q & 63) === 0) { clk[0] = monoNs(); clk[1] = wallMs(); }
    const now = clk[0]!;
    const exch = clk[1]!;
    this.board.writeTop(v, s, q, exch, now, now, FLAG_USABLE, bid, sz, ask, sz);
    const r = this.feeds[v]!;
    r.claim();
    const d = r.data;
    const o = r.offset;
    for (let i = 0; i < QUOTE_WORDS; i++) d[o + i] = 0;
    d[o + H_KIND] = KIND_QUOTE;
    d[o + H_VENUE] = v;
    d[o + H_SYMBOL] = s;
    d[o + H_SEQ] = q;
    d[o + H_EXCH_MS] = exch;
    d[o + H_RECV_NS] = now;
    d[o + H_PUB_NS] = now;
    d[o + H_FLAGS] = FLAG_USABLE;
    d[o + Q_BID_PX] = bid;
    d[o + Q_BID_SZ] = sz;
    d[o + Q_ASK_PX] = ask;
    d[o + Q_ASK_SZ] = sz;
    r.publishQuiet();
  }

  /** One duty cycle of the strategy thread (the strategy agent, then the executor on the same thread). */
  cycle(): number {
    let w = this.th.agent.doWork();
    const c = this.th.colocated;
    if (c !== null) w += c.agent.doWork();
    return w;
  }

  /**
   * `quotes` quotes, each followed by duty cycles until idle (plus `idleCycles` more, where
   * the timers and the executor's due reports run), and the between-slices work every 1024.
   */
  run(quotes: number, dislocated = false, idleCycles = 4): void {
    for (let i = 0; i < quotes; i++) {
      this.publish(dislocated);
      while (this.cycle() > 0) { /* drain */ }
      for (let k = 0; k < idleCycles; k++) this.cycle();
      if ((i & 1023) === 1023) this.th.betweenSlices();
    }
  }

  close(): void {
    this.rt.close(this.th.snapshotCounters());
  }
}

export interface AllocMeasure {
  bytesPerQuote: number;
  method: 'total_allocated_bytes' | 'used_heap_size median';
  quotes: number;
}

function allocatedBytes(): number | undefined {
  return (v8.getHeapStatistics() as unknown as { total_allocated_bytes?: number }).total_allocated_bytes;
}

/** Bytes allocated per quote by `rig.run`, over `chunks` chunks of `chunkQuotes` quotes. */
export function measureAllocation(rig: StrategyThreadRig, chunks: number, chunkQuotes: number, dislocated = false): AllocMeasure {
  const a0 = allocatedBytes();
  if (a0 !== undefined) {
    rig.run(chunks * chunkQuotes, dislocated);
    return { bytesPerQuote: (allocatedBytes()! - a0) / (chunks * chunkQuotes), method: 'total_allocated_bytes', quotes: chunks * chunkQuotes };
  }
  const growth: number[] = [];
  for (let c = 0; c < chunks; c++) {
    const u0 = v8.getHeapStatistics().used_heap_size;
    rig.run(chunkQuotes, dislocated);
    growth.push(v8.getHeapStatistics().used_heap_size - u0);
  }
  growth.sort((a, b) => a - b);
  return { bytesPerQuote: growth[growth.length >> 1]! / chunkQuotes, method: 'used_heap_size median', quotes: chunks * chunkQuotes };
}

export async function runStrategyAllocBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const quick = opts.quick === true;
  const rig = await StrategyThreadRig.create();
  const rows: BenchRow[] = [];
  try {
    rig.run(quick ? 20_000 : 100_000); // optimised by V8 before counting
    for (const [name, dislocated] of [['quotes inside the fees (no opportunity)', false], ['a standing 60 bps dislocation on one symbol', true]] as const) {
      const t0 = performance.now();
      const m = measureAllocation(rig, quick ? 20 : 50, 2000, dislocated);
      const s = (performance.now() - t0) / 1000;
      rows.push({
        case: name, p50_ns: NaN, p99_ns: NaN, p999_ns: NaN, max_ns: NaN, ops_per_s: Math.round(m.quotes / s),
        bytes_per_quote: Math.round(m.bytesPerQuote * 10) / 10, target_bytes_per_quote: dislocated ? NaN : 16,
        method: m.method, quotes: m.quotes, pairs: rig.th.strategy.stats.pairsSent, node: process.version,
      });
    }
  } finally {
    rig.close();
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const r of await runStrategyAllocBench({ quick: process.argv.includes('--quick') })) console.log(JSON.stringify(r));
}
