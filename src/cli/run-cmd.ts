/**
 * `xarb --mode dry-run|live --config FILE ...`: the bot. The original specification's modes:
 *   backtest  --mode dry-run --start-date D --end-date D     (src/backtest, one thread)
 *   paper     --mode dry-run --live-data                      (venues' live feeds, fill simulator)
 *   sim       --mode dry-run --venues sim                     (in-process venue simulator; npm start)
 *   live      --mode live                                     (signed venue APIs)
 */
import path from 'node:path';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, baseBalanceOf, formatProblem, loadConfig, applySimProfile, type XarbConfig } from '../config/index.js';
import { createLogger } from '../core/log.js';
import { Supervisor } from '../actors/supervisor.js';
import { startSimulator, simSymbolFilters, type SimHandle } from '../sim/index.js';
import type { VenueFilters } from '../strategy/config.js';
import { parseArgs, opt, parseDuration, UsageError } from './args.js';
import { fetchVenueFilters } from '../venues/filters-fetch.js';
import type { OrderEntryOptions } from '../sim/order-entry.js';
import { takeRecordOption } from './record-option.js';

const FLAGS = ['live-data', 'no-status', 'no-progress', 'help', 'confirm-live'];

export function newRunId(mode: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${mode}-${randomBytes(2).toString('hex')}`;
}

export async function run(argvIn: string[]): Promise<number> {
  const record = takeRecordOption(argvIn); // --record [DIR]: the value is optional
  const argv = record.argv;
  let args;
  try {
    args = parseArgs(argv, FLAGS);
  } catch (e) {
    process.stderr.write(`xarb: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.flags.has('help')) {
    process.stdout.write('usage: xarb --mode dry-run|live --config config/arbitrage.toml [--venues sim | --live-data | --start-date D --end-date D] [--duration 60s] [--record [DIR]]\n');
    return 0;
  }
  if (args.positionals.length > 0) {
    process.stderr.write(`xarb: unexpected argument "${args.positionals[0]}" (see xarb --help)\n`);
    return 2;
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
    cfg = loadConfig(configPath, { mode });
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
  const log = createLogger({ level: cfg.log.level, pretty: cfg.log.pretty, name: 'xarb' });
  const runId = opt(args, 'run-id') ?? newRunId(mode === 'live' ? (useSim ? 'live-sim' : 'live') : useSim ? 'sim' : 'paper');
  const runDir = path.resolve(opt(args, 'runs-dir') ?? 'runs', runId);

  let sim: SimHandle | null = null;
  let filters: VenueFilters;
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

  const sup = new Supervisor({
    config: cfg, runId, runDir, filters, log, durationMs, statusLine: !args.flags.has('no-status'),
    seed: Number(opt(args, 'seed') ?? cfg.backtest.seed),
    recordDir: record.dir === undefined ? undefined : path.resolve(record.dir || path.join(runDir, 'data')),
  });
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals > 1) {
      log.warn({ sig }, 'second signal: exiting now (journal lines already written are safe)');
      process.exit(130);
    }
    void sup.shutdown(`signal ${sig}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGUSR2', () => sup.killSwitch());
  log.info({ run_id: runId, dir: runDir, mode: cfg.mode, symbols: cfg.strategy.symbols, wait: cfg.engine.wait_strategy }, 'bot starting');
  const result = await sup.run();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await sim?.stop();
  log.info({ reason: result.reason }, 'bot stopped');
  const { loadRun, writeRunArtifacts } = await import('./report-cmd.js');
  const { formatReportText } = await import('../report/report-text.js');
  const loaded = await loadRun(runDir);
  await writeRunArtifacts(loaded, { html: true, csv: true });
  process.stdout.write(`\n${formatReportText(loaded.perf)}\nrun directory: ${path.relative(process.cwd(), runDir)}\n`);
  return result.exitCode;
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
