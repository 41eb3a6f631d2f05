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
}

/** A difference above this share of the larger figure is "big" (logged as a warning). */
export const BIG_DIFFERENCE_RATIO = 0.05;

/**
 * Per venue: quote = the venue's total of the symbols' quote asset (the first symbol's, as the
 * strategy keeps one quote balance per venue); base per symbol = the venue's total of its
 * base asset. Totals (free + locked): xarb's own open orders were cancelled just before,
 * and an order of someone else on a traded symbol refuses the start (live-startup.ts).
 */
export function startBalancesFromVenues(snapshots: readonly VenueSnapshot[], symbols: readonly string[], configured: VenueBalances,
  bigRatio = BIG_DIFFERENCE_RATIO): StartBalances {
  const out: StartBalances = { balances: {}, differences: [], fromConfig: [] };
  const quoteAsset = splitSymbolAssets(symbols[0] ?? '').quote;
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
    const quote = amount(quoteAsset);
    compare(quoteAsset, cfg.quote, quote);
    const base: Record<string, number> = {};
    for (const s of symbols) {
      const asset = splitSymbolAssets(s).base;
      base[s] = amount(asset);
      compare(asset, cfg.base[s] ?? 0, base[s]);
    }
    out.balances[venue] = { quote, base };
  }
  return out;
}

/** Replaces `target`'s venues in place (the worker data and the run_start line hold the same object). */
export function assignBalances(target: VenueBalances, from: VenueBalances): void {
  for (const v of Object.keys(from)) target[v] = from[v]!;
}
