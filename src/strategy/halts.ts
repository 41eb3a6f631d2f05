/**
 * Why new entries are stopped. Several reasons can hold at once, each a bit of a mask, and
 * each is lifted only by the action that fits it:
 *
 *   kill_switch        halt(reason) / the KILL file          resume()  (file removed)
 *   flatten            flatten() (shutdown, POST /flatten)   resumeHalts(reason, ['flatten'])
 *   max_drawdown       the strategy's own PnL fell too far   resumeHalts(reason, ['max_drawdown'])
 *   unwind_failed      a residual could not be closed        resumeHalts(reason, ['unwind_failed'])
 *   order_table_full   too few free order slots              lifts itself when slots free up
 *   unresolved_order   an order unknown for too long         lifts itself when it is resolved
 *   balance_drift      the venue's balances left the executor's   resumeHalts(reason, ['balance_drift'])
 *                      expectation (live, run-checks.ts)
 *
 * The last two are conditions the strategy watches, not verdicts an operator must review, so
 * they clear when the condition does. Halted means no new rounds; open rounds keep hedging.
 */
export const HALT_KILL_SWITCH = 1;
export const HALT_FLATTEN = 2;
export const HALT_MAX_DRAWDOWN = 4;
export const HALT_UNWIND_FAILED = 8;
export const HALT_ORDER_TABLE_FULL = 16;
export const HALT_UNRESOLVED_ORDER = 32;
export const HALT_BALANCE_DRIFT = 64;

export type HaltKind = 'kill_switch' | 'flatten' | 'max_drawdown' | 'unwind_failed' | 'order_table_full' | 'unresolved_order' | 'balance_drift';

export const HALT_KINDS: readonly HaltKind[] = ['kill_switch', 'flatten', 'max_drawdown', 'unwind_failed', 'order_table_full', 'unresolved_order', 'balance_drift'];

export function haltBit(kind: HaltKind): number {
  const i = HALT_KINDS.indexOf(kind);
  if (i < 0) throw new RangeError(`unknown halt kind "${String(kind)}" (known: ${HALT_KINDS.join(', ')})`);
  return 1 << i;
}

export function haltKindsOf(mask: number): HaltKind[] {
  const out: HaltKind[] = [];
  for (let i = 0; i < HALT_KINDS.length; i++) if ((mask & (1 << i)) !== 0) out.push(HALT_KINDS[i]!);
  return out;
}

/** The set of halts in force, with the reason text of each. */
export class HaltState {
  mask = 0;
  private readonly reasons: string[] = HALT_KINDS.map(() => '');

  get halted(): boolean {
    return this.mask !== 0;
  }

  has(bit: number): boolean {
    return (this.mask & bit) !== 0;
  }

  /** Sets a halt; false if it was already set. */
  set(bit: number, reason: string): boolean {
    if ((this.mask & bit) !== 0) return false;
    this.mask |= bit;
    this.reasons[Math.log2(bit)] = reason;
    return true;
  }

  /** Clears the given bits; returns those that were set. */
  clear(bits: number): number {
    const was = this.mask & bits;
    this.mask &= ~bits;
    return was;
  }

  /** "kind: reason; kind: reason" of every halt in force ('' when none). */
  describe(): string {
    let s = '';
    for (let i = 0; i < HALT_KINDS.length; i++) {
      if ((this.mask & (1 << i)) === 0) continue;
      if (s !== '') s += '; ';
      s += this.reasons[i] === HALT_KINDS[i] ? HALT_KINDS[i] : `${HALT_KINDS[i]}: ${this.reasons[i]}`;
    }
    return s;
  }
}
