/**
 * Health of the main thread's process: event-loop delay (perf_hooks histogram, one window per
 * sample so its percentiles move), GC (src/core/gc-counter.ts), CPU, memory, and the free space
 * where the journal is written. Sampled about once a second by the monitor hub; nothing here
 * runs on a worker.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { statfsSync } from 'node:fs';
import { GcCounter, type GcCounts } from '../core/gc-counter.js';

export interface ProcessSample {
  /** Event-loop delay over the last window, ms. */
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  cpuUserS: number;
  cpuSystemS: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  gc: GcCounts;
  /** NaN when statfs is unavailable. */
  diskFreeBytes: number;
  startTimeS: number;
}

export class ProcessStats {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly gc = new GcCounter();
  private last: ProcessSample | null = null;
  private readonly startTimeS = Math.round(Date.now() / 1000 - process.uptime());

  constructor(private readonly diskPath: string) {}

  start(): this {
    this.loop.enable();
    this.gc.start();
    return this;
  }

  stop(): void {
    this.loop.disable();
    this.gc.stop();
  }

  /** Takes a sample and starts a new event-loop window. */
  sample(): ProcessSample {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const ns = (x: number) => (Number.isFinite(x) && x > 0 ? x / 1e6 : 0);
    let diskFree = Number.NaN;
    try {
      const s = statfsSync(this.diskPath);
      diskFree = s.bavail * s.bsize;
    } catch { /* not fatal: the disk alert then stays silent, journal write errors still count */ }
    this.last = {
      loopP50Ms: ns(this.loop.percentile(50)), loopP99Ms: ns(this.loop.percentile(99)), loopMaxMs: ns(this.loop.max),
      cpuUserS: cpu.user / 1e6, cpuSystemS: cpu.system / 1e6,
      rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal, externalBytes: mem.external,
      gc: { ...this.gc.counts }, diskFreeBytes: diskFree, startTimeS: this.startTimeS,
    };
    this.loop.reset();
    return this.last;
  }

  /** The latest sample (taken now if there is none yet). */
  latest(): ProcessSample {
    return this.last ?? this.sample();
  }
}
