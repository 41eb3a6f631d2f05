/**
 * A consumer's doorbell: the futex word a parked consumer sleeps on, rung by its producers.
 *
 * One doorbell per consumer thread (not per ring): the strategy worker polls several rings
 * and must wake when any of them gets a record.
 *
 * Layout (int32, each on its own 128-byte block):
 *   [0]  SLEEPING  1 while the consumer is parked or about to park
 *   [32] EPOCH     bumped by a producer that finds SLEEPING set; the futex word
 *   [64] RINGS     how many times the bell was rung (wake-ups sent), for monitoring
 *
 * Lost-wake-up freedom (Dekker): the consumer stores SLEEPING=1, then re-checks its rings,
 * then waits on EPOCH; a producer stores WRITE, then loads SLEEPING. With sequentially
 * consistent atomics on both sides, either the producer sees SLEEPING=1 and bumps EPOCH (so
 * the wait returns at once), or the consumer's re-check sees the record.
 *
 * Producers call `ring()` after every publish; when the consumer is awake this is one
 * Atomics.load (~7 ns), and Atomics.notify (~27 ns even without waiters) is skipped.
 */
/** ES2024 Atomics.waitAsync (Node ≥ 16), absent from this project's TypeScript lib. */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

const SLEEPING = 0;
const EPOCH = 32;
const RINGS = 64;
export const DOORBELL_BYTES = 4 * 96;

export class Doorbell {
  readonly sab: SharedArrayBuffer;
  private readonly words: Int32Array;

  constructor(sab: SharedArrayBuffer = new SharedArrayBuffer(DOORBELL_BYTES)) {
    this.sab = sab;
    this.words = new Int32Array(sab);
  }

  /** Producer side: wake the consumer if it is parked. */
  ring(): void {
    if (Atomics.load(this.words, SLEEPING) !== 0) {
      Atomics.add(this.words, EPOCH, 1);
      Atomics.add(this.words, RINGS, 1);
      Atomics.notify(this.words, EPOCH);
    }
  }

  /** Consumer side, step 1: announce the intent to sleep; returns the epoch to wait on. */
  prepareToPark(): number {
    Atomics.store(this.words, SLEEPING, 1);
    return Atomics.load(this.words, EPOCH);
  }

  /** Consumer side, step 2 (after re-checking for work): sleep until rung or timeout. */
  park(epoch: number, timeoutMs: number): void {
    Atomics.wait(this.words, EPOCH, epoch, timeoutMs);
    Atomics.store(this.words, SLEEPING, 0);
  }

  /**
   * Consumer side, step 2 for an event-loop-driven thread (the live executor, whose sockets
   * need the loop): resolves when rung or after `timeoutMs`, without blocking the thread.
   * Returns null when the epoch already moved (rung between prepareToPark and here): do not
   * wait. The caller clears SLEEPING with cancelPark() when it wakes. Node 20: a pending
   * waitAsync does not keep a worker alive; the caller must hold its event loop otherwise.
   */
  parkAsync(epoch: number, timeoutMs: number): Promise<unknown> | null {
    const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.words, EPOCH, epoch, timeoutMs);
    return r.async ? r.value : null;
  }

  /** Consumer side: found work after prepareToPark, stay awake. */
  cancelPark(): void {
    Atomics.store(this.words, SLEEPING, 0);
  }

  /** Wake a parked consumer regardless (shutdown, control messages). */
  wake(): void {
    Atomics.add(this.words, EPOCH, 1);
    Atomics.notify(this.words, EPOCH);
  }

  wakeUps(): number {
    return Atomics.load(this.words, RINGS) >>> 0;
  }
}
