/**
 * Bybit v5 private topics from the simulator's ledger (bybit docs v5/websocket/private/order,
 * execution, wallet; real linear samples in fixtures/bybit_private_order_execution_linear.jsonl):
 * `{"topic":"order"|"execution"|"wallet","id":…,"creationTime":…,"data":[…]}`.
 *
 * Spot fees: `cumFeeDetail` (coin → fee) on orders, `execFee` + `feeCurrency` on executions;
 * `cumExecFee` is still sent (deprecated for spot) so a client that reads it can be caught.
 * Pure functions of the order and its trades.
 */
import { formatShortest } from './decimal-format.js';
import type { SimBalanceChange, SimLedger, SimTrade } from './account-ledger.js';
import type { SimAccount, SimOrder } from './order-entry-book.js';
import type { PrivateStreamHub } from './private-stream-hub.js';

const num = (x: number): string => String(Number(x.toFixed(10)));

function message(topic: string, seq: number, ms: number, data: unknown[]): string {
  return JSON.stringify({ topic, id: `sim_${topic}_${seq}`, creationTime: ms, data });
}

export function bybitOrderId(o: SimOrder): string {
  return o.venueOrderId ?? String(o.orderId);
}

/** The `order` topic row of a settled order (final state). */
export function orderRow(o: SimOrder, trades: readonly SimTrade[], tickDecimals: number, stepDecimals: number, ms: number): Record<string, unknown> {
  let cumLots = 0;
  let cumValue = 0;
  const fees = new Map<string, number>();
  for (const t of trades) {
    cumLots += t.lots;
    cumValue += t.quoteQty;
    fees.set(t.commissionAsset, (fees.get(t.commissionAsset) ?? 0) + t.commission);
  }
  const cumFeeDetail: Record<string, string> = {};
  let feeTotal = 0;
  for (const [k, v] of fees) {
    cumFeeDetail[k] = num(v);
    feeTotal += v;
  }
  return {
    category: 'spot', symbol: o.symbol, orderId: bybitOrderId(o), orderLinkId: o.clientOrderId, blockTradeId: '',
    side: o.isBuy ? 'Buy' : 'Sell', positionIdx: 0, orderStatus: o.status,
    cancelType: o.status === 'Filled' ? 'UNKNOWN' : 'CancelByUser', rejectReason: 'EC_NoError', timeInForce: o.tif,
    isLeverage: '0', price: formatShortest(o.priceTicks, tickDecimals), qty: formatShortest(o.lots, stepDecimals),
    avgPrice: cumLots > 0 ? num(cumValue / (cumLots * 10 ** -stepDecimals)) : '', leavesQty: '0', leavesValue: '0',
    cumExecQty: formatShortest(cumLots, stepDecimals), cumExecValue: num(cumValue), cumExecFee: num(feeTotal), cumFeeDetail,
    orderType: 'Limit', stopOrderType: '', orderIv: '', triggerPrice: '', takeProfit: '', stopLoss: '', triggerBy: '',
    marketUnit: '', createType: 'CreateByUser', createdTime: String(o.createdMs), updatedTime: String(ms),
    feeCurrency: trades[0]?.commissionAsset ?? '',
  };
}

/** The `execution` topic rows, one per trade. */
export function executionRows(o: SimOrder, trades: readonly SimTrade[], tickDecimals: number, stepDecimals: number, feeRate: number): Record<string, unknown>[] {
  let leftLots = o.lots;
  return trades.map((t) => {
    leftLots -= t.lots;
    return {
      category: 'spot', symbol: o.symbol, execFee: num(t.commission), feeCurrency: t.commissionAsset, execId: bybitExecId(t),
      execPrice: formatShortest(t.priceTicks, tickDecimals), execQty: formatShortest(t.lots, stepDecimals), execType: 'Trade',
      execValue: num(t.quoteQty), feeRate: String(feeRate), leavesQty: formatShortest(leftLots, stepDecimals),
      orderId: bybitOrderId(o), orderLinkId: o.clientOrderId, orderPrice: formatShortest(o.priceTicks, tickDecimals),
      orderQty: formatShortest(o.lots, stepDecimals), orderType: 'Limit', stopOrderType: 'UNKNOWN', side: o.isBuy ? 'Buy' : 'Sell',
      execTime: String(t.time), isLeverage: '0', isMaker: false, seq: t.tradeId, marketUnit: '', createType: 'CreateByUser',
    };
  });
}

/** Bybit execution ids are UUID-like strings; the simulator derives one from the trade id. */
export function bybitExecId(t: SimTrade): string {
  const h = t.tradeId.toString(16).padStart(12, '0');
  return `00000000-0000-5000-8000-${h}`;
}

/** The `wallet` topic row (UNIFIED account) with the named coins. */
export function walletRow(account: SimAccount, coins: readonly string[], isQuote: (a: string) => boolean): Record<string, unknown> {
  return {
    accountType: 'UNIFIED', accountIMRate: '0', accountMMRate: '0', totalEquity: '', totalWalletBalance: '', totalMarginBalance: '',
    totalAvailableBalance: '', totalPerpUPL: '0', totalInitialMargin: '0', totalMaintenanceMargin: '0',
    coin: coins.map((c) => {
      const b = num(account.balance(c, isQuote(c)));
      return { coin: c, equity: b, usdValue: '', walletBalance: b, free: b, locked: '0', availableToWithdraw: b, borrowAmount: '0',
        accruedInterest: '0', totalOrderIM: '0', totalPositionIM: '0', totalPositionMM: '0', unrealisedPnl: '0', cumRealisedPnl: '0' };
    }),
  };
}

/** Feeds the hub from the ledger (`order`, `execution`, `wallet` topics). */
export function connectBybitPrivate(ledger: SimLedger, hub: PrivateStreamHub, nowMs: () => number, feeRate: number): () => void {
  let seq = 0;
  const wallet = (account: SimAccount, coins: string[], ms: number): void => {
    const text = message('wallet', ++seq, ms, [walletRow(account, coins, (a) => ledger.isQuote(a))]);
    hub.publish(account.apiKey, 'wallet', () => text);
  };
  return ledger.listen({
    onOrder(o, trades, account) {
      const ms = nowMs();
      const d = ledger.decimals(o.symbol);
      const orderText = message('order', ++seq, ms, [orderRow(o, trades, d.tick, d.step, ms)]);
      hub.publish(o.apiKey, 'order', () => orderText);
      if (trades.length > 0) {
        const execText = message('execution', ++seq, ms, executionRows(o, trades, d.tick, d.step, feeRate));
        hub.publish(o.apiKey, 'execution', () => execText);
      }
      const { base, quote } = ledger.assetsOf(o.symbol);
      wallet(account, [...new Set([base, quote, ...trades.map((t) => t.commissionAsset)])], ms);
    },
    onBalanceChange(change: SimBalanceChange, account) {
      wallet(account, [change.asset], change.time);
    },
  });
}
