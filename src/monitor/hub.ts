/**
 * The monitor hub (main thread): samples what the workers already publish (their stats
 * messages, the quote board, the ring counters, the collector's latency intervals, the journal
 * lines passing through the supervisor) into
 * - one dashboard frame at a bounded rate (4 Hz), pushed to /ws subscribers, with a few
 *   minutes of history for a page that connects late;
 * - the alert rules, once a second, whose transitions become an `alert` log line, a journal
 *   entry and webhook posts;
 * - the /status summary and the /metrics text, on request.
 * No worker is asked for anything and no hot-path record is read twice: the board is read
 * under its seqlock like the status line does.
 */
import type { Logger } from 'pino';
import type { XarbConfig } from '../config/index.js';
import { logAlert } from '../core/log.js';
import { QuoteBoard, B_ASK_PX, B_BID_PX, B_FLAGS, B_REASON } from '../core/quote-board.js';
import { BOOK_REASON_NAMES, FLAG_USABLE, VENUE_BINANCE, VENUE_BYBIT, VENUE_NAMES } from '../core/records.js';
import type { TaggedInterval } from '../core/hist-collector.js';
import { AlertEngine, alertText, type AlertTransition } from './alerts.js';
import { AlertRules, type AlertInputs } from './alert-rules.js';
import { LatencyWindow } from './latency-window.js';
import { ProcessStats, type ProcessSample } from './process-stats.js';
import { WebhookSender, webhookTargets } from './webhook.js';
import { formatMetrics, type ActorView, type RingView } from './metrics.js';

export const FRAME_INTERVAL_MS = 250;
const ALERT_INTERVAL_MS = 1000;
/** Five minutes of frames at 4 Hz. */
const HISTORY_FRAMES = 1200;
const LAST_ITEMS = 20;
const STARTUP_GRACE_MS = 10_000;

export interface HubSource {
  actors(): ActorView[];
  rings(): Record<string, RingView>;
  latencyErrors(): ReadonlyMap<string, { errors: number }>;
  stopping(): boolean;
  /** Runs-folder refusals counted before the monitor started (metrics.ts runsFolderErrors). */
  runsFolderErrors?(): Record<string, number>;
}

export type ControlAction = 'halt' | 'resume' | 'flatten';

export interface ControlResult {
  ok: boolean;
  /** HTTP status to answer with. */
  status: number;
  message: string;
}

export interface HubOptions {
  cfg: XarbConfig;
  runId: string;
  runDir: string;
  symbols: readonly string[];
  board: QuoteBoard;
  log: Logger;
  /** Appends a journal line (may throw on a disk error: counted, never fatal here). */
  journal: (type: string, fields: Record<string, unknown>) => void;
  control: (action: ControlAction, reason: string) => ControlResult;
  source: HubSource;
  startedMs: number;
}

interface SymbolView {
  symbol: string;
  bnToBy: number;
  byToBn: number;
  /** Raw spread an entry needs: min_spread_bps + both taker fees + slippage tolerance. */
  threshold: number;
  edgeBnToBy: number;
  edgeByToBn: number;
  books: Array<{ venue: string; usable: boolean; reason: string; bid: number; ask: number }>;
}

interface RoundView {
  pair_id: number;
  symbol: string;
  buy_venue: string;
  sell_venue: string;
  qty: number;
  edge_bps: number;
  opened: number;
  closed?: number;
  outcome?: string;
  pnl?: number;
}

interface FillView {
  t: number;
  venue: string;
  symbol: string;
  side: string;
  qty: number;
  price: number;
  fee: number;
  role: string;
  status: string;
}

export interface Series {
  t: number[];
  spreads: Record<string, { bnToBy: number[]; byToBn: number[] }>;
  equity: number[];
  realized: number[];
  positions: Record<string, number[]>;
}

