/**
 * How the live executor thread waits for intents without a timer and without blocking its
 * event loop (which carries the venues' sockets):
 *
 *   run a duty cycle; while cycles find work, keep going;
 *   idle: spin (poll the ring again) up to the wait strategy's budget, handing the event loop a
 *         turn (setImmediate) every SPIN_SLICE polls so answers and pings are read;
 *   then park: prepareToPark(), re-check the ring, and Atomics.waitAsync on the doorbell's futex
 *         word; the strategy's Atomics.notify after it publishes an intent resolves the wait
 *         (~13 µs on the development VM) and the next cycle runs at once.
 *
 * The park carries a timeout only as a bound for housekeeping (order deadlines while orders
 * are live, stats once a second, the stop flag): an intent never waits for it. Node 20: a
 * pending waitAsync does not keep a worker alive, so the worker holds its loop with a
 * parentPort 'message' listener (which also wakes the loop on 'stop').
 */
import type { Doorbell } from '../core/doorbell.js';
import { spinBudget, type WaitStrategyConfig } from '../core/wait-strategy.js';

/** Idle polls between event-loop turns while spinning. */
const SPIN_SLICE = 2048;
/** Busy cycles in a row before the event loop gets a turn (answers must not starve). */
const BUSY_SLICE = 64;
/** Park bound while orders are live: expiry is checked at least this often. */
const PARK_LIVE_MS = 5;
/** Park bound otherwise: stats, journal and the stop flag. */
const PARK_IDLE_MS = 1000;

export interface LoopAgent {
  doWork(): number;
  hasLiveOrders(): boolean;
}

export class LiveExecutorLoop {
  private idle = 0;
  private readonly spin: number;
  private stopped = false;
  private readonly cycleBound = (): void => this.cycle();
  private readonly wakeBound = (how: unknown): void => this.onWake(how);
  parks = 0;
  /** Parks ended by a producer's notify (an intent, or a stop poke). */
  wakeUps = 0;
  /** Parks ended by their housekeeping bound. */
  parkTimeouts = 0;

  constructor(
    private readonly agent: LoopAgent,
    private readonly bell: Doorbell,
    wait: WaitStrategyConfig,
    /** Between slices: stats, journal flush; returns false to stop the loop. */
    private readonly between: () => boolean,
    private readonly pending: () => boolean,
  ) {
    this.spin = spinBudget(wait);
  }

  start(): void {
    this.cycle();
  }

  /** Wakes a parked loop (stop requests). */
  poke(): void {
    this.bell.wake();
  }

  private cycle(): void {
    if (this.stopped) return;
    const agent = this.agent;
    let polls = 0;
    let busy = 0;
    for (;;) {
      if (agent.doWork() > 0) {
        this.idle = 0;
        if (++busy >= BUSY_SLICE) break;
      } else if (++this.idle > this.spin || ++polls >= SPIN_SLICE) break;
    }
    if (!this.between()) {
      this.stopped = true;
      return;
    }
    if (this.idle <= this.spin) {
      setImmediate(this.cycleBound);
      return;
    }
    this.idle = 0;
    const epoch = this.bell.prepareToPark();
    if (this.pending()) {
      this.bell.cancelPark();
      setImmediate(this.cycleBound);
      return;
    }
    const wait = this.bell.parkAsync(epoch, this.agent.hasLiveOrders() ? PARK_LIVE_MS : PARK_IDLE_MS);
    this.parks++;
    if (wait === null) {
      this.bell.cancelPark();
      setImmediate(this.cycleBound);
      return;
    }
    void wait.then(this.wakeBound);
  }

  private onWake(how: unknown): void {
    this.bell.cancelPark();
    if (how === 'timed-out') this.parkTimeouts++;
    else this.wakeUps++;
    this.cycle();
  }
}
