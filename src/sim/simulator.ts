/**
 * The venue simulator: one market generator feeding a Binance and a Bybit personality, each
 * on its own uWebSockets.js app and port, so a client swaps only its base URLs. Binance USD-M
 * futures (a second market of the same venue, fed by the same Binance book) has its own app
 * and port too, because the venue serves it from its own hosts with the same `/ws`, `/stream`
 * paths as spot. Faults aimed at "binance" hit both Binance markets.
 *
 * Simulated time follows the real monotonic clock: a 1 ms timer advances the generator to
 * "now", in batches, and the personalities publish what the batch changed. Ports 0 pick free
 * ports. `stop()` closes every socket and both listen sockets.
 */
import { performance } from 'node:perf_hooks';
import uWS from '../net/uws.js';
import type { TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { BinancePersonality } from './binance-personality.js';
import { BybitPersonality } from './bybit-personality.js';
import { FaultFanout, FaultInjector, FaultSpecError, parseFaultSpec, type ScheduledFault } from './faults.js';
import { readBody, sendJson, type SimClock } from './http-util.js';
import { MarketGenerator, type GeneratorOptions } from './market-generator.js';
import { UpdateBatch } from './update-batch.js';
import { attachStateFile, type StateReplay } from './sim-state-file.js';
import type { SimVenue } from './instruments.js';
import type { OrderFaultCounters } from './order-faults.js';
import { registerOrderEntry, serverMs, type OrderEntryHandle, type OrderEntryOptions } from './order-entry.js';

export interface SimOptions {
  seed?: number;
  symbols?: string[];
  /** Book updates per second per venue (all symbols); roughly the message rate of the busiest stream. */
  ratePerVenue?: number;
  host?: string;
  binancePort?: number;
  /** Binance USD-M futures (fstream/fapi paths); 0 or absent = a free port. */
  binanceFuturesPort?: number;
  bybitPort?: number;
  /** Binance server ping interval (venue: 20 s). */
  pingIntervalMs?: number;
  /** Binance: close a connection this long after an unanswered ping (venue: 1 min). */
  pongTimeoutMs?: number;
  /** Bybit: close a connection with no inbound message for this long (venue: 10 min). */
  bybitIdleTimeoutMs?: number;
  /** Bybit push timing: one message per update (default) or the documented intervals. */
  bybitPushMode?: 'per-update' | 'venue';
  depthLevels?: number;
  /** Mean ms between random dislocations; 0 disables them. */
  dislocationEveryMs?: number;
  faults?: ScheduledFault[];
  /** Further generator settings (lead-lag, volatility, spread…). */
  generator?: Partial<GeneratorOptions>;
  /** Order entry accounts and fees (order-entry.ts); the SIM_KEYS accounts always exist. */
  orderEntry?: OrderEntryOptions;
  /** Called after each tick's frames were written (the peer benchmark stamps dislocating frames here). */
  onPublished?: () => void;
  /** Accounts, orders and trades are replayed from and appended to this file (sim-state-file.ts). */
  stateFile?: string;
  /**
   * Simulated time 0 at this CLOCK_MONOTONIC instant (process.hrtime.bigint()) instead of the
   * start: simulators in several processes with the same seed, origin and scheduled
   * dislocations (MarketGenerator.scheduleDislocation) then show the same market.
   */
  originMonoNs?: bigint;
  /**
   * Backlog of updates (in ms of simulated time) beyond which a tick that fell behind (a long
   * GC pause, a starved process) drops events instead of bursting them; default 250.
   * Infinity: never drop (the market stays the one its seed and schedule make, which several
   * simulators showing one market need).
   */
  maxBacklogMs?: number;
}

export interface VenueUrls {
  ws: string;
  rest: string;
}

export interface SimStats {
  simTimeMs: number;
  messages: Record<SimVenue, number>;
  connections: Record<SimVenue, number>;
  /** Simulated ms of update events dropped because the loop fell behind. */
  droppedBacklogMs: number;
  /** Order-entry faults per venue (order-faults.ts counters): armed, applied, refused requests, by kind. */
  orderFaults?: Record<SimVenue, OrderFaultCounters>;
  /** WebSocket order API faults (ws-api-faults.ts) that hit an order request, per venue and kind. */
  wsApiFaults?: Record<SimVenue, Record<string, number>>;
}

export interface SimHandle {
  /** e.g. { ws: 'ws://127.0.0.1:9001', rest: 'http://127.0.0.1:9001' }; paths are the venue's. */
  binanceUrl: VenueUrls;
  /** Binance USD-M futures: `/ws`, `/stream`, `/fapi/v1/...` on its own port. */
  binanceFuturesUrl: VenueUrls;
  bybitUrl: VenueUrls;
  ports: { binance: number; bybit: number; binanceFutures: number };
  faults: FaultInjector;
  generator: MarketGenerator;
  /** Order entry accounts (balances per API key). */
  orderEntry: OrderEntryHandle;
  /** What was read back from the state file (null without one). */
  stateReplay: StateReplay | null;
  stats(): SimStats;
  stop(): Promise<void>;
}

export class SimListenError extends Error {
  override readonly name = 'SimListenError';
}

const MAX_BACKLOG_MS = 250; // beyond this the loop drops events rather than bursting

function listen(app: TemplatedApp, host: string, port: number): Promise<us_listen_socket> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (sock) => {
      if (sock) resolve(sock);
      else reject(new SimListenError(`cannot listen on ${host}:${port}`));
    });
  });
}

