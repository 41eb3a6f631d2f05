/**
 * `xarb report runs/<run-id>`: rebuild a run's report from its journal (and latency.hlog).
 *
 *   xarb report DIR            text report on stdout (piped: one JSON line, the text on stderr; output.ts)
 *   xarb report DIR --json     the Performance object as one JSON line instead
 *   xarb report DIR --html     also write DIR/report.html
 *   xarb report DIR --csv      also write DIR/trades.csv (one row per fill)
 *
 * Exit codes: 0 ok, 2 usage error or missing run directory / journal (message on stderr).
 * A torn last journal line (a crash mid-write) is reported on stderr and skipped.
 */
import { parseArgs, printHelp, UsageError, usageFailure, type CommandSpec } from './args.js';
import { emit, JSON_OPTION, outputModeOf } from './output.js';
import { formatRunStatus } from '../report/run-status.js';
import { formatReportText } from '../report/report-text.js';
import { JOURNAL_FILE, loadRun, RunDirError, writeRunArtifacts, type LoadedRun } from '../report/run-artifacts.js';

// The run artifacts live in src/report/run-artifacts.ts; re-exported for existing importers.
export { HLOG_FILE, HTML_FILE, JOURNAL_FILE, loadRun, RunDirError, TRADES_FILE, writeRunArtifacts } from '../report/run-artifacts.js';
export type { LoadedRun } from '../report/run-artifacts.js';

export const REPORT_SPEC: CommandSpec = {
  name: 'xarb report',
  usage: ['xarb report runs/<run-id> [--json] [--html] [--csv]'],
  summary: 'Rebuilds a run\'s report from its journal (and latency.hlog). A run whose journal has no run_end is shown as '
    + 'crashed, with the rounds it left open.',
  options: [
    { ...JSON_OPTION, help: 'print the report as one JSON line (type "report", with run_status) instead of text (the default when stdout is not a terminal)' },
    { name: 'html', type: 'boolean', help: 'also write DIR/report.html' },
    { name: 'csv', type: 'boolean', help: 'also write DIR/trades.csv (one row per fill)' },
  ],
  maxPositionals: 1,
  notes: ['exit codes: 0 ok, 2 usage error or missing run directory / journal'],
};

export async function run(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, REPORT_SPEC);
    if (args.flags.has('help')) return printHelp(REPORT_SPEC);
    if (args.positionals.length !== 1) throw new UsageError('report takes one run directory');
    const loaded = await loadRun(args.positionals[0]!);
    for (const p of loaded.problems) process.stderr.write(`xarb report: ${JOURNAL_FILE}:${p.line}: ${p.message}\n`);
    const written = await writeRunArtifacts(loaded, { html: args.flags.has('html'), csv: args.flags.has('csv') });
    emit(outputModeOf(args), { type: 'report', ...reportJson(loaded), written },
      formatRunStatus(loaded.status) + formatReportText(loaded.perf) + written.map((f) => `wrote ${f}\n`).join(''));
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
