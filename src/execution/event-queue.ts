/**
 * A time-ordered queue of scheduled events for the pure schedulers (dry-run executor,
 * backtest): a binary min-heap over (dueNs, insertion order), preallocated. Events due at the
 * same time come out in the order they were scheduled, so a run is deterministic.
 *
 * The queue hands out event ids (0..capacity-1); the owner keeps each event's payload in its
 * own arrays indexed by id and frees the id once it has handled the event.
 */
export class EventQueue {
  readonly capacity: number;
  private readonly due: Float64Array;
  private readonly order: Float64Array;
  /** heap[k] = event id */
  private readonly heap: Int32Array;
  private size = 0;
  private readonly free: Int32Array;
  private freeTop: number;
  private seq = 0;
  /** push() calls refused because the queue was full. */
  overflows = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event queue capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.due = new Float64Array(capacity);
    this.order = new Float64Array(capacity);
    this.heap = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get length(): number {
    return this.size;
  }

  /** Schedules an event; returns its id, or -1 when full (counted). */
  push(dueNs: number): number {
    if (this.freeTop === 0) {
      this.overflows++;
      return -1;
    }
    const id = this.free[--this.freeTop]!;
    this.due[id] = dueNs;
    this.order[id] = this.seq++;
    let k = this.size++;
    const h = this.heap;
    while (k > 0) {
      const p = (k - 1) >> 1;
      const pid = h[p]!;
      if (!this.before(id, pid)) break;
      h[k] = pid;
      k = p;
    }
    h[k] = id;
    return id;
  }

  /** Due time of the earliest event, Infinity when empty. */
  peekDue(): number {
    return this.size === 0 ? Infinity : this.due[this.heap[0]!]!;
  }

  dueOf(id: number): number {
    return this.due[id]!;
  }

  /** Removes and returns the earliest event's id (-1 when empty). Free it with release(). */
  pop(): number {
    if (this.size === 0) return -1;
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.size]!;
    const n = this.size;
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.before(h[r]!, h[l]!)) c = r;
      if (!this.before(h[c]!, last)) break;
      h[k] = h[c]!;
      k = c;
    }
    if (n > 0) h[k] = last;
    return top;
  }

  release(id: number): void {
    this.free[this.freeTop++] = id;
  }

  private before(a: number, b: number): boolean {
    const da = this.due[a]!;
    const db = this.due[b]!;
    return da < db || (da === db && this.order[a]! < this.order[b]!);
  }
}
