/**
 * `xarb config check --config FILE [--mode dry-run|live] [--json]`
 *
 * Loads and validates arbitrage.toml and the venue files it refers to, exactly as a run would.
 * Valid: prints the effective configuration (defaults filled in, secrets masked), exit 0.
 * Invalid: prints every problem, one per line, on stderr, exit 2.
 * Piped or --json: one JSON line on stdout, {type:'config', ok, mode, config | problems} (output.ts).
 */
import { stringify } from 'smol-toml';
import { ConfigError, formatProblem, loadConfig, maskSecrets, type Mode } from '../config/index.js';
import { opt, parseArgs, printHelp, UsageError, usageFailure, type CommandSpec } from './args.js';
import { emit, JSON_OPTION, outputMode, type OutputMode } from './output.js';

export const CONFIG_SPEC: CommandSpec = {
  name: 'xarb config',
  usage: ['xarb config check [--config FILE] [--mode dry-run|live] [--json]'],
  summary: 'check: loads and validates arbitrage.toml and the venue files it names, exactly as a run would. Valid: prints '
    + 'the effective configuration (defaults filled in, secrets masked), exit 0. Invalid: every problem on stderr, exit 2.',
  subcommands: [{ name: 'check', help: 'validate a configuration and print it' }],
  options: [
    { name: 'config', type: 'string', value: 'FILE', default: 'config/arbitrage.toml', help: 'configuration to check' },
    { name: 'mode', type: 'string', value: 'dry-run|live', default: 'dry-run', help: 'live also requires credentials' },
    { ...JSON_OPTION, help: 'print the effective configuration as one JSON line ({"type":"config","ok":true,"config":…}) instead of TOML (the default when stdout is not a terminal)' },
  ],
  maxPositionals: 1,
};
const EXIT_OK = 0;
const EXIT_INVALID = 2;

export async function run(argv: string[]): Promise<number> {
  let mode: Mode;
  let configPath: string;
  let out: OutputMode;
  try {
    const args = parseArgs(argv, CONFIG_SPEC);
    if (args.flags.has('help')) return printHelp(CONFIG_SPEC);
    const sub = args.positionals[0];
    if (sub !== 'check' || args.positionals.length > 1) throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${args.positionals.join(' ')}"`);
    const m = opt(args, 'mode') ?? 'dry-run';
    if (m !== 'dry-run' && m !== 'live') throw new UsageError(`--mode must be dry-run or live, not "${m}"`);
    mode = m;
    configPath = opt(args, 'config') ?? 'config/arbitrage.toml';
    out = outputMode(args.flags.has('json'));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageFailure(CONFIG_SPEC, err);
  }

  try {
    const cfg = maskSecrets(loadConfig(configPath, { mode }));
    const notes = [
      `# xarb effective configuration (mode: ${mode}; defaults filled in; secrets masked)`,
      ...(cfg.venues.profile === 'sim'
        ? [
            `# venues.profile = "sim": at start every venue URL below is pointed at the simulator on ` +
              `${cfg.venues.sim_host}:${cfg.venues.sim_port === 0 ? '<a free port>' : cfg.venues.sim_port}`,
          ]
        : []),
    ];
    emit(out, { type: 'config', ok: true, mode, config: cfg }, notes.join('\n') + '\n' + stringify(cfg) + '\n');
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) process.stderr.write(formatProblem(p) + '\n');
    const n = err.problems.length;
    if (out.json) process.stdout.write(`${JSON.stringify({ type: 'config', ok: false, mode, problems: err.problems.map(formatProblem) })}\n`);
    process.stderr.write(`xarb config check: ${n} problem${n === 1 ? '' : 's'}, nothing started\n`);
    return EXIT_INVALID;
  }
}
