/**
 * What the venues should hold at a live start, by xarb's own journals: the latest live run's
 * starting balances (its last `run_start` / `run_resumed` line: the venues' word when it
 * started, start-balances.ts) moved by every fill that run journaled after it (`report` lines:
 * buys add base and spend quote, sells the other way, fees taken from the asset they were
 * paid in). live-startup.ts compares this with the venues' balances (reconcile.ts
 * balanceDrift): a difference beyond `execution.live.balance_tolerance` means something moved
 * the accounts that xarb does not know of (a deposit, a withdrawal, a manual trade, another
 * bot, fills a crashed run never heard of), which `execution.live.start_balance_check` reports
 * (`warn`) or refuses the start for (`halt`).
 *
 * Assets compared: the base asset of each symbol (the run's per-symbol shares summed:
 * start-balances.ts splits a shared base between symbols), and the quote asset when all the
 * run's symbols share one (the strategy keeps one quote balance per venue). Pure.
 */
import type { Venue } from './reconcile.js';
import { splitSymbolAssets } from '../report/pnl.js';

export interface ExpectedBalances {
  /** The line the expectation starts from. */
  from: 'run_start' | 'run_resumed';
  /** Wall ms of that line. */
  sinceMs: number;
  /** Fills applied on top. */
  fills: number;
  balances: Partial<Record<Venue, Map<string, number>>>;
}

type Entry = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN);

/** Null when the journal has no live start line with balances. */
export function expectedBalancesFromJournal(entries: readonly Entry[]): ExpectedBalances | null {
  let i = entries.length - 1;
  for (; i >= 0; i--) {
    const e = entries[i]!;
    if ((e['type'] === 'run_start' || e['type'] === 'run_resumed') && e['mode'] === 'live' && e['balances'] !== null && typeof e['balances'] === 'object' &&
      // A start refused before trading (run_end right after: run-start-line.ts) holds the config's figures, not the venues'.
      !String(e['start_equity_missing'] ?? '').includes('"run_end"')) break;
  }
  if (i < 0) return null;
  const start = entries[i]!;
  const symbols = Array.isArray(start['symbols']) ? (start['symbols'] as unknown[]).map(String) : [];
  const quotes = new Set(symbols.map((s) => splitSymbolAssets(s).quote));
  const quoteAsset = quotes.size === 1 ? [...quotes][0]! : null;
  const out: ExpectedBalances = { from: start['type'] as ExpectedBalances['from'], sinceMs: num(start['t']), fills: 0, balances: {} };
  for (const [venue, b] of Object.entries(start['balances'] as Record<string, { quote?: unknown; base?: Record<string, unknown> }>)) {
    if (venue !== 'binance' && venue !== 'bybit') continue;
    const m = new Map<string, number>();
    if (quoteAsset !== null && Number.isFinite(num(b?.quote))) m.set(quoteAsset, num(b.quote));
    for (const [sym, q] of Object.entries(b?.base ?? {})) {
      const asset = splitSymbolAssets(sym).base;
      if (Number.isFinite(num(q))) m.set(asset, (m.get(asset) ?? 0) + num(q));
    }
    out.balances[venue] = m;
  }
  for (let j = i + 1; j < entries.length; j++) {
    const e = entries[j]!;
    if (e['type'] !== 'report') continue;
    const q = num(e['last_qty']);
    const px = num(e['last_px']);
    const m = out.balances[e['venue'] as Venue];
    if (!(q > 0) || !(px > 0) || m === undefined) continue;
    const { base, quote } = splitSymbolAssets(String(e['symbol'] ?? ''));
    const buy = e['side'] === 'buy';
    const move = (asset: string, d: number): void => {
      if (m.has(asset)) m.set(asset, m.get(asset)! + d);
    };
    move(base, buy ? q : -q);
    move(quote, buy ? -q * px : q * px);
    const fee = num(e['fee']);
    if (fee > 0) {
      const raw = String(e['fee_asset'] ?? 'quote');
      move(raw === 'quote' ? quote : raw === 'base' ? base : raw.toUpperCase(), -fee);
    }
    out.fills++;
  }
  return out;
}
