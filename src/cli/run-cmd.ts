/**
 * `xarb --mode dry-run|live --config FILE ...`: the bot. The original specification's modes:
 *   backtest  --mode dry-run --start-date D --end-date D     (src/backtest, one thread)
 *   paper     --mode dry-run --live-data                      (venues' live feeds, fill simulator)
 *   sim       --mode dry-run --venues sim                     (in-process venue simulator; npm start)
 *   live      --mode live                                     (signed venue APIs)
 */
import path from 'node:path';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync, rmdirSync } from 'node:fs';
import { ConfigError, baseBalanceOf, formatProblem, loadConfig, applySimProfile, type XarbConfig } from '../config/index.js';
import { createLogger } from '../core/log.js';
import { Supervisor } from '../actors/supervisor.js';
import { startSimulator, simSymbolFilters, type SimHandle } from '../sim/index.js';
import type { VenueFilters } from '../strategy/config.js';
import { parseArgs, opt, parseDuration, printHelp, UsageError, usageFailure, type ParsedArgs } from './args.js';
import { RUN_SPEC } from './run-spec.js';
import { chooseRunDir, RunDirError, type RunDirChoice } from './run-dir.js';
import { claimStopSignals } from './signals.js';
import { xarbVersion } from './version.js';
import { uwsBuild } from '../net/uws.js';
import type { Logger } from '../core/log.js';
import { fetchVenueFilters } from '../venues/filters-fetch.js';
import type { OrderEntryOptions } from '../sim/order-entry.js';
import { takeRecordOption } from './record-option.js';
import { stdoutIsTerminal } from './output.js';

