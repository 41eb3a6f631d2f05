/**
 * Builds the live executor actor (venue clients, write-ahead order journal, venue rules,
 * balance checks, LiveExecutor and its ring I/O) for whichever thread runs it: its own
 * (live-executor.worker.ts) or the strategy's (strategy.worker.ts, when
 * `[engine] live_executor` resolves to "strategy-thread": an intent then needs no second
 * thread's wake-up, which on a host with fewer cores than threads costs more than the rest
 * of the order path together; docs/latency.md).
 *
 * Before the first order: each venue's server time is read (Binance GET /api/v3/time, Bybit
 * GET /v5/market/time) and the offset applied to request timestamps, with a warning when it
 * exceeds half the recvWindow. The caller drives `agent` from an event-loop-driven loop
 * (live-executor-loop.ts): answers arrive on this thread's sockets.
 */
import { randomBytes } from 'node:crypto';
import { Doorbell } from '../core/doorbell.js';
import { RingConsumer, RingProducer } from '../core/ring.js';
import { monoNs } from '../core/clock.js';
import { VENUE_BINANCE, VENUE_BYBIT, VENUE_COUNT, VENUE_NAMES } from '../core/records.js';
import { reportEntry, verdictEntry } from '../report/journal-entries.js';
import { CoreYield } from '../execution/live/core-yield.js';
import { buildVenueClient, type VenueClient } from '../execution/live/venue-client.js';
import type { OrderClientBase, OrderClientOptions } from '../execution/live/client-base.js';
import { PoolTransport } from '../execution/live/pool-transport.js';
import { LiveExecutor } from '../execution/live/live-executor.js';
import { OrderPathWarmer, warmUpLiveExecutor } from '../execution/live/warmup-live.js';
import { SendPathWarmer } from '../execution/live/send-path-warmer.js';
import { VenueRules } from '../execution/live/venue-rules.js';
import { BalanceWatch } from '../execution/live/balance-watch.js';
import { RunChecks, watchFills } from '../execution/live/run-checks.js';
import { FilterRefresh } from '../execution/live/filter-refresh.js';
import { BinanceAccountRest } from '../venues/binance/account-rest.js';
import { BybitAccountRest } from '../venues/bybit/account-rest.js';
import { splitSymbolAssets } from '../report/pnl.js';
import { answerCode } from '../execution/live/venue-rules.js';
import { OrderWal } from '../execution/order-wal.js';
import { loadEd25519PrivateKey } from '../execution/live/signer.js';
import { ratesFrom } from '../execution/live/fee-units.js';
import { boardRates } from '../execution/live/board-rates.js';
import { QuoteBoard } from '../core/quote-board.js';
import type { VenueOrderClient } from '../execution/live/order-types.js';
import { newExecutorCounters, RingReportSink } from './executor-agent.js';
import { LiveExecutorAgent } from './live-executor-agent.js';
import { flatCounters, type WorkerRuntime } from './worker-runtime.js';
import type { ExecutorWorkerData } from './wiring.js';

/** Longest the shutdown waits for orders already out to be answered. */
const STOP_DRAIN_MS = 3000;

export interface LiveExecutorActor {
  agent: LiveExecutorAgent;
  exec: LiveExecutor;
  /** Flat counters of the executor, its venue clients and rules (`extra` merged in). */
  counters(extra?: () => Record<string, number>): Record<string, number>;
  /** Housekeeping between slices: the venues' rules, balance checks. */
  tick(): void;
  /** Supervisor messages meant for the executor: cancel-all, resume. */
  onMessage(m: { type?: string; reason?: string }): void;
  /** Shutdown, step 1: no new looks; waits (bounded) for orders already out. */
  drain(): Promise<void>;
  /** Shutdown, step 2 (after the runtime's last words): journal, sessions, pools closed. */
  closeIo(): Promise<void>;
}

