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
 * clients that send nothing and answer FILLED at once; reports go nowhere. Nothing touches the
 * real executor, its journal, budgets or sessions. Request texts and signing are warmed by
 * the WebSocket sessions themselves (ws-session.ts warmUp).
 */
import {
  ASSET_QUOTE, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_DECISION_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF,
  ACTION_NEW, INTENT_WORDS, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, ST_FILLED, TIF_IOC,
} from '../../core/records.js';
import { LiveExecutor, type LiveSymbolFilter } from './live-executor.js';
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
 * Runs `pairs` synthetic pairs (buy on venue 0, sell on venue 1, then the other way) through a
 * throwaway executor. Returns the number of orders it sent (for the caller to check).
 */
export async function warmUpLiveExecutor(symbols: readonly string[], filters: readonly (Readonly<Record<string, LiveSymbolFilter>> | undefined)[],
  pairs: number, monoNs: () => number): Promise<number> {
  const name = symbols[0];
  if (name === undefined || filters[0]?.[name] === undefined || filters[1]?.[name] === undefined) return 0;
  const exec = new LiveExecutor({
    symbols, clients: [new AnsweringClient(0), new AnsweringClient(1)], filters, limiters: [null, null], sink: { report: () => undefined },
    runTag: 'warmup', maxOrders: 64, monoNs, wallMs: Date.now, log: () => undefined,
  });
  const f = filters[0][name]!;
  const qty = Math.max(f.minQty ?? 0, f.stepSize, 10 / 100) * 2;
  const rec = new Float64Array(2 * INTENT_WORDS);
  const wires = new Float64Array(2);
  for (let i = 0; i < pairs; i++) {
    const now = monoNs();
    for (let leg = 0; leg < 2; leg++) {
      const o = leg * INTENT_WORDS;
      const buy = leg === 0;
      rec[o + H_VENUE] = (i & 1) === 0 ? leg : 1 - leg;
      rec[o + H_SYMBOL] = 0;
      rec[o + I_ORDER_ID] = 2 * i + leg + 1;
      rec[o + I_PAIR_ID] = i + 1;
      rec[o + I_ACTION] = ACTION_NEW;
      rec[o + I_SIDE] = buy ? SIDE_BUY : SIDE_SELL;
      rec[o + I_PRICE] = 100 + (i % 7) * f.tickSize;
      rec[o + I_QTY] = qty;
      rec[o + I_TIF] = TIF_IOC;
      rec[o + I_ROLE] = buy ? ROLE_LEG_BUY : ROLE_LEG_SELL;
      rec[o + I_DECISION_NS] = now;
      rec[o + I_DEADLINE_NS] = now + 1e9;
    }
    exec.onIntents(rec, 2, now, wires);
    // Let the orders' settlement callbacks run now and then (in_flight back to 0).
    if ((i & 63) === 63) await new Promise<void>((r) => setImmediate(r));
  }
  await exec.whenIdle();
  return exec.counters.sent;
}
