/**
 * Bybit v5 private stream (`/v5/private`; VENUES.md C): `auth`, then `subscribe` to `order`,
 * `execution` and `wallet`. The trade WebSocket's answer is only an acknowledgement, so an
 * order's fills and final state come from here: `waitFinal(orderLinkId)` resolves with the
 * order's final update from the `order` topic (the same row as GET /v5/order/realtime).
 *
 * Kept small on purpose: `rowListeners` / `executionListeners` / `walletListeners` let
 * reconciliation (issue 9) take every message as the source of truth without a second
 * connection. A final that arrives before anyone waits for it (the stream can beat the
 * trade ack) is kept briefly, bounded.
 */
import { mapBybitOrderRow } from './bybit-order.js';
import type { OrderUpdate } from './order-types.js';
import { UPD_FINAL } from './order-types.js';
import { ERR_LIVE_BAD_RESPONSE } from './live-errors.js';
import { bybitWsAuthMessage } from '../../venues/bybit/sign.js';
import { WsSession, type WsSessionOptions } from './ws-session.js';
import type { Credentials } from './order-types.js';
import type { RateInQuote } from './fee-units.js';

type Row = Record<string, unknown>;
const EARLY_MAX = 1024;

class Waiter {
  constructor(readonly resolve: (u: OrderUpdate | null) => void, readonly timer: NodeJS.Timeout) {}
}

export class BybitPrivateStream extends WsSession {
  readonly rowListeners: Array<(row: Row) => void> = [];
  readonly executionListeners: Array<(row: Row) => void> = [];
  readonly walletListeners: Array<(row: Row) => void> = [];
  private readonly waiters = new Map<string, Waiter>();
  private readonly early = new Map<string, OrderUpdate>();
  private authSentMs = Infinity;
  private subscribed = false;

  constructor(o: Omit<WsSessionOptions, 'routesOrders' | 'pingMs'>, private readonly creds: Credentials, private readonly wallMs: () => number,
    /** The account's fee terms for order rows whose fee is in a third coin (bybit-order.ts). */
    private readonly fees: { rateInQuote?: RateInQuote; takerFeeRate?: number } = {}) {
    super({ ...o, routesOrders: false, pingMs: 20_000 });
  }

  protected override pingFrame(): string {
    return '{"op":"ping"}';
  }

  protected onOpen(): void {
    this.subscribed = false;
    this.authSentMs = Date.now();
    this.sendRaw(bybitWsAuthMessage(this.creds.apiKey, this.creds.secretKey, Math.floor(this.wallMs()) + 10_000));
  }

  protected oldestPendingMs(): number {
    return this.authSentMs;
  }

  protected onLost(): void {
    this.authSentMs = Infinity;
    // Waiters fall back to the REST order query at once rather than at their timeout.
    for (const [id, w] of this.waiters) {
      clearTimeout(w.timer);
      this.waiters.delete(id);
      w.resolve(null);
    }
  }

  /**
   * Resolves with the order's final update from the `order` topic, or null when the stream is
   * down or `timeoutMs` passes first (the caller then queries the order).
   */
  waitFinal(orderLinkId: string, timeoutMs: number): Promise<OrderUpdate | null> {
    const got = this.early.get(orderLinkId);
    if (got !== undefined) {
      this.early.delete(orderLinkId);
      return Promise.resolve(got);
    }
    if (!this.ready) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(orderLinkId);
        resolve(null);
      }, timeoutMs);
      this.waiters.set(orderLinkId, new Waiter(resolve, timer));
    });
  }

  protected onText(text: string): void {
    let m: { op?: unknown; success?: unknown; ret_msg?: unknown; ret_code?: unknown; topic?: unknown; data?: unknown };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      m = {};
    }
    if (typeof m !== 'object' || m === null) m = {};
    if (m.op === 'auth') {
      this.authSentMs = Infinity;
      if (m.success === true) {
        this.authSentMs = Date.now();
        this.sendRaw('{"op":"subscribe","args":["order","execution","wallet"]}');
      } else {
        this.refused(String(m.ret_msg ?? 'auth failed'), true);
      }
      return;
    }
    if (m.op === 'subscribe') {
      this.authSentMs = Infinity;
      if (m.success === true && !this.subscribed) {
        this.subscribed = true;
        this.becomeReady();
      } else if (m.success !== true) {
        this.refused(`subscribe: ${String(m.ret_msg ?? '')}`, true);
      }
      return;
    }
    if (m.op === 'ping' || m.op === 'pong') return;
    if (!Array.isArray(m.data)) {
      this.o.counters.bad_responses++;
      this.o.log('warn', 'bybit private stream: unreadable message', { text: text.slice(0, 200) });
      return;
    }
    const rows = m.data as Row[];
    switch (m.topic) {
      case 'order':
        for (const r of rows) this.onOrderRow(r);
        return;
      case 'execution':
        for (const r of rows) for (const l of this.executionListeners) l(r);
        return;
      case 'wallet':
        for (const r of rows) for (const l of this.walletListeners) l(r);
        return;
      default:
        this.o.counters.bad_responses++;
    }
  }

  private onOrderRow(r: Row): void {
    for (const l of this.rowListeners) l(r);
    const link = typeof r.orderLinkId === 'string' ? r.orderLinkId : '';
    if (link === '') return;
    const u = mapBybitOrderRow(r, r.side === 'Buy' ? 'BUY' : 'SELL', this.fees.rateInQuote, this.fees.takerFeeRate);
    // An unreadable row settles nothing (counted by private-fills.ts); the waiter falls back to the query.
    if (u.kind !== UPD_FINAL || u.errorCode === ERR_LIVE_BAD_RESPONSE) return;
    u.source = 'stream';
    const w = this.waiters.get(link);
    if (w !== undefined) {
      clearTimeout(w.timer);
      this.waiters.delete(link);
      w.resolve(u);
      return;
    }
    if (this.early.size >= EARLY_MAX) this.early.delete(this.early.keys().next().value!);
    this.early.set(link, u);
  }
}
