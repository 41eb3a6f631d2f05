/**
 * A recorded session whose host was slow is reproduced from its strategy trace.
 *
 * The session is the paper bot's own components on one thread (feed handlers writing the quote
 * board and the rings, the strategy, the dry-run executor filling against the board), driven by
 * a hand-built, seeded schedule of host delays, as a loaded host would impose them: the
 * strategy reads each ring record 0-20 ms after it was published (sometimes 150 ms), and the
 * two venues in the order of those reads; the executor polls 0-3 ms after an order is due; the
 * strategy reads reports 0-2 ms after the poll; its timer runs every 1-3 ms. It records what
 * `--record` records (data/strategy-trace.ts): every read, arrival and timer with its time.
 *
 * The replay (the backtest engine with the session-replay settings and the trace) must make
 * every decision of that session: the same round_opened entries, the same reports, the same
 * positions, 100 % of rounds under the strict criterion (same quote, same time, same qty),
 * and no divergence. Deterministic: no clock, no threads.
 *
 * Then a host lag is injected where the replay cannot follow it: the feed thread stamps a frame
 * on receipt but writes it to the board only after an order met the board. The replay must
 * name that order's board as the divergence and put every difference after it down to host_lag.
 */
import t from 'tap';
import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import type { RecordHandler } from '../../src/core/ring.js';
import {
  BS_REASON, FLAG_USABLE, H_EXCH_MS, H_FLAGS, H_KIND, H_RECV_NS, H_SYMBOL, H_VENUE, KIND_BOOK_STATE, KIND_QUOTE, Q_ASK_PX, Q_ASK_SZ,
  Q_BID_PX, Q_BID_SZ, QUOTE_WORDS, VENUE_BINANCE, VENUE_COUNT, VENUE_NAMES,
} from '../../src/core/records.js';
import { Prng } from '../../src/core/prng.js';
import { dateStartMs } from '../../src/data/store.js';
import { TR_ARRIVE, TR_QUOTE, TR_REPORT, TR_STATE, TR_TIMER, TR_WORDS, type StrategyTrace } from '../../src/data/strategy-trace.js';
import { dryRunExecutorLatency, type LatencyModelConfig } from '../../src/execution/latency-model.js';
import { simSymbolFilters } from '../../src/sim/instruments.js';
import { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';
import type { VenueFilters } from '../../src/strategy/config.js';
import type { StrategyEvent } from '../../src/strategy/events.js';
import { parseBinanceDepthSnapshot } from '../../src/venues/binance/rest.js';
import { BacktestEngine } from '../../src/backtest/engine.js';
import { matchRounds, openedRounds } from '../../src/backtest/agreement.js';
import { arbitrageConfig, strategyBalances } from '../../src/backtest/run.js';
import { reportKey, SessionTraceReplay } from '../../src/backtest/session-trace-replay.js';
import { tempDir } from './helpers.js';
import { paperComponents } from './paper-components.js';
import { DATE, recordedEvents, type Ev } from './recorded-events.js';

const SEED = 7;
const ENTRY: LatencyModelConfig = { model: 'normal', mean_ms: 3, std_ms: 2 };
const RESPONSE: LatencyModelConfig = { model: 'lognormal', mean_ms: 2, std_ms: 1 };
const LEVELS = 10;
const MS = 1e6;

/** The session: what its journal and its trace hold. */
interface Session {
  trace: StrategyTrace;
  intents: Array<{ orderId: number; ns: number; venue: number; side: number }>;
  reports: Map<number, string[]>;
  /** Journal lines (run_start, intent, round_opened) for the agreement scoring. */
  journal: Array<Record<string, unknown>>;
  opened: string[];
  reportLines: string[];
  positions: number[];
  /** Per order id: when the executor handled its arrival, and on which venue. */
  arrivals: Map<number, { ns: number; venue: number }>;
}

/**
 * The shipped config, with the taken-level memory at 1 ms: the recorded venue never shows our
 * fills, so with the default (1 s) a dislocation gets one pair and no order of this short
 * recording has a venue frame between its decision and its arrival, which the host-lag case
 * below needs. The replay's fidelity does not depend on it (both sides use the same config).
 */
function sessionConfig(): ReturnType<typeof loadConfig> {
  const cfg = loadConfig('config/arbitrage.toml', { mode: 'dry-run' });
  cfg.strategy.taken_level_decay_ms = 1;
  return cfg;
}

/** A host lag the replay cannot see: frame `index` reaches the board (and the rings) only at `applyNs`. */
interface BoardLag { index: number; applyNs: number }

function roundLine(e: StrategyEvent): string | null {
  return e.type === 'round_opened' ? JSON.stringify(e) : null;
}

function paperSession(events: readonly Ev[], symbols: string[], filters: VenueFilters, lag: BoardLag | null): Session {
  const cfg = sessionConfig();
  const balances = strategyBalances(cfg);
  const { hist, rings, handlers, binSync, exec, view } = paperComponents(cfg, symbols, balances, LEVELS, ENTRY, RESPONSE, SEED);
  const trace: number[] = [];
  const rec = (kind: number, a: number, key: number, ns: number): void => { trace.push(kind, a, key, ns); };
  const startMs = dateStartMs(DATE);
  const journal: Array<Record<string, unknown>> = [{ type: 'run_start', t: startMs, ns: 0 }];
  const out: Session = {
    trace: { anchorMonoNs: 0, anchorWallMs: startMs, records: new Float64Array(0), count: 0 },
    intents: [], reports: new Map(), journal, opened: [], reportLines: [], positions: [], arrivals: new Map(),
  };
  let now = 0;
  const strategy: ArbitrageStrategy = new ArbitrageStrategy(arbitrageConfig(cfg), filters, balances, {
    newOrder: (orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs) => {
      const ok = exec.submit(orderId, pairId, venue, symbol, side, price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs, now);
      if (ok) {
        out.intents.push({ orderId, ns: decisionNs, venue, side });
        journal.push({ type: 'intent', ns: decisionNs, order_id: orderId, pair_id: pairId, tick_recv_ns: tickRecvNs });
      }
      return ok;
    },
    cancelOrder: (orderId, _v, _s, nowNs) => exec.cancel(orderId, nowNs),
  }, {
    onEvent: (e) => {
      const l = roundLine(e);
      if (l !== null) {
        out.opened.push(l);
        const r = e as Extract<StrategyEvent, { type: 'round_opened' }>;
        journal.push({ type: 'round_opened', ns: r.nowNs, pair_id: r.pairId, symbol: symbols[r.symbol], buy_venue: VENUE_NAMES[r.buyVenue],
          sell_venue: VENUE_NAMES[r.sellVenue], qty: r.qty });
      }
      if (e.type === 'transfer') exec.balances.applyTransfer(e);
    },
  }, { simulateTransfers: true });
  strategy.setWallClockOffset(startMs);
  exec.onArrive = (orderId, nowNs, bookRecvNs) => {
    rec(TR_ARRIVE, bookRecvNs, orderId, nowNs);
    out.arrivals.set(orderId, { ns: nowNs, venue: out.intents.find((i) => i.orderId === orderId)?.venue ?? -1 });
  };

  const rng = new Prng(99);
  // reports the executor published, read by the strategy later (orderId, status, ..., readAt)
  const reportQ: Array<{ at: number; args: number[] }> = [];
  let pollDelay = rng.next() * 3 * MS;
  const sink = {
    report(orderId: number, _pairId: number, _venue: number, _symbol: number, _side: number, status: number, _price: number, lastPx: number,
      lastQty: number, cumQty: number, _qty: number, fee: number, feeAsset: number, errorCode: number, _role: number, _sentNs: number, ackNs: number): void {
      out.reportLines.push([orderId, status, lastPx, lastQty, cumQty, fee, errorCode].join(' '));
      const k = reportKey(status, lastQty, lastPx);
      const list = out.reports.get(orderId);
      if (list === undefined) out.reports.set(orderId, [k]);
      else list.push(k);
      const prev = reportQ.length > 0 ? reportQ[reportQ.length - 1]!.at : 0;
      const at = Math.max(prev, now + rng.next() * 2 * MS) + 0.25;
      reportQ.push({ at, args: [orderId, status, lastPx, lastQty, cumQty, fee, feeAsset, errorCode, ackNs] });
    },
  };
  // ring records copied out when published, read by the strategy at `at` (per-record delay, in order)
  const readQ: Array<{ at: number; rec: Float64Array }> = [];
  let lastRead = 0;
  const collect: RecordHandler = {
    onRecord(d: Float64Array, o: number): void {
      const delay = rng.next() < 0.01 ? 150 * MS : rng.next() * 20 * MS;
      lastRead = Math.max(lastRead, now + delay) + 0.125;
      readQ.push({ at: lastRead, rec: d.slice(o, o + QUOTE_WORDS) });
    },
  };
  const read = (d: Float64Array, at: number): void => {
    now = at;
    const kind = d[H_KIND];
    rec(kind === KIND_QUOTE ? TR_QUOTE : TR_STATE, d[H_VENUE]!, d[H_RECV_NS]!, at);
    if (kind === KIND_QUOTE) {
      strategy.onQuote(d[H_VENUE]!, d[H_SYMBOL]!, d[Q_BID_PX]!, d[Q_BID_SZ]!, d[Q_ASK_PX]!, d[Q_ASK_SZ]!,
        (d[H_FLAGS]! & FLAG_USABLE) !== 0, d[H_EXCH_MS]!, d[H_RECV_NS]!, at);
    } else if (kind === KIND_BOOK_STATE) {
      strategy.onBookState(d[H_VENUE]!, d[H_SYMBOL]!, (d[H_FLAGS]! & FLAG_USABLE) !== 0, d[BS_REASON]!, at);
    }
  };

  // frames reach the board when the feed thread writes them: at receipt, but for the injected lag
  const order = events.map((e, i) => ({ e, at: lag !== null && i === lag.index ? lag.applyNs : e.t, i }));
  // one feed thread per venue: frames after a late one wait for it
  const venueFloor = [0, 0];
  for (const x of order) {
    if (x.at < venueFloor[x.e.venue]!) x.at = venueFloor[x.e.venue]!;
    venueFloor[x.e.venue] = x.at;
  }
  order.sort((a, b) => a.at - b.at || a.i - b.i);
  let nextTimer = MS;
  let fi = 0;
  let ri = 0;
  let qi = 0;
  for (;;) {
    const frameAt = fi < order.length ? order[fi]!.at : Infinity;
    if (frameAt === Infinity && ri >= readQ.length) break;
    const readAt = ri < readQ.length ? readQ[ri]!.at : Infinity;
    const repAt = qi < reportQ.length ? reportQ[qi]!.at : Infinity;
    const due = exec.nextDueNs();
    const pollAt = due === Infinity ? Infinity : due + pollDelay;
    const first = Math.min(pollAt, repAt, readAt, nextTimer);
    if (first <= frameAt) {
      if (first === pollAt) {
        now = pollAt;
        exec.poll(pollAt, view, sink);
        pollDelay = rng.next() * 3 * MS + 0.375;
      } else if (first === repAt) {
        const a = reportQ[qi++]!.args;
        now = repAt;
        rec(TR_REPORT, a[1]!, a[0]!, repAt);
        strategy.onReport(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, repAt);
      } else if (first === readAt) {
        read(readQ[ri++]!.rec, readAt);
      } else {
        now = nextTimer;
        rec(TR_TIMER, 0, 0, nextTimer);
        strategy.onTimer(nextTimer);
        nextTimer += MS + rng.next() * 2 * MS + 0.0625;
      }
      continue;
    }
    const { e } = order[fi++]!;
    now = frameAt;
    if (e.frame !== null) handlers[e.venue]!.onFrame(e.frame, e.t);
    else if (e.venue === VENUE_BINANCE) {
      const snap = parseBinanceDepthSnapshot(e.text);
      handlers[e.venue]!.onSnapshotApplied(e.symbol, binSync[e.symbol]!.onSnapshot(snap.lastUpdateId, snap.bids, snap.asks), e.t);
    }
    for (const r of rings) r.drain(collect, 1 << 20);
  }
  for (let v = 0; v < VENUE_COUNT; v++) for (let s = 0; s < symbols.length; s++) out.positions.push(strategy.positions.base(v, s));
  out.positions.push(strategy.positions.quote(0), strategy.positions.quote(1));
  out.trace = { anchorMonoNs: 0, anchorWallMs: startMs, records: Float64Array.from(trace), count: trace.length / TR_WORDS };
  hist.close();
  return out;
}

interface Replayed {
  opened: string[];
  reportLines: string[];
  positions: number[];
  journal: Array<Record<string, unknown>>;
  replay: SessionTraceReplay;
}

/** The backtest engine with the session-replay settings and the session's trace (run.ts with --compare). */
function replaySession(events: readonly Ev[], symbols: string[], filters: VenueFilters, s: Session): Replayed {
  const cfg = sessionConfig();
  const lat = dryRunExecutorLatency(ENTRY, RESPONSE, SEED);
  const startMs = dateStartMs(DATE);
  const replay = new SessionTraceReplay(s.trace, startMs, VENUE_COUNT, s.intents, lat.entry, lat.response, s.reports);
  const journal: Array<Record<string, unknown>> = [{ type: 'run_start', t: startMs, ns: 0 }];
  const engine = new BacktestEngine({
    config: arbitrageConfig(cfg), filters, balances: strategyBalances(cfg), entryLatency: replay.entry, responseLatency: replay.response,
    wallStartMs: startMs, journal: { append: (type, fields, ns) => { if (type === 'intent') journal.push({ ...fields, type, ns }); } },
    timerStepNs: MS, depthLevels: LEVELS, venueClock: 'receive', depthGate: 'always', memoryObservesUpdates: false,
    sessionReads: replay, onArrive: (id, now, recv) => replay.onArrive(id, now, recv),
  });
  const opened: string[] = [];
  const inner = engine.onEvent.bind(engine);
  engine.onEvent = (e: StrategyEvent): void => {
    const l = roundLine(e);
    if (l !== null) {
      opened.push(l);
      const r = e as Extract<StrategyEvent, { type: 'round_opened' }>;
      journal.push({ type: 'round_opened', ns: r.nowNs, pair_id: r.pairId, symbol: symbols[r.symbol], buy_venue: VENUE_NAMES[r.buyVenue],
        sell_venue: VENUE_NAMES[r.sellVenue], qty: r.qty });
    }
    inner(e);
  };
  const reportLines: string[] = [];
  const innerReport = engine.report.bind(engine);
  engine.report = (orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs) => {
    reportLines.push([orderId, status, lastPx, lastQty, cumQty, fee, errorCode].join(' '));
    innerReport(orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, sentNs, ackNs, tickRecvNs);
  };
  for (const e of events) {
    if (e.frame !== null) engine.onFrame(e.venue, e.t, e.frame, e.frame.length);
    else engine.onSnapshot(e.venue, e.symbol, e.t, e.text);
  }
  engine.finish(events[events.length - 1]!.t, 10_000 * MS);
  const positions: number[] = [];
  for (let v = 0; v < VENUE_COUNT; v++) for (let k = 0; k < symbols.length; k++) positions.push(engine.strategy.positions.base(v, k));
  positions.push(engine.strategy.positions.quote(0), engine.strategy.positions.quote(1));
  return { opened, reportLines, positions, journal, replay };
}

/** Strict agreement (replayed with a trace) of the two journals. */
function agreement(s: Session, r: Replayed) {
  const divs = r.replay.divergences.map((d) => ({ ms: dateStartMs(DATE) + d.ns / 1e6, kind: d.kind }));
  const session = openedRounds(s.journal, 'session');
  const backtest = openedRounds(r.journal, 'replay');
  return matchRounds(session.rounds, backtest.rounds, { toleranceMs: 5 }, undefined, { replay: 'session', divergences: divs }).report;
}

const firstDiff = (a: string[], b: string[]): string => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return `#${i}: session ${a[i]} / replay ${b[i]}`;
  return 'none';
};

