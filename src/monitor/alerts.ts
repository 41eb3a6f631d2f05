/**
 * The alert state machine: conditions in (from alert-rules.ts, once a second), transitions out.
 *
 *   inactive --condition true--> firing --condition false--> resolved (= inactive)
 *
 * Deduplicated: a key that stays true fires once, however many evaluations see it. Rate
 * limited: a key that fires again within `repeatIntervalMs` of its last notified firing (a
 * flapping condition) is tracked as firing but not notified, and neither is its resolution;
 * `suppressed` counts those. Pure logic: time comes in as an argument.
 */

export type AlertKind =
  | 'feed_disconnected' | 'feed_silent' | 'book_unusable' | 'spread_abnormal'
  | 'drawdown' | 'exposure' | 'stop_loss' | 'halted' | 'circuit_breaker' | 'unresolved_orders' | 'balance_drift'
  | 'event_loop_lag' | 'ring_drops' | 'gc_pause' | 'memory' | 'disk';

export const ALERT_KINDS: readonly AlertKind[] = [
  'feed_disconnected', 'feed_silent', 'book_unusable', 'spread_abnormal',
  'drawdown', 'exposure', 'stop_loss', 'halted', 'circuit_breaker', 'unresolved_orders', 'balance_drift',
  'event_loop_lag', 'ring_drops', 'gc_pause', 'memory', 'disk',
];

export type AlertSeverity = 'warning' | 'critical';

/** One condition as a rule sees it now. `key` identifies it (kind plus venue/symbol/ring). */
export interface AlertCondition {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  value?: number;
}

export interface Alert extends AlertCondition {
  firedAtMs: number;
  /** False when the firing was rate limited: no log line, journal entry or webhook. */
  notified: boolean;
}

export interface AlertTransition {
  state: 'firing' | 'resolved';
  alert: Alert;
  atMs: number;
}

export class AlertEngine {
  private readonly active = new Map<string, Alert>();
  private readonly lastNotifiedMs = new Map<string, number>();
  private readonly history: AlertTransition[] = [];
  fired = 0;
  resolved = 0;
  suppressed = 0;

  constructor(private readonly repeatIntervalMs: number, private readonly historySize = 100) {}

  /**
   * `conditions` are the keys true now; every active key missing from them has cleared.
   * Returns the transitions to notify (rate-limited ones are left out).
   */
  update(conditions: readonly AlertCondition[], nowMs: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    const seen = new Set<string>();
    for (const c of conditions) {
      seen.add(c.key);
      const a = this.active.get(c.key);
      if (a !== undefined) {
        // Still firing: keep the latest message and value for the dashboard.
        a.message = c.message;
        if (c.value !== undefined) a.value = c.value;
        continue;
      }
      const last = this.lastNotifiedMs.get(c.key);
      const notified = last === undefined || nowMs - last >= this.repeatIntervalMs;
      const alert: Alert = { ...c, firedAtMs: nowMs, notified };
      this.active.set(c.key, alert);
      this.fired++;
      const tr: AlertTransition = { state: 'firing', alert, atMs: nowMs };
      this.remember(tr);
      if (notified) {
        this.lastNotifiedMs.set(c.key, nowMs);
        out.push(tr);
      } else {
        this.suppressed++;
      }
    }
    for (const [key, a] of this.active) {
      if (seen.has(key)) continue;
      this.active.delete(key);
      this.resolved++;
      const tr: AlertTransition = { state: 'resolved', alert: a, atMs: nowMs };
      this.remember(tr);
      if (a.notified) out.push(tr);
    }
    return out;
  }

  /** Alerts firing now, oldest first. */
  firing(): Alert[] {
    return [...this.active.values()];
  }

  /** The last transitions (rate-limited ones included), oldest first. */
  recent(): readonly AlertTransition[] {
    return this.history;
  }

  private remember(tr: AlertTransition): void {
    this.history.push(tr);
    if (this.history.length > this.historySize) this.history.shift();
  }
}

/** One human line per transition (log message, Slack/Telegram text). */
export function alertText(tr: AlertTransition, runId: string): string {
  const a = tr.alert;
  if (tr.state === 'firing') return `[xarb ${runId}] ${a.severity.toUpperCase()} ${a.kind}: ${a.message}`;
  const secs = Math.round((tr.atMs - a.firedAtMs) / 1000);
  return `[xarb ${runId}] RESOLVED ${a.kind}: ${a.message} (after ${secs}s)`;
}
