/**
 * Counts garbage collections of the current thread by kind (perf_hooks 'gc' entries), so each
 * worker can report how often, and how long, V8 collected: the hot path is built not to
 * allocate, and this is how that claim is checked in a 60 s run.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';

export interface GcCounts {
  minor: number;
  major: number;
  incremental: number;
  weakcb: number;
  /** Total pause time of the collections seen, ms. */
  pauseMs: number;
  /** Longest single collection, ms. */
  maxPauseMs: number;
}

export class GcCounter {
  readonly counts: GcCounts = { minor: 0, major: 0, incremental: 0, weakcb: 0, pauseMs: 0, maxPauseMs: 0 };
  private observer: PerformanceObserver | null = null;

  start(): this {
    const c = this.counts;
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) c.major++;
        else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) c.minor++;
        else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) c.incremental++;
        else c.weakcb++;
        c.pauseMs += e.duration;
        if (e.duration > c.maxPauseMs) c.maxPauseMs = e.duration;
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
  }
}
