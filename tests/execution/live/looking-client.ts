/**
 * Test double: a venue order client whose every task (place, or resolve of an unknown order)
 * waits until the test ends it, so a test decides when and how each order is answered.
 */
import { newClientCounters, type LiveOrder, type UpdateListener, type VenueOrderClient } from '../../../src/execution/live/order-types.js';

export class LookingClient implements VenueOrderClient {
  readonly counters = newClientCounters();
  readonly tasks: Array<{ kind: 'place' | 'resolve'; order: LiveOrder; listener: UpdateListener; done: () => void }> = [];
  constructor(readonly venue: number) {}
  backoffUntilMs(): number { return 0; }
  place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    return new Promise((done) => this.tasks.push({ kind: 'place', order, listener, done }));
  }
  resolve(order: LiveOrder, listener: UpdateListener): Promise<void> {
    return new Promise((done) => this.tasks.push({ kind: 'resolve', order, listener, done }));
  }
}
