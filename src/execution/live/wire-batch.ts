/**
 * Holds the WebSocket order writes of one executor step so they go out back to back.
 *
 * The strategy publishes both legs of a pair at once. Written one by one, the second leg waits
 * for everything the first costs after its read (checks, journal line, request text, HMAC,
 * frame, write syscall): ~0.1–0.5 ms on a cold path. Held, every leg of the step is checked,
 * journaled, built and signed first, then `release()` writes the frames in a tight loop, so the
 * legs are on the wire a frame write (~10–30 µs) apart (`npm run bench -- order-path`).
 *
 * One batch per thread (module state: each worker has its own), used only inside one
 * synchronous executor step (LiveExecutor.onIntents): nothing else can send in between.
 * Allocation-free once warm: the queues are reused.
 */
import type WebSocket from 'ws';

export class WireBatch {
  private held = false;
  private readonly sockets: WebSocket[] = [];
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

  /** Queues a frame for `ws`; returns its index in this batch. */
  add(ws: WebSocket, text: string): number {
    const i = this.count++;
    this.sockets[i] = ws;
    this.texts[i] = text;
    return i;
  }

  /**
   * Writes every queued frame in order and stops holding; `wires[i]` gets the clock right after
   * frame i was handed to its socket (`ws` writes synchronously: permessage-deflate is off).
   */
  release(clock: () => number, wires: Float64Array): void {
    this.held = false;
    const n = this.count;
    const sockets = this.sockets;
    const texts = this.texts;
    for (let i = 0; i < n; i++) {
      sockets[i]!.send(texts[i]!);
      wires[i] = clock();
    }
    for (let i = 0; i < n; i++) texts[i] = '';
    this.count = 0;
  }
}

/** This thread's batch (the live executor's; sessions on other threads never see it held). */
export const wireBatch = new WireBatch();
