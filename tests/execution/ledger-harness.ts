/**
 * A runs folder and two venues over time, for the venue-ledger tests: crashed runs (journaled
 * fills, no run_end), xarb fills in no journal, trades by hand, and live starts that do what
 * live-startup.ts and the supervisor do with the runs folder (read the earlier runs and the
 * ledgers, reconcile over the venues' look-back window, write the ledgers; a committed start
 * records what it answered for in leftover.json, then stops cleanly or crashes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readEarlierRuns, takenOverCounts, writeLeftover } from '../../src/execution/earlier-runs.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { reconcileAtStart, type ReconcileVerdict, type Side, type Venue, type VenueFillView, type VenueSnapshot } from '../../src/execution/reconcile.js';
import { writeLedgerAtCleanStop } from '../../src/execution/ledger-at-stop.js';
import { applyLedgers, nextLedgers, readLedgers, writeLedgers, type LedgerIo, type VenueLedger } from '../../src/execution/venue-ledger.js';

export const HOUR = 3600_000;
export const LOOKBACK_MS = 23 * HOUR;
export const SYMBOL = 'BTCUSDT';
export const ACCOUNTS = [{ venue: 'binance' as const, account: 'acct0000acct0000' }, { venue: 'bybit' as const, account: 'acct1111acct1111' }];

export interface StartOptions {
  /** Refused after the reconciliation for a reason of its own (the monitor's port taken…). */
  refuse?: boolean;
  /** Committed: stops cleanly (run_end) or crashes afterwards. */
  endsCleanly?: boolean;
  /** The ledger's file operations (a crash mid-write throws from one of them). */
  io?: LedgerIo;
  /** Whether the start uses the ledger (false: what main did before it; also no write at the clean stop). */
  ledger?: boolean;
  /** Leftover exposure policy (default halt); `flatten`: a committed start's flatten orders fill at once, journaled in its WAL. */
  policy?: 'halt' | 'flatten';
}

export class World {
  readonly fills: VenueFillView[] = [];
  private n = 0;
  constructor(readonly runsDir: string) {}

  /** The venue's net of everything traded (xarb's and by hand, less base-coin fees) up to `atMs`: what xarb must believe is left. */
  truth(atMs = Infinity): number {
    return this.fills.reduce((a, f) => a + (f.timeMs > atMs ? 0 : (f.side === 'buy' ? f.qty : -f.qty) - (f.baseFee ?? 0)), 0);
  }

  private fill(venue: Venue, cid: string, side: Side, qty: number, timeMs: number, baseFee = 0): VenueFillView {
    const f: VenueFillView = { venue, symbol: SYMBOL, tradeId: `t${++this.n}`, orderId: `o${this.n}`, clientOrderId: cid, side, qty, price: 60_000, timeMs };
    if (baseFee > 0) f.baseFee = baseFee;
    this.fills.push(f);
    return f;
  }

