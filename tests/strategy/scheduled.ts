/**
 * Simulated time for the model venues of the property tests: callbacks due at a time, run in
 * time order (ties in the order they were scheduled), with a hook after each (the strategy's
 * timer). Subclasses read `now`.
 */
interface Pending {
  due: number;
  seq: number;
  run: () => void;
}

export abstract class Scheduled {
  now = 0;
  private queue: Pending[] = [];
  private seq = 0;

  /** Called after each callback and at the end of advance() (the strategy's onTimer). */
  protected abstract tick(): void;

  protected at(due: number, run: () => void): void {
    const p = { due, seq: this.seq++, run };
    const q = this.queue;
    let i = q.length;
    while (i > 0 && (q[i - 1]!.due > due || (q[i - 1]!.due === due && q[i - 1]!.seq > p.seq))) i--;
    q.splice(i, 0, p);
  }

  /** Runs everything due by `t` in time order, with tick() after each step. */
  advance(t: number): void {
    while (this.queue.length > 0 && this.queue[0]!.due <= t) {
      const p = this.queue.shift()!;
      if (p.due > this.now) this.now = p.due;
      p.run();
      this.tick();
    }
    if (t > this.now) this.now = t;
    this.tick();
  }

  get idle(): boolean {
    return this.queue.length === 0;
  }
}
