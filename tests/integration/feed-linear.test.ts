/**
 * A real feed worker in the linear market against the simulator, for both venues.
 * Binance USD-M futures, on the simulator's futures port: the book syncs by the futures
 * procedure (/fapi/v1/depth, first event straddles the snapshot, then pu = previous u).
 * Bybit linear, on the Bybit port's `/v5/public/linear` path: the subscription's snapshot,
 * then deltas whose `u` goes up by one.
 * Both resync after a disconnect and after a lost event (skip_seq: a pu that does not match,
 * a `u` that jumps), never publishing a usable quote meanwhile.
 */
import t, { type Test } from 'tap';
import { Worker } from 'node:worker_threads';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { POLICY_DROP_OLDEST, RingConsumer, createRing, type RecordHandler } from '../../src/core/ring.js';
import { createQuoteBoard } from '../../src/core/quote-board.js';
import { Doorbell } from '../../src/core/doorbell.js';
import { AgentControl } from '../../src/core/agent.js';
import {
  BOOK_REASON_DISCONNECTED, BOOK_REASON_GAP, BS_REASON, FLAG_USABLE, H_FLAGS, H_KIND, H_MARKET, KIND_BOOK_STATE, KIND_QUOTE,
  MARKET_LINEAR, QUOTE_WORDS, VENUE_BINANCE, VENUE_BYBIT,
} from '../../src/core/records.js';
import type { FeedWorkerData } from '../../src/actors/wiring.js';

const FEED = new URL('../../src/actors/feed.worker.js', import.meta.url);

class StateTracker implements RecordHandler {
  usable = false;
  becameUnusable = 0;
  reasons: number[] = [];
  usableQuotes = 0;
  violations = 0;
  nonLinear = 0;
  onRecord(d: Float64Array, o: number): void {
    const usable = (d[o + H_FLAGS]! & FLAG_USABLE) !== 0;
    if (d[o + H_MARKET] !== MARKET_LINEAR) this.nonLinear++;
    if (d[o + H_KIND] === KIND_BOOK_STATE) {
      if (!usable && this.usable) { this.becameUnusable++; this.reasons.push(d[o + BS_REASON]!); }
      this.usable = usable;
    } else if (d[o + H_KIND] === KIND_QUOTE && usable) {
      this.usableQuotes++;
      if (!this.usable) this.violations++;
    }
  }
}

function startLinearFeed(sim: SimHandle, venue: 'binance' | 'bybit') {
  const ring = createRing(1 << 14, QUOTE_WORDS, POLICY_DROP_OLDEST);
  const control = new AgentControl();
  const data: FeedWorkerData = {
    actor: 'feed:' + venue, venue: venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, market: MARKET_LINEAR, symbols: ['BTCUSDT'],
    wsUrl: venue === 'binance' ? sim.binanceFuturesUrl.ws : sim.bybitUrl.ws + '/v5/public/linear',
    restUrl: venue === 'binance' ? sim.binanceFuturesUrl.rest : sim.bybitUrl.rest,
    quoteRing: ring, board: createQuoteBoard({ venues: 2, symbols: 1, levels: 10 }), strategyBell: new Doorbell().sab,
    control: control.sab, depthLevels: 10, staleFeedMs: 5000, reconnectMinMs: 20, reconnectMaxMs: 200,
    histogramIntervalMs: 1000, depth: true,
  };
  const worker = new Worker(FEED, { workerData: data });
  const stats: Record<string, number> = {};
  const connectedUrls: string[] = [];
  worker.on('message', (m: { type: string; counters?: Record<string, number>; msg?: string; fields?: Record<string, unknown> }) => {
    if ((m.type === 'stats' || m.type === 'closed') && m.counters) Object.assign(stats, m.counters);
    if (m.type === 'log' && m.msg === 'connected') connectedUrls.push(String(m.fields?.['url']));
  });
  const consumer = new RingConsumer(ring);
  const tracker = new StateTracker();
  const drain = () => { while (consumer.drain(tracker, 1024) > 0) { /* empty the ring */ } };
  const poller = setInterval(drain, 2);
  const until = async (cond: () => boolean, timeoutMs: number): Promise<boolean> => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      drain();
      if (cond()) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    return false;
  };
  return {
    tracker, stats, connectedUrls,
    waitUsable: (timeoutMs: number) => until(() => tracker.usable, timeoutMs),
    waitUnusable: (seen: number, timeoutMs: number) => until(() => tracker.becameUnusable > seen, timeoutMs),
    async stop(): Promise<void> {
      control.requestStop();
      worker.postMessage({ type: 'stop' });
      await new Promise((r) => setTimeout(r, 300));
      clearInterval(poller);
      drain();
      await worker.terminate();
    },
  };
}

