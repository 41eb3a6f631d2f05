/**
 * A replay of recorded inputs reproduces the paper pipeline's decisions exactly.
 *
 * The reference is the paper bot's own components, driven on one thread with no scheduler in
 * between (each frame read by the strategy the moment the feed received it): the feed
 * handler (parse, book sync, usable flag, quote board, ring records), the strategy fed from
 * that ring, and the dry-run executor filling against the quote board with the executor
 * seeds of a paper run (src/actors/dry-run-executor-setup.ts). The replay is the backtest
 * engine with the session-replay settings (src/backtest/session-replay.ts). Both read the
 * same recorded events; every round_opened, every execution report and the end positions
 * must be the same, bit for bit. What a real session adds on top is host delay: measured by
 * the agreement report (tests/backtest/agreement.test.ts), not modelled here.
 */
import t from 'tap';
import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import type { RecordHandler } from '../../src/core/ring.js';
import {
  FLAG_USABLE, H_EXCH_MS, H_FLAGS, H_KIND, H_RECV_NS, H_SYMBOL, H_VENUE, KIND_BOOK_STATE, KIND_QUOTE, Q_ASK_PX, Q_ASK_SZ,
  Q_BID_PX, Q_BID_SZ, BS_REASON, VENUE_BINANCE, VENUE_COUNT,
} from '../../src/core/records.js';
import { dateStartMs } from '../../src/data/store.js';
import { dryRunExecutorLatency, type LatencyModelConfig } from '../../src/execution/latency-model.js';
import type { ReportSink } from '../../src/execution/report-sink.js';
import { simSymbolFilters } from '../../src/sim/instruments.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { VenueFilters } from '../../src/strategy/config.js';
import type { StrategyEvent } from '../../src/strategy/events.js';
import { parseBinanceDepthSnapshot } from '../../src/venues/binance/rest.js';
import { BacktestEngine } from '../../src/backtest/engine.js';
import { arbitrageConfig, strategyBalances } from '../../src/backtest/run.js';
import { SESSION_TIMER_STEP_MS } from '../../src/backtest/session-replay.js';
import { tempDir } from './helpers.js';
import { paperComponents } from './paper-components.js';
import { DATE, EVENTS, recordedEvents, type Ev } from './recorded-events.js';

const SEED = 7;
// Random draws, so the executor's seeds matter.
const ENTRY: LatencyModelConfig = { model: 'normal', mean_ms: 3, std_ms: 2 };
const RESPONSE: LatencyModelConfig = { model: 'lognormal', mean_ms: 2, std_ms: 1 };
const LEVELS = 10;
const STEP_NS = SESSION_TIMER_STEP_MS * 1e6;

interface Decisions {
  opened: string[];
  reports: string[];
  positions: number[];
}

function roundLine(e: StrategyEvent): string | null {
  if (e.type !== 'round_opened') return null;
  return JSON.stringify(e);
}

/** The paper pipeline's components, one thread, every frame read the moment it arrived. */
function paperPipeline(events: readonly Ev[], symbols: string[], filters: VenueFilters): Decisions {
  const cfg = loadConfig('config/arbitrage.toml', { mode: 'dry-run' });
  const out: Decisions = { opened: [], reports: [], positions: [] };
  const balances = strategyBalances(cfg);
  const { hist, rings, handlers, binSync, exec, view } = paperComponents(cfg, symbols, balances, LEVELS, ENTRY, RESPONSE, SEED);
  let now = 0;
  const strategy: ArbitrageStrategy = new ArbitrageStrategy(arbitrageConfig(cfg), filters, balances, {
    newOrder: (orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs) =>
      exec.submit(orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs, now),
    cancelOrder: (orderId, _v, _s, nowNs) => exec.cancel(orderId, nowNs),
  }, {
    onEvent: (e) => {
      const l = roundLine(e);
      if (l !== null) out.opened.push(l);
      if (e.type === 'transfer') exec.balances.applyTransfer(e);
    },
  }, { simulateTransfers: true });
  strategy.setWallClockOffset(dateStartMs(DATE));
  const sink: ReportSink = {
    report(orderId, _pairId, _venue, _symbol, _side, status, _price, lastPx, lastQty, cumQty, _qty, fee, feeAsset, errorCode, _role, _sentNs, ackNs) {
      out.reports.push([orderId, status, lastPx, lastQty, cumQty, fee, errorCode, ackNs].join(' '));
      strategy.onReport(orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, ackNs);
    },
  };
  // the strategy agent's ring handler (src/actors/strategy-agent.ts), with `now` for the clock
  const reader: RecordHandler = {
    onRecord(d: Float64Array, o: number): void {
      if (d[o + H_KIND] === KIND_QUOTE) {
        strategy.onQuote(d[o + H_VENUE]!, d[o + H_SYMBOL]!, d[o + Q_BID_PX]!, d[o + Q_BID_SZ]!, d[o + Q_ASK_PX]!, d[o + Q_ASK_SZ]!,
          (d[o + H_FLAGS]! & FLAG_USABLE) !== 0, d[o + H_EXCH_MS]!, d[o + H_RECV_NS]!, now);
      } else if (d[o + H_KIND] === KIND_BOOK_STATE) {
        strategy.onBookState(d[o + H_VENUE]!, d[o + H_SYMBOL]!, (d[o + H_FLAGS]! & FLAG_USABLE) !== 0, d[o + BS_REASON]!, now);
      }
    },
  };
  let nextTimer = STEP_NS;
  // Everything due up to `until`: executor events first at equal times, then the 1 ms timer
  // (skipping idle stretches as the engine does: an idle strategy's timer does nothing).
  const advance = (until: number): void => {
    for (;;) {
      const due = exec.nextDueNs();
      if (due <= nextTimer && due <= until) {
        now = due;
        exec.poll(due, view, sink);
      } else if (nextTimer <= until) {
        now = nextTimer;
        strategy.onTimer(nextTimer);
        let next = nextTimer + STEP_NS;
        if (strategy.liveOrders === 0 && strategy.openRounds() === 0 && exec.pending === 0) {
          const grid = Math.floor(until / STEP_NS) * STEP_NS;
          if (grid > next) next = grid;
        }
        nextTimer = next;
      } else break;
    }
    now = until;
  };
  for (const e of events) {
    advance(e.t);
    if (e.frame !== null) handlers[e.venue]!.onFrame(e.frame, e.t);
    else if (e.venue === VENUE_BINANCE) {
      const snap = parseBinanceDepthSnapshot(e.text);
      const sync = binSync[e.symbol]!;
      handlers[e.venue]!.onSnapshotApplied(e.symbol, sync.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks), e.t);
    }
    for (const r of rings) r.drain(reader, 1 << 20);
  }
  for (let v = 0; v < VENUE_COUNT; v++) for (let s = 0; s < symbols.length; s++) out.positions.push(strategy.positions.base(v, s));
  out.positions.push(strategy.positions.quote(0), strategy.positions.quote(1));
  hist.close();
  return out;
}

