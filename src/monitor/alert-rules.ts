/**
 * What counts as an alert, evaluated once a second on the main thread from what the workers
 * already publish (stats messages, the quote board, ring counters) and the main thread's own
 * health figures. Stateful (how long a condition has held, counter increases, the spread's
 * running statistics) but pure: time comes in with the inputs.
 *
 * Two shapes of condition:
 * - a state held too long (feed down, silent, book unusable, orders unresolved): active while
 *   the state lasts beyond its bound;
 * - an event (disconnect, stop-loss, ring drop, GC pause, disk error): a counter increased;
 *   active until `event_hold_ms` has passed without another increase, then resolved.
 */
import type { AlertsConfig } from '../config/index.js';
import type { AlertCondition } from './alerts.js';

export interface FeedInput {
  venue: string;
  connected: boolean;
  framesIn: number;
  disconnects: number;
}

export interface BookInput {
  venue: string;
  symbol: string;
  usable: boolean;
}

export interface SpreadInput {
  symbol: string;
  /** Raw touch-to-touch bps: buy on Binance, sell on Bybit; and the reverse. NaN if unknown. */
  bnToBy: number;
  byToBn: number;
}

export interface AlertInputs {
  nowMs: number;
  feeds: FeedInput[];
  books: BookInput[];
  spreads: SpreadInput[];
  /** The strategy actor's counters (see strategy.worker.ts snapshotCounters), if reported yet. */
  strategy: Record<string, number> | undefined;
  /** The live executor's counters (live mode), if reported yet. */
  executor?: Record<string, number> | undefined;
  haltReason: string;
  positionLimit: number;
  rings: Array<{ name: string; dropped: number }>;
  eventLoopP99Ms: number;
  /** Largest GC pause per thread since start (main thread and each actor), ms. */
  gcMaxPauseMs: Record<string, number>;
  rssMb: number;
  /** Free space where the journal is written, MiB; NaN if unknown. */
  diskFreeMb: number;
  /** Journal write errors so far. */
  diskErrors: number;
}

/** Strategy counters naming an open circuit breaker: `breaker_open_<venue>` (1 = open). */
const BREAKER_KEY = /^breaker_open_(.+)$/;
/** How long the event-loop delay must stay over its bound. */
export const LAG_HOLD_MS = 3000;

export class AlertRules {
  /** Since when (ms) a held state has been bad, per key. */
  private readonly badSince = new Map<string, number>();
  /** Last value and last increase time (ms) of event counters, per key. */
  private readonly counters = new Map<string, { value: number; increasedMs: number }>();
  private readonly frames = new Map<string, { value: number; changedMs: number }>();
  private readonly spreadStats = new Map<string, RollingStats>();

  constructor(private readonly cfg: AlertsConfig) {
    // Journal write errors count from 0 in this process: a failure before the first evaluation is an alert too.
    this.counters.set('disk_errors', { value: 0, increasedMs: Number.NEGATIVE_INFINITY });
  }

  evaluate(x: AlertInputs): AlertCondition[] {
    const out: AlertCondition[] = [];
    const now = x.nowMs;
    const c = this.cfg;
    for (const f of x.feeds) {
      const down = this.held(`feed_down:${f.venue}`, !f.connected, now);
      const dropped = this.event(`feed_disconnects:${f.venue}`, f.disconnects, now);
      if ((down !== null && down >= c.feed_down_ms) || dropped) {
        out.push({ key: `feed_disconnected:${f.venue}`, kind: 'feed_disconnected', severity: 'critical',
          message: `${f.venue} feed ${f.connected ? 'disconnected and reconnected' : `down for ${secs(down ?? 0)}`} (${f.disconnects} disconnects so far)`,
          value: f.disconnects });
      }
      const fr = this.frames.get(f.venue);
      if (fr === undefined || fr.value !== f.framesIn || !f.connected) this.frames.set(f.venue, { value: f.framesIn, changedMs: now });
      const silent = now - this.frames.get(f.venue)!.changedMs;
      if (f.connected && silent >= c.silent_feed_ms) {
        out.push({ key: `feed_silent:${f.venue}`, kind: 'feed_silent', severity: 'critical',
          message: `${f.venue} feed connected but silent for ${secs(silent)}`, value: silent });
      }
    }
    for (const b of x.books) {
      const bad = this.held(`book:${b.venue}:${b.symbol}`, !b.usable, now);
      if (bad !== null && bad >= c.book_unusable_ms) {
        out.push({ key: `book_unusable:${b.venue}:${b.symbol}`, kind: 'book_unusable', severity: 'warning',
          message: `${b.venue} ${b.symbol} book unusable for ${secs(bad)}`, value: bad });
      }
    }
    for (const s of x.spreads) {
      for (const [dir, v] of [['binance>bybit', s.bnToBy], ['bybit>binance', s.byToBn]] as const) {
        if (!Number.isFinite(v)) continue;
        const key = `${s.symbol}:${dir}`;
        let st = this.spreadStats.get(key);
        if (st === undefined) { st = new RollingStats(c.spread_window_s); this.spreadStats.set(key, st); }
        const z = st.zscore(v);
        st.push(v);
        const abs = c.spread_abs_bps > 0 && Math.abs(v) >= c.spread_abs_bps;
        const zHit = c.spread_zscore > 0 && st.count >= 30 && Math.abs(z) >= c.spread_zscore;
        if (abs || zHit) {
          out.push({ key: `spread_abnormal:${key}`, kind: 'spread_abnormal', severity: 'warning',
            message: `${s.symbol} ${dir} spread ${v.toFixed(1)} bps` + (abs ? ` (bound ${c.spread_abs_bps} bps)` : ` (z-score ${z.toFixed(1)}, bound ${c.spread_zscore})`),
            value: v });
        }
      }
    }
    this.strategyRules(x, out);
    this.executorRules(x, out);
    this.systemRules(x, out);
    return out;
  }

