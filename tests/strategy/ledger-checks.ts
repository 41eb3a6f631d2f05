/**
 * Invariants every model venue checks after quiescence: the strategy's positions equal the
 * venues' balances (quote to 1e-6, base exactly), a halt has a reason, and no net exposure (fees
 * aside) of a step or more is left open without a halt. Returns why not, or null.
 */
import type { ArbitrageStrategy } from '../../src/strategy/arbitrage.js';

export interface VenueLedgers {
  readonly quote: readonly number[];
  readonly base: readonly (readonly number[])[];
  readonly baseFees: readonly number[];
}

export function ledgerMismatch(st: ArbitrageStrategy, m: VenueLedgers, step: number): string | null {
  for (let v = 0; v < 2; v++) {
    if (Math.abs(st.positions.quote(v) - m.quote[v]!) > 1e-6) return `venue ${v} quote: strategy ${st.positions.quote(v)} vs venue ${m.quote[v]}`;
    for (let s = 0; s < 2; s++) {
      if (st.positions.base(v, s) !== m.base[v]![s]) return `venue ${v} symbol ${s} base: strategy ${st.positions.base(v, s)} vs venue ${m.base[v]![s]}`;
    }
  }
  if (st.isHalted && st.haltReason === '') return 'halted without a reason';
  for (let s = 0; s < 2; s++) {
    const net = st.positions.netExposure(s) + m.baseFees[s]!;
    if (Math.abs(net) >= step && !st.isHalted) return `symbol ${s}: net exposure ${net} (fees aside) left open without a halt`;
  }
  return null;
}