/** The backtest engine with the session-replay settings of `--compare` (run.ts). */
function replay(events: readonly Ev[], symbols: string[], filters: VenueFilters): Decisions {
  const cfg = loadConfig('config/arbitrage.toml', { mode: 'dry-run' });
  const lat = dryRunExecutorLatency(ENTRY, RESPONSE, SEED);
  const engine = new BacktestEngine({
    config: arbitrageConfig(cfg), filters, balances: strategyBalances(cfg), entryLatency: lat.entry, responseLatency: lat.response,
    wallStartMs: dateStartMs(DATE), journal: { append: () => {} },
    timerStepNs: STEP_NS, depthLevels: LEVELS, venueClock: 'receive', depthGate: 'always', memoryObservesUpdates: false,
  });
  // the strategy's own events and the executor's reports, caught where the reference catches them
  const opened: string[] = [];
  const inner = engine.onEvent.bind(engine);
  engine.onEvent = (e: StrategyEvent): void => {
    const l = roundLine(e);
    if (l !== null) opened.push(l);
    inner(e);
  };
  const reports: string[] = [];
  const innerReport = engine.report.bind(engine);
  engine.report = (orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs) => {
    reports.push([orderId, status, lastPx, lastQty, cumQty, fee, errorCode, ackNs].join(' '));
    innerReport(orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs);
  };
  for (const e of events) {
    if (e.frame !== null) engine.onFrame(e.venue, e.t, e.frame, e.frame.length);
    else engine.onSnapshot(e.venue, e.symbol, e.t, e.text);
  }
  const s = engine.strategy;
  const positions: number[] = [];
  for (let v = 0; v < VENUE_COUNT; v++) for (let k = 0; k < symbols.length; k++) positions.push(s.positions.base(v, k));
  positions.push(s.positions.quote(0), s.positions.quote(1));
  return { opened, reports, positions };
}

t.test('the session replay makes the paper pipeline\'s decisions, fills and positions exactly (no host delay)', async (t) => {
  const dir = tempDir('xarb-session-replay-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const symbols = ['BTCUSDT'];
  const events = await recordedEvents(dir, symbols);
  t.equal(events.length, EVENTS, `${events.length} recorded events`);
  const filters = simSymbolFilters(symbols) as unknown as VenueFilters;
  const paper = paperPipeline(events, symbols, filters);
  const bt = replay(events, symbols, filters);
  t.ok(paper.opened.length >= 10, `the paper pipeline opened ${paper.opened.length} rounds`);
  t.ok(paper.reports.length >= 4 * paper.opened.length, `${paper.reports.length} execution reports`);
  const firstDiff = (a: string[], b: string[]): string => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return `#${i}: paper ${a[i]} / replay ${b[i]}`;
    return 'none';
  };
  t.equal(bt.opened.length, paper.opened.length, 'as many rounds');
  t.same(bt.opened, paper.opened, `every round_opened the same (first difference: ${firstDiff(paper.opened, bt.opened)})`);
  t.same(bt.reports, paper.reports, `every execution report the same (first difference: ${firstDiff(paper.reports, bt.reports)})`);
  t.same(bt.positions, paper.positions, 'the same positions at the end');
});