  private strategyRules(x: AlertInputs, out: AlertCondition[]): void {
    const s = x.strategy;
    if (s === undefined) return;
    const c = this.cfg;
    const now = x.nowMs;
    const dd = s['drawdown_ratio'] ?? s['drawdown'] ?? 0;
    if (c.drawdown > 0 && dd >= c.drawdown) {
      out.push({ key: 'drawdown', kind: 'drawdown', severity: 'critical',
        message: `drawdown ${(dd * 100).toFixed(2)}% of starting equity (alert at ${(c.drawdown * 100).toFixed(2)}%)`, value: dd });
    }
    if (c.exposure_fraction > 0) {
      for (const [k, v] of Object.entries(s)) {
        if (!k.startsWith('exposure_')) continue;
        const bound = c.exposure_fraction * x.positionLimit;
        if (Math.abs(v) >= bound && Math.abs(v) > 0) {
          const sym = k.slice('exposure_'.length);
          out.push({ key: `exposure:${sym}`, kind: 'exposure', severity: 'warning',
            message: `${sym} net exposure ${v} base (alert at ${bound}, position_limit ${x.positionLimit})`, value: v });
        }
      }
    }
    if (this.event('stop_loss', s['stopLossTriggers'] ?? 0, now)) {
      out.push({ key: 'stop_loss', kind: 'stop_loss', severity: 'critical',
        message: `stop-loss triggered (${s['stopLossTriggers']} so far)`, value: s['stopLossTriggers'] });
    }
    if ((s['halted'] ?? 0) > 0) {
      out.push({ key: 'halted', kind: 'halted', severity: 'critical',
        message: `new entries halted${x.haltReason !== '' ? `: ${x.haltReason}` : ''}` });
    }
    for (const [k, v] of Object.entries(s)) {
      const m = BREAKER_KEY.exec(k);
      if (m !== null && v > 0) {
        out.push({ key: `circuit_breaker:${m[1]}`, kind: 'circuit_breaker', severity: 'critical', message: `circuit breaker open on ${m[1]}` });
      }
    }
    const open = this.held('live_orders', (s['live_orders'] ?? 0) > 0, now);
    if (open !== null && open >= c.unresolved_order_ms) {
      out.push({ key: 'unresolved_orders', kind: 'unresolved_orders', severity: 'critical',
        message: `${s['live_orders']} order(s) unresolved for ${secs(open)}`, value: s['live_orders'] });
    }
  }

  /** Halts the live executor raises itself (run-checks.ts): a balance drift, too many unknown orders. */
  private executorRules(x: AlertInputs, out: AlertCondition[]): void {
    const e = x.executor;
    if (e === undefined) return;
    if ((e['balance_drift'] ?? 0) > 0) {
      out.push({ key: 'balance_drift', kind: 'balance_drift', severity: 'critical',
        message: `venue balances disagree with xarb's: new entries halted until an operator resumes${x.haltReason !== '' ? ` (${x.haltReason})` : ''}` });
    }
    if ((e['halted_unresolved'] ?? 0) > 0) {
      out.push({ key: 'unresolved_orders:executor', kind: 'unresolved_orders', severity: 'critical',
        message: `${e['unresolved_now'] ?? 0} orders of unknown status: the executor refuses new entries until they are resolved`, value: e['unresolved_now'] });
    }
  }

