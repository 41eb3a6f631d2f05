/**
 * The simulator's memory of one venue: every order's trades (with stable trade ids), balance
 * changes, and the listeners (private streams, the state file) that hear about them. A bot
 * that restarts against the same `xarb sim` process finds its orders, fills and balances
 * where it left them; with `--state FILE` they survive a restart of the simulator too
 * (sim-state-file.ts).
 *
 * One trade per book level an IOC order took (the matcher's MatchResult). The commission is
 * charged in the received asset at the taker rate, or, for an account that pays fees in BNB
 * and holds enough of it, in BNB at 75 % of that (the venue's BNB discount) converted at
 * `bnbPriceQuote` (VENUES.md C, "Fees").
 *
 * Faults that belong to the account side live here too: an order that stays invisible to the
 * query endpoints for a while (delayed visibility), and balance drift.
 */
import type { SimVenue } from './instruments.js';
import type { MarketGenerator } from './market-generator.js';
import type { SimAccount, SimOrder, SimOrderStore } from './order-entry-book.js';

/** One fill of one order, as the query endpoints and private streams report it. */
export interface SimTrade {
  tradeId: number;
  order: SimOrder;
  priceTicks: number;
  lots: number;
  tickDecimals: number;
  stepDecimals: number;
  /** Fill price and quantity as numbers (ticks × tickUnit, lots × stepUnit). */
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  /** Server epoch ms. */
  time: number;
}

/** A balance change that did not come from a trade (deposit, drift injection). */
export interface SimBalanceChange {
  apiKey: string;
  asset: string;
  delta: number;
  time: number;
}

export interface LedgerListener {
  /** After an order was matched and settled; `trades` are its fills (maybe none). */
  onOrder?(order: SimOrder, trades: readonly SimTrade[], account: SimAccount): void;
  onBalanceChange?(change: SimBalanceChange, account: SimAccount): void;
}

export interface LedgerOptions {
  takerFeeRate: number;
  /** BNB price in the quote asset, for accounts paying fees in BNB (default 600). */
  bnbPriceQuote?: number;
  /** API keys whose fees are paid in BNB (Binance's "use BNB for fees"). */
  bnbFeeKeys?: readonly string[];
}

export const BNB_DISCOUNT = 0.75;

export class SimLedger {
  private readonly trades: SimTrade[] = [];
  private readonly tradesByOrder = new Map<SimOrder, SimTrade[]>();
  private readonly hiddenUntil = new Map<SimOrder, number>();
  private readonly listeners: LedgerListener[] = [];
  private readonly bnbKeys: Set<string>;
  private nextTradeId: number;
  /** Orders placed while a delayed-visibility fault is armed: count left and delay. */
  private hideNext = 0;
  private hideForMs = 0;

  constructor(
    readonly venue: SimVenue,
    private readonly gen: MarketGenerator,
    private readonly accounts: { get(apiKey: string): SimAccount | undefined; all(): Iterable<SimAccount> },
    readonly orders: SimOrderStore,
    private readonly opts: LedgerOptions,
    firstTradeId = 900_001,
  ) {
    this.nextTradeId = firstTradeId;
    this.bnbKeys = new Set(opts.bnbFeeKeys ?? []);
    orders.onAdd((o) => this.onOrderAdded(o));
  }

