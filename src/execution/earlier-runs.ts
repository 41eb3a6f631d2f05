/**
 * The earlier runs in the runs folder, as reconciliation needs them (reconcile.ts EarlierRun):
 * each run directory's order WAL (order-wal.ts) and whether its journal ends with `run_end`
 * (a clean stop) or not (crashed, killed, or still running elsewhere). Runs with neither a
 * WAL nor a journal are skipped; unreadable lines are counted per run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readOrderWal, WAL_FILE } from './order-wal.js';
import type { EarlierRun } from './reconcile.js';

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
  return out;
}