export async function startSimulator(opts: SimOptions = {}): Promise<SimHandle> {
  const host = opts.host ?? '127.0.0.1';
  const rate = opts.ratePerVenue ?? 2000;
  const t0 = opts.originMonoNs === undefined ? performance.now() : performance.now() - Number(process.hrtime.bigint() - opts.originMonoNs) / 1e6;
  const clock: SimClock = { epochMs: Date.now(), now: () => performance.now() - t0 };
  const gen = new MarketGenerator({
    ...opts.generator,
    seed: opts.seed ?? 1,
    symbols: opts.symbols ?? ['BTCUSDT', 'ETHUSDT'],
    updatesPerSecond: rate,
    depthLevels: opts.depthLevels ?? opts.generator?.depthLevels ?? 200,
    dislocationEveryMs: opts.dislocationEveryMs ?? opts.generator?.dislocationEveryMs ?? 10_000,
  });
  const binanceApp = uWS.App();
  const binanceFuturesApp = uWS.App();
  const bybitApp = uWS.App();
  const binance = new BinancePersonality(binanceApp, gen, clock, {
    pingIntervalMs: opts.pingIntervalMs ?? 20_000,
    pongTimeoutMs: opts.pongTimeoutMs ?? 60_000,
  });
  // The venue's futures heartbeat is 3 min / 10 min; tests shorten both through the same options.
  const binanceFutures = new BinancePersonality(binanceFuturesApp, gen, clock, {
    pingIntervalMs: opts.pingIntervalMs ?? 180_000,
    pongTimeoutMs: opts.pongTimeoutMs ?? 600_000,
    market: 'usdm',
  });
  const bybit = new BybitPersonality(bybitApp, gen, clock, {
    idleTimeoutMs: opts.bybitIdleTimeoutMs ?? 600_000,
    pushMode: opts.bybitPushMode ?? 'per-update',
  });
  const orderEntry = registerOrderEntry({ binance: binanceApp, bybit: bybitApp }, gen, clock, opts.orderEntry);
  const faults = new FaultInjector({ binance: new FaultFanout([binance, binanceFutures]), bybit }, gen, clock.now, opts.faults ?? [],
    orderEntry.venues, () => serverMs(clock), clock);
  const state = opts.stateFile === undefined ? null : attachStateFile(orderEntry, opts.stateFile);

  for (const app of [binanceApp, binanceFuturesApp, bybitApp]) {
    app.post('/__sim/fault', (res) => {
      readBody(res, 16 * 1024, (body) => {
        if (body === null) return;
        try {
          faults.inject(parseFaultSpec(JSON.parse(body)));
          sendJson(res, '200 OK', '{"ok":true}');
        } catch (err) {
          const msg = err instanceof FaultSpecError || err instanceof SyntaxError ? err.message : String(err);
          sendJson(res, '400 Bad Request', JSON.stringify({ ok: false, error: msg }));
        }
      });
    });
    app.get('/__sim/stats', (res) => sendJson(res, '200 OK', JSON.stringify(stats())));
    app.any('/*', (res) => sendJson(res, '404 Not Found', '{"code":-1,"msg":"not found"}'));
  }

  const listenBinance = await listen(binanceApp, host, opts.binancePort ?? 0);
  let listenBybit: us_listen_socket;
  let listenFutures: us_listen_socket;
  try {
    listenBybit = await listen(bybitApp, host, opts.bybitPort ?? 0);
  } catch (err) {
    uWS.us_listen_socket_close(listenBinance);
    throw err;
  }
  try {
    listenFutures = await listen(binanceFuturesApp, host, opts.binanceFuturesPort ?? 0);
  } catch (err) {
    uWS.us_listen_socket_close(listenBinance);
    uWS.us_listen_socket_close(listenBybit);
    throw err;
  }
  const ports = {
    binance: uWS.us_socket_local_port(listenBinance as never),
    bybit: uWS.us_socket_local_port(listenBybit as never),
    binanceFutures: uWS.us_socket_local_port(listenFutures as never),
  };

  const batch = new UpdateBatch();
  let dropped = 0;
  const maxUpdates = Math.max(1000, Math.ceil(rate * 2 * ((opts.maxBacklogMs ?? MAX_BACKLOG_MS) / 1000)));
  const tick = (): void => {
    const now = clock.now();
    faults.runDue(now);
    batch.reset();
    if (!gen.advanceTo(now, batch, maxUpdates)) {
      // Fell behind (e.g. a long GC pause): drop the backlog instead of bursting it.
      dropped += Math.max(0, now - gen.now);
      gen.skipTo(now);
      gen.advanceTo(now, batch, Infinity);
    }
    binance.onBatch(batch, now);
    binanceFutures.onBatch(batch, now);
    bybit.onBatch(batch, now);
    if (opts.onPublished !== undefined) opts.onPublished();
  };
  const timer = setInterval(tick, 1);
  const hkEvery = Math.max(5, Math.min(1000, (opts.pingIntervalMs ?? 20_000) / 4, (opts.pongTimeoutMs ?? 60_000) / 4,
    (opts.bybitIdleTimeoutMs ?? 600_000) / 4));
  const housekeeping = setInterval(() => {
    const real = Date.now();
    binance.housekeeping(real);
    binanceFutures.housekeeping(real);
    bybit.housekeeping(real);
  }, hkEvery);

  function stats(): SimStats {
    return {
      simTimeMs: clock.now(),
      messages: { binance: binance.messagesSent + binanceFutures.messagesSent, bybit: bybit.messagesSent },
      connections: { binance: binance.connections + binanceFutures.connections, bybit: bybit.connections },
      droppedBacklogMs: dropped,
      orderFaults: { binance: orderEntry.venues.binance.faults.counters, bybit: orderEntry.venues.bybit.faults.counters },
      wsApiFaults: { binance: orderEntry.wsApi.binance.applied, bybit: orderEntry.wsApi.bybit.applied },
    };
  }

  let stopped = false;
  return {
    binanceUrl: { ws: `ws://${host}:${ports.binance}`, rest: `http://${host}:${ports.binance}` },
    binanceFuturesUrl: { ws: `ws://${host}:${ports.binanceFutures}`, rest: `http://${host}:${ports.binanceFutures}` },
    bybitUrl: { ws: `ws://${host}:${ports.bybit}`, rest: `http://${host}:${ports.bybit}` },
    ports,
    faults,
    generator: gen,
    orderEntry,
    stateReplay: state?.replay ?? null,
    stats,
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      clearInterval(housekeeping);
      state?.close();
      binance.closeAll();
      binanceFutures.closeAll();
      bybit.closeAll();
      uWS.us_listen_socket_close(listenBinance);
      uWS.us_listen_socket_close(listenFutures);
      uWS.us_listen_socket_close(listenBybit);
      // Order endpoints keep HTTP connections alive; app.close() (in the runtime, missing from
      // the bundled typings) closes every socket of the app, idle keep-alive ones included.
      for (const app of [binanceApp, binanceFuturesApp, bybitApp]) (app as unknown as { close?: () => void }).close?.();
    },
  };
}
