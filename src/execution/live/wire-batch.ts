/**
 * Holds the WebSocket order writes of one executor step so they go out back to back.
 *
 * The strategy publishes both legs of a pair at once. Written one by one, the second leg waits
 * for everything the first costs after its read (checks, journal line, request text, HMAC,
 * frame, write syscall): ~0.1–0.5 ms on a cold path. Held, every leg of the step is checked,
 * journaled, built and signed first, and its frame made whole (ws-frame.ts: header, mask,
 * payload in one Buffer) when it is queued; then `release()` writes the frames in a tight
 * loop, one `socket.write` each, so between two legs there is only the second's write (the
 * `leg_gap` hop: ~25–35 µs p50 on the shared 2-core VM, where `ws.send`'s framing, cork and
 * writev made it ~35–65 µs).
 *
 * The frame goes straight to the connection's socket (WsSession keeps it from the `upgrade`
 * event), bypassing `ws`'s sender, whose only state with permessage-deflate off is the socket
 * itself; a frame queued without a socket, or whose connection is no longer open at release,
 * goes through `ws.send` instead.
 *
 * One batch per thread (module state: each worker has its own), used only inside one
 * synchronous executor step (LiveExecutor.onIntents): nothing else can send in between.
 * The queues are reused; each frame is one Buffer (as `ws.send` allocates its own).
 */
import WebSocket from 'ws';
import type { Writable } from 'node:stream';
import { maskedTextFrame } from './ws-frame.js';

export class WireBatch {
  private held = false;
  private readonly sockets: WebSocket[] = [];
  private readonly raws: (Writable | null)[] = [];
  private readonly frames: (Buffer | null)[] = [];
  private readonly texts: string[] = [];
  /** Frames queued since hold(). */
  count = 0;

  get holding(): boolean {
    return this.held;
  }

  hold(): void {
    this.held = true;
    this.count = 0;
  }

  /**
   * Queues a frame for `ws` and, with its connection's `socket`, builds it now; returns its
   * index in this batch.
   */
  add(ws: WebSocket, text: string, socket: Writable | null = null): number {
    const i = this.count++;
    this.sockets[i] = ws;
    this.texts[i] = text;
    this.raws[i] = socket;
    this.frames[i] = socket === null ? null : maskedTextFrame(text);
    return i;
  }

  /**
   * Writes every queued frame in order and stops holding; `wires[i]` gets the clock right after
   * frame i was handed to its socket (both `socket.write` and `ws.send` write synchronously:
   * permessage-deflate is off).
   */
  release(clock: () => number, wires: Float64Array): void {
    this.held = false;
    const n = this.count;
    const sockets = this.sockets;
    const raws = this.raws;
    const frames = this.frames;
    for (let i = 0; i < n; i++) {
      const f = frames[i];
      if (f != null && sockets[i]!.readyState === WebSocket.OPEN) raws[i]!.write(f);
      else sockets[i]!.send(this.texts[i]!);
      wires[i] = clock();
    }
    for (let i = 0; i < n; i++) {
      this.texts[i] = '';
      frames[i] = null;
      raws[i] = null;
    }
    this.count = 0;
  }
}

/**
 * Writes one text frame on `ws` outside a batch the way a released batch does: built whole
 * and written to the connection's `socket` (or by `ws.send` without one, or once the
 * connection is no longer open). The order sessions' unbatched sends and the send-path warmer
 * use it, so they keep the batch's write code warm.
 */
export function writeText(ws: WebSocket, text: string, socket: Writable | null): void {
  if (socket !== null && ws.readyState === WebSocket.OPEN) socket.write(maskedTextFrame(text));
  else ws.send(text);
}

/** This thread's batch (the live executor's; sessions on other threads never see it held). */
export const wireBatch = new WireBatch();