  listen(l: LedgerListener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  payFeesInBnb(apiKey: string, on: boolean): void {
    if (on) this.bnbKeys.add(apiKey);
    else this.bnbKeys.delete(apiKey);
  }

  paysFeesInBnb(apiKey: string): boolean {
    return this.bnbKeys.has(apiKey);
  }

  /** The next `count` orders stay invisible to queries for `forMs` after their creation. */
  delayVisibility(count: number, forMs: number): void {
    this.hideNext = count;
    this.hideForMs = forMs;
  }

  /** False while a delayed-visibility fault hides the order from the query endpoints. */
  visible(o: SimOrder, nowMs: number): boolean {
    const until = this.hiddenUntil.get(o);
    if (until === undefined) return true;
    if (nowMs >= until) {
      this.hiddenUntil.delete(o);
      return true;
    }
    return false;
  }

  tradesOf(o: SimOrder): readonly SimTrade[] {
    return this.tradesByOrder.get(o) ?? [];
  }

  /** Trades of an account, oldest first, optionally of one symbol, visible at nowMs. */
  tradesFor(apiKey: string, symbol: string | null, nowMs: number): SimTrade[] {
    return this.trades.filter((t) => t.order.apiKey === apiKey && (symbol === null || t.order.symbol === symbol) && this.visible(t.order, nowMs));
  }

  account(apiKey: string): SimAccount | undefined {
    return this.accounts.get(apiKey);
  }

  allAccounts(): SimAccount[] {
    return [...this.accounts.all()];
  }

  /** Moves a balance outside trading (drift injection, deposit) and tells the listeners. */
  adjustBalance(account: SimAccount, asset: string, delta: number, nowMs: number): void {
    account.add(asset, this.isQuote(asset), delta);
    const change: SimBalanceChange = { apiKey: account.apiKey, asset, delta, time: nowMs };
    for (const l of this.listeners) l.onBalanceChange?.(change, account);
  }

  /** Every asset an account can hold here: each symbol's base and quote, and BNB. */
  assets(): string[] {
    const out = new Set<string>();
    for (const s of this.gen.specs) {
      out.add(s.baseAsset);
      out.add(s.quoteAsset);
    }
    out.add('BNB');
    return [...out];
  }

  /** Tick and step decimals of a symbol on this venue. */
  decimals(symbol: string): { tick: number; step: number } {
    const b = this.gen.book(this.venue === 'binance' ? 0 : 1, this.gen.symbols.indexOf(symbol));
    return { tick: b.tickDecimals, step: b.stepDecimals };
  }

  /** Base and quote asset of a symbol. */
  assetsOf(symbol: string): { base: string; quote: string } {
    const spec = this.gen.specs[this.gen.symbols.indexOf(symbol)]!;
    return { base: spec.baseAsset, quote: spec.quoteAsset };
  }

  isQuote(asset: string): boolean {
    return this.gen.specs.some((s) => s.quoteAsset === asset);
  }

  /** Replays a remembered trade (state file) without moving balances or telling anyone. */
  restoreTrade(t: SimTrade): void {
    this.trades.push(t);
    const list = this.tradesByOrder.get(t.order);
    if (list === undefined) this.tradesByOrder.set(t.order, [t]);
    else list.push(t);
    if (t.tradeId >= this.nextTradeId) this.nextTradeId = t.tradeId + 1;
  }

  private onOrderAdded(o: SimOrder): void {
    if (o.restored === true) return;
    const account = this.accounts.get(o.apiKey);
    if (account === undefined) return;
    const si = this.gen.symbols.indexOf(o.symbol);
    const spec = this.gen.specs[si]!;
    const book = this.gen.book(this.venue === 'binance' ? 0 : 1, si);
    const bnb = this.bnbKeys.has(o.apiKey);
    const out: SimTrade[] = [];
    for (let i = 0; i < o.fills.lots.length; i++) {
      const px = o.fills.priceTicks[i]!;
      const q = o.fills.lots[i]!;
      const price = px * book.tickUnit;
      const qty = q * book.stepUnit;
      const quoteQty = price * qty;
      // The matcher already charged the fee in the received asset (fillAndSettle).
      let commission = (o.isBuy ? qty : quoteQty) * this.opts.takerFeeRate;
      let commissionAsset = o.isBuy ? spec.baseAsset : spec.quoteAsset;
      if (bnb) {
        // Charged in whole units of BNB's 8 decimals, as the venue's ledger does: the amount the
        // account loses is the one every report prints (toFixed(8)), not a float beside it.
        const inBnb = Math.round(((quoteQty * this.opts.takerFeeRate * BNB_DISCOUNT) / (this.opts.bnbPriceQuote ?? 600)) * 1e8) / 1e8;
        if (account.balance('BNB', false) >= inBnb) {
          account.add(commissionAsset, commissionAsset === spec.quoteAsset, commission); // refund
          account.add('BNB', false, -inBnb);
          commission = inBnb;
          commissionAsset = 'BNB';
        }
      }
      out.push({
        tradeId: this.nextTradeId++, order: o, priceTicks: px, lots: q, tickDecimals: book.tickDecimals,
        stepDecimals: book.stepDecimals, price, qty, quoteQty, commission, commissionAsset, time: o.createdMs,
      });
    }
    o.fee = out.reduce((s, t) => s + (t.commissionAsset === 'BNB' ? 0 : t.commission), 0);
    for (const t of out) this.trades.push(t);
    this.tradesByOrder.set(o, out);
    if (this.hideNext > 0) {
      this.hideNext--;
      this.hiddenUntil.set(o, o.createdMs + this.hideForMs);
    }
    for (const l of this.listeners) l.onOrder?.(o, out, account);
  }
}