t.test('a session slowed by its host is replayed from its strategy trace: every decision, fill and position', async (t) => {
  const dir = tempDir('xarb-trace-replay-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const symbols = ['BTCUSDT'];
  const events = await recordedEvents(dir, symbols);
  const filters = simSymbolFilters(symbols) as unknown as VenueFilters;

  const session = paperSession(events, symbols, filters, null);
  t.ok(session.opened.length >= 10, `the session opened ${session.opened.length} rounds`);
  t.ok(session.intents.length > 0, `${session.intents.length} orders`);
  const r = replaySession(events, symbols, filters, session);
  t.same(r.opened, session.opened, `every round_opened the same (first difference: ${firstDiff(session.opened, r.opened)})`);
  t.same(r.reportLines, session.reportLines, `every execution report the same (first difference: ${firstDiff(session.reportLines, r.reportLines)})`);
  t.same(r.positions, session.positions, 'the same positions at the end');
  t.same(r.replay.divergences, [], 'no divergence');
  const neverArrived = session.intents.filter((i) => !session.arrivals.has(i.orderId)).length;
  t.equal(r.replay.counters.ordersModelled, neverArrived, `every order timed by the session but the ${neverArrived} whose arrival it never handled`);
  // Two quotes of the first seconds (right after a depth snapshot) are published by the feed and
  // not by the replay (not explained yet, docs/backtest.md "Not done"); they change no decision.
  t.ok(r.replay.counters.readsMatched >= r.replay.counters.reads * 0.999,
    `the trace's reads replayed at their read time: ${r.replay.counters.readsMatched} of ${r.replay.counters.reads}`);
  const a = agreement(session, r);
  t.equal(a.session_rounds, session.opened.length);
  t.equal(a.matched, a.session_rounds, 'strict agreement: 100 % of rounds');
  t.equal(a.matched_same_trigger, a.matched);
  t.equal(a.extra_backtest_rounds, 0);
  t.match(a.criterion, /^strict/);

  // The host lag the replay cannot follow: the board write of a frame that an order's arrival
  // should have met comes after that arrival (the feed thread stamped it, then was descheduled).
  let chosen: { orderId: number; index: number; applyNs: number } | null = null;
  for (const [orderId, arr] of [...session.arrivals].sort((x, y) => x[0] - y[0])) {
    if (arr.venue < 0) continue;
    let index = -1;
    for (let i = 0; i < events.length && events[i]!.t < arr.ns; i++) if (events[i]!.venue === arr.venue && events[i]!.frame !== null) index = i;
    // a frame the order's own decision did not depend on (received after the decision)
    const decision = session.intents.find((x) => x.orderId === orderId)!.ns;
    if (index >= 0 && events[index]!.t > decision) {
      chosen = { orderId, index, applyNs: arr.ns + 2 * MS };
      break;
    }
  }
  t.ok(chosen !== null, 'an order whose venue received a frame between its decision and its arrival');
  const lagged = paperSession(events, symbols, filters, { index: chosen!.index, applyNs: chosen!.applyNs });
  const r2 = replaySession(events, symbols, filters, lagged);
  const board = r2.replay.divergences.filter((d) => d.kind === 'board');
  t.ok(board.length >= 1, `the replay names the board the session met (${board.length} board divergences)`);
  t.equal(r2.replay.divergences[0]!.kind, 'board', 'the first divergence is the lagging board');
  t.ok(r2.replay.divergences[0]!.sessionNs < r2.replay.divergences[0]!.replayNs, 'the session met an older book than the recording says it had received');
  const a2 = agreement(lagged, r2);
  t.equal(a2.matched + a2.missed_session_rounds, a2.session_rounds, 'every session round either matched or missed');
  const causes = { ...a2.causes.missed, ...a2.causes.extra };
  for (const k of Object.keys(causes)) t.equal(k, 'host_lag', `a difference after the lagging board is host_lag (${k}: ${causes[k]})`);
  t.comment(`injected lag at order ${chosen!.orderId}: ${a2.matched}/${a2.session_rounds} matched, causes ${JSON.stringify(a2.causes)}, ` +
    `divergences ${r2.replay.divergences.map((d) => d.kind).join(',')}`);
});
