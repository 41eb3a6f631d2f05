/**
 * The earlier runs in the runs folder, as reconciliation needs them (reconcile.ts EarlierRun):
 * each run directory's order WAL (order-wal.ts) and whether its journal ends with `run_end`
 * (a clean stop) or not (crashed, killed, or still running elsewhere). Runs with neither a
 * WAL nor a journal are skipped; unreadable lines are counted per run.
 *
 * A crashed run whose leftover exposure a later run took over (adopted or flattened it:
 * `leftover.json` in that run's directory, LEFTOVER_FILE) counts as settled once the taker
 * stopped cleanly: its exposure is then the taker's business, closed or in the taker's own
 * orders. While the taker itself has no `run_end`, both runs' orders count, so the netting
 * stays right whichever crashed last.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readOrderWal, WAL_FILE } from './order-wal.js';
import type { EarlierRun } from './reconcile.js';

/** Written by a run that took over crashed runs' exposure: `{"taken_over": [run ids], "exposures": [...]}`. */
export const LEFTOVER_FILE = 'leftover.json';

export interface EarlierRunsResult {
  runs: EarlierRun[];
  /** Per run id: unreadable WAL lines. */
  badLines: Map<string, number>;
}

/** Whether a journal file has a `run_end` line (scans backwards from the end; a cut last line is ignored). */
export function journalEnded(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.includes('"run_end"')) {
      try {
        return (JSON.parse(l) as { type?: unknown }).type === 'run_end';
      } catch {
        return false;
      }
    }
    // A resumed run appends after its run_end; only the last run_end/run_start pairing matters.
    if (l.includes('"run_start"') || l.includes('"run_resumed"')) return false;
  }
  return false;
}

/** Reads every run under `runsDir` except `exceptRunId` (the run starting now). */
export function readEarlierRuns(runsDir: string, exceptRunId: string | null = null): EarlierRunsResult {
  const out: EarlierRunsResult = { runs: [], badLines: new Map() };
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    if (name === exceptRunId) continue;
    const dir = path.join(runsDir, name);
    const wal = path.join(dir, WAL_FILE);
    const journal = path.join(dir, 'journal.jsonl');
    if (!fs.existsSync(wal) && !fs.existsSync(journal)) continue;
    const r = readOrderWal(wal);
    if (r.badLines > 0) out.badLines.set(name, r.badLines);
    out.runs.push({ runId: name, ended: journalEnded(journal), orders: r.orders, reserved: r.reserved });
  }
  for (const run of [...out.runs]) {
    if (!run.ended) continue;
    let taken: unknown;
    try {
      taken = (JSON.parse(fs.readFileSync(path.join(runsDir, run.runId, LEFTOVER_FILE), 'utf8')) as { taken_over?: unknown }).taken_over;
    } catch {
      continue;
    }
    if (!Array.isArray(taken)) continue;
    for (const other of out.runs) if (taken.includes(other.runId)) other.ended = true;
  }
  return out;
}
