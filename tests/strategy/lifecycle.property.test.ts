/**
 * Property-based tests of the order and round lifecycle: the real ArbitrageStrategy against a
 * model venue pair that misbehaves (model-venues.ts), over random quote paths, for thousands
 * of generated scenarios. Reports are lost for good (`pLost`): only the strategy's own
 * reconciliation request (order unknown for risk.reconcile_after_ms, then the executor's
 * verdict) recovers them, with no oracle and no halt needed. After quiescence (no more
 * opportunities, every report delivered or reconciled):
 *
 *   1. the strategy's positions equal the venues' balances, exactly;
 *   2. net exposure (less base paid as fees) is back within one step, or the strategy is halted
 *      with a reason;
 *   3. no order went to a venue whose breaker was open (checked as orders go out);
 *   4. no freeze: a fresh opportunity gets orders unless halted or barred by a breaker/inventory;
 *   5. every round is closed, or abandoned to the operator (and then the strategy is halted).
 *
 * Shrunk counterexamples found while building this are kept as `examples` (run every time).
 */
import fc from 'fast-check';
import t from 'tap';
import { ModelVenues, MS, STEP, type VenueFaults } from './model-venues.js';

const faultsArb: fc.Arbitrary<VenueFaults> = fc.record({
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
});

interface Path {
  steps: number;
  seed: number;
}

const pathArb: fc.Arbitrary<Path> = fc.record({ steps: fc.integer({ min: 5, max: 80 }), seed: fc.integer({ min: 0, max: 0x7fffffff }) });

/** Drives a random quote path with frequent dislocations, then lets everything settle. */
export function run(f: VenueFaults, p: Path): ModelVenues {
  const m = new ModelVenues(f);
  let s = p.seed >>> 0;
  const rand = (n: number): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % n;
  };
  let mid = 30000;
  for (let i = 0; i < p.steps; i++) {
    m.step = i;
    m.advance(m.now + (1 + rand(60)) * MS);
    mid += rand(21) - 10;
    const basis = rand(4) === 0 ? rand(301) - 150 : rand(41) - 20; // bps-ish dislocations
    const v = rand(2);
    const px = mid + (v === 0 ? basis : -basis);
    const sz = (1 + rand(64)) * STEP;
    m.quote2(v, px - 1, sz, px + 1, sz);
  }
  // Quiescence: quiet, aligned, fresh books; every late report, deadline and verdict runs.
  const end = m.now + 60_000 * MS;
  while (m.now < end) {
    m.advance(m.now + 100 * MS);
    m.quote2(0, mid - 1, 1, mid + 1, 1);
    m.quote2(1, mid - 1, 1, mid + 1, 1);
  }
  return m;
}

export function check(m: ModelVenues, mid: number): string | null {
  const st = m.strat;
  if (m.violations.length > 0) return m.violations[0]!;
  if (!m.idle) return 'events still pending after quiescence';
  for (let v = 0; v < 2; v++) {
    if (st.positions.quote(v) !== m.quote[v]) return `venue ${v} quote: strategy ${st.positions.quote(v)} vs venue ${m.quote[v]}`;
    if (st.positions.base(v, 0) !== m.base[v]) return `venue ${v} base: strategy ${st.positions.base(v, 0)} vs venue ${m.base[v]}`;
  }
  // Net exposure less the base paid as fees (drift the rounds do not trade back).
  const net = st.positions.netExposure(0) + m.baseFees;
  if (Math.abs(net) >= STEP && !st.isHalted) return `net exposure ${net} (fees aside) left open without a halt`;
  const state = st.round(0).state;
  if (state !== 'idle' && state !== 'abandoned') return `round left in ${state} (pending ${st.round(0).pending}, unknown orders ${st.unknownOrders})`;
  if (state === 'abandoned' && !st.haltKinds().includes('unwind_failed')) return 'abandoned round without an unwind_failed halt';
  if (st.isHalted && st.haltReason === '') return 'halted without a reason';
  if (st.unknownOrders > 0 && !st.isHalted) return `${st.unknownOrders} orders of unknown status after quiescence`;
  // No freeze: a fresh 190 bps opportunity, in whichever direction inventory allows.
  if (!st.isHalted && !st.breakerOpen(0) && !st.breakerOpen(1)) {
    const before = m.sent;
    m.advance(m.now + 2000 * MS);
    const canAB = st.availableQuote(0) > (mid + 2) * 2 * STEP && st.availableBase(1, 0) >= STEP;
    const canBA = st.availableQuote(1) > (mid + 2) * 2 * STEP && st.availableBase(0, 0) >= STEP;
    if (canAB) {
      m.quote2(0, mid - 1, 1, mid + 1, 1);
      m.quote2(1, mid + 600, 1, mid + 602, 1);
    }
    if (m.sent === before && canBA) {
      m.advance(m.now + 1 * MS);
      m.quote2(1, mid - 1, 1, mid + 1, 1);
      m.quote2(0, mid + 600, 1, mid + 602, 1);
    }
    if ((canAB || canBA) && m.sent === before) return `frozen: a fresh opportunity got no orders (stats ${JSON.stringify(st.stats)})`;
  }
  return null;
}

