/**
 * The live executor's wait loop: between intents it parks with Atomics.waitAsync on its
 * doorbell without blocking the event loop, and a producer's ring (what the strategy does after
 * publishing an intent) ends the park: the intent is handled on the notify, not on a timer.
 * Busy-spin never parks and still gives the event loop its turns.
 */
import t from 'tap';
import { Doorbell } from '../../src/core/doorbell.js';
import { LiveExecutorLoop } from '../../src/actors/live-executor-loop.js';

class FakeAgent {
  queued = 0;
  handled = 0;
  live = false;
  doWork(): number {
    const n = this.queued;
    this.handled += n;
    this.queued = 0;
    return n;
  }
  hasLiveOrders(): boolean {
    return this.live;
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

t.test('park: an intent published while parked is handled on the doorbell, not on the park bound', async (t) => {
  const agent = new FakeAgent();
  const bell = new Doorbell();
  let running = true;
  const loop = new LiveExecutorLoop(agent, bell, { name: 'park', spinPolls: 0, parkTimeoutMs: 10 }, () => running, () => agent.queued > 0);
  loop.start();
  await tick();
  t.equal(loop.parks, 1, 'parked once idle');
  let ioTurns = 0;
  for (let i = 0; i < 3; i++) {
    await tick();
    ioTurns++;
  }
  t.equal(ioTurns, 3, 'the event loop keeps running while parked');
  for (let round = 1; round <= 3; round++) {
    agent.queued = 2;
    bell.ring(); // the producer side, as RingProducer does after a publish
    for (let i = 0; i < 50 && agent.handled < 2 * round; i++) await tick();
    t.equal(agent.handled, 2 * round, `intents of round ${round} handled`);
    t.equal(loop.wakeUps, round, 'woken by the ring');
  }
  t.equal(loop.parkTimeouts, 0, 'no wake-up came from the timeout bound');
  running = false;
  loop.poke();
  for (let i = 0; i < 10; i++) await tick();
});

t.test('busy-spin: never parks, yields to the event loop between spin slices', async (t) => {
  const agent = new FakeAgent();
  const bell = new Doorbell();
  let cycles = 0;
  const loop = new LiveExecutorLoop(agent, bell, { name: 'busy-spin', spinPolls: 0, parkTimeoutMs: 10 }, () => ++cycles < 20, () => false);
  loop.start();
  let turns = 0;
  while (cycles < 20 && turns < 1000) {
    await tick();
    turns++;
  }
  t.equal(cycles, 20, 'slices ran between event-loop turns');
  t.ok(turns > 0, 'the event loop got turns');
  t.equal(loop.parks, 0, 'never parked');
});
