/**
 * `xarb record`: records raw market-data frames of both venues into the store (src/data).
 *
 *   xarb record --config config/arbitrage.toml --venues binance,bybit --symbols BTCUSDT,ETHUSDT
 *               --out data/ [--duration 10m] [--sim] [--flush-every 5s]
 *
 * Runs until --duration has passed or SIGINT/SIGTERM; either way every frame received is
 * written and every file closed as a valid .gz before it exits. The last stdout line is the
 * summary: `xarb record: wrote N lines (F frames, S snapshots) ...`.
 */
import { parseArgs, opt, parseDuration, printHelp, UsageError, usageFailure, type CommandSpec } from './args.js';
import { emit, JSON_OPTION, outputModeOf, type OutputMode } from './output.js';
import { applySimProfile, ConfigError, formatProblem, loadConfig, VENUE_NAMES, type VenueName } from '../config/index.js';
import { monoNs, wallMs } from '../core/clock.js';
import { Recorder } from '../data/recorder.js';
import { RecordingWriter } from '../data/recording-writer.js';
import { startSimulator, type SimHandle } from '../sim/index.js';

export const RECORD_SPEC: CommandSpec = {
  name: 'xarb record',
  usage: ['xarb record [--config FILE] [--venues binance,bybit] --symbols BTCUSDT,ETHUSDT --out DIR [--duration 10m] [--sim] [--flush-every 5s]'],
  summary: 'Records raw market-data frames of the venues into the store until --duration or SIGINT/SIGTERM; every file is '
    + 'closed as a valid .gz either way. The last stdout line is the summary.',
  options: [
    { name: 'config', type: 'string', value: 'FILE', default: 'config/arbitrage.toml', help: 'configuration (venue URLs)' },
    { name: 'venues', type: 'string', value: 'binance,bybit', default: 'binance,bybit', help: 'venues to record' },
    { name: 'symbols', type: 'string', value: 'A,B', help: 'symbols to record (required)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'store root (required)' },
    { name: 'duration', type: 'string', value: '10m', default: 'until SIGINT/SIGTERM', help: 'stop after this long' },
    { name: 'sim', type: 'boolean', help: 'record from an in-process simulator instead of the venues' },
    { name: 'flush-every', type: 'string', value: '5s', default: '5s', help: 'how often buffered frames are written' },
    JSON_OPTION,
  ],
  maxPositionals: 0,
};

function list(text: string | undefined, what: string): string[] {
  if (text === undefined) throw new UsageError(`--${what} is required`);
  const out = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (out.length === 0) throw new UsageError(`--${what} is empty`);
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let sim: SimHandle | null = null;
  let recorder: Recorder;
  let writer: RecordingWriter;
  let durationMs = Infinity;
  let flushMs = 5000;
  let mode: OutputMode;
  try {
    const args = parseArgs(argv, RECORD_SPEC);
    mode = outputModeOf(args);
    if (args.flags.has('help')) return printHelp(RECORD_SPEC);
    const configPath = opt(args, 'config') ?? 'config/arbitrage.toml';
    const venues = list(opt(args, 'venues') ?? 'binance,bybit', 'venues').map((v) => v.toLowerCase());
    for (const v of venues) if (!VENUE_NAMES.includes(v as VenueName)) throw new UsageError(`unknown venue "${v}" (known: ${VENUE_NAMES.join(', ')})`);
    const symbols = list(opt(args, 'symbols'), 'symbols').map((s) => s.toUpperCase());
    const out = opt(args, 'out');
    if (out === undefined) throw new UsageError('--out is required');
    const d = opt(args, 'duration');
    if (d !== undefined) durationMs = parseDuration(d);
    const fe = opt(args, 'flush-every');
    if (fe !== undefined) flushMs = Math.max(10, parseDuration(fe));
    let config = loadConfig(configPath, { mode: 'dry-run' });
    if (args.flags.has('sim')) {
      sim = await startSimulator({ symbols, host: config.venues.sim_host });
      config = applySimProfile(config, config.venues.sim_host, sim.ports);
    }
    // One anchor pair read together: t (monotonic) -> UTC for every file of this run.
    writer = new RecordingWriter({ dataDir: out, source: 'record', anchor: { monoNs: monoNs(), wallMs: wallMs() } });
    recorder = new Recorder({
      config,
      venues: venues as VenueName[],
      symbols,
      writer,
      warn: (m) => process.stderr.write(`xarb record: ${m}\n`),
    });
  } catch (err) {
    if (sim) await sim.stop();
    if (err instanceof UsageError) return usageFailure(RECORD_SPEC, err);
    if (err instanceof ConfigError) {
      process.stderr.write(`xarb record: configuration problems:\n${err.problems.map((p) => '  ' + formatProblem(p)).join('\n')}\n`);
      return 2;
    }
    process.stderr.write(`xarb record: ${(err as Error).message}\n`);
    return 1;
  }

  recorder.start();
  process.stderr.write(`xarb record: recording${sim ? ' from the simulator' : ''}; SIGINT/SIGTERM stops\n`);
  const reason = await new Promise<string>((resolve) => {
    const flusher = setInterval(() => {
      writer.flush().catch((err: Error) => process.stderr.write(`xarb record: flush failed: ${err.message}\n`));
    }, flushMs);
    const timer = Number.isFinite(durationMs) ? setTimeout(() => done('duration'), durationMs) : null;
    const onSignal = (sig: string): void => done(sig);
    function done(why: string): void {
      clearInterval(flusher);
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(why);
    }
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  recorder.stop();
  let code = 0;
  try {
    await writer.close();
  } catch (err) {
    process.stderr.write(`xarb record: closing files failed: ${(err as Error).message}\n`);
    code = 1;
  }
  if (sim) await sim.stop();
  const c = recorder.counters;
  emit(mode, { type: 'record', stopped: reason, lines: c.frames + c.snapshots, frames: c.frames, snapshots: c.snapshots,
    not_stored: c.unrouted, snapshot_failures: c.snapshotFailures, reconnects: c.reconnects },
    `xarb record: stopped (${reason}); wrote ${c.frames + c.snapshots} lines (${c.frames} frames, ${c.snapshots} snapshots); ` +
      `${c.unrouted} control frames not stored, ${c.snapshotFailures} snapshot failures, ${c.reconnects} reconnects\n`,
  );
  return code;
}
