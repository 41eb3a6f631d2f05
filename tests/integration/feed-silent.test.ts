/**
 * A feed that goes silent with its socket open (the simulator's `stall` fault: no frame, the
 * connection stays up) is reconnected once stale_feed_ms has passed, resynced, and counted;
 * no quote is marked usable while the book is not.
 */
import t from 'tap';
import { startSimulator } from '../../src/sim/index.js';
import { MARKET_SPOT, VENUE_BINANCE, VENUE_BYBIT } from '../../src/core/records.js';
import { startFeedWorker } from './feed-harness.js';

const STALE_MS = 1000;

for (const [venue, name] of [[VENUE_BINANCE, 'binance'], [VENUE_BYBIT, 'bybit']] as const) {
  t.test(`${name}: a silent feed is reconnected, resynced and counted`, async (t) => {
    const sim = await startSimulator({ seed: 11, symbols: ['BTCUSDT'], ratePerVenue: 500, dislocationEveryMs: 0 });
    const urls = venue === VENUE_BINANCE ? sim.binanceUrl : sim.bybitUrl;
    const feed = startFeedWorker({ venue, market: MARKET_SPOT, wsUrl: urls.ws, restUrl: urls.rest, staleFeedMs: STALE_MS });
    try {
      t.ok(await feed.waitUsable(30_000), 'book synced at start');
      const connectsBefore = feed.connectedUrls.length;
      // Silent for far longer than stale_feed_ms; the socket stays open throughout.
      sim.faults.inject({ kind: 'stall', venue: name, durationMs: 60_000 });
      const until = Date.now() + 30_000;
      while (feed.connectedUrls.length <= connectsBefore && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      t.ok(feed.connectedUrls.length > connectsBefore, `reconnected while the stream was silent (${feed.connectedUrls.length - connectsBefore} new connections)`);
      // End the stall: the fresh connection resyncs and the book is usable again.
      sim.faults.inject({ kind: 'stall', venue: name, durationMs: 0 });
      t.ok(await feed.waitUsable(30_000), 'book usable again after the silent-feed reconnect');
      const statsUntil = Date.now() + 15_000;
      while ((feed.stats.silentReconnects ?? 0) === 0 && Date.now() < statsUntil) await new Promise((r) => setTimeout(r, 50));
      t.ok((feed.stats.silentReconnects ?? 0) >= 1, `counted as silentReconnects (${feed.stats.silentReconnects})`);
    } finally {
      await feed.stop();
      await sim.stop();
    }
    t.equal(feed.tracker.violations, 0, 'no usable quote while the book was unusable');
  });
}
