/**
 * FeedConnection's silent-feed watchdog, against a local WebSocket server on loopback: a
 * connection that delivers frames is left alone; one that goes quiet with its socket open is
 * dropped and reconnected (resubscribing), with onSilent and the silentReconnects counter.
 */
import t from 'tap';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { FeedConnection } from '../../src/venues/feed-connection.js';
import { Worker } from 'node:worker_threads';

async function server(): Promise<{ wss: WebSocketServer; url: string; sockets: ServerSocket[]; subscribes: string[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const sockets: ServerSocket[] = [];
  const subscribes: string[] = [];
  wss.on('connection', (s) => {
    sockets.push(s);
    s.on('message', (m) => subscribes.push(m.toString()));
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, sockets, subscribes };
}

const waitFor = async (cond: () => boolean, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
};

function connection(url: string, silentMs: number, seen: { frames: number; silent: number[]; opens: number; closes: boolean[] }): FeedConnection {
  return new FeedConnection(
    { url, subscribeMessages: () => ['{"op":"subscribe"}'], heartbeatMessage: null, heartbeatIntervalMs: 20_000,
      reconnectMinMs: 10, reconnectMaxMs: 50, maxConnectionAgeMs: 3600_000, random: () => 0.5, silentReconnectMs: silentMs },
    {
      onOpen: () => { seen.opens++; },
      onFrame: () => { seen.frames++; },
      onClose: (_c, _r, planned) => { seen.closes.push(planned); },
      onError: () => undefined,
      onSilent: (ms) => { seen.silent.push(ms); },
    },
  );
}

t.test('a quiet socket is reconnected and resubscribed; onSilent and the counter say so', async (t) => {
  const srv = await server();
  const seen = { frames: 0, silent: [] as number[], opens: 0, closes: [] as boolean[] };
  const conn = connection(srv.url, 150, seen);
  try {
    conn.start();
    t.ok(await waitFor(() => srv.sockets.length === 1 && seen.opens === 1, 5000), 'connected');
    srv.sockets[0]!.send('{"a":1}');
    t.ok(await waitFor(() => seen.frames === 1, 5000), 'a frame arrives');
    // The server now says nothing, with the socket open.
    t.ok(await waitFor(() => srv.sockets.length === 2 && seen.opens === 2, 10_000), 'reconnected after the silence');
    // (the new connection is quiet too, so more silent reconnects may follow: at least one)
    t.ok(conn.counters.silentReconnects >= 1, 'counted');
    t.equal(seen.silent.length, conn.counters.silentReconnects, 'onSilent called once per silent reconnect');
    t.ok(seen.silent[0]! >= 150, `silent at least silentReconnectMs (${seen.silent[0]} ms)`);
    t.equal(seen.closes[0], false, 'reported as an unplanned close');
    t.ok(await waitFor(() => srv.subscribes.length >= 2, 5000), 'subscribed again on the new connection');
  } finally {
    conn.stop();
    for (const s of srv.sockets) s.terminate();
    await new Promise<void>((r) => srv.wss.close(() => r()));
  }
});

t.test('a connection that keeps delivering frames is never reconnected for silence', async (t) => {
  const srv = await server();
  const seen = { frames: 0, silent: [] as number[], opens: 0, closes: [] as boolean[] };
  const conn = connection(srv.url, 300, seen);
  try {
    conn.start();
    t.ok(await waitFor(() => srv.sockets.length === 1, 5000), 'connected');
    // 40 frames, one every 25 ms: never a gap near the 300 ms limit.
    for (let i = 0; i < 40; i++) {
      srv.sockets[0]!.send(`{"i":${i}}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    t.ok(await waitFor(() => seen.frames === 40, 5000), 'every frame delivered');
    t.equal(conn.counters.silentReconnects, 0, 'no silent reconnect');
    t.equal(srv.sockets.length, 1, 'still the first connection');
  } finally {
    conn.stop();
    for (const s of srv.sockets) s.terminate();
    await new Promise<void>((r) => srv.wss.close(() => r()));
  }
});

/** A WebSocket server in its own thread that sends a frame every `everyMs`, whatever this thread does. */
async function busyVenue(everyMs: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { WebSocketServer } = require(workerData.ws);
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('listening', () => parentPort.postMessage(wss.address().port));
    wss.on('connection', (s) => { const t = setInterval(() => s.send('{"x":1}'), workerData.everyMs); s.on('close', () => clearInterval(t)); });
    parentPort.on('message', () => { for (const c of wss.clients) c.terminate(); wss.close(() => process.exit(0)); });
  `;
  const { createRequire } = await import('node:module');
  const ws = createRequire(import.meta.url).resolve('ws');
  const w = new Worker(code, { eval: true, workerData: { ws, everyMs } });
  const port = await new Promise<number>((r) => w.once('message', r));
  return {
    url: `ws://127.0.0.1:${port}/`,
    stop: () => new Promise<void>((r) => { w.once('exit', () => r()); w.postMessage('stop'); }),
  };
}

t.test('a stall of this thread (event loop blocked) is not taken for venue silence', async (t) => {
  const venue = await busyVenue(200);
  const seen = { frames: 0, silent: [] as number[], opens: 0, closes: [] as boolean[] };
  const conn = connection(venue.url, 500, seen);
  try {
    conn.start();
    t.ok(await waitFor(() => seen.frames >= 2, 5000), 'frames flowing');
    // Right after a frame, let the watchdog take note of it, then block this thread for far
    // longer than the limit while the venue keeps sending: its frames wait in the socket.
    const n = seen.frames;
    await waitFor(() => seen.frames > n, 5000);
    await new Promise((r) => setTimeout(r, 150));
    const until = Date.now() + 1000;
    while (Date.now() < until) { /* a long GC pause, a starved CPU */ }
    const after = seen.frames;
    t.ok(await waitFor(() => seen.frames > after + 2, 5000), 'the frames that waited are read, and more follow');
    t.equal(conn.counters.silentReconnects, 0, 'no silent reconnect');
    t.equal(seen.opens, 1, 'still the first connection');
  } finally {
    conn.stop();
    await venue.stop();
  }
});
