/**
 * A real feed worker (dist/src/actors/feed.worker.js) with its own ring, board and control
 * words, drained by the test thread into a tracker of what the strategy would have seen.
 */
import { Worker } from 'node:worker_threads';
import { POLICY_DROP_OLDEST, RingConsumer, createRing, type RecordHandler } from '../../src/core/ring.js';
import { createQuoteBoard } from '../../src/core/quote-board.js';
import { Doorbell } from '../../src/core/doorbell.js';
import { AgentControl } from '../../src/core/agent.js';
import { BS_REASON, FLAG_USABLE, H_FLAGS, H_KIND, H_MARKET, KIND_BOOK_STATE, KIND_QUOTE, QUOTE_WORDS } from '../../src/core/records.js';
import type { FeedWorkerData } from '../../src/actors/wiring.js';

const FEED = new URL('../../src/actors/feed.worker.js', import.meta.url);

/** Follows BOOK_STATE records and checks every quote against the last published state. */
export class FeedStateTracker implements RecordHandler {
  usable = false;
  becameUsable = 0;
  becameUnusable = 0;
  reasons: number[] = [];
  quotes = 0;
  usableQuotes = 0;
  /** A quote marked usable while the last book state said unusable. */
  violations = 0;
  /** Records whose market id is not the feed's. */
  otherMarket = 0;
  constructor(private readonly market: number) {}
  onRecord(d: Float64Array, o: number): void {
    const usable = (d[o + H_FLAGS]! & FLAG_USABLE) !== 0;
    if (d[o + H_MARKET] !== this.market) this.otherMarket++;
    if (d[o + H_KIND] === KIND_BOOK_STATE) {
      if (usable && !this.usable) this.becameUsable++;
      if (!usable && this.usable) { this.becameUnusable++; this.reasons.push(d[o + BS_REASON]!); }
      this.usable = usable;
    } else if (d[o + H_KIND] === KIND_QUOTE) {
      this.quotes++;
      if (usable) this.usableQuotes++;
      if (usable && !this.usable) this.violations++;
    }
  }
}

export interface FeedUnderTest {
  tracker: FeedStateTracker;
  stats: Record<string, number>;
  ring: SharedArrayBuffer;
  connectedUrls: string[];
  waitUsable(timeoutMs: number): Promise<boolean>;
  /** Waits until the book has gone unusable more often than `seen` times (resync can be fast). */
  waitUnusable(seen: number, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export function startFeedWorker(opts: { venue: number; market: number; wsUrl: string; restUrl: string; symbols?: string[]; staleFeedMs?: number }): FeedUnderTest {
  const ring = createRing(1 << 14, QUOTE_WORDS, POLICY_DROP_OLDEST);
  const control = new AgentControl();
  const data: FeedWorkerData = {
    actor: `feed:${opts.venue}`, venue: opts.venue, market: opts.market, symbols: opts.symbols ?? ['BTCUSDT'],
    wsUrl: opts.wsUrl, restUrl: opts.restUrl, quoteRing: ring, board: createQuoteBoard({ venues: 2, symbols: 1, levels: 10 }),
    strategyBell: new Doorbell().sab, control: control.sab, depthLevels: 10, staleFeedMs: opts.staleFeedMs ?? 5000, reconnectMinMs: 20,
    reconnectMaxMs: 200, histogramIntervalMs: 1000, depth: true,
  };
  const worker = new Worker(FEED, { workerData: data });
  const stats: Record<string, number> = {};
  const connectedUrls: string[] = [];
  worker.on('message', (m: { type: string; counters?: Record<string, number>; msg?: string; fields?: Record<string, unknown> }) => {
    if ((m.type === 'stats' || m.type === 'closed') && m.counters) Object.assign(stats, m.counters);
    if (m.type === 'log' && m.msg === 'connected') connectedUrls.push(String(m.fields?.['url']));
  });
  const consumer = new RingConsumer(ring);
  const tracker = new FeedStateTracker(opts.market);
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
    tracker, stats, ring, connectedUrls,
    waitUsable: (timeoutMs) => until(() => tracker.usable, timeoutMs),
    waitUnusable: (seen, timeoutMs) => until(() => tracker.becameUnusable > seen, timeoutMs),
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