export class MonitorHub {
  readonly latency = new LatencyWindow();
  readonly process: ProcessStats;
  private readonly engine: AlertEngine;
  private readonly rules: AlertRules;
  readonly webhooks: WebhookSender;
  private readonly listeners = new Set<(text: string) => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly rounds: RoundView[] = [];
  private readonly fills: FillView[] = [];
  private readonly riskEvents: Array<{ t: number; rule: string; action: string; detail: string }> = [];
  private haltReason = '';
  private journalErrors = 0;
  private frameSeq = 0;
  private lastFrame: Record<string, unknown> | null = null;
  private readonly series: Series;
  private readonly entry: Float64Array;
  private readonly prevFrames = new Map<string, { frames: number; t: number; fps: number }>();
  private readonly feesBps: number;

  constructor(private readonly o: HubOptions) {
    const a = o.cfg.monitor.alerts;
    this.process = new ProcessStats(o.runDir);
    this.engine = new AlertEngine(a.repeat_interval_ms);
    this.rules = new AlertRules(a);
    this.webhooks = new WebhookSender(webhookTargets(a), o.runId, a.max_per_minute,
      (format, message) => o.log.warn({ webhook: format, err: message }, 'alert webhook failed'));
    this.entry = new Float64Array(o.board.entryWords);
    this.feesBps = o.cfg.fees.binance_taker_bps + o.cfg.fees.bybit_taker_bps + o.cfg.execution.slippage_tolerance * 1e4;
    this.series = { t: [], spreads: {}, equity: [], realized: [], positions: {} };
    for (const s of o.symbols) {
      this.series.spreads[s] = { bnToBy: [], byToBn: [] };
      for (const v of VENUE_NAMES) this.series.positions[`${v}:${s}`] = [];
    }
  }

  private startedMs = Date.now();

  start(): void {
    this.startedMs = Date.now();
    this.process.start();
    this.timers.push(setInterval(() => this.tickFrame(), FRAME_INTERVAL_MS));
    if (this.o.cfg.monitor.alerts.enabled) this.timers.push(setInterval(() => this.tickAlerts(Date.now()), ALERT_INTERVAL_MS));
    else this.timers.push(setInterval(() => this.process.sample(), ALERT_INTERVAL_MS));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    this.process.stop();
    await this.webhooks.drain();
  }

