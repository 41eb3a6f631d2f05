/**
 * A real feed worker against the real simulator, with the connection killed 20 times per venue
 * and sequence gaps injected: the book is resynced after every fault, and no quote from a
 * disconnected, unsynced or gapped book is ever marked usable.
 */
import t from 'tap';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { ringStats } from '../../src/core/ring.js';
import { BOOK_REASON_DISCONNECTED, BOOK_REASON_GAP, MARKET_SPOT, VENUE_BINANCE, VENUE_BYBIT } from '../../src/core/records.js';
import { startFeedWorker } from './feed-harness.js';

function startFeed(sim: SimHandle, venue: number) {
  const urls = venue === VENUE_BINANCE ? sim.binanceUrl : sim.bybitUrl;
  return startFeedWorker({ venue, market: MARKET_SPOT, wsUrl: urls.ws, restUrl: urls.rest });
}

t.test('20 disconnects and 5 sequence gaps per venue: resynced every time, never usable while unsynced', async (t) => {
  const sim = await startSimulator({ seed: 7, symbols: ['BTCUSDT'], ratePerVenue: 3000, dislocationEveryMs: 0 });
  const feeds = [startFeed(sim, VENUE_BINANCE), startFeed(sim, VENUE_BYBIT)];
  const names = ['binance', 'bybit'] as const;
  try {
    for (let v = 0; v < 2; v++) t.ok(await feeds[v]!.waitUsable(30_000), `${names[v]} book synced at start`);
    for (let k = 0; k < 20; k++) {
      const seen = feeds.map((f) => f.tracker.becameUnusable);
      for (let v = 0; v < 2; v++) sim.faults.inject({ kind: 'disconnect', venue: names[v]! });
      for (let v = 0; v < 2; v++) {
        t.ok(await feeds[v]!.waitUnusable(seen[v]!, 15_000), `${names[v]} marked unusable after kill ${k + 1}`);
      }
      for (let v = 0; v < 2; v++) {
        t.ok(await feeds[v]!.waitUsable(30_000), `${names[v]} resynced after kill ${k + 1}`);
      }
    }
    for (let k = 0; k < 5; k++) {
      const seen = feeds.map((f) => f.tracker.becameUnusable);
      for (let v = 0; v < 2; v++) sim.faults.inject({ kind: 'skip_seq', venue: names[v]!, symbol: 'BTCUSDT' });
      for (let v = 0; v < 2; v++) {
        t.ok(await feeds[v]!.waitUnusable(seen[v]!, 15_000), `${names[v]} marked unusable after gap ${k + 1}`);
        t.ok(await feeds[v]!.waitUsable(30_000), `${names[v]} resynced after gap ${k + 1}`);
      }
    }
    // Malformed frames: counted by reason, never published, the feed keeps running.
    for (let k = 0; k < 3; k++) for (let v = 0; v < 2; v++) sim.faults.inject({ kind: 'malformed', venue: names[v]! });
    await new Promise((r) => setTimeout(r, 1500)); // stats are posted once a second
    for (let v = 0; v < 2; v++) {
      const st = feeds[v]!.stats;
      t.ok((st.badFrames ?? 0) >= 1, `${names[v]}: malformed frames counted (${st.badFrames})`);
      t.ok(Object.keys(st).some((k) => k.startsWith('bad_')), `${names[v]}: counted by reason (${Object.keys(st).filter((k) => k.startsWith('bad_')).join(', ')})`);
      t.ok(await feeds[v]!.waitUsable(30_000), `${names[v]}: still usable after bad frames`);
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