/** Shrunk counterexamples met while building the lifecycle, kept as regression cases. */
const EXAMPLES: [VenueFaults, Path][] = [
  // Late hedge fills over-hedged, then the over-hedge was hedged back, for a minute: hedges of
  // unknown status now cover the residual they may still close.
  [{ seed: 1233452270, pLost: 0.1, pDup: 0, pLate: 0.3, pFilterReject: 0.05, pEmpty: 0.1, pPartial: 0.2, authBroken: -1, authBreakStep: 0, maxLatencyMs: 14, reconcile: true }, { steps: 5, seed: 336880291 }],
  // Fees paid in base drift net exposure: not a residual to hedge (the invariant nets them out).
  [{ seed: 1233452270, pLost: 0.1, pDup: 0, pLate: 0.3, pFilterReject: 0.05, pEmpty: 0.1, pPartial: 0.2, authBroken: -1, authBreakStep: 0, maxLatencyMs: 1, reconcile: true }, { steps: 5, seed: 336859616 }],
  [{ seed: 0, pLost: 0.3, pDup: 0, pLate: 0, pFilterReject: 0, pEmpty: 0, pPartial: 0.5, authBroken: -1, authBreakStep: 0, maxLatencyMs: 1, reconcile: true }, { steps: 20, seed: 1 }],
  [{ seed: 7, pLost: 0, pDup: 0.3, pLate: 0.3, pFilterReject: 0, pEmpty: 0, pPartial: 0.5, authBroken: 1, authBreakStep: 3, maxLatencyMs: 40, reconcile: true }, { steps: 40, seed: 3 }],
];

if (process.env.XARB_PROPERTY_DEBUG === undefined) t.test('positions match the venues, exposure is closed or halted, no freeze, every round ends', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(faultsArb, pathArb, (f, p) => {
      runs++;
      const m = run(f, p);
      const why = check(m, lastMid(m));
      if (why !== null) throw new Error(why);
    }),
    { numRuns: 1200, seed: 12, examples: EXAMPLES },
  );
  t.ok(runs >= 1200, `${runs} scenarios`);
});

if (process.env.XARB_PROPERTY_DEBUG === undefined) t.test('without reconciliation, a lost final report halts entries with a reason instead of freezing silently', async (t) => {
  fc.assert(
    fc.property(faultsArb, pathArb, (f, p) => {
      const m = run({ ...f, reconcile: false, pLost: 0.3 }, p);
      const st = m.strat;
      if (st.unknownOrders > 0 && !st.haltKinds().includes('unresolved_order')) throw new Error(`${st.unknownOrders} unknown orders without an unresolved_order halt`);
      for (let v = 0; v < 2; v++) {
        // What is not lost is applied: the strategy never books more than the venue did.
        if (st.positions.base(v, 0) !== m.base[v] && st.unknownOrders === 0) throw new Error(`venue ${v} base differs with nothing unknown`);
      }
    }),
    { numRuns: 200, seed: 34 },
  );
  t.pass('held');
});

if (process.env.XARB_PROPERTY_DEBUG === undefined) t.test('lost reports are settled by the strategy\'s own reconciliation request: positions match with no halt needed', async (t) => {
  let asked = 0;
  fc.assert(
    fc.property(faultsArb, pathArb, (f, p) => {
      // No auth break and no filter rejects: nothing else may halt, so any halt is the lost reports'.
      const m = run({ ...f, pLost: 0.3, authBroken: -1, pFilterReject: 0 }, p);
      const st = m.strat;
      asked += m.verdictRequests;
      const why = check(m, lastMid(m));
      if (why !== null) throw new Error(why);
      if (st.unknownOrders !== 0) throw new Error(`${st.unknownOrders} orders still unknown`);
      if (st.haltKinds().includes('unresolved_order')) throw new Error('unresolved_order still in force: the verdicts should have settled every lost report');
      if (m.verdictsFinal > m.verdictRequests) throw new Error('more verdicts than requests');
    }),
    { numRuns: 300, seed: 78 },
  );
  t.ok(asked > 0, `the strategy asked for ${asked} verdicts`);
});

if (process.env.XARB_PROPERTY_DEBUG === undefined) t.test('an executor with no record of an order: the order stays unknown, entries halt with unresolved_order, nothing is freed on a guess', async (t) => {
  let noRecord = 0;
  fc.assert(
    fc.property(faultsArb, pathArb, (f, p) => {
      const m = run({ ...f, pLost: 0.3, pForget: 1 }, p);
      const st = m.strat;
      noRecord += m.verdictsNoRecord;
      if (m.verdictsFinal !== 0) throw new Error('a forgetful executor gave a final verdict');
      if (st.unknownOrders > 0 && !st.haltKinds().includes('unresolved_order')) throw new Error(`${st.unknownOrders} unknown orders without an unresolved_order halt`);
      if (st.stats.verdicts !== 0) throw new Error(`${st.stats.verdicts} verdicts applied, none was given`);
    }),
    { numRuns: 150, seed: 90 },
  );
  t.ok(noRecord > 0, `${noRecord} "no record" answers met`);
});

function lastMid(m: ModelVenues): number {
  const b = m.strat.books;
  return (b.bidPx(0, 0) + b.askPx(0, 0)) / 2;
}
