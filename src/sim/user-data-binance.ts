/**
 * Binance spot user-data events from the simulator's ledger (binance-spot-api-docs
 * user-data-stream.md; VENUES.md C): `executionReport` per order update and per fill,
 * `outboundAccountPosition` after each balance change, `balanceUpdate` for changes outside
 * trading (drift injection). Over the WS API each event is wrapped as
 * `{"subscriptionId":<id>,"event":{…}}`.
 *
 * An IOC order that takes liquidity yields: NEW, one TRADE per fill (PARTIALLY_FILLED… then
 * FILLED), and EXPIRED for a remainder. Pure functions of the order and its trades.
 */
import { formatPadded } from './decimal-format.js';
import type { SimTrade, SimLedger, SimBalanceChange } from './account-ledger.js';
import type { SimAccount, SimOrder } from './order-entry-book.js';
import type { PrivateStreamHub } from './private-stream-hub.js';

const f8 = (x: number): string => x.toFixed(8);

/** The executionReport events of one settled IOC/FOK order, in the order the venue sends them. */
export function executionReports(o: SimOrder, trades: readonly SimTrade[], tickDecimals: number, stepDecimals: number, eventMs: number): Record<string, unknown>[] {
  const base = {
    e: 'executionReport', E: eventMs, s: o.symbol, c: o.clientOrderId, S: o.isBuy ? 'BUY' : 'SELL', o: 'LIMIT', f: o.tif,
    q: formatPadded(o.lots, stepDecimals, 8), p: formatPadded(o.priceTicks, tickDecimals, 8), P: '0.00000000', F: '0.00000000',
    g: -1, C: '', r: 'NONE', i: o.orderId, I: 0, w: false, m: false, M: false, O: o.createdMs, Q: '0.00000000', V: 'EXPIRE_MAKER',
  };
  const out: Record<string, unknown>[] = [];
  const none = { l: '0.00000000', L: '0.00000000', n: '0', N: null, t: -1, Y: '0.00000000' };
  out.push({ ...base, x: 'NEW', X: 'NEW', ...none, z: '0.00000000', T: o.createdMs, Z: '0.00000000', W: o.createdMs, w: true });
  let cumLots = 0;
  let cumQuote = 0;
  for (const t of trades) {
    cumLots += t.lots;
    cumQuote += t.quoteQty;
    out.push({
      ...base, x: 'TRADE', X: cumLots === o.lots ? 'FILLED' : 'PARTIALLY_FILLED',
      l: formatPadded(t.lots, stepDecimals, 8), z: formatPadded(cumLots, stepDecimals, 8), L: formatPadded(t.priceTicks, tickDecimals, 8),
      n: f8(t.commission), N: t.commissionAsset, T: t.time, t: t.tradeId, Z: f8(cumQuote), Y: f8(t.quoteQty), W: o.createdMs,
    });
  }
  if (cumLots < o.lots) {
    out.push({ ...base, x: 'EXPIRED', X: 'EXPIRED', ...none, z: formatPadded(cumLots, stepDecimals, 8), T: o.createdMs, Z: f8(cumQuote), W: o.createdMs });
  }
  return out;
}

/** `outboundAccountPosition` with the free balance of each asset named. */
export function accountPosition(account: SimAccount, assets: readonly string[], isQuote: (a: string) => boolean, eventMs: number): Record<string, unknown> {
  return {
    e: 'outboundAccountPosition', E: eventMs, u: eventMs,
    B: assets.map((a) => ({ a, f: f8(account.balance(a, isQuote(a))), l: '0.00000000' })),
  };
}

/** `balanceUpdate`: a change outside trading (deposit, withdrawal, the drift fault). */
export function balanceUpdate(change: SimBalanceChange): Record<string, unknown> {
  return { e: 'balanceUpdate', E: change.time, a: change.asset, d: f8(change.delta), T: change.time };
}

/** The WS API wrapper of a user-data event. */
export function wrapEvent(subscriptionId: number, event: Record<string, unknown>): string {
  return JSON.stringify({ subscriptionId, event });
}

/** Feeds the hub from the ledger: every order and balance change reaches the account's subscribers. */
export function connectBinanceUserData(ledger: SimLedger, hub: PrivateStreamHub, nowMs: () => number): () => void {
  return ledger.listen({
    onOrder(o, trades, account) {
      if (hub.subscribers(o.apiKey, 'user').length === 0) return;
      const d = ledger.decimals(o.symbol);
      const now = nowMs();
      const events = executionReports(o, trades, d.tick, d.step, now);
      const { base, quote } = ledger.assetsOf(o.symbol);
      const touched = new Set<string>([base, quote, ...trades.map((t) => t.commissionAsset)]);
      events.push(accountPosition(account, [...touched], (a) => ledger.isQuote(a), now));
      for (const ev of events) hub.publish(o.apiKey, 'user', (s) => wrapEvent(s.id, ev));
    },
    onBalanceChange(change, account) {
      hub.publish(change.apiKey, 'user', (s) => wrapEvent(s.id, balanceUpdate(change)));
      hub.publish(change.apiKey, 'user', (s) => wrapEvent(s.id, accountPosition(account, [change.asset], (a) => ledger.isQuote(a), change.time)));
    },
  });
}