  /** A /ws subscriber: receives every frame's JSON text. Returns the unsubscribe function. */
  subscribe(fn: (text: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The first message a dashboard receives: configuration, history, the latest frame. */
  hello(): Record<string, unknown> {
    const hops = this.latency.orderedHops();
    return {
      type: 'hello', run_id: this.o.runId, mode: this.o.cfg.mode, symbols: this.o.symbols, venues: VENUE_NAMES,
      frame_interval_ms: FRAME_INTERVAL_MS, thresholds: Object.fromEntries(this.o.symbols.map((s) => [s, this.threshold()])),
      series: this.series, latency: { hops, headline: this.latency.headline() ?? null, points: Object.fromEntries(hops.map((h) => [h, this.latency.points(h)])) },
      frame: this.lastFrame ?? this.buildFrame(),
    };
  }

  onIntervals(intervals: readonly TaggedInterval[]): void {
    this.latency.add(intervals);
  }

  /** A journal line passing through the supervisor (worker journal messages). */
  onJournal(type: string, f: Record<string, unknown>): void {
    const now = Date.now();
    switch (type) {
      case 'round_opened':
        push(this.rounds, {
          pair_id: f['pair_id'] as number, symbol: String(f['symbol']), buy_venue: String(f['buy_venue']), sell_venue: String(f['sell_venue']),
          qty: f['qty'] as number, edge_bps: f['edge_bps'] as number, opened: now,
        });
        break;
      case 'round_closed': {
        const r = this.rounds.find((x) => x.pair_id === f['pair_id']);
        if (r !== undefined) { r.closed = now; r.outcome = String(f['outcome']); r.pnl = f['pnl'] as number; }
        break;
      }
      case 'report':
        if (typeof f['last_qty'] === 'number' && f['last_qty'] > 0) {
          push(this.fills, {
            t: now, venue: String(f['venue']), symbol: String(f['symbol']), side: String(f['side']), qty: f['last_qty'],
            price: f['last_px'] as number, fee: f['fee'] as number, role: String(f['role']), status: String(f['status']),
          });
        }
        break;
      case 'halt':
        this.haltReason = String(f['reason'] ?? '');
        break;
      case 'resume':
        // Other halts may still hold (e.g. a flatten after an unwind_failed was lifted).
        if (!Array.isArray(f['remaining']) || f['remaining'].length === 0) this.haltReason = '';
        else this.haltReason = `still halted: ${(f['remaining'] as unknown[]).join(', ')}`;
        break;
      case 'risk':
        push(this.riskEvents, { t: now, rule: String(f['rule']), action: String(f['action']), detail: String(f['detail'] ?? '') });
        break;
    }
  }

  /**
   * A journal write failed (disk full, I/O error): raises the `disk` alert at once, not at the
   * next once-a-second evaluation, which the orderly stop that follows would skip. Its log line
   * and webhook go out (hub.stop() waits for the webhook); its journal entry cannot, the
   * journal having failed.
   */
  journalError(): void {
    this.journalErrors++;
    if (this.o.cfg.monitor.alerts.enabled) this.tickAlerts(Date.now());
  }

  control(action: ControlAction, reason: string): ControlResult {
    const r = this.o.control(action, reason);
    this.o.log.warn({ action, reason, ok: r.ok }, `operator ${action} from the monitor: ${r.message}`);
    return r;
  }

  private threshold(): number {
    return this.o.cfg.strategy.min_spread_bps + this.feesBps;
  }

  private symbolViews(): SymbolView[] {
    const out: SymbolView[] = [];
    const e = this.entry;
    for (let s = 0; s < this.o.symbols.length; s++) {
      const books: SymbolView['books'] = [];
      for (const v of [VENUE_BINANCE, VENUE_BYBIT]) {
        const ok = this.o.board.read(v, s, e);
        books.push({
          venue: VENUE_NAMES[v]!, usable: ok && (e[B_FLAGS]! & FLAG_USABLE) !== 0,
          reason: ok ? BOOK_REASON_NAMES[e[B_REASON]!] ?? 'unknown' : 'no data', bid: ok ? e[B_BID_PX]! : Number.NaN, ask: ok ? e[B_ASK_PX]! : Number.NaN,
        });
      }
      const [bn, by] = books as [SymbolView['books'][0], SymbolView['books'][0]];
      const bnToBy = bps(by.bid, bn.ask);
      const byToBn = bps(bn.bid, by.ask);
      out.push({
        symbol: this.o.symbols[s]!, bnToBy, byToBn, threshold: this.threshold(),
        edgeBnToBy: bnToBy - this.feesBps, edgeByToBn: byToBn - this.feesBps, books,
      });
    }
    return out;
  }

  private feedViews(actors: ActorView[], now: number): Array<Record<string, unknown>> {
    return actors.filter((a) => a.kind === 'feed').map((a) => {
      const s = a.stats ?? {};
      const venue = a.name.replace(/^feed:/, '');
      const frames = s['framesIn'] ?? 0;
      const prev = this.prevFrames.get(venue);
      let fps = prev?.fps ?? 0;
      if (prev === undefined || now - prev.t >= 1000) {
        if (prev !== undefined) fps = ((frames - prev.frames) * 1000) / (now - prev.t);
        this.prevFrames.set(venue, { frames, t: now, fps });
      }
      const state = a.stats === undefined ? 'starting' : !a.alive ? 'restarting' : s['connected'] ? (s['usable_books'] === s['books'] ? 'ok' : 'syncing') : 'down';
      return {
        venue, state, connected: (s['connected'] ?? 0) > 0, books: s['books'] ?? 0, usable_books: s['usable_books'] ?? 0, frames, fps: Math.max(0, fps),
        disconnects: s['disconnects'] ?? 0, reconnects: s['reconnects'] ?? 0, bad_frames: s['badFrames'] ?? 0, gaps: s['gaps'] ?? 0,
        restarts: a.restarts,
      };
    });
  }

  private strategyView(st: Record<string, number> | undefined): Record<string, unknown> {
    const g = (k: string) => st?.[k] ?? null;
    const positions: Record<string, { quote: number | null; base: Record<string, number | null> }> = {};
    for (const v of VENUE_NAMES) {
      positions[v] = { quote: g(`quote_${v}`), base: Object.fromEntries(this.o.symbols.map((s) => [s, g(`base_${v}_${s}`)])) };
    }
    return {
      reported: st !== undefined, equity: g('equity'), realized_pnl: g('realized_pnl'), round_pnl: g('round_pnl'), legging_pnl: g('legging_pnl'),
      fees: g('fees'), drawdown: g('drawdown_ratio') ?? g('drawdown'), halted: (st?.['halted'] ?? 0) > 0, halt_reason: this.haltReason, flattening: (st?.['flattening'] ?? 0) > 0,
      open_rounds: g('open_rounds'), live_orders: g('live_orders'), rounds_closed: g('roundsClosed'), rounds_won: g('roundsWon'),
      legged_rounds: g('leggedRounds'), orders_sent: g('ordersSent'), rejects: g('rejects'), stop_losses: g('stopLossTriggers'),
      positions, exposure: Object.fromEntries(this.o.symbols.map((s) => [s, g(`exposure_${s}`)])),
    };
  }

  private buildFrame(): Record<string, unknown> {
    const now = Date.now();
    const actors = this.o.source.actors();
    const st = actors.find((a) => a.kind === 'strategy')?.stats;
    const p = this.process.latest();
    const hops = this.latency.orderedHops();
    return {
      type: 'frame', seq: ++this.frameSeq, t: now, uptime_s: Math.round((now - this.o.startedMs) / 1000), stopping: this.o.source.stopping(),
      symbols: this.symbolViews(), strategy: this.strategyView(st), feeds: this.feedViews(actors, now),
      latency: {
        hops, headline: this.latency.headline() ?? null,
        last: Object.fromEntries(hops.map((h) => [h, this.latency.points(h).at(-1) ?? null])),
      },
      rounds: this.rounds, fills: this.fills, risk_events: this.riskEvents,
      alerts: {
        firing: this.engine.firing().map((a) => ({ kind: a.kind, key: a.key, severity: a.severity, message: a.message, since: a.firedAtMs })),
        recent: this.engine.recent().filter((tr) => tr.alert.notified).slice(-LAST_ITEMS).map((tr) => ({ state: tr.state, kind: tr.alert.kind, message: tr.alert.message, t: tr.atMs })),
      },
      system: systemView(p),
      rings: Object.fromEntries(Object.entries(this.o.source.rings()).map(([k, r]) => [k, { depth: r.depth, dropped: r.dropped }])),
    };
  }

  private tickFrame(): void {
    const f = this.buildFrame();
    this.lastFrame = f;
    this.record(f);
    if (this.listeners.size === 0) return;
    const text = JSON.stringify(f);
    for (const l of this.listeners) l(text);
  }

  private record(f: Record<string, unknown>): void {
    const s = this.series;
    const cap = (a: number[], v: number | null) => { a.push(v ?? Number.NaN); if (a.length > HISTORY_FRAMES) a.shift(); };
    cap(s.t, f['t'] as number);
    for (const v of f['symbols'] as SymbolView[]) {
      cap(s.spreads[v.symbol]!.bnToBy, v.bnToBy);
      cap(s.spreads[v.symbol]!.byToBn, v.byToBn);
    }
    const st = f['strategy'] as ReturnType<MonitorHub['strategyView']>;
    cap(s.equity, st['equity'] as number | null);
    cap(s.realized, st['realized_pnl'] as number | null);
    const pos = st['positions'] as Record<string, { base: Record<string, number | null> }>;
    for (const v of VENUE_NAMES) for (const sym of this.o.symbols) cap(s.positions[`${v}:${sym}`]!, pos[v]!.base[sym] ?? null);
  }

  alertInputs(nowMs: number, p: ProcessSample): AlertInputs {
    const actors = this.o.source.actors();
    const views = this.symbolViews();
    const gc: Record<string, number> = { main: p.gc.maxPauseMs };
    for (const a of actors) if (a.stats?.['gc_max_pause_ms'] !== undefined) gc[a.name] = a.stats['gc_max_pause_ms'];
    return {
      nowMs,
      feeds: actors.filter((a) => a.kind === 'feed' && a.stats !== undefined).map((a) => ({
        venue: a.name.replace(/^feed:/, ''), connected: a.alive && (a.stats!['connected'] ?? 0) > 0, framesIn: a.stats!['framesIn'] ?? 0, disconnects: a.stats!['disconnects'] ?? 0,
      })),
      books: views.flatMap((v) => v.books.map((b) => ({ venue: b.venue, symbol: v.symbol, usable: b.usable }))),
      spreads: views.map((v) => ({ symbol: v.symbol, bnToBy: v.bnToBy, byToBn: v.byToBn })),
      strategy: actors.find((a) => a.kind === 'strategy')?.stats, executor: actors.find((a) => a.kind === 'executor')?.stats, haltReason: this.haltReason, positionLimit: this.o.cfg.risk.position_limit,
      rings: Object.entries(this.o.source.rings()).map(([name, r]) => ({ name, dropped: r.dropped })),
      // Start-up (thread spawn, warm-up, JIT) blocks the loop once: not an alert.
      eventLoopP99Ms: nowMs - this.startedMs < STARTUP_GRACE_MS ? 0 : p.loopP99Ms, gcMaxPauseMs: gc, rssMb: p.rssBytes / 2 ** 20, diskFreeMb: p.diskFreeBytes / 2 ** 20, diskErrors: this.journalErrors,
    };
  }

  /** One alert evaluation (public for tests that drive time). */
  tickAlerts(nowMs: number): AlertTransition[] {
    const p = this.process.sample();
    // An orderly shutdown halts and flattens on purpose: not an alert.
    if (this.o.source.stopping()) return [];
    const transitions = this.engine.update(this.rules.evaluate(this.alertInputs(nowMs, p)), nowMs);
    for (const tr of transitions) this.notify(tr);
    return transitions;
  }

  private notify(tr: AlertTransition): void {
    const a = tr.alert;
    const fields = { alert: a.kind, key: a.key, state: tr.state, severity: a.severity, value: a.value };
    logAlert(this.o.log, fields, alertText(tr, this.o.runId));
    try {
      this.o.journal('alert', { state: tr.state, kind: a.kind, key: a.key, severity: a.severity, message: a.message, value: a.value ?? null });
    } catch (e) {
      this.journalErrors++;
      this.o.log.error({ err: (e as Error).message }, 'could not journal an alert');
    }
    this.webhooks.send(tr, tr.atMs);
  }

  /** GET /status: the short summary an operator reads. */
  status(): Record<string, unknown> {
    const actors = this.o.source.actors();
    const st = actors.find((a) => a.kind === 'strategy')?.stats;
    const sv = this.strategyView(st);
    const feeds = this.feedViews(actors, Date.now());
    const hops = this.latency.orderedHops();
    const us = (s: number) => (Number.isFinite(s) ? Math.round(s * 1e7) / 10 : null);
    const pos = sv['positions'] as Record<string, { quote: number | null; base: Record<string, number | null> }>;
    return {
      run_id: this.o.runId, mode: this.o.cfg.mode, uptime_s: Math.round((Date.now() - this.o.startedMs) / 1000), stopping: this.o.source.stopping(),
      halted: sv['halted'], halt_reason: sv['halt_reason'], flattening: sv['flattening'],
      pnl: { realized: sv['realized_pnl'], round: sv['round_pnl'], legging: sv['legging_pnl'], fees: sv['fees'], equity: sv['equity'], drawdown: sv['drawdown'] },
      rounds: { closed: sv['rounds_closed'], won: sv['rounds_won'], legged: sv['legged_rounds'], open: sv['open_rounds'] },
      orders: { sent: sv['orders_sent'], rejects: sv['rejects'], live: sv['live_orders'] },
      symbols: Object.fromEntries(this.symbolViews().map((v) => [v.symbol, {
        spread_bps: { binance_to_bybit: round2(v.bnToBy), bybit_to_binance: round2(v.byToBn) },
        edge_bps: { binance_to_bybit: round2(v.edgeBnToBy), bybit_to_binance: round2(v.edgeByToBn) }, threshold_bps: round2(v.threshold),
        position: { ...Object.fromEntries(VENUE_NAMES.map((vn) => [vn, pos[vn]!.base[v.symbol]])), net_exposure: (sv['exposure'] as Record<string, number | null>)[v.symbol] },
      }])),
      venues: Object.fromEntries(VENUE_NAMES.map((vn) => {
        const f = feeds.find((x) => x.venue === vn);
        return [vn, { state: f?.['state'] ?? 'starting', books: `${f?.['usable_books'] ?? 0}/${f?.['books'] ?? 0} usable`, balance: pos[vn] }];
      })),
      latency: {
        headline: this.latency.headline() ?? null, window_s: 60,
        hops: Object.fromEntries(hops.map((h) => {
          const q = this.latency.windowQuantiles(h);
          return [h, { p50_us: us(q[0]!.v), p99_us: us(q[2]!.v), count: this.latency.windowCount(h) }];
        })),
      },
      alerts: this.engine.firing().map((a) => ({ kind: a.kind, severity: a.severity, message: a.message, since: new Date(a.firedAtMs).toISOString() })),
    };
  }

  metrics(): string {
    const views = this.symbolViews();
    return formatMetrics({
      runId: this.o.runId, mode: this.o.cfg.mode, uptimeS: (Date.now() - this.o.startedMs) / 1000, symbols: this.o.symbols, venues: VENUE_NAMES,
      actors: this.o.source.actors(), rings: this.o.source.rings(),
      spreads: views.map((v) => ({ symbol: v.symbol, bnToBy: v.bnToBy, byToBn: v.byToBn })),
      latency: this.latency, latencyErrors: this.o.source.latencyErrors(), process: this.process.latest(),
      alerts: this.engine.firing(), alertCounters: this.engine, webhooks: this.webhooks.counters, journalErrors: this.journalErrors,
      ...(this.o.source.runsFolderErrors !== undefined ? { runsFolderErrors: this.o.source.runsFolderErrors() } : {}),
    });
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > LAST_ITEMS) list.shift();
}

function bps(sell: number, buy: number): number {
  return buy > 0 && sell > 0 ? ((sell - buy) / buy) * 1e4 : Number.NaN;
}

function round2(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 100) / 100 : null;
}

function systemView(p: ProcessSample): Record<string, number> {
  return {
    loop_p99_ms: p.loopP99Ms, loop_max_ms: p.loopMaxMs, rss_mb: p.rssBytes / 2 ** 20, heap_mb: p.heapUsedBytes / 2 ** 20,
    gc_max_pause_ms: p.gc.maxPauseMs, cpu_s: p.cpuUserS + p.cpuSystemS,
  };
}
