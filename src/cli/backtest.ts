/**
 * `xarb --mode dry-run --config FILE --start-date D --end-date D [options]`: a backtest over
 * the market-data store (run-cmd.ts hands the whole argv here). Options:
 *   --data DIR              store root (default [backtest] data_dir)
 *   --runs-dir DIR          default runs
 *   --run-id ID             default bt-<start>-<end>-<hash of config and options>
 *   --book top|depth        fill against the top of book only, or the depth books too (default depth)
 *   --feed-latency-ms N     added to recorded receive times (default [backtest] feed_latency_ms)
 *   --venue-offset V=MS,..  extra feed latency per venue, e.g. bybit=30
 *   --latency-hlog FILE     empirical order latency from a recorded latency.hlog
 *   --seed N                latency draws (default [backtest] seed)
 *   --equity-every 60s      cadence of equity/spread journal entries
 *   --no-progress           no progress output on stderr
 *   --compare JOURNAL       score the run against a recorded paper session's journal (round_opened
 *                           agreement; writes agreement.json): see backtest/agreement.ts.
 *                           --compare-tolerance-ms N and --compare-qty-tolerance F override the defaults;
 *                           --compare-as session (default) replays the session as it ran (its
 *                           executor latency and seed, fills on the received book: session-replay.ts),
 *                           --compare-as backtest keeps the backtest's own two-book model
 * Piped stdout: the report as one JSON line (type "report"), the text on stderr (output.ts).
 * Exit codes: 0 ok, 2 usage / config / missing data, 1 anything else.
 */
import path from 'node:path';
import { ConfigError, formatProblem, loadConfig } from '../config/index.js';
import { StoreError } from '../data/store.js';
import { LatencyHlogError } from '../backtest/latency.js';
import { MissingDataError, runBacktest } from '../backtest/run.js';
import { AgreementError, checkSessionJournal, formatAgreement, runAgreement } from '../backtest/agreement.js';
import { configDifferences, SessionReplayError, sessionSetup } from '../backtest/session-replay.js';
import { opt, parseArgs, parseDuration, UsageError, dateRange } from './args.js';
import { RUN_SPEC } from './run-spec.js';
import { emit, outputMode } from './output.js';

export function parseVenueOffsets(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const part of text.split(',')) {
    const m = /^\s*(binance|bybit)\s*=\s*(-?\d+(?:\.\d+)?)\s*(ms)?\s*$/.exec(part);
    if (!m) throw new UsageError(`bad --venue-offset "${part}" (expected e.g. bybit=30)`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export async function runBacktestCommand(argv: string[]): Promise<number> {
  try {
    // The whole bot argv comes here (run-cmd.ts), so it is parsed against the same table.
    const args = parseArgs(argv, RUN_SPEC);
    const { start, end } = dateRange(args);
    const configPath = opt(args, 'config') ?? 'config/arbitrage.toml';
    const config = loadConfig(configPath, { mode: 'dry-run' });
    const book = opt(args, 'book') ?? 'depth';
    if (book !== 'top' && book !== 'depth') throw new UsageError(`--book takes top or depth, got "${book}"`);
    const num = (key: string): number | undefined => {
      const v = opt(args, key);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new UsageError(`--${key} must be a number, got "${v}"`);
      return n;
    };
    const every = opt(args, 'equity-every');
    const compare = opt(args, 'compare');
    if (compare !== undefined) checkSessionJournal(compare);
    const compareAs = opt(args, 'compare-as') ?? 'session';
    if (compareAs !== 'session' && compareAs !== 'backtest') throw new UsageError(`--compare-as takes session or backtest, got "${compareAs}"`);
    const session = compare !== undefined && compareAs === 'session' ? sessionSetup(compare, config.backtest.seed) : undefined;
    const r = await runBacktest({
      config, configPath, startDate: start, endDate: end, dataDir: opt(args, 'data'), runsDir: opt(args, 'runs-dir'),
      runId: opt(args, 'run-id'), book, feedLatencyMs: num('feed-latency-ms'), venueOffsetMs: parseVenueOffsets(opt(args, 'venue-offset')),
      latencyHlog: opt(args, 'latency-hlog'), seed: num('seed'), equityEveryMs: every === undefined ? undefined : parseDuration(every),
      progress: !args.flags.has('no-progress'), session,
    });
    // Damaged input (a cut-off day file, unreadable lines) is skipped by the reader; say what.
    for (const p of r.dataProblems) process.stderr.write(`xarb backtest: data problem: ${p}\n`);
    const { loadRun, reportJson } = await import('./report-cmd.js');
    const { formatReportText } = await import('../report/report-text.js');
    const loaded = await loadRun(r.runDir);
    let text = `${formatReportText(loaded.perf)}\nlatency: ${r.latencySource}\nevents: ${r.events}` +
      `${r.frameErrors > 0 ? ` (${r.frameErrors} unparseable frames skipped)` : ''}\nrun directory: ${path.relative(process.cwd(), r.runDir) || '.'}\n`;
    let agreement: { file: string; report: unknown } | null = null;
    if (compare !== undefined) {
      const a = runAgreement({ sessionJournal: compare, backtestRunDir: r.runDir, latencyHlog: opt(args, 'latency-hlog'),
        toleranceMs: num('compare-tolerance-ms'), qtyTolerance: num('compare-qty-tolerance'),
        replay: session !== undefined ? 'session' : 'backtest', replayTrace: r.sessionTrace ?? null,
        configDifferences: session !== undefined ? configDifferences(session.config, { strategy: config.strategy, risk: config.risk, execution: config.execution, fees: config.fees }) : [] });
      text += `\n${formatAgreement(a.report)}agreement: ${path.relative(process.cwd(), a.file)}\n`;
      agreement = { file: a.file, report: a.report };
    }
    emit(outputMode(false), { type: 'report', run_dir: r.runDir, ...reportJson(loaded), latency_source: r.latencySource, events: r.events,
      frame_errors: r.frameErrors, agreement }, text);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return 2;
    }
    if (e instanceof MissingDataError || e instanceof UsageError || e instanceof StoreError || e instanceof LatencyHlogError || e instanceof AgreementError
      || e instanceof SessionReplayError) {
      process.stderr.write(`xarb: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
