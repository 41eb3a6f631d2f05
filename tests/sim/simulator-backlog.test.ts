/**
 * The simulator's backlog rule: a tick that fell far behind (here the event loop is held for
 * 700 ms, 1,400 updates at 1,000 per venue per second) drops the backlog by default, so a
 * stall never turns into a burst; with `maxBacklogMs: Infinity` it bursts it instead and drops
 * nothing, so the market stays the one its seed makes (the peer bench runs one venue per
 * process on two such simulators).
 */
import t from 'tap';
import { startSimulator } from '../../src/sim/simulator.js';

async function droppedAfterStall(maxBacklogMs?: number): Promise<number> {
  const sim = await startSimulator({ seed: 3, symbols: ['BTCUSDT'], ratePerVenue: 1000, dislocationEveryMs: 0, depthLevels: 10,
    ...(maxBacklogMs !== undefined ? { maxBacklogMs } : {}) });
  try {
    await new Promise((r) => setTimeout(r, 50));
    const end = Date.now() + 700;
    while (Date.now() < end) { /* hold the loop: the simulator's ticks fall behind */ }
    await new Promise((r) => setTimeout(r, 50));
    return sim.stats().droppedBacklogMs;
  } finally {
    await sim.stop();
  }
}

t.test('by default a stall beyond the backlog limit is dropped', async (t) => {
  t.ok((await droppedAfterStall()) > 0);
});

t.test('maxBacklogMs: Infinity bursts the backlog and drops nothing', async (t) => {
  t.equal(await droppedAfterStall(Infinity), 0);
});
