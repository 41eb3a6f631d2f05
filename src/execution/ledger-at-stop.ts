/**
 * The venue ledger written again at a live run's clean stop (after its run_end): what the run
 * answered for (its leftover.json `taken_fills`) leaves the ledger with it, as the next start
 * would drop it, but without waiting for that start. Until then, deleting the stopped run's
 * folder (how the operator retires a run) would take its `taken_fills` with it and leave the
 * orphan fills in the ledger, put back and counted again by the next start. Atomic like the
 * start's write (venue-ledger.ts writeLedgers).
 */
import fs from 'node:fs';
import { readEarlierRuns } from './earlier-runs.js';
import { ledgerFile, ledgersAtCleanStop, readLedgers, realLedgerIo, writeLedgers, type LedgerAccount, type LedgerIo } from './venue-ledger.js';

/**
 * Rewrites the ledger of `accounts` in `runsDir` pruned as at a clean stop; false when there is
 * no ledger (the run had none: nothing written). Throws LedgerError (unreadable, unwritable,
 * other accounts: counted in ledgerCounters) or the leftover.json error of an earlier run.
 */
export function writeLedgerAtCleanStop(runsDir: string, accounts: readonly LedgerAccount[], nowMs: number, io: LedgerIo = realLedgerIo): boolean {
  if (!fs.existsSync(ledgerFile(runsDir, accounts))) return false;
  const ledgers = readLedgers(runsDir, accounts);
  const er = readEarlierRuns(runsDir);
  if (er.unreadableLeftovers.length > 0) throw new Error(`unreadable leftover.json: ${er.unreadableLeftovers.join('; ')}`);
  writeLedgers(runsDir, ledgersAtCleanStop(ledgers, { takenFills: er.takenFills, runFolders: new Set(er.runs.map((r) => r.runId)), nowMs }), io);
  return true;
}
