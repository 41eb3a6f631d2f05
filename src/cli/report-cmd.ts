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
import { parseArgs, UsageError } from './args.js';
import { formatReportText } from '../report/report-text.js';
import { JOURNAL_FILE, loadRun, RunDirError, writeRunArtifacts } from '../report/run-artifacts.js';

// The run artifacts live in src/report/run-artifacts.ts; re-exported for existing importers.
export { HLOG_FILE, HTML_FILE, JOURNAL_FILE, loadRun, RunDirError, TRADES_FILE, writeRunArtifacts } from '../report/run-artifacts.js';
export type { LoadedRun } from '../report/run-artifacts.js';

const USAGE = 'usage: xarb report runs/<run-id> [--json] [--html] [--csv]';

export async function run(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, ['json', 'html', 'csv', 'help', 'h']);
    if (args.flags.has('help') || args.flags.has('h')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (args.positionals.length !== 1) throw new UsageError('report takes one run directory');
    if (args.options.size > 0) throw new UsageError(`unknown option --${[...args.options.keys()][0]}`);
    const loaded = await loadRun(args.positionals[0]!);
    for (const p of loaded.problems) process.stderr.write(`xarb report: ${JOURNAL_FILE}:${p.line}: ${p.message}\n`);
    const json = args.flags.has('json');
    const written = await writeRunArtifacts(loaded, { html: args.flags.has('html'), csv: args.flags.has('csv') });
    process.stdout.write(json ? JSON.stringify(loaded.perf, null, 2) + '\n' : formatReportText(loaded.perf));
    for (const f of written) (json ? process.stderr : process.stdout).write(`wrote ${f}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`xarb report: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof RunDirError) {
      process.stderr.write(`xarb report: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
