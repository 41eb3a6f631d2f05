/**
 * Actors are duty cycles in the manner of Agrona's agents: `doWork()` returns how many records
 * it handled (0 = idle) and the runner applies the wait strategy between idle cycles. The thread
 * wiring stays outside, so an agent can be tested without threads and the backtest can call
 * the same logic directly.
 */
import { Doorbell } from './doorbell.js';
import { spinBudget, type WaitStrategyConfig } from './wait-strategy.js';

export interface Agent {
  onStart(): void;
  doWork(): number;
  onClose(): void;
  /**
   * Optional: the longest the agent may park right now, in ms (e.g. until its next timer is
   * due). The runner parks for the smaller of this and the wait strategy's park timeout.
   */
  maxParkMs?(): number;
}

/**
 * Several agents on one thread (Agrona's CompositeAgent): each duty cycle runs every agent
 * once. Used when cores are scarcer than actors: one hand-off between threads (a parked
 * consumer's wake-up, tens of µs on a VM) becomes a ring read on the same thread.
 */
export class CompositeAgent implements Agent {
  private readonly agents: Agent[];
  constructor(agents: Agent[]) {
    this.agents = agents;
  }
  onStart(): void {
    for (const a of this.agents) a.onStart();
  }
  doWork(): number {
    const agents = this.agents;
    let work = 0;
    for (let i = 0; i < agents.length; i++) work += agents[i]!.doWork();
    return work;
  }
  onClose(): void {
    for (const a of this.agents) a.onClose();
  }
  maxParkMs(): number {
    let ms = Infinity;
    for (const a of this.agents) if (a.maxParkMs !== undefined) ms = Math.min(ms, a.maxParkMs());
    return ms;
  }
}

/** Shared control words of one actor thread (SharedArrayBuffer, written by the supervisor). */
export const CONTROL_STOP = 0;
export const CONTROL_HEARTBEAT = 32; // bumped by the runner, watched by the supervisor
export const CONTROL_BYTES = 4 * 64;
/** Duty cycles between checks of the slice deadline and stop flag (a power of two). */
const CHECK_EVERY = 16384;

export class AgentRunner {
  private readonly agent: Agent;
  private readonly bell: Doorbell;
  private readonly control: Int32Array;
  private readonly spinPolls: number;
  private readonly parkTimeoutMs: number;
  private idlePolls = 0;
  /** Times the runner parked, and times a park was cancelled by work found on the re-check. */
  parks = 0;
  cancelledParks = 0;
  started = false;

  constructor(agent: Agent, wait: WaitStrategyConfig, bell: Doorbell, control: SharedArrayBuffer) {
    this.agent = agent;
    this.bell = bell;
    this.control = new Int32Array(control);
    this.spinPolls = spinBudget(wait);
    this.parkTimeoutMs = wait.parkTimeoutMs;
  }

  stopRequested(): boolean {
    return Atomics.load(this.control, CONTROL_STOP) !== 0;
  }

  /**
   * Runs duty cycles for about `sliceMs`, then returns so the thread's event loop can run
   * (timers, messages). Returns false once a stop was requested (after `onClose`).
   * The clock is read once per 16384 cycles (~0.3 ms of idle polling) and after each park,
   * never per idle poll: every performance.now() call allocates in Node 20.
   */
  runSlice(sliceMs: number): boolean {
    if (!this.started) {
      this.started = true;
      this.agent.onStart();
    }
    const agent = this.agent;
    const end = performance.now() + sliceMs;
    let cycles = 0;
    for (;;) {
      if (agent.doWork() > 0) {
        this.idlePolls = 0;
      } else if (++this.idlePolls > this.spinPolls) {
        this.idlePolls = 0;
        const epoch = this.bell.prepareToPark();
        if (agent.doWork() > 0 || this.stopRequested()) {
          this.bell.cancelPark();
          this.cancelledParks++;
        } else {
          const limit = agent.maxParkMs === undefined ? this.parkTimeoutMs : Math.min(this.parkTimeoutMs, agent.maxParkMs());
          if (limit > 0) this.bell.park(epoch, limit);
          else this.bell.cancelPark();
          this.parks++;
          cycles = CHECK_EVERY - 1; // check the time and the stop flag right after a park
        }
      }
      if ((++cycles & (CHECK_EVERY - 1)) === 0) {
        Atomics.add(this.control, CONTROL_HEARTBEAT, 1);
        if (this.stopRequested()) {
          this.agent.onClose();
          return false;
        }
        if (performance.now() >= end) return true;
      }
    }
  }
}

/** Supervisor side of the control words. */
export class AgentControl {
  readonly sab: SharedArrayBuffer;
  private readonly words: Int32Array;
  constructor(sab: SharedArrayBuffer = new SharedArrayBuffer(CONTROL_BYTES)) {
    this.sab = sab;
    this.words = new Int32Array(sab);
  }
  requestStop(): void {
    Atomics.store(this.words, CONTROL_STOP, 1);
  }
  heartbeat(): number {
    return Atomics.load(this.words, CONTROL_HEARTBEAT);
  }
}
