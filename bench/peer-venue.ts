/**
 * One venue process of `npm run bench -- peer` (argv[2]: binance | bybit): the simulator
 * (~1,000 book updates/s per venue) in a process of its own, driven over IPC by bench/peer.ts.
 * The bench runs one per venue, so each venue reads and stamps its orders on its own event
 * loop and CPU: an order's arrival at one venue never waits for the other venue's work.
 *
 * Both processes run the same market: the same seed and depth, simulated time 0 at the same
 * CLOCK_MONOTONIC instant (`start` carries it), and the same dislocation script scheduled at
 * the same simulated times (MarketGenerator.scheduleDislocation lands each one at its time
 * whatever the processes' ticks), so the two generators stay identical and each venue shows
 * what it would beside the other. Only the process's own venue has clients.
 *
 * `play` schedules `count` dislocations of `bps` for `durationMs`, one every `everyMs` from
 * simulated time `t0Ms`, alternating venue and direction. This process stamps, on
 * CLOCK_MONOTONIC (process.hrtime.bigint: one clock for every process on the host), the write
 * of the first frame that shows one of its own venue's dislocations (right after the
 * simulator's tick wrote it to the sockets) and the arrival of every order request (REST or
 * WebSocket, before parsing; src/sim/ws-api-faults.ts orderArrival), each given to the
 * dislocation whose interval it falls in.
 */
import { startSimulator, type SimHandle } from '../src/sim/simulator.js';
import { orderArrival } from '../src/sim/ws-api-faults.js';
import { VENUE_BINANCE, VENUE_BYBIT } from '../src/core/records.js';
import { scriptLeg, type Played, type PlaySpec } from './peer-script.js';

const own = process.argv[2] === 'bybit' ? 'bybit' : 'binance';
const ownId = own === 'binance' ? VENUE_BINANCE : VENUE_BYBIT;
let sim: SimHandle | null = null;
let origin = 0n;
let play: { spec: PlaySpec; t0Ms: number; frames: string[]; arrivals: Played['arrivals'] } | null = null;

/** Simulated ms of a monotonic instant. */
const simMs = (ns: bigint): number => Number(ns - origin) / 1e6;

/** The dislocation whose interval holds simulated time `ms`, or -1. */
function indexAt(ms: number): number {
  const p = play;
  if (p === null || ms < p.t0Ms) return -1;
  const i = Math.floor((ms - p.t0Ms) / p.spec.everyMs);
  return i < p.spec.count ? i : -1;
}

/** True when `venue`'s touch shows the dislocation against the other venue (over half of it). */
function dislocated(s: SimHandle, venue: number, up: boolean, bps: number): boolean {
  const a = s.generator.book(venue, 0);
  const b = s.generator.book(venue === VENUE_BINANCE ? VENUE_BYBIT : VENUE_BINANCE, 0);
  const k = 1 + (bps / 2) * 1e-4;
  return up ? a.bids.best() * a.tickUnit > b.asks.best() * b.tickUnit * k : a.asks.best() * a.tickUnit * k < b.bids.best() * b.tickUnit;
}

function onPublished(): void {
  const p = play;
  if (p === null) return;
  const now = process.hrtime.bigint();
  const i = indexAt(simMs(now));
  if (i < 0 || p.frames[i] !== '') return;
  const leg = scriptLeg(i);
  if (leg.venue === own && dislocated(sim!, ownId, leg.up, p.spec.bps)) p.frames[i] = String(now);
}

async function runPlay(spec: PlaySpec, t0Ms: number): Promise<Played> {
  const s = sim!;
  for (let i = 0; i < spec.count; i++) {
    const leg = scriptLeg(i);
    s.generator.scheduleDislocation('BTCUSDT', leg.venue, leg.up ? spec.bps : -spec.bps, spec.durationMs, t0Ms + i * spec.everyMs);
  }
  const p = { spec, t0Ms, frames: new Array<string>(spec.count).fill(''), arrivals: [] as Played['arrivals'] };
  play = p;
  const endMs = t0Ms + spec.count * spec.everyMs;
  await new Promise((r) => setTimeout(r, Math.max(0, endMs - simMs(process.hrtime.bigint())) + 5));
  play = null;
  return { frames: p.frames, arrivals: p.arrivals, droppedBacklogMs: s.stats().droppedBacklogMs };
}

process.on('message', (m: { type: string; spec?: PlaySpec; t0Ms?: number; originNs?: string }) => {
  void (async () => {
    if (m.type === 'start') {
      origin = BigInt(m.originNs!);
      sim = await startSimulator({
        seed: 8, symbols: ['BTCUSDT'], ratePerVenue: 1000, dislocationEveryMs: 0, depthLevels: 50, originMonoNs: origin, onPublished,
        // A starved tick bursts its backlog rather than dropping it: both processes keep one market.
        maxBacklogMs: Infinity,
      });
      orderArrival.hook = (venue, id, ns) => {
        const i = indexAt(simMs(ns));
        if (i >= 0) play?.arrivals.push({ i, venue, id, ns: String(ns) });
      };
      process.send!({ type: 'started', port: sim.ports[own] });
    } else if (m.type === 'play') {
      try {
        process.send!({ type: 'played', played: await runPlay(m.spec!, m.t0Ms!) });
      } catch (e) {
        process.send!({ type: 'played', error: (e as Error).message });
      }
    } else if (m.type === 'stop') {
      await sim?.stop();
      process.send!({ type: 'stopped' }, () => process.exit(0));
    }
  })();
});
process.on('disconnect', () => {
  void sim?.stop().finally(() => process.exit(0));
});
process.send!({ type: 'loaded' });
