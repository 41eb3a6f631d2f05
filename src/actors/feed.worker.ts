/**
 * Feed actor thread, one per venue connection: owns the WebSocket (FeedConnection), REST depth
 * snapshots, staleness timer and resync policy; every frame goes straight to FeedHandler.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RingProducer } from '../core/ring.js';
import { Doorbell } from '../core/doorbell.js';
import { QuoteBoard } from '../core/quote-board.js';
import { SymbolTable } from '../core/symbols.js';
import { monoNs } from '../core/clock.js';
import { CONTROL_STOP } from '../core/agent.js';
import { BOOK_REASON_NAMES } from '../core/records.js';
import { venueAdapter } from '../venues/registry.js';
import { SYNC_REFETCH } from '../venues/sync-result.js';
import { ERR_NAMES } from '../venues/parsed-frame.js';
import type { BinanceBookSync } from '../venues/binance/book-sync.js';
import { FeedConnection } from '../venues/feed-connection.js';
import { FeedHandler, type FeedActions } from './feed-handler.js';
import { WorkerRuntime, flatCounters } from './worker-runtime.js';
import type { FeedWorkerData } from './wiring.js';
import { DEFAULT_BATCH_EVERY_MS, FrameBatcher, type RecordBufferMessage, type RecordFramesMessage, type RecordSnapshotMessage } from '../data/frame-batch.js';

const d = workerData as FeedWorkerData;
const rt = await WorkerRuntime.create(d.actor, d.histogramIntervalMs);
const adapter = venueAdapter(d.venue);
const symbols = new SymbolTable(d.symbols);
const parser = adapter.createFrameParser(symbols, d.market);
const books = d.symbols.map(() => adapter.createBookSync(d.market));
const board = new QuoteBoard(d.board);
const ring = new RingProducer(d.quoteRing, new Doorbell(d.strategyBell));
const control = new Int32Array(d.control);
const wsBase = new URL(d.wsUrl).origin;
const restBase = d.restUrl;
const streams: string[] = [];
for (const s of d.symbols) {
  streams.push(adapter.streamName(s, 'top', d.market));
  if (d.depth) streams.push(adapter.streamName(s, 'depth', d.market));
}
const url = adapter.marketDataUrl(d.market, streams, { wsBase });
// Binance's combined-stream URL names the streams; Bybit subscribes after connecting.
const needsSubscribe = !url.includes('streams=');
const heartbeat = adapter.heartbeat(d.market);

const counters = { snapshotFetches: 0, snapshotErrors: 0, resyncRequests: 0, reconnectRequests: 0, badFramesLogged: 0 };
let badLogWindowStart = Date.now();
let badLoggedInWindow = 0;
const pendingSnapshot = new Set<number>();
let conn: FeedConnection;
// --record: frames are copied into a batch buffer and transferred to the supervisor, which
// writes them; this thread never touches a file.
const batcher = d.record === true
  ? new FrameBatcher((buf, used, frames) => parentPort!.postMessage({ type: 'record-frames', buf, used, frames } satisfies RecordFramesMessage, [buf]))
  : null;

async function fetchSnapshot(s: number, attempt = 0): Promise<void> {
  if (pendingSnapshot.has(s) && attempt === 0) return;
  pendingSnapshot.add(s);
  counters.snapshotFetches++;
  const sym = d.symbols[s]!;
  const snapUrl = adapter.snapshotUrl(d.market, sym, 1000, { restBase });
  try {
    const res = await fetch(snapUrl, { signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${body.slice(0, 200)}`);
    const snap = adapter.parseSnapshot(body);
    const sync = books[s] as unknown as BinanceBookSync;
    if (batcher !== null) {
      // Frames received before the snapshot go first, so the recording keeps the order the book saw.
      batcher.flush();
      parentPort!.postMessage({ type: 'record-snapshot', symbol: s, t: monoNs(), text: body, url: snapUrl } satisfies RecordSnapshotMessage);
    }
    const result = sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks);
    if (result === SYNC_REFETCH && attempt < 10) {
      setTimeout(() => void fetchSnapshot(s, attempt + 1), 100 * (attempt + 1));
      return;
    }
    handler.onSnapshotApplied(s, result, monoNs());
  } catch (e) {
    counters.snapshotErrors++;
    rt.log('warn', 'depth snapshot failed', { symbol: sym, url: snapUrl, err: (e as Error).message, attempt });
    if (attempt < 10 && Atomics.load(control, CONTROL_STOP) === 0) {
      setTimeout(() => void fetchSnapshot(s, attempt + 1), 250 * 2 ** Math.min(attempt, 5));
      return;
    }
  }
  pendingSnapshot.delete(s);
}

const actions: FeedActions = {
  resync(s: number, reason: number): void {
    counters.resyncRequests++;
    rt.log('warn', 'book unusable: resyncing', { symbol: d.symbols[s], reason: BOOK_REASON_NAMES[reason] });
    if (adapter.restSnapshotSync) void fetchSnapshot(s);
    else conn.recycle(); // Bybit: a fresh subscription starts with a snapshot
  },
  reconnect(reason: string): void {
    counters.reconnectRequests++;
    rt.log('info', 'venue asked for a reconnect', { reason });
    conn.recycle();
  },
  badFrame(errorName: string, sample: Buffer): void {
    const now = Date.now();
    if (now - badLogWindowStart > 60_000) { badLogWindowStart = now; badLoggedInWindow = 0; }
    if (badLoggedInWindow++ < 10) {
      counters.badFramesLogged++;
      rt.log('warn', 'bad frame dropped', { error: errorName, sample: sample.subarray(0, 160).toString('utf8') });
    }
  },
};

const handler = new FeedHandler(d.venue, d.market, parser, books, ring, board, rt.hist, actions, d.depth);

conn = new FeedConnection({
  url,
  subscribeMessages: () => (needsSubscribe ? adapter.subscribeMessages(d.market, streams, 1) : []),
  heartbeatMessage: heartbeat.message,
  heartbeatIntervalMs: heartbeat.intervalMs || 20_000,
  reconnectMinMs: d.reconnectMinMs,
  reconnectMaxMs: d.reconnectMaxMs,
  maxConnectionAgeMs: 23.5 * 3600_000,
  random: Math.random,
  // No frame at all for stale_feed_ms with the socket open: reconnect, which resubscribes and resyncs.
  silentReconnectMs: d.staleFeedMs,
}, {
  onSilent(silentMs: number): void {
    // ALERT HOOK: the alerts engine (issue 11 item 2) raises "silent feed" on this line.
    rt.log('warn', 'feed silent with the socket open: reconnecting and resyncing', { silent_ms: silentMs, stale_feed_ms: d.staleFeedMs });
  },
  onOpen(): void {
    rt.log('info', 'connected', { url });
    handler.setConnected(true, monoNs());
    if (d.depth && adapter.restSnapshotSync) for (let s = 0; s < d.symbols.length; s++) void fetchSnapshot(s);
  },
  onFrame(data: Buffer): void {
    const t = monoNs();
    handler.onFrame(data, t);
    if (batcher !== null) batcher.add(t, data);
  },
  onClose(code: number, reason: string, planned: boolean): void {
    handler.setConnected(false, monoNs());
    pendingSnapshot.clear();
    rt.log(planned ? 'info' : 'warn', 'disconnected', { code, reason, planned });
  },
  onError(err: Error): void {
    rt.log('warn', 'websocket error', { err: err.message });
  },
});

function snapshotCounters(): Record<string, number> {
  let gaps = 0;
  let applied = 0;
  for (const b of books) { gaps += b.gaps; applied += b.applied; }
  // Bad frames by reason, e.g. bad_truncated, bad_unknown_symbol (only the reasons seen).
  const bad: Record<string, number> = {};
  handler.badByCode.forEach((n, code) => { if (n > 0) bad[`bad_${(ERR_NAMES[code] ?? String(code)).replace(/[^a-z0-9]+/g, '_')}`] = n; });
  return flatCounters(handler.counters, conn.counters, counters, bad, {
    connected: conn.connected ? 1 : 0, books: books.length, usable_books: handler.usableCount(), sync_gaps: gaps, sync_applied: applied,
  });
}

const staleNs = d.staleFeedMs * 1e6;
const timer = setInterval(() => {
  handler.checkStale(monoNs(), staleNs);
  rt.tick(snapshotCounters);
  if (Atomics.load(control, CONTROL_STOP) !== 0) stop();
}, Math.max(50, Math.min(250, d.staleFeedMs / 4)));

const batchTimer = batcher !== null ? setInterval(() => batcher.flush(), DEFAULT_BATCH_EVERY_MS) : null;

let stopped = false;
function stop(): void {
  if (stopped) return;
  stopped = true;
  clearInterval(timer);
  conn.stop();
  if (batchTimer !== null) clearInterval(batchTimer);
  batcher?.flush(); // before 'closed': the supervisor has every frame once it hears that
  handler.setConnected(false, monoNs());
  rt.close(snapshotCounters());
  parentPort!.close();
}
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'stop') stop();
  else if (m.type === 'record-buffer') batcher?.recycle((m as RecordBufferMessage).buf);
});

rt.post({ type: 'ready', actor: d.actor });
conn.start();