export function newRunId(mode: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${mode}-${randomBytes(2).toString('hex')}`;
}

export async function run(argvIn: string[]): Promise<number> {
  // Stop signals first (held since bin/xarb.js started): one that arrives before trading
  // starts ends the start-up cleanly; after that it is the supervisor's orderly shutdown.
  let stopSignal: string | null = null;
  let onStop: ((sig: string) => void) | null = null;
  let signals = 0;
  const releaseSignals = claimStopSignals((sig) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`xarb: second signal (${sig}): exiting now (journal lines already written are safe)\n`);
      process.exit(130);
    }
    stopSignal = sig;
    onStop?.(sig);
  });
  try {
    return await runBot(argvIn, () => stopSignal, (fn) => { onStop = fn; });
  } finally {
    releaseSignals();
  }
}

async function runBot(argvIn: string[], stopped: () => string | null, whenStopped: (fn: (sig: string) => void) => void): Promise<number> {
  const record = takeRecordOption(argvIn); // --record [DIR]: the value is optional
  const argv = record.argv;
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, RUN_SPEC);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(RUN_SPEC, e);
    throw e;
  }
  if (args.flags.has('help')) return printHelp(RUN_SPEC);
  if (args.flags.has('version')) {
    process.stdout.write(`${await xarbVersion()}\n`);
    return 0;
  }
  const mode = opt(args, 'mode') ?? 'dry-run';
  if (mode !== 'dry-run' && mode !== 'live') {
    process.stderr.write(`xarb: --mode must be dry-run or live, got "${mode}"\n`);
    return 2;
  }
  if (opt(args, 'start-date') !== undefined || opt(args, 'end-date') !== undefined) {
    if (mode !== 'dry-run') {
      process.stderr.write('xarb: a backtest (--start-date/--end-date) runs in --mode dry-run\n');
      return 2;
    }
    const bt = (await import('./backtest.js' as string)) as { runBacktestCommand(argv: string[]): Promise<number> };
    return bt.runBacktestCommand(argv);
  }
  const configPath = opt(args, 'config') ?? 'config/arbitrage.toml';
  let cfg: XarbConfig;
  try {
    cfg = loadConfig(configPath, { mode, testnet: args.flags.has('testnet') });
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return 2;
    }
    throw e;
  }
  if (mode === 'live') {
    const linear = (['binance', 'bybit'] as const).filter((v) => cfg.venues[v].connection.market !== 'spot');
    if (linear.length > 0) {
      process.stderr.write(`xarb: --mode live places spot orders only; ${linear.map((v) => `${v}.toml [connection] market = "${cfg.venues[v].connection.market}"`).join(' and ')} `
        + 'is for market data and dry-run modes (docs/live.md)\n');
      return 2;
    }
  }
  const venuesOpt = opt(args, 'venues');
  // Live mode trades on the venues' own feeds unless --venues sim points everything at the simulator.
  const liveData = args.flags.has('live-data') || (mode === 'live' && venuesOpt !== 'sim');
  if (mode === 'live' && venuesOpt !== 'sim' && !args.flags.has('confirm-live')) {
    process.stderr.write('xarb: --mode live against real venues sends real orders with real funds; add --confirm-live to proceed '
      + '(see docs/live.md: order entry was verified against the venues\' documentation and the local simulator only).\n');
    return 2;
  }
  const useSim = venuesOpt === 'sim' || (!liveData && cfg.venues.profile === 'sim');
  if (venuesOpt !== undefined && venuesOpt !== 'sim' && venuesOpt !== 'live') {
    process.stderr.write(`xarb: --venues takes "sim" (local simulator) or "live", got "${venuesOpt}"\n`);
    return 2;
  }
  if (!useSim && !liveData && venuesOpt !== 'live') {
    process.stderr.write('xarb: choose the market data: --venues sim (local simulator), --live-data (the venues\' live feeds), '
      + 'or --start-date/--end-date (backtest)\n');
    return 2;
  }
  let durationMs = 0;
  try {
    const d = opt(args, 'duration');
    if (d !== undefined) durationMs = parseDuration(d);
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`xarb: ${e.message}\n`); return 2; }
    throw e;
  }
  const monitorPort = opt(args, 'monitor-port');
  if (monitorPort !== undefined) {
    const p = Number(monitorPort);
    if (!Number.isInteger(p) || p < 0 || p > 65535) {
      process.stderr.write(`xarb: --monitor-port must be an integer in [0, 65535] (0 = any free port), got "${monitorPort}"\n`);
      return 2;
    }
    cfg = { ...cfg, monitor: { ...cfg.monitor, port: p } };
  }
  // stdout that is not a terminal carries JSON lines only (`npm start | jq`): never pretty there.
  const log = createLogger({ level: cfg.log.level, pretty: stdoutIsTerminal() ? cfg.log.pretty : false, name: 'xarb' });
  // The run directory before anything starts: an unusable runs folder or a reused run id is
  // one clear line and exit 2, with no simulator or worker left behind.
  let dir: RunDirChoice;
  try {
    dir = chooseRunDir({
      runsDir: opt(args, 'runs-dir') ?? 'runs', runId: opt(args, 'run-id'), resume: opt(args, 'resume'),
      newId: () => newRunId(mode === 'live' ? (useSim ? 'live-sim' : 'live') : useSim ? 'sim' : 'paper'),
    });
  } catch (e) {
    if (e instanceof RunDirError) { process.stderr.write(`xarb: ${e.message}\n`); return 2; }
    throw e;
  }
  const { runId, runDir } = dir;
  if (dir.resumed !== null) {
    log.warn({ run_id: runId, previous: dir.resumed.previous, open_rounds: dir.resumed.openRounds }, 'resuming an earlier run (--resume)');
  }
  let sim = null as SimHandle | null;
  try {
    return await startAndRun();
  } finally {
    // Whatever happened, the in-process simulator does not outlive the run.
    await (sim as SimHandle | null)?.stop();
  }

  async function startAndRun(): Promise<number> {
  let filters: VenueFilters;
  if (stopped() !== null) return stoppedBeforeTrading(log, stopped()!, dir);
  if (useSim) {
    const rate = Number(opt(args, 'sim-rate') ?? 2000);
    const seed = Number(opt(args, 'seed') ?? cfg.backtest.seed);
    sim = await startSimulator({
      seed, symbols: cfg.strategy.symbols, ratePerVenue: rate, host: cfg.venues.sim_host,
      binancePort: cfg.venues.sim_port, bybitPort: cfg.venues.sim_port === 0 ? 0 : cfg.venues.sim_port + 1,
      binanceFuturesPort: cfg.venues.sim_port === 0 ? 0 : cfg.venues.sim_port + 2,
      depthLevels: Math.max(50, cfg.engine.depth_levels), dislocationEveryMs: Number(opt(args, 'dislocation-every-ms') ?? 4000),
      // Dislocations must beat both taker fees (10 bps each by default) plus slippage tolerance
      // and min_spread_bps for the demo to trade: 45-90 bps, held long enough for a round trip.
      generator: { dislocationBps: [45, 90], dislocationMs: [300, 1200] },
      // Live mode on the simulator: the configured keys are accounts there, funded like the dry-run.
      orderEntry: mode === 'live' ? simOrderEntry(cfg) : undefined,
    });
    cfg = applySimProfile(cfg, cfg.venues.sim_host, sim.ports);
    log.info({ binance: sim.binanceUrl.ws, bybit: sim.bybitUrl.ws, binanceFutures: sim.binanceFuturesUrl.ws, rate }, 'venue simulator started on loopback');
    if (uwsBuild.kind === 'compat') log.warn({ reason: uwsBuild.reason }, 'no native uWebSockets.js for this Node: the simulator serves with the pure-JS stand-in (docs/adr/0004-uwebsockets-build.md)');
  }
  try {
    filters = await fetchVenueFilters(cfg, cfg.strategy.symbols);
  } catch (e) {
    log.error({ err: (e as Error).message }, 'could not load the venues\' symbol filters');
    if (sim) {
      const f = simSymbolFilters(cfg.strategy.symbols);
      filters = f as unknown as VenueFilters;
      log.warn('using the simulator\'s built-in filters');
    } else {
      return 1;
    }
  }

  if (stopped() !== null) return stoppedBeforeTrading(log, stopped()!, dir);
  let sup: Supervisor;
  try {
    sup = new Supervisor({
      config: cfg, runId, runDir, filters, log, durationMs, statusLine: !args.flags.has('no-status'),
      seed: Number(opt(args, 'seed') ?? cfg.backtest.seed),
      recordDir: record.dir === undefined ? undefined : path.resolve(record.dir || path.join(runDir, 'data')),
      // A clean stop that left exposure open did not answer for it: resumed like a crash (its orders count again).
      resumed: dir.resumed !== null ? { previous: dir.resumed.exposureLeftOpen ? 'crashed' : dir.resumed.previous } : undefined,
      simOnHost: useSim,
      freshVenues: sim !== null,
    });
  } catch (e) {
    // The run directory was checked; what fails here is the disk itself (full, read-only).
    process.stderr.write(`xarb: cannot write the run directory ${runDir}: ${(e as Error).message}\n`);
    return 1;
  }
  const kill = (): void => sup.killSwitch();
  process.on('SIGUSR2', kill);
  whenStopped((sig) => void sup.shutdown(`signal ${sig}`));
  log.info({ run_id: runId, dir: runDir, mode: cfg.mode, symbols: cfg.strategy.symbols, wait: cfg.engine.wait_strategy }, 'bot starting');
  const running = sup.run();
  // A signal held during start-up: trading has not begun; stop in order right away.
  if (stopped() !== null) void sup.shutdown(`signal ${stopped()}`);
  const result = await running;
  process.off('SIGUSR2', kill);
  await sim?.stop();
  sim = null;
  log.info({ reason: result.reason, exit_code: result.exitCode }, 'bot stopped');
  await printRunReport(runDir, log);
  return result.exitCode;
  }
}

/**
 * A stop signal before anything could trade: nothing to unwind; the new run directory, still
 * empty, is removed again (a resumed run's is left as it was). Exit 0 after one log line.
 */
function stoppedBeforeTrading(log: Logger, sig: string, dir: RunDirChoice): number {
  if (dir.resumed === null) {
    try { rmdirSync(dir.runDir); } catch { /* not empty or gone: leave it */ }
  }
  log.info({ sig }, 'stop signal during start-up: nothing was traded; stopping');
  return 0;
}

/**
 * The end-of-run report. On a terminal: the text report on stdout. Otherwise stdout is JSON
 * lines only: the report is one JSON object ({"type":"report",...}) and the text goes to
 * stderr. A report that cannot be written (full disk) is logged; the run's exit code stands.
 */
async function printRunReport(runDir: string, log: Logger): Promise<void> {
  const { loadRun, writeRunArtifacts, reportJson } = await import('./report-cmd.js');
  const { formatReportText } = await import('../report/report-text.js');
  const { formatRunStatus } = await import('../report/run-status.js');
  let loaded;
  try {
    loaded = await loadRun(runDir);
  } catch (e) {
    log.error({ err: (e as Error).message, dir: runDir }, 'cannot read the run\'s journal back for the report');
    return;
  }
  try {
    await writeRunArtifacts(loaded, { html: true, csv: true });
  } catch (e) {
    log.error({ err: (e as Error).message, dir: runDir }, 'cannot write report.html / trades.csv');
  }
  const text = `\n${formatRunStatus(loaded.status)}${formatReportText(loaded.perf)}\nrun directory: ${path.relative(process.cwd(), runDir)}\n`;
  if (stdoutIsTerminal()) {
    process.stdout.write(text);
  } else {
    process.stdout.write(`${JSON.stringify({ type: 'report', run_dir: runDir, ...reportJson(loaded) })}\n`);
    process.stderr.write(text);
  }
}

/** An Ed25519 account's public key (the simulator verifies its signatures), undefined for HMAC. */
function ed25519PublicKeyPem(auth: XarbConfig['venues']['binance']['auth']): string | undefined {
  if (auth.key_type !== 'ed25519') return undefined;
  const pem = auth.private_key !== '' ? auth.private_key : readFileSync(auth.private_key_path, 'utf8');
  return createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
}

/** --mode live --venues sim: the config's keys become simulator accounts with the configured balances. */
function simOrderEntry(cfg: XarbConfig): OrderEntryOptions {
  const accounts = (['binance', 'bybit'] as const).filter((v) => cfg.venues[v].auth.api_key !== '').map((v) => ({
    venue: v, apiKey: cfg.venues[v].auth.api_key, secretKey: cfg.venues[v].auth.secret_key,
    // A simulator account holds one base amount for every symbol: the primary symbol's.
    balances: { quote: cfg.execution.initial_balances[v].quote, base: baseBalanceOf(cfg.execution.initial_balances[v], cfg.strategy.symbol) },
    publicKeyPem: ed25519PublicKeyPem(cfg.venues[v].auth),
  }));
  return { accounts, takerFeeRate: { binance: cfg.fees.binance_taker_bps / 1e4, bybit: cfg.fees.bybit_taker_bps / 1e4 } };
}