async function disconnectsAndGaps(t: Test, sim: SimHandle, feed: ReturnType<typeof startLinearFeed>, venue: 'binance' | 'bybit'): Promise<void> {
  t.ok(await feed.waitUsable(10_000), 'book synced at start');
  for (let k = 0; k < 3; k++) {
    const seen = feed.tracker.becameUnusable;
    sim.faults.inject({ kind: 'disconnect', venue });
    t.ok(await feed.waitUnusable(seen, 5000), `unusable after disconnect ${k + 1}`);
    t.ok(await feed.waitUsable(10_000), `resynced after disconnect ${k + 1}`);
  }
  for (let k = 0; k < 3; k++) {
    const seen = feed.tracker.becameUnusable;
    sim.faults.inject({ kind: 'skip_seq', venue, symbol: 'BTCUSDT' });
    t.ok(await feed.waitUnusable(seen, 5000), `unusable after gap ${k + 1}`);
    t.ok(await feed.waitUsable(10_000), `resynced after gap ${k + 1}`);
  }
}

function checkTracker(t: Test, tr: StateTracker, gapName: string): void {
  t.equal(tr.violations, 0, 'no usable quote while the book was unusable');
  t.ok(tr.reasons.includes(BOOK_REASON_DISCONNECTED), 'disconnects reported as such');
  t.ok(tr.reasons.includes(BOOK_REASON_GAP), `${gapName} reported as gaps`);
  t.ok(tr.usableQuotes > 0, `${tr.usableQuotes} usable quotes`);
  t.equal(tr.nonLinear, 0, 'every record is tagged with the linear market');
}

t.test('Binance linear feed: syncs on the futures port, resyncs after disconnects and pu gaps', async (t) => {
  const sim = await startSimulator({ seed: 5, symbols: ['BTCUSDT'], ratePerVenue: 3000, dislocationEveryMs: 0 });
  const feed = startLinearFeed(sim, 'binance');
  try {
    await disconnectsAndGaps(t, sim, feed, 'binance');
  } finally {
    await feed.stop();
    await sim.stop();
  }
  checkTracker(t, feed.tracker, 'pu mismatches');
  t.ok((feed.stats.snapshotFetches ?? 0) >= 7, `a /fapi/v1/depth snapshot per sync (${feed.stats.snapshotFetches})`);
});

t.test('Bybit linear feed: syncs on /v5/public/linear, resyncs after disconnects and u gaps', async (t) => {
  const sim = await startSimulator({ seed: 6, symbols: ['BTCUSDT'], ratePerVenue: 3000, dislocationEveryMs: 0 });
  const feed = startLinearFeed(sim, 'bybit');
  try {
    await disconnectsAndGaps(t, sim, feed, 'bybit');
  } finally {
    await feed.stop();
    await sim.stop();
  }
  checkTracker(t, feed.tracker, 'u jumps');
  t.ok(feed.connectedUrls.length >= 4, `reconnected after each fault (${feed.connectedUrls.length} connections)`);
  t.ok(feed.connectedUrls.every((u) => u === sim.bybitUrl.ws + '/v5/public/linear'), 'every connection on the Bybit port\'s linear path');
  t.ok((feed.stats.resyncRequests ?? 0) >= 3, `a fresh subscription per gap (${feed.stats.resyncRequests} resyncs)`);
});
