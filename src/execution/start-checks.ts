/**
 * Start-up checks of the account behind each key, from the venues' own answers
 * (account-rest.ts), before the first order:
 *
 * - permissions: a key that cannot trade spot (Binance `canTrade`, Bybit `Spot: SpotTrade`,
 *   not `readOnly`) refuses the start with one clear error naming the venue (never the key);
 *   a key that can withdraw (Binance `canWithdraw`, Bybit `Wallet: Withdraw`) starts with a
 *   loud warning: an arbitrage bot never needs it, and a leaked key that can withdraw empties
 *   the account;
 * - fee rates: the account's actual taker/maker rates (`/api/v3/account/commission`,
 *   `/v5/account/fee-rate`) against the configured `[fees]`; a mismatch is a warning with
 *   both figures (the strategy's edge is computed with the configured ones).
 *
 * Pure.
 */

export interface KeyPermissions {
  venue: 'binance' | 'bybit';
  canTrade: boolean;
  canWithdraw: boolean;
}

export interface StartCheckResult {
  errors: string[];
  warnings: string[];
}

export function checkKeyPermissions(keys: readonly KeyPermissions[]): StartCheckResult {
  const out: StartCheckResult = { errors: [], warnings: [] };
  for (const k of keys) {
    if (!k.canTrade) out.errors.push(`${k.venue}: the API key cannot trade spot (enable spot trading for this key)`);
    if (k.canWithdraw) out.warnings.push(`${k.venue}: the API key CAN WITHDRAW. Create a trade-only key (withdrawals off, IP whitelist): docs/live.md`);
  }
  return out;
}

export interface FeeRates {
  venue: 'binance' | 'bybit';
  /** Rates as fractions (0.001 = 10 bps). */
  taker: number;
  maker: number;
}

/** Compares the account's rates with the configured bps; differences above `toleranceBps` are warnings. */
export function checkFeeRates(actual: readonly FeeRates[], configuredBps: Readonly<Record<string, { taker: number; maker: number }>>,
  toleranceBps = 0.05): StartCheckResult {
  const out: StartCheckResult = { errors: [], warnings: [] };
  for (const a of actual) {
    const c = configuredBps[a.venue];
    if (c === undefined) continue;
    for (const kind of ['taker', 'maker'] as const) {
      const venueBps = a[kind] * 1e4;
      if (!Number.isFinite(venueBps)) {
        out.warnings.push(`${a.venue}: the venue did not say its ${kind} rate`);
        continue;
      }
      if (Math.abs(venueBps - c[kind]) > toleranceBps) {
        out.warnings.push(`${a.venue}: ${kind} fee is ${round(venueBps)} bps at the venue, ${round(c[kind])} bps in [fees] (${a.venue}_${kind}_bps)`);
      }
    }
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
