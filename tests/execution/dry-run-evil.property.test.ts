/**
 * Review property test (session 6): the real strategy against the real DryRunExecutor, nastier
 * than tests/strategy/dry-run.property.test.ts: two symbols sharing each venue's quote (tight
 * starting quote), venue 1 charging fees in quote (FEE_RULE_QUOTE), books two levels deep (fills
 * walk them: an average price per report), slow responses beyond order_timeout_ms, injected
 * rejects, and between executor and strategy reports lost, duplicated (delivered again at the
 * next step) and verdicts lost or duplicated. After quiescence the strategy's positions equal
 * the executor's balances (base exactly, quote to 1e-6: averages divide), every round is idle
 * or abandoned, nothing is unknown, no entry leg was rejected for balance, and net exposure is
 * closed or halted; at every step net exposure stays under position_limit.
 */
import fc from 'fast-check';
import t from 'tap';
import { Prng } from '../../src/core/prng.js';
import { ROLE_LEG_BUY, ROLE_LEG_SELL, ST_REJECTED } from '../../src/core/records.js';
import { DryRunExecutor } from '../../src/execution/dry-run-executor.js';
import { insufficientBalanceCode } from '../../src/execution/error-codes.js';
import { FEE_RULE_QUOTE, FEE_RULE_RECEIVED } from '../../src/execution/fill-simulator.js';
import { NormalLatency } from '../../src/execution/latency-model.js';
import type { ReportSink } from '../../src/execution/report-sink.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { OrderSink, StrategyEvent } from '../../src/strategy/events.js';
import { ArrayBook } from './array-book.js';
import { BASE0, FEE, MS, POSITION_LIMIT, STEP, evilConfig } from '../strategy/evil-venues.js';

interface Sc {
  seed: number;
  steps: number;
  latMs: number;
  slowMs: number;
  reject: number;
  lost: number;
  dup: number;
  verdictLost: number;
  startQuote: number;
}

const scArb: fc.Arbitrary<Sc> = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  steps: fc.integer({ min: 5, max: 80 }),
  latMs: fc.integer({ min: 1, max: 30 }),
  slowMs: fc.constantFrom(0, 0, 1500, 4000),
  reject: fc.constantFrom(0, 0.05, 0.3),
  lost: fc.constantFrom(0, 0.05, 0.3),
  dup: fc.constantFrom(0, 0.1, 0.4),
  verdictLost: fc.constantFrom(0, 0.1), // all of ~7 asks in the 90 s of quiescence lost: 1e-7
  startQuote: fc.constantFrom(40_000, 80_000, 1_000_000),
});

