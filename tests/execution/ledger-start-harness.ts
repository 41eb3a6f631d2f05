/**
 * A live start over the ledger tests' World (tests/execution/ledger-harness.ts), doing what
 * live-startup.ts and the supervisor do with the runs folder, with what World.start fixes left
 * open: the accounts the ledger is named for (an API key change), a resumed run (`--resume`:
 * its journal gets `run_resumed`), the `adopt` policy and a stop before the leftovers were
 * handed over (`markNotAdopted`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OrderWal } from '../../src/execution/order-wal.js';
import { journalReservedFinds, markNotAdopted, readEarlierRuns, takenOverCounts, writeLeftover } from '../../src/execution/earlier-runs.js';
import { reconcileAtStart, type ExposurePolicy, type ReconcileVerdict } from '../../src/execution/reconcile.js';
import { applyLedgers, nextLedgers, readLedgers, writeLedgers, type LedgerAccount } from '../../src/execution/venue-ledger.js';
import { writeLedgerAtCleanStop } from '../../src/execution/ledger-at-stop.js';
import { ACCOUNTS, type World } from './ledger-harness.js';

export interface ReviewStart {
  accounts?: readonly LedgerAccount[];
  policy?: ExposurePolicy;
  /** `--resume`: continue this run; `ended` = its journal ended in order before. */
  resumed?: { ended: boolean };
  /** Committed: then `clean` (run_end), `crash` (nothing more), or `notAdopted` (stopped before the strategy got the leftovers: markNotAdopted, run_end). */
  after?: 'clean' | 'crash' | 'notAdopted';
  refuse?: boolean;
  dustQty?: number;
}

export function startAs(w: World, runId: string, nowMs: number, o: ReviewStart = {}): ReconcileVerdict {
  const accounts = o.accounts ?? ACCOUNTS;
  const dir = path.join(w.runsDir, runId);
  fs.mkdirSync(dir, { recursive: true });
  const journal = path.join(dir, 'journal.jsonl');
  fs.appendFileSync(journal, JSON.stringify({ t: nowMs, type: o.resumed !== undefined ? 'run_resumed' : 'run_start', run_id: runId }) + '\n');
  const end = (): void => fs.appendFileSync(journal, JSON.stringify({ t: nowMs, type: 'run_end' }) + '\n');
  const er = readEarlierRuns(w.runsDir, runId, o.resumed ?? null);
  if (er.unreadableLeftovers.length > 0) throw new Error(er.unreadableLeftovers.join('; '));
  const ledgers = readLedgers(w.runsDir, accounts);
  const applied = applyLedgers(w.snapshots(nowMs), ledgers, new Set(fs.readdirSync(w.runsDir)));
  const taken = new Set([...er.takenFills, ...applied.settled]);
  const dust = o.dustQty ?? 1e-9;
  const dustQty = (): number => dust;
  const policy = o.policy ?? 'halt';
  const verdict = reconcileAtStart(applied.snapshots, er.runs, { exposurePolicy: policy, dustQty, balanceTolerance: () => 0, takenFills: taken });
  journalReservedFinds(w.runsDir, verdict);
  writeLedgers(w.runsDir, nextLedgers(ledgers, applied.snapshots, verdict, { dustQty, nowMs, runId, runFolders: new Set(fs.readdirSync(w.runsDir)) }));
  if (!verdict.canTrade || o.refuse === true) {
    end();
    return verdict;
  }
  const walOrders = takenOverCounts(er.runs, verdict);
  const flat = new Set(verdict.flatten.map((f) => f.symbol));
  const handed = [...verdict.adopt, ...verdict.exposure.filter((e) => flat.has(e.symbol))];
  const answered = [...handed, ...verdict.closed];
  if (answered.length > 0) writeLeftover(dir, answered, policy, walOrders);
  const after = o.after ?? 'clean';
  if (after === 'notAdopted' && handed.length > 0) markNotAdopted(dir, handed.map((e) => e.symbol));
  if (after !== 'crash') {
    end();
    // The supervisor's clean stop writes the ledger again, pruned of what the run answered for.
    writeLedgerAtCleanStop(w.runsDir, accounts, nowMs + 2, undefined, runId);
  }
  return verdict;
}

/** A fresh runs folder, removed after the test. */
export function tmpRuns(t: { teardown(f: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-ledger-start-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A crashed run's folder (run_start, no run_end) and its WAL, for orders the test writes line by line. */
export function crashedRunWal(runsDir: string, runId: string): OrderWal {
  const dir = path.join(runsDir, runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), JSON.stringify({ t: 0, type: 'run_start', run_id: runId }) + '\n');
  return new OrderWal(dir);
}
