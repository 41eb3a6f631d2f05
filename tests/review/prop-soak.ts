/**
 * Not a test: runs the existing lifecycle / nasty property models with other seeds and many
 * more runs, looking for counterexamples (review session 6). Usage:
 *   XARB_PROPERTY_DEBUG=1 XARB_NASTY_DEBUG=1 node dist/tests/review/prop-soak.js lifecycle|nasty <seed> <runs> <seconds>
 * Adds one check the models do not make: a halt that should have lifted itself (an
 * unresolved_order or order_table_full halt with every order settled) is a freeze.
 */
import fc from 'fast-check';
import { check as lcCheck, run as lcRun } from '../strategy/lifecycle.property.test.js';
import { check as nCheck, run as nRun } from '../strategy/nasty.property.test.js';
import type { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';

const [which = 'lifecycle', seedS = '1', runsS = '2000', secS = '300'] = process.argv.slice(2);

function selfLiftStuck(st: ArbitrageStrategy): string | null {
  const kinds = st.haltKinds();
  if (st.liveOrders === 0 && (kinds.includes('unresolved_order') || kinds.includes('order_table_full'))) {
    return `halt ${kinds.join(',')} still in force with no order held`;
  }
  return null;
}

const lcFaults = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  pLost: fc.constantFrom(0, 0.02, 0.1, 0.3),
  pDup: fc.constantFrom(0, 0.05, 0.3),
  pLate: fc.constantFrom(0, 0.05, 0.3),
  pFilterReject: fc.constantFrom(0, 0.05, 0.3),
  pEmpty: fc.constantFrom(0, 0.1, 0.4),
  pPartial: fc.constantFrom(0, 0.2, 0.5),
  authBroken: fc.constantFrom(-1, -1, 0, 1),
  authBreakStep: fc.integer({ min: 0, max: 80 }),
  maxLatencyMs: fc.integer({ min: 1, max: 40 }),
  reconcile: fc.constant(true),
  pForget: fc.constant(0),
});
const nFaults = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  pLost: fc.constantFrom(0, 0.05, 0.2),
  pDup: fc.constantFrom(0, 0.1, 0.4),
  pLate: fc.constantFrom(0, 0.1, 0.3),
  pFilterReject: fc.constantFrom(0, 0.05, 0.2),
  pEmpty: fc.constantFrom(0, 0.1, 0.3),
  pPartial: fc.constantFrom(0, 0.3, 0.6),
  maxPieces: fc.integer({ min: 1, max: 4 }),
  authBroken: fc.constantFrom(-1, -1, 0, 1),
  authBreakStep: fc.integer({ min: 0, max: 60 }),
  maxLatencyMs: fc.integer({ min: 1, max: 40 }),
  startQuote: fc.constantFrom(40_000, 80_000, 1_000_000),
});
const pathArb = fc.record({ steps: fc.integer({ min: 5, max: 80 }), seed: fc.integer({ min: 0, max: 0x7fffffff }) });

let runs = 0;
const nProp = fc.property(nFaults, pathArb, (f, p) => {
    runs++;
    const { m, mids } = nRun(f, p);
    const stuck = selfLiftStuck(m.strat);
    const why = stuck ?? nCheck(m, mids);
    if (why !== null) throw new Error(why);
  });
const lcProp = fc.property(lcFaults, pathArb, (f, p) => {
    runs++;
    const m = lcRun(f, p);
    const stuck = selfLiftStuck(m.strat);
    const b = m.strat.books;
    const why = stuck ?? lcCheck(m, (b.bidPx(0, 0) + b.askPx(0, 0)) / 2);
    if (why !== null) throw new Error(why);
  });
const params = { numRuns: Number(runsS), seed: Number(seedS), interruptAfterTimeLimit: Number(secS) * 1000 };
function report(out: fc.RunDetails<unknown>): void {
  console.log(`${which} seed ${seedS}: ${runs} runs`);
  console.log(out.failed ? fc.defaultReportMessage(out) : 'no counterexample');
}
if (which === 'nasty') report(fc.check(nProp, params) as fc.RunDetails<unknown>);
else report(fc.check(lcProp, params) as fc.RunDetails<unknown>);
