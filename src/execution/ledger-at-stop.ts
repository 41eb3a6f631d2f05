/**
 * The venue ledger written again at a live run's clean stop (after its run_end): what the run
 * answered for (its leftover.json `taken_fills`) leaves the ledger with it, as the next start
 * would drop it, but without waiting for that start. Until then, deleting the stopped run's
 * folder (how the operator retires a run) would take its `taken_fills` with it and leave the
 * orphan fills in the ledger, put back and counted again by the next start. A run that left
 * nothing open (its run_end reads as ended, no order unresolved) is remembered with its
 * client-id tags and those `taken_fills` (venue-ledger.ts endedRuns): once its folder is gone,
 * its own fills still in the window (a flatten of an orphan it answered for) are not counted
 * alone. Atomic like the start's write (venue-ledger.ts writeLedgers).
 */
import fs from 'node:fs';
import { readEarlierRuns } from './earlier-runs.js';
import { clientIdTag, LedgerError, ledgerCounters, ledgerErrorCounter, ledgerFile, ledgersAtCleanStop, readLedgers, realLedgerIo, writeLedgers, type LedgerAccount, type LedgerIo } from './venue-ledger.js';

/**
 * Rewrites the ledger of `accounts` in `runsDir` pruned as at a clean stop; false when there is
 * no ledger (the run had none: nothing written). `runId`: the stopping run (remembered when it
 * left nothing open). Throws LedgerError (unreadable, unwritable, other accounts: counted in
 * ledgerCounters) or LeftoverUnreadableError (counted as `leftoverUnreadable`); stopWriteCounter
 * names the counter that moved, for the log line.
 */
export function writeLedgerAtCleanStop(runsDir: string, accounts: readonly LedgerAccount[], nowMs: number, io: LedgerIo = realLedgerIo, runId?: string): boolean {
  if (!fs.existsSync(ledgerFile(runsDir, accounts))) return false;
  const ledgers = readLedgers(runsDir, accounts);
  const er = readEarlierRuns(runsDir);
  if (er.unreadableLeftovers.length > 0) {
    ledgerCounters.leftoverUnreadable++;
    throw new LeftoverUnreadableError(`unreadable leftover.json: ${er.unreadableLeftovers.join('; ')}`);
  }
  const self = runId === undefined ? undefined : er.runs.find((r) => r.runId === runId);
  // Ended with every order final: it answered for all its fills (an order unknown at the stop
  // still counts at the next start by its WAL, which the folder must keep).
  // Not a taker of crashed runs' journaled orders: with its folder gone those runs count again
  // (their folders stay), and its own fills must then stay countable to net them (docs/live.md
  // "Venue ledger": retiring a taker before the runs it took over is not covered).
  const answeredAll = self !== undefined && self.ended && self.orders.every((o) => o.final !== null && o.knownAtStop === undefined && o.takenOrphan !== true) &&
    !er.runs.some((r) => r.orders.some((o) => o.takenBy === runId));
  const tags = self === undefined ? [] : [...new Set([...self.orders.map((o) => clientIdTag(o.clientOrderId)), ...(self.reserved ?? []).map((r) => r.tag)])].filter((x) => x !== '');
  writeLedgers(runsDir, ledgersAtCleanStop(ledgers, { takenFills: er.takenFills, runFolders: new Set(er.runs.map((r) => r.runId)), nowMs,
    ...(answeredAll ? { ended: { run: runId!, tags, takenFills: er.takenFillsByRun.get(runId!) ?? new Set<string>() } } : {}) }), io);
  return true;
}

/** An earlier run's leftover.json cannot be read at the stop (as at a start: ledgerCounters.leftoverUnreadable). */
export class LeftoverUnreadableError extends Error {
  override readonly name = 'LeftoverUnreadableError';
}

/** The counter (log `counter` field, `xarb_runs_folder_errors_total{counter}`) a failed stop write moved. */
export function stopWriteCounter(e: unknown): string {
  if (e instanceof LedgerError) return ledgerErrorCounter(e);
  if (e instanceof LeftoverUnreadableError) return 'leftover_unreadable';
  return 'ledger_unwritable';
}