export function runDry(sc: Sc, inspect: (s: ArbitrageStrategy, e: DryRunExecutor) => void = () => {}, log: (e: StrategyEvent) => void = () => {}): string | null {
  const rng = new Prng(sc.seed);
  const book = new ArrayBook();
  let now = 0;
  let exec: DryRunExecutor | null = null;
  const sink: OrderSink = {
    newOrder: (id, pair, v, s, side, px, qty, tif, role, decisionNs, deadlineNs, tickRecvNs) =>
      exec!.submit(id, pair, v, s, side, px, qty, tif, role, decisionNs, deadlineNs, tickRecvNs, now),
    cancelOrder: (id) => { exec!.cancel(id, now); },
    requestVerdict: (id, v, s) => exec!.requestVerdict(id, v, s, now),
  };
  const filter = { tickSize: 1, stepSize: STEP, minQty: STEP, minNotional: 5 };
  const filters = { binance: { BTCUSDT: { ...filter }, ETHUSDT: { ...filter } }, bybit: { BTCUSDT: { ...filter }, ETHUSDT: { ...filter } } };
  const bal = (): { quote: number; base: Record<string, number> } => ({ quote: sc.startQuote, base: { BTCUSDT: BASE0[0]!, ETHUSDT: BASE0[1]! } });
  const strat = new ArbitrageStrategy(evilConfig(), filters, { binance: bal(), bybit: bal() }, sink, { onEvent: log });
  exec = new DryRunExecutor({
    venues: 2,
    symbols: 2,
    entryLatency: new NormalLatency(sc.latMs * MS, sc.latMs * MS, 1 * MS, new Prng(sc.seed + 1)),
    responseLatency: new NormalLatency(sc.latMs * MS, sc.latMs * MS, 1 * MS, new Prng(sc.seed + 2)),
    takerFeeRate: [FEE, FEE],
    feeRule: [FEE_RULE_RECEIVED, FEE_RULE_QUOTE],
    balances: [{ base: BASE0, quote: sc.startQuote }, { base: BASE0, quote: sc.startQuote }],
    faults: { rejectProbability: sc.reject, rejectCode: -1013, extraResponseLatencyNs: sc.slowMs * MS, seed: sc.seed },
  });
  const loss = new Prng(sc.seed + 3);
  const again: (() => void)[] = [];
  let legBalanceRejects = 0;
  const out: ReportSink = {
    report: (orderId, _p, v, _s, _side, status, _price, lastPx, lastQty, cumQty, _qty, fee, feeAsset, errorCode, role, _sent, ackNs) => {
      if (status === ST_REJECTED && errorCode === insufficientBalanceCode(v) && (role === ROLE_LEG_BUY || role === ROLE_LEG_SELL)) legBalanceRejects++;
      if (loss.next() < sc.lost) return;
      const go = (): void => strat.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, Math.max(ackNs, now));
      go();
      if (loss.next() < sc.dup) again.push(go);
    },
  };
  exec.verdictSink = {
    verdict: (orderId, _v, _s, kind, status, cumQty, cumQuote, cumFee, feeAsset, at) => {
      if (loss.next() < sc.verdictLost) return;
      const go = (): void => { strat.onVerdict(orderId, kind, status, cumQty, cumQuote, cumFee, feeAsset, Math.max(at, now)); };
      go();
      if (loss.next() < sc.dup) again.push(go);
    },
  };
  let violation: string | null = null;
  const tick = (): void => {
    strat.onTimer(now);
    for (let s = 0; s < 2 && violation === null; s++) {
      const net = strat.positions.netExposure(s) + strat.positions.baseFeesPaid(s);
      if (Math.abs(net) > POSITION_LIMIT + STEP) violation = `symbol ${s}: net ${net} above position_limit at ${now / MS} ms`;
    }
  };
  const advance = (to: number): void => {
    for (let due = exec!.nextDueNs(); due <= to; due = exec!.nextDueNs()) {
      now = Math.max(now, due);
      exec!.poll(now, book, out);
      tick();
    }
    now = Math.max(now, to);
    for (const go of again.splice(0)) go();
    tick();
  };
  const setBook = (v: number, s: number, bid: number, ask: number, sz: number): void => {
    const tick1 = s === 0 ? 3 : 1;
    book.set(v, s, [[bid, sz], [bid - tick1, sz]], [[ask, sz], [ask + tick1, sz]], true, now);
    strat.onQuote(v, s, bid, sz, ask, sz, true, 0, now, now);
  };
  const mids = [30000, 2000];
  for (let i = 0; i < sc.steps; i++) {
    advance(now + (1 + rng.int(60)) * MS);
    const s = rng.int(2);
    const unit = mids[s]! / 10_000;
    mids[s] = mids[s]! + Math.round((rng.int(21) - 10) * unit);
    const basis = Math.round((rng.int(4) === 0 ? rng.int(301) - 150 : rng.int(41) - 20) * unit);
    const v = rng.int(2);
    const px = mids[s]! + (v === 0 ? basis : -basis);
    setBook(v, s, px - 1, px + 1, (1 + rng.int(64)) * STEP);
  }
  const end = now + 90_000 * MS;
  while (now < end) {
    advance(now + 100 * MS);
    for (let s = 0; s < 2; s++) for (let v = 0; v < 2; v++) setBook(v, s, mids[s]! - 1, mids[s]! + 1, 1);
  }
  inspect(strat, exec);
  if (violation !== null) return violation;
  if (exec.pending !== 0) return `${exec.pending} executor events pending`;
  for (let v = 0; v < 2; v++) {
    if (Math.abs(strat.positions.quote(v) - exec.balances.quoteOf(v)) > 1e-6) return `venue ${v} quote ${strat.positions.quote(v)} vs ${exec.balances.quoteOf(v)}`;
    for (let s = 0; s < 2; s++) if (strat.positions.base(v, s) !== exec.balances.baseOf(v, s)) return `venue ${v} symbol ${s} base ${strat.positions.base(v, s)} vs ${exec.balances.baseOf(v, s)}`;
  }
  for (let s = 0; s < 2; s++) {
    const net = strat.positions.netExposure(s) + strat.positions.baseFeesPaid(s);
    if (Math.abs(net) >= STEP && !strat.isHalted) return `symbol ${s}: net ${net} open without a halt`;
    const state = strat.round(s).state;
    if (state !== 'idle' && state !== 'abandoned') return `symbol ${s}: round left in ${state}`;
  }
  if (strat.unknownOrders > 0) return `${strat.unknownOrders} orders still unknown`;
  if (strat.haltKinds().includes('unresolved_order')) return 'unresolved_order in force';
  if (legBalanceRejects > 0) return `${legBalanceRejects} entry legs rejected for balance`;
  return null;
}

if (process.env.XARB_DRY_EVIL === undefined) {
  t.test('strategy and dry-run executor, two symbols, lost/duplicated reports and verdicts: balances agree, rounds end', async (t) => {
    let runs = 0;
    const res = fc.check(fc.property(scArb, (sc) => {
      runs++;
      const why = runDry(sc);
      if (why !== null) throw new Error(why);
    }), { numRuns: Number(process.env.XARB_DRY_EVIL_RUNS ?? 200), seed: Number(process.env.XARB_DRY_EVIL_SEED ?? 707), interruptAfterTimeLimit: Number(process.env.XARB_DRY_EVIL_SECONDS ?? 60) * 1000 });
    if (res.failed) t.fail(fc.defaultReportMessage(res) ?? 'failed');
    t.ok(runs >= 30, `${runs} scenarios`);
  });
} else if (process.env.XARB_DRY_EVIL.startsWith('{')) {
  console.log(runDry(JSON.parse(process.env.XARB_DRY_EVIL) as Sc, () => {}, (e) => { if (e.type !== 'risk_breach' || e.rule !== 'stale_book') console.log(JSON.stringify(e)); }));
}
