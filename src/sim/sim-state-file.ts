/**
 * `xarb sim --state FILE`: the simulator's accounts, orders and trades survive a restart of
 * the simulator itself (a bot restart needs nothing: the simulator process remembers).
 *
 * The file is JSON lines, appended as things happen and replayed at start:
 *   {"k":"order","v":"binance","o":{…order…},"trades":[…],"bal":{"BTC":1.2,"USDT":…}}
 *   {"k":"bal","v":"bybit","apiKey":"…","asset":"USDT","free":…}
 * Balances are written as absolute values after each change, so replay needs no arithmetic.
 * Each line is written with one write call; a line cut short by a crash is skipped and
 * counted on replay, and ended with a newline before the first append after it (append-file.ts),
 * so the next line is not glued to it and lost with it. Lines for API keys the simulator does not know are skipped and counted.
 */
import fs from 'node:fs';
import { openForAppendingLines } from '../core/append-file.js';
import type { SimVenue } from './instruments.js';
import { MatchResult, type SimAccount, type SimOrder } from './order-entry-book.js';
import type { OrderEntryHandle } from './order-entry.js';
import type { SimTrade } from './account-ledger.js';
import { reserveBinanceOrderIds } from './order-entry-binance.js';
import { reserveBybitOrderIds } from './order-entry-bybit.js';

export interface StateReplay {
  orders: number;
  trades: number;
  balances: number;
  /** Lines that could not be read (cut short, not JSON, unknown account). */
  skipped: number;
}

type TradeLine = Omit<SimTrade, 'order'>;

function orderLine(o: SimOrder): Record<string, unknown> {
  const { fills, ...rest } = o;
  return { ...rest, restored: undefined, fills: { priceTicks: fills.priceTicks, lots: fills.lots } };
}

function balancesOf(account: SimAccount, assets: Iterable<string>, isQuote: (a: string) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of assets) out[a] = account.balance(a, isQuote(a));
  return out;
}

/** Replays `file` (if it exists) into the order entry, then appends every change to it. */
export function attachStateFile(handle: OrderEntryHandle, file: string): { replay: StateReplay; close(): void } {
  const replay = fs.existsSync(file) ? replayState(handle, file) : { orders: 0, trades: 0, balances: 0, skipped: 0 };
  // A line a crash cut short is ended first: the next line is read on its own, not glued to it.
  const fd = openForAppendingLines(file);
  const write = (line: unknown): void => {
    fs.writeSync(fd, JSON.stringify(line) + '\n');
  };
  const stops: Array<() => void> = [];
  for (const v of ['binance', 'bybit'] as const) {
    const ledger = handle.venues[v].ledger;
    stops.push(ledger.listen({
      onOrder(o, trades, account) {
        const { base, quote } = ledger.assetsOf(o.symbol);
        write({
          k: 'order', v, o: orderLine(o), trades: trades.map(({ order: _o, ...t }) => t),
          bal: balancesOf(account, new Set([base, quote, 'BNB']), (a) => ledger.isQuote(a)),
        });
      },
      onBalanceChange(change, account) {
        write({ k: 'bal', v, apiKey: change.apiKey, asset: change.asset, free: account.balance(change.asset, ledger.isQuote(change.asset)) });
      },
    }));
  }
  return {
    replay,
    close(): void {
      for (const s of stops) s();
      fs.closeSync(fd);
    },
  };
}

function replayState(handle: OrderEntryHandle, file: string): StateReplay {
  const r: StateReplay = { orders: 0, trades: 0, balances: 0, skipped: 0 };
  let maxBinance = 0;
  let maxBybit = 0n;
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      r.skipped++;
      continue;
    }
    const v = line['v'] as SimVenue;
    if (v !== 'binance' && v !== 'bybit') {
      r.skipped++;
      continue;
    }
    const venue = handle.venues[v];
    if (line['k'] === 'bal') {
      const account = handle.accounts[v].get(String(line['apiKey']));
      if (account === undefined) {
        r.skipped++;
        continue;
      }
      account.free.set(String(line['asset']), Number(line['free']));
      r.balances++;
      continue;
    }
    if (line['k'] !== 'order') {
      r.skipped++;
      continue;
    }
    const raw = line['o'] as Record<string, unknown> & { fills: { priceTicks: number[]; lots: number[] } };
    const account = handle.accounts[v].get(String(raw['apiKey']));
    if (account === undefined) {
      r.skipped++;
      continue;
    }
    const fills = new MatchResult();
    fills.priceTicks.push(...raw.fills.priceTicks);
    fills.lots.push(...raw.fills.lots);
    fills.filledLots = raw.fills.lots.reduce((s, x) => s + x, 0);
    fills.notionalUnits = raw.fills.lots.reduce((s, x, i) => s + x * raw.fills.priceTicks[i]!, 0);
    const o = { ...raw, fills, restored: true } as unknown as SimOrder;
    handle.orders[v].add(o);
    for (const t of (line['trades'] as TradeLine[] | undefined) ?? []) {
      venue.ledger.restoreTrade({ ...t, order: o });
      r.trades++;
    }
    for (const [asset, free] of Object.entries((line['bal'] as Record<string, number> | undefined) ?? {})) account.free.set(asset, free);
    if (v === 'binance') maxBinance = Math.max(maxBinance, o.orderId);
    else if (o.venueOrderId !== undefined && BigInt(o.venueOrderId) > maxBybit) maxBybit = BigInt(o.venueOrderId);
    r.orders++;
  }
  reserveBinanceOrderIds(maxBinance);
  if (maxBybit > 0n) reserveBybitOrderIds(String(maxBybit));
  return r;
}
