/**
 * The backtest writes `spread` entries on the equity cadence (and at the end) only, as paper and
 * live do (docs/report.md, journal contract: "with every timed equity entry, every mode"). Found
 * in the review of issue #10: it also wrote them with the equity entry after each round close,
 * so the journals differed by mode and the spread chart over-sampled the instant right after
 * each arbitrage (when the spread had just been taken), which is not a sample of the spread.
 */
import t from 'tap';
import { BIN, BYB, MS, engine } from './small-engine.js';

t.test('spread entries come on the equity cadence only, as in paper and live', async (t) => {
  const { e, entries } = engine(); // equity (and spread) every 1000 ms
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 2);
  e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 2, 100.1, 1); // a round, closed at 4 ms
  e.onTopOfBook(BYB, 0, 10 * MS, 0, 100, 0.5, 100.1, 2); // the edge is gone
  e.onTopOfBook(BIN, 0, 2500 * MS, 0, 100, 2, 100.1, 1);
  e.finish(2500 * MS, 1000 * MS);
  const en = entries();
  t.ok(en.some((x) => x.type === 'round_closed' && x.ns === 4 * MS), 'the round closed at 4 ms');
  const spreads = en.filter((x) => x.type === 'spread');
  t.ok(spreads.length > 0, 'spread entries written');
  const runEnd = en.find((x) => x.type === 'run_end')!;
  const offCadence = spreads.filter((x) => (x.ns as number) % (1000 * MS) !== 0 && x.ns !== runEnd.ns);
  t.same(offCadence.map((x) => x.ns), [], 'no spread entry off the 1 s equity cadence (none at the round close, 4 ms)');
});
