/**
 * The venue process of `npm run bench -- peer`: the simulator (Binance + Bybit spot, ~1,000
 * book updates/s each) in a process of its own, driven over IPC by bench/peer.ts.
 *
 * `play` runs the dislocation script: `count` dislocations of `bps` for `durationMs`, one every
 * `everyMs`, alternating venue and direction. This process stamps, on CLOCK_MONOTONIC
 * (process.hrtime.bigint), both ends of what a trader feels: the write of the first frame that
 * shows the dislocated touch (right after the simulator's tick wrote it to the sockets), and
 * the arrival of every order request (REST or WebSocket, before parsing; src/sim/ws-api-faults.ts
 * orderArrival). One process stamps both, so both are on one clock.
 */
import { startSimulator, type SimHandle } from '../src/sim/simulator.js';
import { orderArrival } from '../src/sim/ws-api-faults.js';
import { VENUE_BINANCE, VENUE_BYBIT } from '../src/core/records.js';

export interface PlaySpec {
  count: number;
  everyMs: number;
  bps: number;
  durationMs: number;
}

export interface Arrival {
  venue: 'binance' | 'bybit';
  id: string;
  ns: string;
}

export interface Dislocation {
  venue: 'binance' | 'bybit';
  bps: number;
  /** Monotonic ns of the dislocating frame's write ('' if it never showed). */
  frameNs: string;
  arrivals: Arrival[];
}

let sim: SimHandle | null = null;
let watching: { venue: number; up: boolean } | null = null;
let stampNs = 0n;
let arrivals: Arrival[] = [];

/** True when `venue`'s touch shows the dislocation against the other venue (over half of it). */
function dislocated(s: SimHandle, venue: number, up: boolean, bps: number): boolean {
  const a = s.generator.book(venue, 0);
  const b = s.generator.book(venue === VENUE_BINANCE ? VENUE_BYBIT : VENUE_BINANCE, 0);
  const k = 1 + (bps / 2) * 1e-4;
  return up ? a.bids.best() * a.tickUnit > b.asks.best() * b.tickUnit * k : a.asks.best() * a.tickUnit * k < b.bids.best() * b.tickUnit;
}

let playBps = 60;

async function play(spec: PlaySpec): Promise<Dislocation[]> {
  const s = sim!;
  const out: Dislocation[] = [];
  playBps = spec.bps;
  for (let i = 0; i < spec.count; i++) {
    const venue = i % 2 === 0 ? 'binance' : 'bybit';
    const up = i % 4 < 2;
    arrivals = [];
    stampNs = 0n;
    watching = { venue: venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, up };
    s.faults.inject({ kind: 'dislocate', venue, symbol: 'BTCUSDT', bps: up ? spec.bps : -spec.bps, durationMs: spec.durationMs });
    await new Promise((r) => setTimeout(r, spec.everyMs));
    watching = null;
    out.push({ venue, bps: up ? spec.bps : -spec.bps, frameNs: stampNs === 0n ? '' : String(stampNs), arrivals });
  }
  return out;
}

process.on('message', (m: { type: string; spec?: PlaySpec }) => {
  void (async () => {
    if (m.type === 'start') {
      sim = await startSimulator({
        seed: 8, symbols: ['BTCUSDT'], ratePerVenue: 1000, dislocationEveryMs: 0, depthLevels: 50,
        onPublished: () => {
          const w = watching;
          if (w !== null && stampNs === 0n && dislocated(sim!, w.venue, w.up, playBps)) stampNs = process.hrtime.bigint();
        },
      });
      orderArrival.hook = (venue, id, ns) => {
        arrivals.push({ venue, id, ns: String(ns) });
      };
      process.send!({ type: 'started', ports: sim.ports });
    } else if (m.type === 'play') {
      process.send!({ type: 'played', dislocations: await play(m.spec!) });
    } else if (m.type === 'stop') {
      await sim?.stop();
      process.send!({ type: 'stopped' }, () => process.exit(0));
    }
  })();
});
process.on('disconnect', () => {
  void sim?.stop().finally(() => process.exit(0));
});
