/**
 * A real feed worker against the real simulator, with the connection killed 20 times per venue
 * and sequence gaps injected: the book is resynced after every fault, and no quote from a
 * disconnected, unsynced or gapped book is ever marked usable.
 */
import t from 'tap';
import { Worker } from 'node:worker_threads';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { POLICY_DROP_OLDEST, RingConsumer, createRing, ringStats, type RecordHandler } from '../../src/core/ring.js';
import { createQuoteBoard } from '../../src/core/quote-board.js';
import { Doorbell } from '../../src/core/doorbell.js';
import { AgentControl } from '../../src/core/agent.js';
import {
  BOOK_REASON_DISCONNECTED, BOOK_REASON_GAP, BS_REASON, FLAG_USABLE, H_FLAGS, H_KIND, KIND_BOOK_STATE, KIND_QUOTE,
  MARKET_SPOT, QUOTE_WORDS, VENUE_BINANCE, VENUE_BYBIT,
} from '../../src/core/records.js';
import type { FeedWorkerData } from '../../src/actors/wiring.js';

const FEED = new URL('../../src/actors/feed.worker.js', import.meta.url);

class StateTracker implements RecordHandler {
  usable = false;
  becameUsable = 0;
  becameUnusable = 0;
  reasons: number[] = [];
  quotes = 0;
  usableQuotes = 0;
  violations = 0;
  onRecord(d: Float64Array, o: number): void {
    const usable = (d[o + H_FLAGS]! & FLAG_USABLE) !== 0;
    if (d[o + H_KIND] === KIND_BOOK_STATE) {
      if (usable && !this.usable) this.becameUsable++;
      if (!usable && this.usable) { this.becameUnusable++; this.reasons.push(d[o + BS_REASON]!); }
      this.usable = usable;
    } else if (d[o + H_KIND] === KIND_QUOTE) {
      this.quotes++;
      if (usable) this.usableQuotes++;
      // A quote may only be usable while the last published book state says usable.
      if (usable && !this.usable) this.violations++;
    }
  }
}

function startFeed(sim: SimHandle, venue: number) {
  const ring = createRing(1 << 14, QUOTE_WORDS, POLICY_DROP_OLDEST);
  const control = new AgentControl();
  const urls = venue === VENUE_BINANCE ? sim.binanceUrl : sim.bybitUrl;
  const data: FeedWorkerData = {
    actor: `feed:${venue}`, venue, market: MARKET_SPOT, symbols: ['BTCUSDT'], wsUrl: urls.ws, restUrl: urls.rest,
    quoteRing: ring, board: createQuoteBoard({ venues: 2, symbols: 1, levels: 10 }), strategyBell: new Doorbell().sab,
    control: control.sab, depthLevels: 10, staleFeedMs: 5000, reconnectMinMs: 20, reconnectMaxMs: 200,
    histogramIntervalMs: 1000, depth: true,
  };
  const worker = new Worker(FEED, { workerData: data });
  const stats: Record<string, number> = {};
  worker.on('message', (m: { type: string; counters?: Record<string, number> }) => {
    if ((m.type === 'stats' || m.type === 'closed') && m.counters) Object.assign(stats, m.counters);
  });
  const consumer = new RingConsumer(ring);
  const tracker = new StateTracker();
  const drain = () => { while (consumer.drain(tracker, 1024) > 0) { /* empty the ring */ } };
  const poller = setInterval(drain, 2);
  return {
    tracker, stats, ring,
    async waitUsable(timeoutMs: number): Promise<boolean> {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        drain();
        if (tracker.usable) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    },
    /** Waits until the book has gone unusable more often than `seen` times (resync can be fast). */
    async waitUnusable(seen: number, timeoutMs: number): Promise<boolean> {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        drain();
        if (tracker.becameUnusable > seen) return true;
        await new Promise((r) => setTimeout(r, 5));
      }
      return false;
    },
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

t.test('20 disconnects and 5 sequence gaps per venue: resynced every time, never usable while unsynced', async (t) => {
  const sim = await startSimulator({ seed: 7, symbols: ['BTCUSDT'], ratePerVenue: 3000, dislocationEveryMs: 0 });
  const feeds = [startFeed(sim, VENUE_BINANCE), startFeed(sim, VENUE_BYBIT)];
  const names = ['binance', 'bybit'] as const;
  try {
    for (let v = 0; v < 2; v++) t.ok(await feeds[v]!.waitUsable(10_000), `${names[v]} book synced at start`);
    for (let k = 0; k < 20; k++) {
      const seen = feeds.map((f) => f.tracker.becameUnusable);
      for (let v = 0; v < 2; v++) sim.faults.inject({ kind: 'disconnect', venue: names[v]! });
      for (let v = 0; v < 2; v++) {
        t.ok(await feeds[v]!.waitUnusable(seen[v]!, 5000), `${names[v]} marked unusable after kill ${k + 1}`);
      }
      for (let v = 0; v < 2; v++) {
        t.ok(await feeds[v]!.waitUsable(10_000), `${names[v]} resynced after kill ${k + 1}`);
      }
    }
    for (let k = 0; k < 5; k++) {
      const seen = feeds.map((f) => f.tracker.becameUnusable);
      for (let v = 0; v < 2; v++) sim.faults.inject({ kind: 'skip_seq', venue: names[v]!, symbol: 'BTCUSDT' });
      for (let v = 0; v < 2; v++) {
        t.ok(await feeds[v]!.waitUnusable(seen[v]!, 5000), `${names[v]} marked unusable after gap ${k + 1}`);
        t.ok(await feeds[v]!.waitUsable(10_000), `${names[v]} resynced after gap ${k + 1}`);
      }
    }
    // Malformed frames: counted by reason, never published, the feed keeps running.
    for (let k = 0; k < 3; k++) for (let v = 0; v < 2; v++) sim.faults.inject({ kind: 'malformed', venue: names[v]! });
    await new Promise((r) => setTimeout(r, 1500)); // stats are posted once a second
    for (let v = 0; v < 2; v++) {
      const st = feeds[v]!.stats;
      t.ok((st.badFrames ?? 0) >= 1, `${names[v]}: malformed frames counted (${st.badFrames})`);
      t.ok(Object.keys(st).some((k) => k.startsWith('bad_')), `${names[v]}: counted by reason (${Object.keys(st).filter((k) => k.startsWith('bad_')).join(', ')})`);
      t.ok(await feeds[v]!.waitUsable(5000), `${names[v]}: still usable after bad frames`);
    }
  } finally {
    for (const f of feeds) await f.stop();
    await sim.stop();
  }
  for (let v = 0; v < 2; v++) {
    const tr = feeds[v]!.tracker;
    t.equal(tr.violations, 0, `${names[v]}: no usable quote while the book was unusable`);
    t.ok(tr.becameUsable >= 26, `${names[v]}: usable again after every fault (${tr.becameUsable})`);
    t.ok(tr.reasons.includes(BOOK_REASON_DISCONNECTED), `${names[v]}: disconnects reported as such`);
    t.ok(tr.reasons.includes(BOOK_REASON_GAP), `${names[v]}: gaps reported as such`);
    t.ok(tr.usableQuotes > 0 && tr.quotes > tr.usableQuotes, `${names[v]}: ${tr.usableQuotes} of ${tr.quotes} quotes usable`);
    t.ok((feeds[v]!.stats.connects ?? 0) >= 21, `${names[v]}: reconnected every time (${feeds[v]!.stats.connects} connects)`);
    t.equal(ringStats(feeds[v]!.ring).dropped, 0, `${names[v]}: no record lost in the ring`);
  }
});