  private systemRules(x: AlertInputs, out: AlertCondition[]): void {
    const c = this.cfg;
    const now = x.nowMs;
    // Held for 3 s: one slow second (a burst of journal lines, a major GC) is not an alert.
    const lag = this.held('event_loop_lag', x.eventLoopP99Ms >= c.event_loop_lag_ms, now);
    if (lag !== null && lag >= LAG_HOLD_MS) {
      out.push({ key: 'event_loop_lag', kind: 'event_loop_lag', severity: 'warning',
        message: `main event loop lag p99 ${x.eventLoopP99Ms.toFixed(1)} ms (bound ${c.event_loop_lag_ms} ms)`, value: x.eventLoopP99Ms });
    }
    for (const r of x.rings) {
      if (this.event(`ring:${r.name}`, r.dropped, now)) {
        out.push({ key: `ring_drops:${r.name}`, kind: 'ring_drops', severity: 'warning',
          message: `ring ${r.name} dropped records (${r.dropped} so far)`, value: r.dropped });
      }
    }
    for (const [thread, ms] of Object.entries(x.gcMaxPauseMs)) {
      // The running maximum rises past the bound: one pause that long happened just now.
      if (this.event(`gc:${thread}`, ms >= c.gc_pause_ms ? ms : 0, now)) {
        out.push({ key: `gc_pause:${thread}`, kind: 'gc_pause', severity: 'warning',
          message: `${thread} GC pause of ${ms.toFixed(0)} ms (bound ${c.gc_pause_ms} ms)`, value: ms });
      }
    }
    if (x.rssMb >= c.memory_mb) {
      out.push({ key: 'memory', kind: 'memory', severity: 'warning', message: `resident memory ${x.rssMb.toFixed(0)} MiB (bound ${c.memory_mb} MiB)`, value: x.rssMb });
    }
    const lowDisk = c.disk_free_mb > 0 && Number.isFinite(x.diskFreeMb) && x.diskFreeMb < c.disk_free_mb;
    const diskErr = this.event('disk_errors', x.diskErrors, now);
    if (lowDisk || diskErr) {
      out.push({ key: 'disk', kind: 'disk', severity: 'critical',
        message: diskErr ? `journal write errors (${x.diskErrors} so far)` : `${x.diskFreeMb.toFixed(0)} MiB free for the journal (bound ${c.disk_free_mb} MiB)`,
        value: diskErr ? x.diskErrors : x.diskFreeMb });
    }
  }

  /** How long (ms) `bad` has held, or null while it does not. */
  private held(key: string, bad: boolean, now: number): number | null {
    if (!bad) { this.badSince.delete(key); return null; }
    const since = this.badSince.get(key);
    if (since === undefined) { this.badSince.set(key, now); return 0; }
    return now - since;
  }

  /** True while a counter has increased within event_hold_ms (its first reading is a baseline). */
  private event(key: string, value: number, now: number): boolean {
    const c = this.counters.get(key);
    if (c === undefined) {
      this.counters.set(key, { value, increasedMs: Number.NEGATIVE_INFINITY });
      return false;
    }
    if (value > c.value) c.increasedMs = now;
    c.value = value;
    return now - c.increasedMs < this.cfg.event_hold_ms;
  }
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Mean and deviation of the last `size` samples (one a second), for the spread's z-score. */
export class RollingStats {
  private readonly buf: Float64Array;
  private head = 0;
  count = 0;
  private sum = 0;
  private sumSq = 0;

  constructor(size: number) {
    this.buf = new Float64Array(size);
  }

  push(v: number): void {
    if (this.count === this.buf.length) {
      const old = this.buf[this.head]!;
      this.sum -= old;
      this.sumSq -= old * old;
    } else {
      this.count++;
    }
    this.buf[this.head] = v;
    this.head = (this.head + 1) % this.buf.length;
    this.sum += v;
    this.sumSq += v * v;
  }

  /** (v - mean) / sd of the window before v; 0 while the window has no spread. */
  zscore(v: number): number {
    if (this.count < 2) return 0;
    const mean = this.sum / this.count;
    const variance = Math.max(0, this.sumSq / this.count - mean * mean);
    const sd = Math.sqrt(variance);
    return sd > 1e-9 ? (v - mean) / sd : 0;
  }
}
