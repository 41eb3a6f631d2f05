/**
 * JIT warm-up of the live executor's order path, before the first real intent.
 *
 * Why: the live executor sees a pair every few hundred ms at most, so V8 never optimizes its
 * order path during a run; the first leg's checks then ran in the interpreter with cold
 * caches. Instrumented in the peer bench (2026-12-02, 2-core VM under load): from intent read
 * to the first frame's write, 150–260 µs went to the pair's pre-send check alone and
 * 260–370 µs to forming, journaling and signing both legs (docs/latency.md).
 *
 * A throwaway LiveExecutor with the same symbols and filters drives synthetic pairs through
 * onIntents (admission, pair checks, tracker, decimal formatting, report emission) against
 * clients that send nothing and answer FILLED at once, with venue rules of its own (the usage
 * budgets' code, on a clock of its own); reports go nowhere. Nothing touches the real
 * executor, its journal, budgets or sessions. The same pairs keep the path warm while the
 * executor is idle, one per KEEP_WARM_NS (live-executor-agent.ts). Request texts and signing
 * are warmed by the WebSocket sessions themselves (ws-session.ts warmUp, keepWarm).
 */
import {
  ASSET_QUOTE, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_DECISION_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF,
  ACTION_NEW, INTENT_WORDS, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, ST_FILLED, TIF_IOC,
} from '../../core/records.js';
import { LiveExecutor, type LiveSymbolFilter } from './live-executor.js';
import { VenueRules } from './venue-rules.js';
import { finalUpdate, newClientCounters, type LiveOrder, type UpdateListener, type VenueOrderClient } from './order-types.js';

class AnsweringClient implements VenueOrderClient {
  readonly counters = newClientCounters();
  constructor(readonly venue: number) {}
  place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    listener(order, finalUpdate(ST_FILLED, Number(order.qty), Number(order.price), 0, ASSET_QUOTE, 0, '', '', 'FILLED'));
    return Promise.resolve();
  }
  backoffUntilMs(): number {
    return 0;
  }
  haltReason(): string | null {
    return null;
  }
}

/**
 * A throwaway executor with the real one's symbols and filters, fed synthetic pairs (buy on
 * venue 0, sell on venue 1, then the other way). `pair()` runs one, synchronously; the orders
 * settle on the next microtask turn.
 */
export class OrderPathWarmer {
  private readonly exec: LiveExecutor;
  private readonly rec = new Float64Array(2 * INTENT_WORDS);
  private readonly wires = new Float64Array(2);
  private readonly tickSize: number;
  private readonly qty: number;
  private i = 0;
  /**
   * The throwaway executor's wall clock: 11 s further on every pair, so its own venue rules'
   * usage windows (the same code as the real executor's pre-send budget checks) have always
   * rolled and every pass takes the path a real order takes (budget there, spent).
   */
  private wallMs = Date.now();

  private constructor(symbols: readonly string[], filters: readonly (Readonly<Record<string, LiveSymbolFilter>> | undefined)[],
    private readonly monoNs: () => number, f: LiveSymbolFilter) {
    const wallMs = (): number => this.wallMs;
    const rules = (['binance', 'bybit'] as const).map((venue) => new VenueRules({ venue, margin: 0.2, resyncEveryMs: 1e15, wallMs, log: () => undefined }));
    this.exec = new LiveExecutor({
      symbols, clients: [new AnsweringClient(0), new AnsweringClient(1)], filters, limiters: [null, null], rules, sink: { report: () => undefined },
      runTag: 'warmup', maxOrders: 64, monoNs, wallMs, log: () => undefined,
    });
    this.tickSize = f.tickSize;
    this.qty = Math.max(f.minQty ?? 0, f.stepSize, 10 / 100) * 2;
  }

  /** Null when the first symbol has no filter on both venues (nothing to warm). */
  static create(symbols: readonly string[], filters: readonly (Readonly<Record<string, LiveSymbolFilter>> | undefined)[],
    monoNs: () => number): OrderPathWarmer | null {
    const name = symbols[0];
    if (name === undefined || filters[0]?.[name] === undefined || filters[1]?.[name] === undefined) return null;
    return new OrderPathWarmer(symbols, filters, monoNs, filters[0][name]!);
  }

  /** Orders the throwaway executor sent so far. */
  get sent(): number {
    return this.exec.counters.sent;
  }

  /** One synthetic pair through onIntents. */
  pair(): void {
    const i = this.i++;
    this.wallMs += 11_000;
    const rec = this.rec;
    const now = this.monoNs();
    for (let leg = 0; leg < 2; leg++) {
      const o = leg * INTENT_WORDS;
      const buy = leg === 0;
      rec[o + H_VENUE] = (i & 1) === 0 ? leg : 1 - leg;
      rec[o + H_SYMBOL] = 0;
      rec[o + I_ORDER_ID] = 2 * i + leg + 1;
      rec[o + I_PAIR_ID] = i + 1;
      rec[o + I_ACTION] = ACTION_NEW;
      rec[o + I_SIDE] = buy ? SIDE_BUY : SIDE_SELL;
      rec[o + I_PRICE] = 100 + (i % 7) * this.tickSize;
      rec[o + I_QTY] = this.qty;
      rec[o + I_TIF] = TIF_IOC;
      rec[o + I_ROLE] = buy ? ROLE_LEG_BUY : ROLE_LEG_SELL;
      rec[o + I_DECISION_NS] = now;
      rec[o + I_DEADLINE_NS] = now + 1e9;
    }
    this.exec.onIntents(rec, 2, now, this.wires);
  }

  whenIdle(): Promise<void> {
    return this.exec.whenIdle();
  }
}

/**
 * Runs `pairs` synthetic pairs through `warmer` (see OrderPathWarmer), letting their
 * settlements run now and then. Returns the number of orders it sent (for the caller to check).
 */
export async function warmUpLiveExecutor(warmer: OrderPathWarmer, pairs: number): Promise<number> {
  for (let i = 0; i < pairs; i++) {
    warmer.pair();
    // Let the orders' settlement callbacks run now and then (in_flight back to 0).
    if ((i & 63) === 63) await new Promise<void>((r) => setImmediate(r));
  }
  await warmer.whenIdle();
  return warmer.sent;
}
