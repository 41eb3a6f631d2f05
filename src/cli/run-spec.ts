/**
 * The options of the bot (`xarb --mode ...`) and of the backtest it hands over to
 * (`--start-date`), in one table: run-cmd.ts parses the whole argv before it knows which of
 * the two it is, so both must accept the same options, and `xarb --help` documents both.
 */
import type { CommandSpec, OptionSpec } from './args.js';

const COMMON: OptionSpec[] = [
  { name: 'mode', type: 'string', value: 'dry-run|live', default: 'dry-run', help: 'dry-run simulates fills; live sends signed orders' },
  { name: 'config', type: 'string', value: 'FILE', default: 'config/arbitrage.toml', help: 'strategy configuration (venue files are named inside it)' },
  { name: 'runs-dir', type: 'string', value: 'DIR', default: 'runs', help: 'where run directories (journal, latency.hlog, report) are created' },
  { name: 'run-id', type: 'string', value: 'ID', default: '<utc-stamp>-<mode>-<random>', help: 'name of a NEW run directory; an existing one is refused (use --resume)' },
  { name: 'seed', type: 'string', value: 'N', default: '[backtest] seed', help: 'seed of the simulator and of latency draws' },
  { name: 'no-progress', type: 'boolean', help: 'no progress output on stderr' },
];

const BOT: OptionSpec[] = [
  { name: 'venues', type: 'string', value: 'sim|live', help: 'sim: in-process venue simulator on loopback; live: the venues\' own endpoints' },
  { name: 'live-data', type: 'boolean', help: 'paper trading: the venues\' live market data, simulated fills' },
  { name: 'duration', type: 'string', value: '60s', default: '0 (until SIGINT/SIGTERM)', help: 'stop by itself after this long (ms, s, m, h)' },
  { name: 'resume', type: 'string', value: 'RUN', help: 'continue the existing run RUN (a run id under --runs-dir, or its directory): appends a run_resumed entry to its journal' },
  { name: 'record', type: 'string', value: 'DIR', optionalValue: true, default: 'runs/<run-id>/data', help: 'record every frame and snapshot the feeds receive' },
  { name: 'monitor-port', type: 'string', value: 'N', default: '[monitor] port', help: 'monitor port (0 = any free port)' },
  { name: 'no-status', type: 'boolean', help: 'no status line on stderr' },
  { name: 'confirm-live', type: 'boolean', help: 'required by --mode live against the real venues' },
  { name: 'testnet', type: 'boolean', help: 'every URL of both venues on their testnets (as [venues] profile = "testnet")' },
  { name: 'sim-rate', type: 'string', value: 'N', default: '2000', help: 'simulator book updates per second per venue' },
  { name: 'dislocation-every-ms', type: 'string', value: 'N', default: '4000', help: 'simulator: mean time between price dislocations' },
];

const BACKTEST: OptionSpec[] = [
  { name: 'start-date', type: 'string', value: 'YYYY-MM-DD', help: 'backtest: first UTC day (turns the command into a backtest)' },
  { name: 'end-date', type: 'string', value: 'YYYY-MM-DD', default: '--start-date', help: 'backtest: last UTC day, inclusive' },
  { name: 'data', type: 'string', value: 'DIR', default: '[backtest] data_dir', help: 'backtest: market-data store root' },
  { name: 'book', type: 'string', value: 'top|depth', default: 'depth', help: 'backtest: fill against the top of book only, or the depth books too' },
  { name: 'feed-latency-ms', type: 'string', value: 'N', default: '[backtest] feed_latency_ms', help: 'backtest: added to recorded receive times' },
  { name: 'venue-offset', type: 'string', value: 'V=MS,...', help: 'backtest: extra feed latency per venue, e.g. bybit=30' },
  { name: 'latency-hlog', type: 'string', value: 'FILE', help: 'backtest: empirical order latency from a recorded latency.hlog' },
  { name: 'equity-every', type: 'string', value: '60s', default: '60s', help: 'backtest: cadence of equity/spread journal entries' },
  { name: 'compare', type: 'string', value: 'JOURNAL', help: 'backtest: score against a recorded paper session\'s journal (agreement.json)' },
  { name: 'compare-tolerance-ms', type: 'string', value: 'N', help: 'backtest: --compare time tolerance' },
  { name: 'compare-qty-tolerance', type: 'string', value: 'F', help: 'backtest: --compare quantity tolerance' },
  { name: 'compare-as', type: 'string', value: 'session|backtest', default: 'session', help: 'backtest: --compare replays the session as it ran (its executor latency, seed, fills on the received book) or with the backtest\'s own model' },
];

export const RUN_SPEC: CommandSpec = {
  name: 'xarb',
  usage: [
    'xarb [--mode dry-run|live] [--config FILE] (--venues sim | --live-data | --venues live) [options]',
    'xarb --mode dry-run [--config FILE] --start-date YYYY-MM-DD [--end-date YYYY-MM-DD] [backtest options]',
    'xarb COMMAND [options]      (xarb COMMAND --help)',
  ],
  summary: 'Runs the arbitrage bot (sim, paper or live) or a backtest over recorded data. stdout carries only JSON lines '
    + 'when it is not a terminal (logs, then the report as one JSON object); the text report goes to the terminal.',
  options: [...COMMON, ...BOT, ...BACKTEST, { name: 'version', short: 'V', type: 'boolean', help: 'print the version and exit' }],
  subcommands: [
    { name: 'config check', help: 'validate a configuration and print it with defaults filled in' },
    { name: 'sim', help: 'run the venue simulator on its own' },
    { name: 'record', help: 'record market data to the store' },
    { name: 'data', help: 'data cat | data synth: read or synthesize the store' },
    { name: 'report', help: 'report of a run directory (text, JSON, HTML, CSV)' },
    { name: 'import', help: 'import tardis / binance-public / bybit-public data' },
    { name: 'sweep', help: 'parameter sweep over backtests' },
    { name: 'hist', help: 'show, compare or plot latency .hlog files' },
    { name: 'ctl', help: 'halt | resume | flatten | status of a running bot (through its monitor)' },
  ],
  maxPositionals: 0,
  notes: ['exit codes: 0 ok, 1 the run failed (e.g. journal write error), 2 usage or configuration error'],
};
