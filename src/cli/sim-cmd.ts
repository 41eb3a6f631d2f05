/**
 * `xarb sim`: runs the venue simulator standalone until SIGINT/SIGTERM.
 *
 *   xarb sim [--host 127.0.0.1] [--binance-port 9001] [--bybit-port 9002] [--rate 2000]
 *            [--seed 1] [--symbols BTCUSDT,ETHUSDT] [--ping-interval 20s] [--dislocation-every 10s]
 *            [--state FILE]   (accounts, orders and trades kept across restarts of the simulator)
 *            [--ed25519-account APIKEY=PUBKEY.pem]   (a Binance account that signs with Ed25519)
 * Piped or --json: a `sim_started` JSON line (the URLs) and a `sim_stopped` one on stdout (output.ts).
 */
import { parseArgs, opt, parseDuration, printHelp, UsageError, usageFailure, type CommandSpec } from './args.js';
import { readFileSync } from 'node:fs';
import { startSimulator } from '../sim/index.js';
import { emit, JSON_OPTION, outputModeOf, type OutputMode } from './output.js';

export const SIM_SPEC: CommandSpec = {
  name: 'xarb sim',
  usage: ['xarb sim [--host 127.0.0.1] [--binance-port 9001] [--bybit-port 9002] [--rate 2000] [--seed 1] [--symbols A,B] [options]'],
  summary: 'Runs the venue simulator (Binance and Bybit market data, order entry, faults) on its own until SIGINT/SIGTERM.',
  options: [
    { name: 'host', type: 'string', value: 'ADDR', default: '127.0.0.1', help: 'address to listen on' },
    { name: 'binance-port', type: 'string', value: 'N', default: '9001', help: 'Binance port (0 = any free port)' },
    { name: 'bybit-port', type: 'string', value: 'N', default: '9002', help: 'Bybit port (0 = any free port)' },
    { name: 'rate', type: 'string', value: 'N', default: '2000', help: 'book updates per second per venue' },
    { name: 'seed', type: 'string', value: 'N', default: '1', help: 'random seed of the price paths' },
    { name: 'symbols', type: 'string', value: 'A,B', default: 'BTCUSDT,ETHUSDT', help: 'symbols to serve' },
    { name: 'depth-levels', type: 'string', value: 'N', default: '200', help: 'book levels per side' },
    { name: 'ping-interval', type: 'string', value: '20s', default: 'the venues\' own', help: 'server ping interval' },
    { name: 'dislocation-every', type: 'string', value: '10s', default: 'the generator\'s', help: 'mean time between price dislocations' },
    { name: 'bybit-push', type: 'string', value: 'per-update|venue', default: 'per-update', help: 'Bybit push cadence: every update, or the venue\'s batching' },
    { name: 'state', type: 'string', value: 'FILE', help: 'accounts, orders and trades replayed from and appended to FILE (kept across restarts of the simulator)' },
    { name: 'ed25519-account', type: 'string', value: 'APIKEY=PUBKEY.pem', help: 'a Binance account whose requests are signed with the Ed25519 key whose public half (PEM) is in the file' },
    JSON_OPTION,
  ],
  maxPositionals: 0,
};

function intOpt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  let sim;
  let out: OutputMode;
  try {
    const args = parseArgs(argv, SIM_SPEC);
    out = outputModeOf(args);
    if (args.flags.has('help')) return printHelp(SIM_SPEC);
    const push = opt(args, 'bybit-push') ?? 'per-update';
    if (push !== 'per-update' && push !== 'venue') throw new UsageError('--bybit-push must be per-update or venue');
    const rate = intOpt(opt(args, 'rate'), 'rate', 2000);
    if (rate === 0) throw new UsageError('--rate must be > 0');
    const ping = opt(args, 'ping-interval');
    const disl = opt(args, 'dislocation-every');
    const stateFile = opt(args, 'state');
    const ed = opt(args, 'ed25519-account');
    let edAccount: { venue: 'binance'; apiKey: string; secretKey: string; publicKeyPem: string } | undefined;
    if (ed !== undefined) {
      const eq = ed.indexOf('=');
      if (eq <= 0) throw new UsageError('--ed25519-account takes APIKEY=PUBKEY.pem');
      let pem: string;
      try {
        pem = readFileSync(ed.slice(eq + 1), 'utf8');
      } catch (e) {
        throw new UsageError(`--ed25519-account: cannot read ${ed.slice(eq + 1)}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      }
      edAccount = { venue: 'binance', apiKey: ed.slice(0, eq), secretKey: '', publicKeyPem: pem };
    }
    sim = await startSimulator({
      host: opt(args, 'host') ?? '127.0.0.1',
      binancePort: intOpt(opt(args, 'binance-port'), 'binance-port', 9001),
      bybitPort: intOpt(opt(args, 'bybit-port'), 'bybit-port', 9002),
      ratePerVenue: rate,
      seed: intOpt(opt(args, 'seed'), 'seed', 1),
      symbols: (opt(args, 'symbols') ?? 'BTCUSDT,ETHUSDT').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0),
      depthLevels: intOpt(opt(args, 'depth-levels'), 'depth-levels', 200),
      bybitPushMode: push,
      ...(ping === undefined ? {} : { pingIntervalMs: parseDuration(ping) }),
      ...(disl === undefined ? {} : { dislocationEveryMs: parseDuration(disl) }),
      ...(stateFile === undefined ? {} : { stateFile }),
      ...(edAccount === undefined ? {} : { orderEntry: { accounts: [edAccount] } }),
    });
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(SIM_SPEC, err);
    process.stderr.write(`xarb sim: ${(err as Error).message}\n`);
    return 1;
  }
  const handle = sim;
  emit(out, {
    type: 'sim_started',
    binance: { ws: handle.binanceUrl.ws, rest: handle.binanceUrl.rest }, bybit: { ws: handle.bybitUrl.ws, rest: handle.bybitUrl.rest },
    state: handle.stateReplay, fault_url: `${handle.binanceUrl.rest}/__sim/fault`,
  },
    `xarb sim: binance ws ${handle.binanceUrl.ws}/stream?streams=btcusdt@bookTicker  rest ${handle.binanceUrl.rest}/api/v3/depth?symbol=BTCUSDT\n` +
      `xarb sim: bybit   ws ${handle.bybitUrl.ws}/v5/public/spot  rest ${handle.bybitUrl.rest}/v5/market/orderbook?category=spot&symbol=BTCUSDT\n` +
      (handle.stateReplay === null ? '' : `xarb sim: state: ${handle.stateReplay.orders} orders, ${handle.stateReplay.trades} trades, ` +
        `${handle.stateReplay.balances} balance changes read back (${handle.stateReplay.skipped} lines skipped)\n`) +
      `xarb sim: faults: POST ${handle.binanceUrl.rest}/__sim/fault {"kind":"disconnect","venue":"binance"}\n`,
  );
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  const s = handle.stats();
  await handle.stop();
  emit(out, { type: 'sim_stopped', sim_time_s: s.simTimeMs / 1000, messages: s.messages },
    `xarb sim: stopped after ${(s.simTimeMs / 1000).toFixed(1)} s; messages binance ${s.messages.binance}, bybit ${s.messages.bybit}\n`);
  return 0;
}
