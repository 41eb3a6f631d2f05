/**
 * The live executor's duty cycle: drain order intents into the LiveExecutor (which sends them
 * concurrently and reports from its HTTP callbacks) and expire orders past their deadline.
 * Unlike the dry-run agent it never parks the thread: the worker's event loop must stay free
 * for the HTTP answers, so the worker calls doWork() from a timer/setImmediate loop.
 */
import { RingConsumer, type RecordHandler } from '../core/ring.js';
import { monoNs } from '../core/clock.js';
import { H_PUB_NS, H_RECV_NS } from '../core/records.js';
import { HOP_INTENT_TO_SENT, HOP_TICK_TO_ORDER, type HopRecorders } from '../core/histogram.js';
import type { LiveExecutor } from '../execution/live/live-executor.js';

export class LiveExecutorAgent implements RecordHandler {
  private nowNs = 0;
  /** Called when a cycle found no intent (the worker flushes its journal queue there). */
  onIdle: (() => void) | null = null;

  constructor(private readonly intents: RingConsumer, private readonly exec: LiveExecutor, private readonly hist: HopRecorders) {}

  /** Intents handled this cycle. */
  doWork(): number {
    let work = 0;
    if (this.intents.available() > 0) {
      this.nowNs = monoNs();
      work = this.intents.drain(this, 64);
    }
    if (this.exec.tracker.liveCount > 0) this.exec.expireDue(monoNs());
    if (work === 0 && this.onIdle !== null) this.onIdle();
    return work;
  }

  onRecord(d: Float64Array, o: number): void {
    const now = this.nowNs;
    this.hist.record(HOP_INTENT_TO_SENT, now - d[o + H_PUB_NS]!);
    const tick = d[o + H_RECV_NS]!;
    if (tick > 0) this.hist.record(HOP_TICK_TO_ORDER, now - tick);
    this.exec.onIntent(d, o, now);
  }
}
