/**
 * `xarb sim`: runs the venue simulator standalone until SIGINT/SIGTERM.
 *
 *   xarb sim [--host 127.0.0.1] [--binance-port 9001] [--bybit-port 9002] [--rate 2000]
 *            [--seed 1] [--symbols BTCUSDT,ETHUSDT] [--ping-interval 20s] [--dislocation-every 10s]
 *            [--state FILE]   (accounts, orders and trades kept across restarts of the simulator)
 */
import { parseArgs, opt, parseDuration, UsageError } from './args.js';
import { startSimulator } from '../sim/index.js';

const USAGE = 'usage: xarb sim [--host 127.0.0.1] [--binance-port 9001] [--bybit-port 9002] [--rate 2000] [--seed 1] ' +
  '[--symbols BTCUSDT,ETHUSDT] [--depth-levels 200] [--ping-interval 20s] [--dislocation-every 10s] [--bybit-push per-update|venue] [--state FILE]';

function intOpt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  let sim;
  try {
    const args = parseArgs(argv, ['help']);
    if (args.flags.has('help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const push = opt(args, 'bybit-push') ?? 'per-update';
    if (push !== 'per-update' && push !== 'venue') throw new UsageError('--bybit-push must be per-update or venue');
    const rate = intOpt(opt(args, 'rate'), 'rate', 2000);
    if (rate === 0) throw new UsageError('--rate must be > 0');
    const ping = opt(args, 'ping-interval');
    const disl = opt(args, 'dislocation-every');
    const stateFile = opt(args, 'state');
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
    });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`xarb sim: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`xarb sim: ${(err as Error).message}\n`);
    return 1;
  }
  const handle = sim;
  process.stdout.write(
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
  process.stdout.write(`xarb sim: stopped after ${(s.simTimeMs / 1000).toFixed(1)} s; messages binance ${s.messages.binance}, bybit ${s.messages.bybit}\n`);
  return 0;
}
