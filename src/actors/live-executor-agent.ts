/**
 * The live executor's duty cycle: drain order intents into the LiveExecutor (which writes each
 * request to its socket before returning and reports from its socket callbacks) and expire
 * orders past their deadline. It never parks the thread: the worker's event loop must stay
 * free for the venues' answers, so LiveExecutorLoop (live-executor-loop.ts) spins or parks
 * asynchronously on the intent ring's doorbell between cycles.
 *
 * Hops recorded per intent: intent_to_sent and tick_to_order at the read, intent_to_wire and
 * tick_to_wire when the client returns (the request's bytes are in the socket by then).
 */
import { RingConsumer, type RecordHandler } from '../core/ring.js';
import { monoNs } from '../core/clock.js';
import { H_PUB_NS, H_RECV_NS } from '../core/records.js';
import {
  HOP_INTENT_TO_SENT, HOP_INTENT_TO_WIRE, HOP_TICK_TO_ORDER, HOP_TICK_TO_WIRE, type HopRecorders,
} from '../core/histogram.js';
import type { LiveExecutor } from '../execution/live/live-executor.js';

/** Idle cycles between expiry checks while orders are live (a clock read allocates in Node 20). */
const EXPIRE_EVERY = 256;

export class LiveExecutorAgent implements RecordHandler {
  private idle = 0;
  /** Called when a cycle found no intent (the worker flushes its journal queue there). */
  onIdle: (() => void) | null = null;

  constructor(readonly intents: RingConsumer, private readonly exec: LiveExecutor, private readonly hist: HopRecorders) {}

  /** Intents handled this cycle. */
  doWork(): number {
    let work = 0;
    if (this.intents.available() > 0) work = this.intents.drain(this, 64);
    if (this.exec.tracker.liveCount > 0 && (work > 0 || ++this.idle >= EXPIRE_EVERY)) {
      this.idle = 0;
      this.exec.expireDue(monoNs());
    }
    if (work === 0 && this.onIdle !== null) this.onIdle();
    return work;
  }

  /** Live orders whose deadline the loop must not sleep past. */
  hasLiveOrders(): boolean {
    return this.exec.tracker.liveCount > 0;
  }

  onRecord(d: Float64Array, o: number): void {
    // The clock is read per intent, not per drain: the second leg of a pair is timed at its own read.
    const now = monoNs();
    this.hist.record(HOP_INTENT_TO_SENT, now - d[o + H_PUB_NS]!);
    const tick = d[o + H_RECV_NS]!;
    if (tick > 0) this.hist.record(HOP_TICK_TO_ORDER, now - tick);
    const wire = this.exec.onIntent(d, o, now);
    if (wire > 0) {
      this.hist.record(HOP_INTENT_TO_WIRE, wire - now);
      if (tick > 0) this.hist.record(HOP_TICK_TO_WIRE, wire - tick);
    }
  }
}
