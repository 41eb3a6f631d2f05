/**
 * Live mode: the strategy's starting balances are the venues' word, read at start-up after
 * reconciliation (and the cancel of xarb orders left open) and before the first order.
 * `[execution.initial_balances]` is the dry-run's funding; in live mode it is only compared
 * with what the venues hold, and a big difference is reported so an operator who funded a
 * venue differently from the config sees it in the start-up log.
 *
 * Pure: the caller fetched the snapshots (account-rest.ts) and logs the differences.
 */
import type { VenueBalances } from '../strategy/config.js';
import { splitSymbolAssets } from '../report/pnl.js';
import type { VenueSnapshot } from './reconcile.js';

export interface BalanceDifference {
  venue: string;
  asset: string;
  config: number;
  venueAmount: number;
}

export interface StartBalances {
  balances: VenueBalances;
  /** Venue amounts that differ from the config by more than `bigRatio` of the larger. */
  differences: BalanceDifference[];
  /** Venues with no snapshot: they keep the config's figures (and say so). */
  fromConfig: string[];
  /** How shared assets were counted (one line each, for the start-up log). */
  notes: string[];
}

/** A difference above this share of the larger figure is "big" (logged as a warning). */
export const BIG_DIFFERENCE_RATIO = 0.05;

/**
 * Per venue: quote = the venue's total of the symbols' quote asset (the strategy keeps one
 * quote balance per venue, which all symbols spend, with reservations per order in flight so
 * two symbols never spend the same coins: strategy/inventory.ts); base per symbol = the
 * venue's total of its base asset. Totals (free + locked): xarb's own open orders were
 * cancelled just before, and an order of someone else on a traded symbol refuses the start
 * (live-startup.ts).
 *
 * Shared assets are counted once. Symbols with the same base asset (BTCUSDT and BTCUSDC)
 * split the venue's balance of it between them: in proportion to their
 * `[execution.initial_balances]` base amounts when those are all positive, evenly otherwise
 * (each share rounded down to 1e-8, so the shares never add up to more than the venue holds).
 * Symbols with different quote assets share the one quote balance: it is the smallest of
 * those assets' balances, so no symbol can plan with coins its own quote asset lacks.
 */
export function startBalancesFromVenues(snapshots: readonly VenueSnapshot[], symbols: readonly string[], configured: VenueBalances,
  bigRatio = BIG_DIFFERENCE_RATIO): StartBalances {
  const out: StartBalances = { balances: {}, differences: [], fromConfig: [], notes: [] };
  const quoteAssets = [...new Set(symbols.map((s) => splitSymbolAssets(s).quote))];
  const quoteAsset = quoteAssets[0] ?? '';
  const byBase = new Map<string, string[]>();
  for (const s of symbols) {
    const b = splitSymbolAssets(s).base;
    const list = byBase.get(b);
    if (list === undefined) byBase.set(b, [s]);
    else list.push(s);
  }
  for (const venue of Object.keys(configured)) {
    const cfg = configured[venue]!;
    const snap = snapshots.find((s) => s.venue === venue);
    if (snap === undefined) {
      out.balances[venue] = { quote: cfg.quote, base: { ...cfg.base } };
      out.fromConfig.push(venue);
      continue;
    }
    const amount = (asset: string): number => snap.balances.get(asset) ?? 0;
    const compare = (asset: string, config: number, venueAmount: number): void => {
      const larger = Math.max(Math.abs(config), Math.abs(venueAmount));
      if (larger > 0 && Math.abs(config - venueAmount) > bigRatio * larger) out.differences.push({ venue, asset, config, venueAmount });
    };
    let quote = amount(quoteAsset);
    compare(quoteAsset, cfg.quote, quote);
    if (quoteAssets.length > 1) {
      quote = Math.min(...quoteAssets.map(amount));
      out.notes.push(`${venue}: the symbols' quote assets ${quoteAssets.join(', ')} share one quote balance: the smallest, ${quote}`);
    }
    const base: Record<string, number> = {};
    for (const [asset, syms] of byBase) {
      const total = amount(asset);
      if (syms.length === 1) {
        base[syms[0]!] = total;
        compare(asset, cfg.base[syms[0]!] ?? 0, total);
        continue;
      }
      const weights = syms.map((s) => cfg.base[s] ?? 0);
      const sum = weights.reduce((a, w) => a + w, 0);
      const byConfig = weights.every((w) => w > 0);
      syms.forEach((s, i) => {
        // (+1e-6 of a 1e-8 unit: 0.3 / 0.4 of 1 is 0.7499999999 in binary, which is 0.75.)
        base[s] = Math.floor(total * (byConfig ? weights[i]! / sum : 1 / syms.length) * 1e8 + 1e-6) / 1e8;
      });
      compare(asset, sum, total);
      out.notes.push(`${venue}: ${asset} ${total} shared by ${syms.join(', ')}: ${syms.map((s) => `${s} ${base[s]}`).join(', ')} (${byConfig ? 'in proportion to [execution.initial_balances]' : 'evenly'})`);
    }
    out.balances[venue] = { quote, base };
  }
  return out;
}

/** Replaces `target`'s venues in place (the worker data and the run_start line hold the same object). */
export function assignBalances(target: VenueBalances, from: VenueBalances): void {
  for (const v of Object.keys(from)) target[v] = from[v]!;
}
