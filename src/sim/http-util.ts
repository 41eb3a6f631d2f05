/** Small helpers for the simulator's uWebSockets.js HTTP routes. */
import type { HttpResponse } from 'uWebSockets.js';

/**
 * Sends a JSON response. By default the connection closes after it: REST here serves snapshots
 * and metadata, so the extra handshake is acceptable. (Order entry keeps connections alive:
 * order-entry.ts sendKeepAlive; the simulator's stop() closes them with app.close().)
 */
export function sendJson(res: HttpResponse, status: string, body: string, closeAfter = true): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('Content-Type', 'application/json;charset=UTF-8').end(body, closeAfter);
  });
}

/**
 * Reads a request body of at most `maxBytes`, then calls `done` with it (or null if the
 * client went away or sent too much). uWS chunks die when the callback returns, so each is
 * copied at once.
 */
export function readBody(res: HttpResponse, maxBytes: number, done: (body: string | null) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  let finished = false;
  res.onAborted(() => {
    finished = true;
  });
  res.onData((chunk, isLast) => {
    if (finished) return;
    size += chunk.byteLength;
    if (size > maxBytes) {
      finished = true;
      done(null);
      return;
    }
    parts.push(Buffer.from(new Uint8Array(chunk.slice(0))));
    if (isLast) {
      finished = true;
      done(Buffer.concat(parts).toString('utf8'));
    }
  });
}

/** A simulated clock: ms since the simulator started, and the wall-clock epoch it maps to. */
export interface SimClock {
  /** Simulated ms since start. */
  now(): number;
  /** Wall-clock epoch ms at simulated time 0. */
  readonly epochMs: number;
  /**
   * How far the venues' server clock (request timestamp checks, server-time endpoints) is off
   * the wall clock, ms; set by the `clock_skew` fault. Market data times are not moved.
   */
  skewMs?: number;
}
