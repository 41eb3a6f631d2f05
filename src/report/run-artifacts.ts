/**
 * A run directory's artifacts: read runs/<id>/journal.jsonl (+ latency.hlog) into a
 * Performance, and write report.html and trades.csv beside them. Used by `xarb report`, at the
 * end of a paper/live run and by the backtest (which so does not depend on the CLI).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { computePerformance, parseJournalText } from './performance.js';
import type { JournalEntry, JournalProblem, Performance } from './performance.js';
import { renderReportHtml } from './report-html.js';
import { formatTradesCsv } from './trades-csv.js';
import { runStatus, type RunStatus } from './run-status.js';

export const JOURNAL_FILE = 'journal.jsonl';
export const HLOG_FILE = 'latency.hlog';
export const HTML_FILE = 'report.html';
export const TRADES_FILE = 'trades.csv';

/** A run directory or its journal is missing or unreadable. */
export class RunDirError extends Error {
  override readonly name = 'RunDirError';
}

export interface LoadedRun {
  dir: string;
  entries: JournalEntry[];
  problems: JournalProblem[];
  /** latency.hlog text, or undefined when the run has none. */
  hlogText: string | undefined;
  perf: Performance;
  /** Ended in order or crashed, resumed segments, rounds left open. */
  status: RunStatus;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new RunDirError(`${file}: cannot read (${code ?? String(err)})`);
  }
}

/** Reads DIR/journal.jsonl (required) and DIR/latency.hlog (optional) and computes the metrics. */
export async function loadRun(dir: string): Promise<LoadedRun> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new RunDirError(`${dir}: no such run directory`);
  }
  if (!isDir) throw new RunDirError(`${dir}: not a directory (expected runs/<run-id>)`);
  const journalPath = path.join(dir, JOURNAL_FILE);
  const text = await readText(journalPath);
  if (text === undefined) throw new RunDirError(`${journalPath}: no journal in this run directory`);
  const { entries, problems } = parseJournalText(text);
  const hlogText = await readText(path.join(dir, HLOG_FILE));
  const perf = computePerformance(entries, hlogText);
  for (const p of problems) perf.warnings.push(`${JOURNAL_FILE}:${p.line}: ${p.message}`);
  return { dir, entries, problems, hlogText, perf, status: runStatus(entries) };
}

/** Writes report.html and trades.csv into the run directory; returns their paths. For the end of a run. */
export async function writeRunArtifacts(run: LoadedRun, what: { html: boolean; csv: boolean } = { html: true, csv: true }): Promise<string[]> {
  const written: string[] = [];
  try {
    if (what.html) {
      const file = path.join(run.dir, HTML_FILE);
      await writeFile(file, renderReportHtml(run.perf, run.entries, run.hlogText));
      written.push(file);
    }
    if (what.csv) {
      const file = path.join(run.dir, TRADES_FILE);
      await writeFile(file, formatTradesCsv(run.entries));
      written.push(file);
    }
  } catch (err) {
    throw new RunDirError(`${run.dir}: cannot write report (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return written;
}