  /** A run that sent these orders (journaled, filled, final journaled) and crashed. */
  crashedRun(runId: string, legs: ReadonlyArray<{ venue: Venue; side: Side; qty: number; timeMs: number; baseFee?: number }>): void {
    const dir = path.join(this.runsDir, runId);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'journal.jsonl'), JSON.stringify({ t: legs[0]?.timeMs ?? 0, type: 'run_start', run_id: runId }) + '\n');
    this.orders(dir, legs);
  }

  /** Orders journaled in `dir`'s WAL, filled at the venue. */
  private orders(dir: string, legs: ReadonlyArray<{ venue: Venue; side: Side; qty: number; timeMs: number; baseFee?: number }>): void {
    const wal = new OrderWal(dir);
    const tag = 'x' + (0x10000000 + this.n).toString(16).slice(-8);
    for (const [i, l] of legs.entries()) {
      const cid = `${tag}-${i + 1}`;
      wal.send({ clientOrderId: cid, venue: l.venue, symbol: SYMBOL, side: l.side, price: 60_000, qty: l.qty, timestampMs: l.timeMs });
      this.fill(l.venue, cid, l.side, l.qty, l.timeMs, l.baseFee);
      wal.final(l.venue, cid, 'FILLED', l.qty);
    }
    wal.close();
  }

  /** An xarb fill no journal knows (a run whose journal was lost), its order aged out of the venue's lists. */
  orphanFill(venue: Venue, side: Side, qty: number, timeMs: number, baseFee = 0): void {
    this.fill(venue, `xdead${(0x1000 + this.n).toString(16).slice(-4)}-1`, side, qty, timeMs, baseFee);
  }

  /** A trade made by hand at the venue (not xarb's client id). */
  byHand(venue: Venue, side: Side, qty: number, timeMs: number): void {
    this.fill(venue, `web_${this.n}`, side, qty, timeMs);
  }

  snapshots(nowMs: number): VenueSnapshot[] {
    return (['binance', 'bybit'] as const).map((venue) => ({ venue, balances: new Map(), openOrders: [], history: [],
      fills: this.fills.filter((f) => f.venue === venue && f.timeMs >= nowMs - LOOKBACK_MS && f.timeMs <= nowMs) }));
  }

  /**
   * A live start at `nowMs` (policy halt). Returns its verdict, or the error that refused it
   * before the verdict (an unreadable ledger) or while writing the ledger (a crash mid-write).
   */
  start(runId: string, nowMs: number, o: StartOptions = {}): { verdict: ReconcileVerdict | null; error: Error | null } {
    const useLedger = o.ledger !== false;
    const dir = path.join(this.runsDir, runId);
    fs.mkdirSync(dir, { recursive: true });
    const journal = path.join(dir, 'journal.jsonl');
    fs.writeFileSync(journal, JSON.stringify({ t: nowMs, type: 'run_start', run_id: runId }) + '\n');
    const end = (): void => fs.appendFileSync(journal, JSON.stringify({ t: nowMs, type: 'run_end' }) + '\n');
    const er = readEarlierRuns(this.runsDir, runId);
    if (er.unreadableLeftovers.length > 0) {
      end();
      return { verdict: null, error: new Error(er.unreadableLeftovers.join('; ')) };
    }
    let ledgers: VenueLedger[] = [];
    let snaps = this.snapshots(nowMs);
    const taken = new Set(er.takenFills);
    try {
      if (useLedger) {
        ledgers = readLedgers(this.runsDir, ACCOUNTS);
        const applied = applyLedgers(snaps, ledgers, new Set(fs.readdirSync(this.runsDir)));
        snaps = applied.snapshots;
        for (const k of applied.settled) taken.add(k);
      }
    } catch (e) {
      end();
      return { verdict: null, error: e as Error };
    }
    const dustQty = (): number => 1e-9;
    const policy = o.policy ?? 'halt';
    const verdict = reconcileAtStart(snaps, er.runs, { exposurePolicy: policy, dustQty, balanceTolerance: () => 0, takenFills: taken });
    if (useLedger) {
      try {
        writeLedgers(this.runsDir, nextLedgers(ledgers, snaps, verdict, { dustQty, nowMs, runId, runFolders: new Set(fs.readdirSync(this.runsDir)) }), o.io);
      } catch (e) {
        // A crash mid-write: the process is gone (no run_end); a write error refuses the start (run_end).
        if (o.io === undefined) end();
        return { verdict, error: e as Error };
      }
    }
    if (!verdict.canTrade || o.refuse === true) {
      end();
      return { verdict, error: null };
    }
    const walOrders = takenOverCounts(er.runs, verdict);
    const answered = [...verdict.exposure, ...verdict.closed];
    if (answered.length > 0) writeLeftover(dir, answered, policy, walOrders);
    // The strategy flattens at once (its IOC orders fill in full just after the start).
    this.orders(dir, verdict.flatten.map((f, i) => ({ venue: f.venue, side: f.side, qty: f.qty, timeMs: nowMs + 1 + i })));
    if (o.endsCleanly !== false) {
      end();
      // The supervisor's clean stop writes the ledger again, pruned of what the run answered for.
      if (useLedger) writeLedgerAtCleanStop(this.runsDir, ACCOUNTS, nowMs + 2, undefined, runId);
    }
    return { verdict, error: null };
  }
}

/** The net exposure a verdict says xarb holds. */
export function believed(v: ReconcileVerdict): number {
  return v.exposure.reduce((a, e) => a + e.netQty, 0);
}

export const round9 = (x: number): number => Math.round(x * 1e9) / 1e9;
