/**
 * What the live executor checks while the run goes on, off the order path (called from the
 * executor loop's housekeeping between duty cycles, at most once per `tickMs`):
 *
 * - the venues' clocks: re-measured when due (periodically, or at once after a -1021 / 10002
 *   timestamp reject; venue-rules.ts);
 * - balances: every `balanceEveryMs` each venue's balances against the executor's expectation
 *   (balance-watch.ts); a drift halts new entries (LiveExecutor.haltEntries) with one error
 *   line and an `onHalt` call (the worker tells the supervisor, which halts the strategy,
 *   journals it and raises the alert);
 * - unresolved orders: when `max_unresolved_orders` orders of unknown status are open at once
 *   the executor refuses new entries by itself (LiveExecutor.entriesHaltReason); this reports
 *   the moment it starts and ends.
 *
 * Also `cancelAll`: the kill switch and flatten cancel every open order on both venues.
 */
import { VENUE_NAMES } from '../../core/records.js';
import type { ReportSink } from '../report-sink.js';
import type { BalanceWatch } from './balance-watch.js';
import type { LiveLog } from './client-base.js';
import type { HttpTransport } from './http-transport.js';
import type { LiveExecutor } from './live-executor.js';
import type { VenueRules } from './venue-rules.js';

export interface RunChecksOptions {
  exec: LiveExecutor;
  /** Per venue id. */
  rules: readonly (VenueRules | null)[];
  watches: readonly (BalanceWatch | null)[];
  /** Per venue id: cancels every open order of one symbol (the account REST's cancel-all). */
  cancelAll: readonly (((symbol: string) => Promise<number>) | null)[];
  symbols: readonly string[];
  transport: HttpTransport;
  restUrls: readonly string[];
  requestTimeoutMs: number;
  /** 0 = no balance checks. */
  balanceEveryMs: number;
  wallMs: () => number;
  log: LiveLog;
  /** An executor halt began (`active`) or ended: rule `balance_drift` | `unresolved_orders`. */
  onHalt: (rule: string, reason: string, active: boolean) => void;
}

const TICK_MS = 250;

export class RunChecks {
  readonly counters = { balance_checks: 0, balance_skipped: 0, balance_drift: 0, halted_unresolved: 0, cancel_all_runs: 0, cancel_all_orders: 0 };
  private nextTickMs = 0;
  private nextBalanceMs = 0;
  private balanceRunning = false;
  private unresolvedHalted = false;

  constructor(private readonly o: RunChecksOptions) {
    this.nextBalanceMs = o.wallMs() + o.balanceEveryMs;
  }

  /** Housekeeping: cheap unless something is due. */
  tick(): void {
    const now = this.o.wallMs();
    if (now < this.nextTickMs) return;
    this.nextTickMs = now + TICK_MS;
    for (let v = 0; v < this.o.rules.length; v++) {
      const r = this.o.rules[v];
      if (r != null && r.resyncDue()) void r.resyncIfDue(this.o.transport, this.o.restUrls[v]!, this.o.requestTimeoutMs);
    }
    this.watchUnresolved();
    if (this.o.balanceEveryMs > 0 && now >= this.nextBalanceMs && !this.balanceRunning) {
      this.nextBalanceMs = now + this.o.balanceEveryMs;
      this.balanceRunning = true;
      void this.checkBalances().finally(() => {
        this.balanceRunning = false;
      });
    }
  }

  private watchUnresolved(): void {
    const c = this.o.exec.counters;
    const why = this.o.exec.entriesHaltReason();
    const now = why !== null && why.includes('unknown status');
    if (now === this.unresolvedHalted) return;
    this.unresolvedHalted = now;
    this.counters.halted_unresolved = now ? 1 : 0;
    if (now) this.o.log('error', `new entries halted: ${why}; hedges and unwinds still go`, { unresolved_now: c.unresolved_now });
    else this.o.log('info', 'new entries resumed: the unknown orders are resolved', {});
    this.o.onHalt('unresolved_orders', now ? why! : 'resolved', now);
  }

  /** One round of balance checks over the venues (public for tests that drive time). */
  async checkBalances(): Promise<void> {
    for (let v = 0; v < this.o.watches.length; v++) {
      const w = this.o.watches[v];
      if (w == null) continue;
      const r = await w.check();
      if (r.outcome === 'skipped') this.counters.balance_skipped++;
      else if (r.outcome !== 'failed') this.counters.balance_checks++;
      if (r.outcome !== 'drift' || this.counters.balance_drift > 0) continue;
      this.counters.balance_drift = 1;
      this.o.exec.haltEntries(r.message);
      this.o.log('error', `${r.message}: new entries halted until an operator resumes`, { venue: VENUE_NAMES[v] });
      this.o.onHalt('balance_drift', r.message, true);
    }
  }

  /** An operator's resume: lifts a drift halt; the next quiet read is the new baseline. */
  resume(): void {
    if (this.counters.balance_drift === 0) return;
    this.counters.balance_drift = 0;
    this.o.exec.haltEntries(null);
    for (const w of this.o.watches) w?.rebase();
    this.o.log('info', 'balance drift halt lifted by the operator; balances re-based at the next quiet read', {});
  }

  /** Kill switch / flatten: cancels every open order of every symbol on both venues. Never throws. */
  async cancelAll(why: string): Promise<number> {
    this.counters.cancel_all_runs++;
    let n = 0;
    for (let v = 0; v < this.o.cancelAll.length; v++) {
      const cancel = this.o.cancelAll[v];
      if (cancel == null) continue;
      for (const s of this.o.symbols) {
        try {
          n += await cancel(s);
        } catch (e) {
          this.o.log('error', 'cancel-all failed', { venue: VENUE_NAMES[v], symbol: s, err: (e as Error).message });
        }
      }
    }
    this.counters.cancel_all_orders += n;
    this.o.log('warn', 'open orders cancelled on both venues', { why, cancelled: n });
    return n;
  }
}

/** A report sink that also hands each fill to its venue's balance watch. */
export function watchFills(sink: ReportSink, watches: readonly (BalanceWatch | null)[]): ReportSink {
  return {
    report(orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs) {
      if (lastQty > 0) watches[venue]?.onFill(symbol, side, lastPx, lastQty, fee, feeAsset);
      sink.report(orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs);
    },
  };
}
