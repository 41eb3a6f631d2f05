/**
 * `xarb report runs/<run-id>`: rebuild a run's report from its journal (and latency.hlog).
 *
 *   xarb report DIR            text report on stdout
 *   xarb report DIR --json     the Performance object as JSON instead
 *   xarb report DIR --html     also write DIR/report.html
 *   xarb report DIR --csv      also write DIR/trades.csv (one row per fill)
 *
 * Exit codes: 0 ok, 2 usage error or missing run directory / journal (message on stderr).
 * A torn last journal line (a crash mid-write) is reported on stderr and skipped.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, printHelp, UsageError, usageFailure, type CommandSpec } from './args.js';
import { formatRunStatus, runStatus, type RunStatus } from '../report/run-status.js';
import { computePerformance, parseJournalText } from '../report/performance.js';
import type { JournalEntry, JournalProblem, Performance } from '../report/performance.js';
import { renderReportHtml } from '../report/report-html.js';
import { formatReportText } from '../report/report-text.js';
import { formatTradesCsv } from '../report/trades-csv.js';

export const REPORT_SPEC: CommandSpec = {
  name: 'xarb report',
  usage: ['xarb report runs/<run-id> [--json] [--html] [--csv]'],
  summary: 'Rebuilds a run\'s report from its journal (and latency.hlog). A run whose journal has no run_end is shown as '
    + 'crashed, with the rounds it left open.',
  options: [
    { name: 'json', type: 'boolean', help: 'print the report as one JSON object (with run_status) instead of text' },
    { name: 'html', type: 'boolean', help: 'also write DIR/report.html' },
    { name: 'csv', type: 'boolean', help: 'also write DIR/trades.csv (one row per fill)' },
  ],
  maxPositionals: 1,
  notes: ['exit codes: 0 ok, 2 usage error or missing run directory / journal'],
};

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

export async function run(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, REPORT_SPEC);
    if (args.flags.has('help')) return printHelp(REPORT_SPEC);
    if (args.positionals.length !== 1) throw new UsageError('report takes one run directory');
    const loaded = await loadRun(args.positionals[0]!);
    for (const p of loaded.problems) process.stderr.write(`xarb report: ${JOURNAL_FILE}:${p.line}: ${p.message}\n`);
    const json = args.flags.has('json');
    const written = await writeRunArtifacts(loaded, { html: args.flags.has('html'), csv: args.flags.has('csv') });
    process.stdout.write(json ? JSON.stringify(reportJson(loaded), null, 2) + '\n' : formatRunStatus(loaded.status) + formatReportText(loaded.perf));
    for (const f of written) (json ? process.stderr : process.stdout).write(`wrote ${f}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(REPORT_SPEC, err);
    if (err instanceof RunDirError) {
      process.stderr.write(`xarb report: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** The report as one JSON object: the Performance fields plus `run_status`. */
export function reportJson(run: LoadedRun): Record<string, unknown> {
  return { ...run.perf, run_status: run.status };
}
