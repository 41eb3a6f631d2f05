/**
 * Periodic balance reconciliation during a live run, for one venue: the venue's balances
 * (account REST) against what the executor expects, i.e. the balances of a first quiet read
 * moved by every fill the executor reported since. A difference beyond the tolerance (a
 * fraction of the expected balance) is a drift: something changed the account that xarb did
 * not do or did not see (a fill missed, a manual trade, a transfer, a fee in another asset),
 * and new entries must halt until an operator looks (reconcile.ts `balanceDrift`/`driftVerdict`).
 *
 * A read only counts when the venue was quiet around it: no order of this venue in flight or
 * unresolved before or after the read, and no fill reported meanwhile; otherwise the check is
 * skipped (counted) and tried at the next interval. Only the symbols' base and quote assets
 * are compared.
 */
import { ASSET_BASE, SIDE_BUY } from '../../core/records.js';
import { balanceDrift, driftVerdict } from '../reconcile.js';
import type { LiveLog } from './client-base.js';

export interface BalanceWatchOptions {
  venue: 'binance' | 'bybit';
  /** Base and quote asset names per symbol id. */
  assets: ReadonlyArray<{ base: string; quote: string }>;
  /** Drift tolerance: this fraction of the expected balance (at least 1e-8). */
  tolerance: number;
  /** The venue's balances by asset (total: free + locked). */
  read: () => Promise<Map<string, number>>;
  /** Whether any order of this venue is in flight or of unknown status now. */
  busy: () => boolean;
  /**
   * Fees come from the venue's fills (`onVenueFee`, fed by the venue's fill ledger), each in
   * the asset the venue charged, and the reported fees are not used: a commission paid in a
   * third asset (BNB) reaches the strategy converted to quote, which the quote balance never
   * paid (a false drift of the BNB fees' worth, beyond the tolerance after a few times the
   * balance traded). Without a ledger (false/absent) the reported fees are used.
   */
  venueFees?: boolean;
  log: LiveLog;
}

export interface DriftCheck {
  /** 'baseline': the first quiet read; 'ok' | 'drift'; 'skipped': not quiet; 'failed': unreadable. */
  outcome: 'baseline' | 'ok' | 'drift' | 'skipped' | 'failed';
  message: string;
}

export class BalanceWatch {
  private baseline: Map<string, number> | null = null;
  private readonly moved = new Map<string, number>();
  private fills = 0;
  private readonly tracked: Set<string>;
  readonly counters = { checks: 0, skipped: 0, drifts: 0, read_failures: 0 };

  constructor(private readonly o: BalanceWatchOptions) {
    this.tracked = new Set(o.assets.flatMap((a) => [a.base, a.quote]).filter((a) => a !== ''));
  }

  /** One fill the executor reported on this venue (fee in the base or quote asset). */
  onFill(symbol: number, side: number, lastPx: number, lastQty: number, fee: number, feeAsset: number): void {
    const a = this.o.assets[symbol];
    if (a === undefined || !(lastQty > 0)) return;
    this.fills++;
    const sign = side === SIDE_BUY ? 1 : -1;
    const f = this.o.venueFees === true ? 0 : fee;
    this.add(a.base, sign * lastQty - (feeAsset === ASSET_BASE ? f : 0));
    this.add(a.quote, -sign * lastQty * lastPx - (feeAsset === ASSET_BASE ? 0 : f));
  }

  /** One new venue fill's commission, in the asset charged (with `venueFees`; only tracked assets count). */
  onVenueFee(asset: string, fee: number): void {
    if (this.o.venueFees !== true || !(fee !== 0) || !Number.isFinite(fee)) return;
    this.fills++;
    if (this.tracked.has(asset)) this.add(asset, -fee);
  }

  private add(asset: string, d: number): void {
    this.moved.set(asset, (this.moved.get(asset) ?? 0) + d);
  }

  /** The balances expected now (null before the baseline). */
  expected(): Map<string, number> | null {
    if (this.baseline === null) return null;
    const out = new Map<string, number>();
    for (const asset of this.tracked) out.set(asset, (this.baseline.get(asset) ?? 0) + (this.moved.get(asset) ?? 0));
    return out;
  }

  /** Forgets the baseline: the next quiet read is the new one (after an operator's resume). */
  rebase(): void {
    this.baseline = null;
  }

  async check(): Promise<DriftCheck> {
    const fillsBefore = this.fills;
    if (this.o.busy()) return this.skip();
    let actual: Map<string, number>;
    try {
      actual = await this.o.read();
    } catch (e) {
      this.counters.read_failures++;
      this.o.log('warn', 'balance check: the venue balances could not be read', { venue: this.o.venue, err: (e as Error).message });
      return { outcome: 'failed', message: (e as Error).message };
    }
    if (this.o.busy() || this.fills !== fillsBefore) return this.skip();
    this.counters.checks++;
    if (this.baseline === null) {
      this.baseline = actual;
      this.moved.clear();
      return { outcome: 'baseline', message: '' };
    }
    const tol = this.o.tolerance;
    const exp = this.expected()!;
    const drifts = balanceDrift(this.o.venue, exp, actual, (asset) => Math.max(1e-8, tol * Math.abs(exp.get(asset) ?? 0)));
    const v = driftVerdict(drifts);
    if (!v.halt) return { outcome: 'ok', message: '' };
    this.counters.drifts++;
    return { outcome: 'drift', message: v.message };
  }

  private skip(): DriftCheck {
    this.counters.skipped++;
    return { outcome: 'skipped', message: '' };
  }
}