export async function createLiveExecutorActor(d: ExecutorWorkerData, rt: WorkerRuntime): Promise<LiveExecutorActor> {
  if (d.live === undefined) throw new Error('live executor started without live wiring (ExecutorWorkerData.live)');
  const live = d.live;
  const log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void => rt.log(level, msg, fields);
  const transport = new PoolTransport();
  // [execution.live]: the venues' rules kept during the run (defaults as in the schema).
  const liveRules = live.rules ?? { usage_margin: 0.2, clock_resync_s: 60, balance_check_s: 30, balance_tolerance: 0.002, max_unresolved_orders: 3 };
  const rules: (VenueRules | null)[] = new Array<VenueRules | null>(VENUE_COUNT).fill(null);
  const watches: (BalanceWatch | null)[] = new Array<BalanceWatch | null>(VENUE_COUNT).fill(null);
  const cancels: (((symbol: string) => Promise<number>) | null)[] = new Array<((symbol: string) => Promise<number>) | null>(VENUE_COUNT).fill(null);
  const accounts: Array<{ close(): Promise<void> }> = [];
  const restUrls: string[] = VENUE_NAMES.map((v) => live.venues[v]?.restUrl ?? '');
  const assets = d.symbols.map((s) => splitSymbolAssets(s));

  // A fee in BNB: at the board's BNB<quote> mid when that symbol is traded, else at execution.bnb_price_quote.
  const feeRates = boardRates(new QuoteBoard(d.board), d.symbols, ratesFrom(live.feeAssetPrices ?? {}));
  const clients: (VenueOrderClient | null)[] = new Array<VenueOrderClient | null>(VENUE_COUNT).fill(null);
  const bases: OrderClientBase[] = [];
  const venueClients: VenueClient[] = [];
  for (let v = 0; v < VENUE_COUNT; v++) {
    const name = VENUE_NAMES[v]!;
    const w = live.venues[name];
    if (!w || w.apiKey === '' || (w.keyType === 'ed25519' ? w.privateKeyPem === '' : w.secretKey === '') || w.restUrl === '') {
      log('error', 'live venue not configured: its orders will be refused', { venue: name });
      continue;
    }
    if (v !== VENUE_BINANCE && v !== VENUE_BYBIT) continue;
    const opts: OrderClientOptions = {
      baseUrl: w.restUrl, creds: { apiKey: w.apiKey, secretKey: w.secretKey }, recvWindowMs: w.recvWindowMs,
      timeoutMs: live.requestTimeoutMs, takerFeeRate: d.takerFees[v] ?? 0.001, reconcileBudgetMs: live.reconcileBudgetMs,
      transport, wallMs: Date.now, log, rateInQuote: feeRates,
    };
    let vc: VenueClient;
    try {
      vc = buildVenueClient({ venue: v, name, rest: opts, orderEntry: w.orderEntry, wsApiUrl: w.wsApiUrl, keyType: w.keyType,
        privateKeyPem: w.privateKeyPem, reconnectMinMs: w.reconnectMinMs, reconnectMaxMs: w.reconnectMaxMs, privateFills: { symbols: d.symbols } });
    } catch (e) {
      log('error', 'live venue key unusable: its orders will be refused', { venue: name, key_type: w.keyType, err: (e as Error).message });
      continue;
    }
    const c = vc.rest;
    // Open the pool's connections now: the first order must not pay a handshake.
    const warm = await transport.connect(new URL(w.restUrl).origin, v === VENUE_BINANCE ? '/api/v3/time' : '/v5/market/time', 3000);
    if (warm !== null) log('warn', 'could not open the REST connections at start', { venue: name, err: warm.message });
    // Usage budget, back-offs and the clock (venue-rules.ts); the first measurement now.
    const vr = new VenueRules({ venue: name as 'binance' | 'bybit', margin: liveRules.usage_margin, resyncEveryMs: liveRules.clock_resync_s * 1000,
      wallMs: Date.now, log, applyOffset: (ms) => {
        c.clockOffsetMs = ms;
        if (Math.abs(ms) > w.recvWindowMs / 2) log('warn', 'venue clock offset exceeds half the recvWindow', { venue: name, offset_ms: ms, recv_window_ms: w.recvWindowMs });
      } });
    c.rules = vr;
    rules[v] = vr;
    if (!(await vr.resyncIfDue(transport, w.restUrl, 3000))) log('warn', 'could not read the venue server time; using the local clock until it can', { venue: name });
    // Balance checks and cancel-all go through the account REST: HMAC-signed, or for a Binance
    // Ed25519 key with the base64 Ed25519 signature of the query string (Bybit keys are HMAC).
    if (w.keyType !== 'ed25519' || v === VENUE_BINANCE) {
      const acct = { baseUrl: w.restUrl, apiKey: w.apiKey, secretKey: w.secretKey, recvWindowMs: w.recvWindowMs, venueNowMs: () => Date.now() + c.clockOffsetMs,
        ...(w.keyType === 'ed25519' ? { ed25519Key: loadEd25519PrivateKey(w.privateKeyPem, `${name} auth.private_key`) } : {}),
        timeoutMs: live.requestTimeoutMs, onAnswer: (p: string, a: { status: number; headers: Record<string, string>; text: string }) =>
          vr.onHttpAnswer(p, a.status, (n) => a.headers[n] ?? null, answerCode(a.text), a.text) };
      const held = (p: string): void => {
        const r = vr.takeQuery(p, Date.now());
        if (r !== null) throw new Error(`held back by the venue's rules: ${r.reason}`);
      };
      if (v === VENUE_BINANCE) {
        const bn = new BinanceAccountRest(acct);
        accounts.push(bn);
        watches[v] = new BalanceWatch({ venue: 'binance', assets, tolerance: liveRules.balance_tolerance, log, venueFees: vc.fills !== null, busy: () => exec.inFlight > 0 || exec.tracker.liveCount > 0,
          read: async () => { held('/api/v3/account'); return (await bn.account()).balances; } });
        cancels[v] = async (s) => { held('/api/v3/openOrders'); return (await bn.cancelAll(s)).length; };
      } else {
        const bb = new BybitAccountRest(acct);
        accounts.push(bb);
        watches[v] = new BalanceWatch({ venue: 'bybit', assets, tolerance: liveRules.balance_tolerance, log, venueFees: vc.fills !== null, busy: () => exec.inFlight > 0 || exec.tracker.liveCount > 0,
          read: async () => { held('/v5/account/wallet-balance'); return bb.walletBalance(); } });
        cancels[v] = async (s) => { held('/v5/order/cancel-all'); return (await bb.cancelAll(s)).length; };
      }
      // Fees as the venue charged them, from every fill the ledger applies (BNB is not quote).
      const watch = watches[v]!;
      if (vc.fills !== null) vc.fills.onFee = (asset, fee) => watch.onVenueFee(asset, fee);
    } else {
      log('warn', 'balance checks and cancel-all skipped on this venue (Bybit keys sign with HMAC; this key is Ed25519)', { venue: name });
    }
    // The WS order session opens after the clock offset is known (its logon is timestamped).
    const wsReady = await vc.start(5000);
    log(wsReady || w.orderEntry === 'rest' ? 'info' : 'warn', 'live order path', {
      venue: name, order_entry: w.orderEntry, key_type: w.keyType, path: wsReady ? 'websocket' : 'rest',
      ...(w.orderEntry === 'ws' && !wsReady ? { note: 'WebSocket order session not ready; REST until it is' } : {}),
    });
    clients[v] = vc.client;
    bases.push(c);
    venueClients.push(vc);
  }

  const runTag = 'x' + randomBytes(4).toString('hex');
  const sinkCounters = newExecutorCounters();
  const sink = new RingReportSink(new RingProducer(d.reportRing, new Doorbell(d.strategyBell)), rt.hist, sinkCounters,
    (orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role, ackNs) =>
      rt.journal(reportEntry(d.symbols, ackNs, orderId, pairId, venue, symbol, side, status, price, lastPx, lastQty, cumQty, qty, fee, feeAsset, errorCode, role)));
  // The write-ahead order journal: every order's client id is on disk before its request leaves.
  const wal = live.runDir !== undefined ? new OrderWal(live.runDir) : null;
  if (wal !== null) log('info', 'order journal open', { path: wal.path });
  // The usage budgets (venue-rules.ts) replace the fixed order-rate limiters: they stay
  // usage_margin below the venues' limits and take the venues' own counts from their answers.
  // After a pair is on the wire, its core goes to whatever the pair made runnable (core-yield.ts).
  const coreYield = (d.yieldAfterPairUs ?? 0) > 0 ? new CoreYield(d.yieldAfterPairUs!) : null;
  const exec = new LiveExecutor({
    symbols: d.symbols, clients, filters: VENUE_NAMES.map((v) => live.filters[v]), limiters: [null, null], rules,
    maxUnresolved: liveRules.max_unresolved_orders, sink: watchFills(sink, watches), verdicts: sink, runTag, wal, monoNs, wallMs: Date.now, log,
    afterPairOnWire: coreYield === null ? null : () => { coreYield.run(); },
    venueClockOffsetMs: (v) => bases.find((b) => b.venue === v)?.clockOffsetMs ?? 0,
    // The order path's finals (answer, query) as `venue_order` lines; the streams' are written by their PrivateFills.
    journal: (e) => rt.journal({ ns: monoNs(), ...e }),
  });
  sink.onVerdict = (orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset, nowNs) =>
    rt.journal(verdictEntry(d.symbols, nowNs, orderId, venue, symbol, kind, status, cumQty, cumQuote, cumFee, feeAsset));
  const checks = new RunChecks({
    exec, rules, watches, cancelAll: cancels, symbols: d.symbols, transport, restUrls, requestTimeoutMs: live.requestTimeoutMs,
    balanceEveryMs: liveRules.balance_check_s * 1000, wallMs: Date.now, log,
    onHalt: (rule, reason, active) => rt.post({ type: 'halt-entries', rule, reason, active }),
  });
  // The venues' filters read again during the run; a change applies to the next order (filter-refresh.ts).
  const filterRefresh = new FilterRefresh({
    symbols: d.symbols, filters: VENUE_NAMES.map((v) => live.filters[v]), restUrls, rules,
    everyMs: (liveRules.filter_refresh_s ?? 300) * 1000, wallMs: Date.now, log,
  });
  // Fills from the private streams and their gap-fills reach the strategy through the executor.
  for (const vc of venueClients) {
    if (vc.fills === null) continue;
    vc.fills.target = exec;
    // A final that states no fee (Bybit) waits for the executions this venue's ledger brings.
    exec.feeSources[vc.rest.venue] = vc.fills;
    // Each fill (first copy, with its source) and each stream final in the run's journal.
    vc.fills.journal = (e) => rt.journal({ ns: monoNs(), ...e });
  }
  // The first block of client ids is reserved (a synced write) now, not by the first order.
  exec.reserveAhead();
  // The order path optimized before the first real intent (warmup-live.ts).
  const warmer = OrderPathWarmer.create(d.symbols, VENUE_NAMES.map((v) => live.filters[v]), monoNs);
  const warmed = warmer === null ? 0 : await warmUpLiveExecutor(warmer, 3000);
  log('debug', 'live executor order path warmed', { orders: warmed });
  const agent = new LiveExecutorAgent(new RingConsumer(d.intentRing), exec, rt.hist);
  // And kept warm while idle (live-executor-agent.ts keepWarm), the socket write path included.
  const keepWarmUs = liveRules.keep_warm_us ?? 1000;
  agent.warmer = keepWarmUs > 0 ? warmer : null;
  agent.keepWarmNs = keepWarmUs * 1000;
  const sendWarmer = agent.warmer === null ? null : await SendPathWarmer.open();
  agent.sendWarmer = sendWarmer;
  if (agent.warmer !== null && sendWarmer === null) log('warn', 'could not open the send-path warmer (a loopback connection in this thread); the first write after idle stays cold', {});
  agent.onIdle = () => {
    // Reports the ring had no room for go first (executor-agent.ts RingReportSink).
    sink.flush();
    rt.flushJournal();
  };
  log('info', 'live executor ready', { run_tag: runTag, venues: VENUE_NAMES.filter((_, v) => clients[v] !== null) });

  function counters(extra: () => Record<string, number>): Record<string, number> {
    const out = flatCounters(exec.counters, { ring_reports: sinkCounters.reports, report_ring_full: sinkCounters.reportRingFull,
      report_redelivered: sinkCounters.reportsRedelivered ?? 0, report_lost: sinkCounters.reportsLost ?? 0, report_backlog: sink.backlogged,
      live_orders: exec.tracker.liveCount, keep_warm_passes: agent.warmPasses, keep_warm_frames: sendWarmer?.sent ?? 0,
      yields_after_pair: coreYield?.count ?? 0, ...extra() });
    for (const c of bases) {
      const name = VENUE_NAMES[c.venue]!;
      for (const [k, v] of Object.entries(c.counters)) out[`${name}_${k}`] = v;
      const r = rules[c.venue];
      if (r != null) {
        for (const [k, v] of Object.entries(r.counters)) out[`${name}_${k}`] = v;
        out[`${name}_backoff_ms`] = Math.max(0, r.backoffUntilMs() - Date.now());
      }
    }
    // The venues' word: fill-ledger counters and balances (<venue>_bal_<ASSET>, from the private streams).
    for (const vc of venueClients) {
      const name = VENUE_NAMES[vc.rest.venue]!;
      if (vc.fills !== null) for (const [k, v] of Object.entries(vc.fills.stats())) out[`${name}_${k}`] = v;
      if (vc.streamCounters !== null) {
        out[`${name}_user_data_sessions`] = vc.streamCounters.ws_sessions;
        out[`${name}_user_data_disconnects`] = vc.streamCounters.ws_disconnects;
        out[`${name}_user_data_bad`] = vc.streamCounters.bad_responses;
      }
    }
    for (const [k, v] of Object.entries(checks.counters)) out[k] = v;
    for (const [k, v] of Object.entries(filterRefresh.counters)) out[k] = v;
    for (const [k, v] of Object.entries(exec.gate.counters)) out[k] = v;
    return out;
  }

  return {
    agent, exec, counters: (extra = () => ({})) => counters(extra),
    tick: () => {
      checks.tick();
      filterRefresh.tick();
    },
    onMessage(m) {
      // Kill switch, operator halt and flatten: cancel every open order on both venues.
      if (m?.type === 'cancel-all') void checks.cancelAll(m.reason ?? 'operator');
      // An operator's resume lifts the executor's drift halt (its reason is journaled by the supervisor).
      else if (m?.type === 'resume' && m.reason !== undefined && m.reason.trim() !== '') checks.resume();
    },
    async drain() {
      // Let orders already out finish (their reports still reach the strategy), bounded.
      exec.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exec.whenIdle(), new Promise((r) => { timer = setTimeout(r, STOP_DRAIN_MS); })]);
      clearTimeout(timer);
      if (exec.inFlight > 0) log('warn', 'live executor closing with orders still in flight', { in_flight: exec.inFlight });
      // Whatever is still held (in flight, or a final waiting for its fees) is journaled as
      // unresolved with what was reported of it: the next start asks the venue for the rest.
      const unresolved = exec.closeUnresolved();
      if (unresolved > 0) log('warn', 'orders journaled as unresolved at close', { orders: unresolved });
    },
    async closeIo() {
      sendWarmer?.close();
      wal?.close();
      for (const vc of venueClients) vc.close();
      await Promise.allSettled(accounts.map((a) => a.close()));
      await transport.close();
    },
  };
}
