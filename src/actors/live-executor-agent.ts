/**
 * The live executor's duty cycle: drain order intents into the LiveExecutor (which writes each
 * request to its socket before returning and reports from its socket callbacks) and expire
 * orders past their deadline. It never parks the thread: the worker's event loop must stay
 * free for the venues' answers, so LiveExecutorLoop (live-executor-loop.ts) spins or parks
 * asynchronously on the intent ring's doorbell between cycles.
 *
 * The intents one drain finds (both legs of a pair: the strategy publishes them together) are
 * copied out and handed to LiveExecutor.onIntents as one step: all checked, journaled, built
 * and signed, then their WebSocket frames written back to back, so the legs leave together.
 *
 * Hops recorded per intent: intent_to_sent and tick_to_order at the read, intent_to_wire and
 * tick_to_wire at its frame's write (the request's bytes are in the socket by then); per pair
 * whose two legs both left in the step, leg_gap: the second leg's wire time minus the first's
 * (recorded after every frame of the step is written, like the others).
 */
import { RingConsumer, type RecordHandler } from '../core/ring.js';
import { monoNs } from '../core/clock.js';
import { H_PUB_NS, H_RECV_NS, INTENT_WORDS, I_PAIR_ID, I_ROLE } from '../core/records.js';
import { LegGapMeter } from './leg-gap-meter.js';
import {
  HOP_INTENT_TO_SENT, HOP_INTENT_TO_WIRE, HOP_TICK_TO_ORDER, HOP_TICK_TO_WIRE, type HopRecorders,
} from '../core/histogram.js';
import { MAX_STEP_INTENTS, type LiveExecutor } from '../execution/live/live-executor.js';
import type { OrderPathWarmer } from '../execution/live/warmup-live.js';
import type { SendPathWarmer } from '../execution/live/send-path-warmer.js';

/** Idle cycles between expiry checks while orders are live (a clock read allocates in Node 20). */
const EXPIRE_EVERY = 256;
/**
 * While idle, the order path is run on a synthetic pair this often by default (keepWarm;
 * `execution.live.keep_warm_us`): ~20 µs of work per ms, ~2 % of a core. Without it a
 * dislocation every few hundred ms finds the path's code and data evicted by everything else
 * the machine ran meanwhile (docs/latency.md).
 */
export const KEEP_WARM_NS = 1e6;
/** Idle cycles between two looks at the clock for keepWarm (a clock read allocates in Node 20). */
const WARM_CHECK_EVERY = 256;

export class LiveExecutorAgent implements RecordHandler {
  private idle = 0;
  /** Called when a cycle found no intent (the worker flushes its journal queue there). */
  onIdle: (() => void) | null = null;
  /** The intents of this step, copied out of the ring (MAX_STEP_INTENTS records of INTENT_WORDS). */
  private readonly staged = new Float64Array(MAX_STEP_INTENTS * INTENT_WORDS);
  /** Per staged intent: when it was read, and when its request was on the wire (0 = not sent). */
  private readonly readNs = new Float64Array(MAX_STEP_INTENTS);
  private readonly wires = new Float64Array(MAX_STEP_INTENTS);
  private n = 0;
  /** Runs a synthetic pair through a throwaway executor while idle (null: no keep-warm). */
  warmer: OrderPathWarmer | null = null;
  /** Writes one frame on a private loopback connection per keep-warm pass (null: none). */
  sendWarmer: SendPathWarmer | null = null;
  /** Least time between two keep-warm passes (ns). */
  keepWarmNs = KEEP_WARM_NS;
  private nextWarmNs = 0;
  private warmPolls = WARM_CHECK_EVERY - 1;
  /** Idle keep-warm passes run. */
  warmPasses = 0;

  /** leg_gap: a pair's legs as they go out, matched across steps. */
  private readonly legGap: LegGapMeter;

  constructor(readonly intents: RingConsumer, private readonly exec: LiveExecutor, private readonly hist: HopRecorders) {
    this.legGap = new LegGapMeter(hist);
  }

  /** Intents handled this cycle. */
  doWork(): number {
    let work = 0;
    if (this.intents.available() > 0) {
      this.n = 0;
      work = this.intents.drain(this, MAX_STEP_INTENTS);
      this.send();
    }
    if (this.exec.tracker.liveCount > 0 && (work > 0 || ++this.idle >= EXPIRE_EVERY)) {
      this.idle = 0;
      this.exec.expireDue(monoNs());
    }
    if (work === 0) {
      this.exec.reserveAhead();
      if (this.onIdle !== null) this.onIdle();
      if (this.warmer !== null) this.keepWarm();
    }
    return work;
  }

  /**
   * At most once per KEEP_WARM_NS (the clock looked at every WARM_CHECK_EVERY idle cycles): a
   * synthetic pair through the throwaway executor (admission, pair checks, tracker, decimal
   * formatting), one request built and signed per venue session, nothing sent to a venue, and
   * one frame written on the send-path warmer's private connection; the real executor's state
   * is not touched.
   */
  private keepWarm(): void {
    if (++this.warmPolls < WARM_CHECK_EVERY) return;
    this.warmPolls = 0;
    const now = monoNs();
    if (now < this.nextWarmNs) return;
    this.nextWarmNs = now + this.keepWarmNs;
    this.warmPasses++;
    this.warmer!.pair();
    this.exec.keepWarm();
    if (this.sendWarmer !== null) this.sendWarmer.send();
  }

  /** Live orders whose deadline the loop must not sleep past. */
  hasLiveOrders(): boolean {
    return this.exec.tracker.liveCount > 0;
  }

  onRecord(d: Float64Array, o: number): void {
    // The clock is read per intent, not per drain: the second leg of a pair is timed at its own read.
    const now = monoNs();
    const i = this.n++;
    this.readNs[i] = now;
    const staged = this.staged;
    const base = i * INTENT_WORDS;
    for (let w = 0; w < INTENT_WORDS; w++) staged[base + w] = d[o + w]!;
    this.hist.record(HOP_INTENT_TO_SENT, now - d[o + H_PUB_NS]!);
    const tick = d[o + H_RECV_NS]!;
    if (tick > 0) this.hist.record(HOP_TICK_TO_ORDER, now - tick);
  }

  /** Every intent of the step checked, journaled and signed, then their requests written back to back. */
  private send(): void {
    const n = this.n;
    if (n === 0) return;
    const rec = this.staged;
    const wires = this.wires;
    this.exec.onIntents(rec, n, this.readNs[0]!, wires);
    for (let i = 0; i < n; i++) {
      const wire = wires[i]!;
      if (wire <= 0) continue;
      this.hist.record(HOP_INTENT_TO_WIRE, wire - this.readNs[i]!);
      const tick = rec[i * INTENT_WORDS + H_RECV_NS]!;
      if (tick > 0) this.hist.record(HOP_TICK_TO_WIRE, wire - tick);
    }
    for (let i = 0; i < n; i++) this.legGap.leg(rec[i * INTENT_WORDS + I_PAIR_ID]!, rec[i * INTENT_WORDS + I_ROLE]!, wires[i]!);
    this.n = 0;
  }
}
