/**
 * The executor's own pre-send checks, applied to the pair as a whole: both legs go or
 * neither does. Per-leg refusals (venue backing off, rate budget spent, missing filter or
 * client, quantity floored to zero, unknown order blocking the symbol) used to refuse one
 * leg after its twin had been sent, leaving a legged position the executor itself created.
 *
 * Each check looks at one leg and answers null (fine) or a reason. The pair passes only if
 * every check passes for both legs; then `commit` runs for both (e.g. spend the rate budget),
 * so a budget is never spent for a pair that does not go. Pure.
 */

export interface PairLeg {
  venue: 'binance' | 'bybit';
  symbol: string;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
}

export type LegCheck = (leg: PairLeg, index: 0 | 1) => string | null;

export type PairVerdict = { ok: true } | { ok: false; leg: 0 | 1; check: number; reason: string };

export function checkPair(legs: readonly [PairLeg, PairLeg], checks: readonly LegCheck[], commit?: (leg: PairLeg, index: 0 | 1) => void): PairVerdict {
  for (let c = 0; c < checks.length; c++) {
    for (const i of [0, 1] as const) {
      const reason = checks[c]!(legs[i], i);
      if (reason !== null) return { ok: false, leg: i, check: c, reason };
    }
  }
  if (commit !== undefined) {
    commit(legs[0], 0);
    commit(legs[1], 1);
  }
  return { ok: true };
}

/**
 * Two orders on the same venue in the same window need two slots: a budget check for the
 * pair asks the venue's budget for as many orders as the pair sends there.
 */
export function ordersPerVenue(legs: readonly [PairLeg, PairLeg]): Map<PairLeg['venue'], number> {
  const m = new Map<PairLeg['venue'], number>();
  for (const l of legs) m.set(l.venue, (m.get(l.venue) ?? 0) + 1);
  return m;
}
