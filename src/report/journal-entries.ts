/**
 * The journal's entry shapes, built from engine events. One module so the live/paper bot and
 * the backtest write identical lines, and the report (src/report/performance.ts) reads either.
 * docs/report.md is the contract; each entry also gets "t" (wall ms) and "ns" (engine ns)
 * when written.
 */
import type { StrategyEvent } from '../strategy/events.js';
import {
  ASSET_BASE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, ROLE_UNWIND, SIDE_BUY, STATUS_NAMES, VENUE_NAMES, VERDICT_FINAL,
} from '../core/records.js';

export type JournalEntry = Record<string, unknown> & { type: string };

const ROLE_NAMES: Record<number, string> = {
  [ROLE_LEG_BUY]: 'leg_buy', [ROLE_LEG_SELL]: 'leg_sell', [ROLE_HEDGE]: 'hedge', [ROLE_UNWIND]: 'unwind',
};

export function roleName(role: number): string {
  return ROLE_NAMES[role] ?? `role_${role}`;
}

export function sideName(side: number): 'buy' | 'sell' {
  return side === SIDE_BUY ? 'buy' : 'sell';
}

export function venueName(venue: number): string {
  return VENUE_NAMES[venue] ?? `venue_${venue}`;
}

export function intentEntry(symbols: readonly string[], orderId: number, pairId: number, venue: number, symbol: number,
  side: number, price: number, qty: number, role: number, decisionNs: number, tickRecvNs: number): JournalEntry {
  return {
    type: 'intent', ns: decisionNs, order_id: orderId, pair_id: pairId, venue: venueName(venue), symbol: symbols[symbol],
    side: sideName(side), price, qty, role: roleName(role), tick_recv_ns: tickRecvNs,
  };
}

export function reportEntry(symbols: readonly string[], ns: number, orderId: number, pairId: number, venue: number,
  symbol: number, side: number, status: number, price: number, lastPx: number, lastQty: number, cumQty: number,
  qty: number, fee: number, feeAsset: number, errorCode: number, role: number): JournalEntry {
  return {
    type: 'report', ns, order_id: orderId, pair_id: pairId, venue: venueName(venue), symbol: symbols[symbol],
    side: sideName(side), status: STATUS_NAMES[status] ?? `status_${status}`, price, last_px: lastPx, last_qty: lastQty,
    cum_qty: cumQty, qty, fee, fee_asset: feeAsset === ASSET_BASE ? 'base' : 'quote', error: errorCode, role: roleName(role),
  };
}

/** Maps a strategy event to its journal entry (risk breaches become `risk`). */
/** A reconciliation verdict (records.ts KIND_VERDICT) as the executor gave it. */
export function verdictEntry(symbols: readonly string[], ns: number, orderId: number, venue: number, symbol: number, kind: number,
  status: number, cumQty: number, cumQuote: number, cumFee: number, feeAsset: number): JournalEntry {
  return {
    type: 'verdict', ns, order_id: orderId, venue: venueName(venue), symbol: symbols[symbol], verdict: kind === VERDICT_FINAL ? 'final' : 'no_record',
    status: STATUS_NAMES[status] ?? status, cum_qty: cumQty, cum_quote: cumQuote, cum_fee: cumFee, fee_asset: feeAsset === ASSET_BASE ? 'base' : 'quote',
  };
}

export function strategyEventEntry(symbols: readonly string[], e: StrategyEvent): JournalEntry {
  const sym = (id: number) => (id >= 0 ? symbols[id] : undefined);
  switch (e.type) {
    case 'round_opened':
      return {
        type: 'round_opened', ns: e.nowNs, pair_id: e.pairId, symbol: sym(e.symbol), buy_venue: venueName(e.buyVenue),
        sell_venue: venueName(e.sellVenue), qty: e.qty, buy_px: e.buyPx, sell_px: e.sellPx, edge_bps: e.edgeBps,
      };
    case 'round_closed': {
      const matched = Math.abs(e.buyFilled - e.sellFilled) <= 1e-12;
      const outcome = e.buyFilled === 0 && e.sellFilled === 0 ? 'failed' : matched ? 'matched' : 'legged';
      return {
        type: 'round_closed', ns: e.nowNs, pair_id: e.pairId, symbol: sym(e.symbol), open_ns: e.nowNs - e.holdingNs,
        close_ns: e.nowNs, buy_filled: e.buyFilled, sell_filled: e.sellFilled, pnl: e.pnl, fees: e.fees,
        legging_pnl: e.leggingPnl, open_residual: e.openResidual, outcome,
      };
    }
    case 'leg_residual':
      return { type: 'leg_residual', ns: e.nowNs, pair_id: e.pairId, symbol: sym(e.symbol), residual: e.residual, dust: e.dust };
    case 'hedge_sent':
    case 'unwind_sent':
      return {
        type: e.type, ns: e.nowNs, pair_id: e.pairId, order_id: e.orderId, venue: venueName(e.venue), symbol: sym(e.symbol),
        side: sideName(e.side), price: e.price, qty: e.qty, attempt: e.attempt,
      };
    case 'risk_breach':
      return { type: 'risk', ns: e.nowNs, rule: e.rule, action: e.action, symbol: sym(e.symbol), detail: e.detail };
    case 'halt':
      return { type: 'halt', ns: e.nowNs, kind: e.kind, reason: e.reason };
    case 'resume':
      return { type: 'resume', ns: e.nowNs, kinds: e.kinds, reason: e.reason, remaining: e.remaining };
    case 'round_state':
      return { type: 'round_state', ns: e.nowNs, pair_id: e.pairId, symbol: sym(e.symbol), from: e.from, to: e.to, reason: e.reason };
    case 'breaker':
      return { type: 'breaker', ns: e.nowNs, venue: venueName(e.venue), open: e.open, code: e.code, detail: e.detail };
    case 'rebalance_needed':
      return {
        type: 'rebalance_needed', ns: e.nowNs, venue: venueName(e.venue), asset: e.asset === ASSET_BASE ? 'base' : 'quote',
        symbol: sym(e.symbol), balance: e.balance, total: e.total, amount: e.amount,
      };
    case 'transfer':
      return {
        type: 'transfer', ns: e.nowNs, phase: e.phase, from: venueName(e.from), to: venueName(e.to),
        asset: e.asset === ASSET_BASE ? 'base' : 'quote', symbol: sym(e.symbol), amount: e.amount, fee: e.fee, arrive_ns: e.arriveNs,
      };
    case 'flatten':
      return { type: 'flatten', ns: e.nowNs, open_rounds: e.openRounds };
    case 'inventory_low':
    case 'inventory_ok':
      return {
        type: e.type, ns: e.nowNs, venue: venueName(e.venue), asset: e.asset === ASSET_BASE ? 'base' : 'quote',
        symbol: sym(e.symbol), balance: e.balance, threshold: e.threshold,
      };
    case 'late_fill':
      return {
        type: 'late_fill', ns: e.nowNs, order_id: e.orderId, venue: venueName(e.venue), symbol: sym(e.symbol),
        side: sideName(e.side), qty: e.qty, price: e.price,
      };
  }
}
