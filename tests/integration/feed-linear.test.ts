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
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { BOOK_REASON_DISCONNECTED, BOOK_REASON_GAP, MARKET_LINEAR, VENUE_BINANCE, VENUE_BYBIT } from '../../src/core/records.js';
import { FeedStateTracker, startFeedWorker } from './feed-harness.js';

function startLinearFeed(sim: SimHandle, venue: 'binance' | 'bybit') {
  return startFeedWorker({
    venue: venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, market: MARKET_LINEAR,
    wsUrl: venue === 'binance' ? sim.binanceFuturesUrl.ws : sim.bybitUrl.ws + '/v5/public/linear',
    restUrl: venue === 'binance' ? sim.binanceFuturesUrl.rest : sim.bybitUrl.rest,
  });
}

async function disconnectsAndGaps(t: Test, sim: SimHandle, feed: ReturnType<typeof startLinearFeed>, venue: 'binance' | 'bybit'): Promise<void> {
  t.ok(await feed.waitUsable(30_000), 'book synced at start');
  for (let k = 0; k < 3; k++) {
    const seen = feed.tracker.becameUnusable;
    sim.faults.inject({ kind: 'disconnect', venue });
    t.ok(await feed.waitUnusable(seen, 15_000), `unusable after disconnect ${k + 1}`);
    t.ok(await feed.waitUsable(30_000), `resynced after disconnect ${k + 1}`);
  }
  for (let k = 0; k < 3; k++) {
    const seen = feed.tracker.becameUnusable;
    sim.faults.inject({ kind: 'skip_seq', venue, symbol: 'BTCUSDT' });
    t.ok(await feed.waitUnusable(seen, 15_000), `unusable after gap ${k + 1}`);
    t.ok(await feed.waitUsable(30_000), `resynced after gap ${k + 1}`);
  }
}

function checkTracker(t: Test, tr: FeedStateTracker, gapName: string): void {
  t.equal(tr.violations, 0, 'no usable quote while the book was unusable');
  t.ok(tr.reasons.includes(BOOK_REASON_DISCONNECTED), 'disconnects reported as such');
  t.ok(tr.reasons.includes(BOOK_REASON_GAP), `${gapName} reported as gaps`);
  t.ok(tr.usableQuotes > 0, `${tr.usableQuotes} usable quotes`);
  t.equal(tr.otherMarket, 0, 'every record is tagged with the linear market');
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
