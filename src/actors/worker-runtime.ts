/**
 * What every actor thread shares: its histogram recorders, the periodic stats/histogram posts
 * to the supervisor, logs and journal lines forwarded to the main thread (which owns pino and
 * the journal file), and uncaught-error reporting. Off the hot path by construction: it runs
 * between duty-cycle slices or from timers.
 */
import { parentPort } from 'node:worker_threads';
import { HopRecorders, initHistograms } from '../core/histogram.js';
import { GcCounter } from '../core/gc-counter.js';
import type { WorkerMessage } from './messages.js';
import type { JournalEntry } from '../report/journal-entries.js';

export class WorkerRuntime {
  readonly hist: HopRecorders;
  readonly gc = new GcCounter().start();
  private lastStatsMs = Date.now();
  private lastHistMs = Date.now();

  private constructor(readonly actor: string, hist: HopRecorders, private readonly histIntervalMs: number) {
    this.hist = hist;
  }

  static async create(actor: string, histIntervalMs: number): Promise<WorkerRuntime> {
    const impl = await initHistograms('wasm');
    return new WorkerRuntime(actor, new HopRecorders(actor, Date.now(), impl), histIntervalMs);
  }

  post(m: WorkerMessage): void {
    parentPort?.postMessage(m);
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    this.post({ type: 'log', level, msg, fields: { actor: this.actor, ...fields } });
  }

  private pendingJournal: Array<Record<string, unknown>> = [];

  /**
   * Queues a journal line; `flushJournal()` posts the queue as one message. Actors flush when
   * their duty cycle goes idle, so a postMessage (~20 µs) never sits between the two legs of a
   * pair or between a quote and its orders, and lines still leave within one idle poll.
   */
  journal(entry: JournalEntry): void {
    this.pendingJournal.push({ t: Date.now(), ...entry });
  }

  flushJournal(): void {
    if (this.pendingJournal.length === 0) return;
    this.post({ type: 'journal', entries: this.pendingJournal });
    this.pendingJournal = [];
  }

  /** Posts stats and histogram snapshots when their intervals have passed. Cheap to call often. */
  tick(counters: () => Record<string, number>): void {
    this.flushJournal();
    const now = Date.now();
    if (now - this.lastStatsMs >= 1000) {
      this.lastStatsMs = now;
      this.post({ type: 'stats', actor: this.actor, counters: { ...counters(), ...this.gcCounters() } });
    }
    if (now - this.lastHistMs >= this.histIntervalMs) {
      this.lastHistMs = now;
      this.post({ type: 'hist', actor: this.actor, snapshot: this.hist.snapshot(now) });
    }
  }

  gcCounters(): Record<string, number> {
    const g = this.gc.counts;
    return { gc_minor: g.minor, gc_major: g.major, gc_incremental: g.incremental, gc_pause_ms: g.pauseMs, gc_max_pause_ms: g.maxPauseMs };
  }

  /** Final words: last histogram interval, final counters, then the thread may end. */
  close(counters: Record<string, number>): void {
    this.flushJournal();
    const now = Date.now();
    this.post({ type: 'hist', actor: this.actor, snapshot: this.hist.snapshot(now) });
    this.post({ type: 'closed', actor: this.actor, counters: { ...counters, ...this.gcCounters() } });
    this.gc.stop();
    this.hist.close();
  }
}

export function flatCounters(...objs: object[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of objs) {
    for (const [k, v] of Object.entries(o)) if (typeof v === 'number') out[k] = v;
  }
  return out;
}
