/**
 * The `xarb` command. Each subcommand lives in its own module, loaded on demand so that
 * `xarb hist` does not pay for the simulator or the workers.
 *
 * Every module exports `run(argv: string[]): Promise<number>` returning the exit code.
 * `xarb --help` is the bot's help (run-spec.ts), which lists the subcommands too.
 */
import { formatHelp } from './args.js';
import { RUN_SPEC } from './run-spec.js';
import { closest } from '../config/suggest.js';
import { xarbVersion } from './version.js';
import { releaseEarlySignals } from './signals.js';

const SUBCOMMANDS: Record<string, string> = {
  hist: './hist-cmd.js',
  config: './config-cmd.js',
  sim: './sim-cmd.js',
  record: './record-cmd.js',
  data: './data-cmd.js',
  report: './report-cmd.js',
  import: './import-cmd.js',
  sweep: './sweep-cmd.js',
  ctl: './ctl-cmd.js',
};

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(formatHelp(RUN_SPEC));
    return 0;
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${await xarbVersion()}\n`);
    return 0;
  }
  const modulePath = first !== undefined && !first.startsWith('-') ? SUBCOMMANDS[first] : './run-cmd.js';
  if (modulePath === undefined) {
    const near = closest(first!, Object.keys(SUBCOMMANDS));
    process.stderr.write(`xarb: unknown command "${first}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}; see xarb --help\n`);
    return 2;
  }
  // Only the bot keeps the early stop-signal handlers (bin/xarb.js); the others use their own or Node's.
  if (modulePath !== './run-cmd.js') releaseEarlySignals();
  const rest = modulePath === './run-cmd.js' ? argv : argv.slice(1);
  const mod = (await import(modulePath)) as { run(argv: string[]): Promise<number> };
  return mod.run(rest);
}
