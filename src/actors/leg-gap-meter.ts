/**
 * leg_gap: for a pair whose buying and selling legs both went out, the later leg's wire time
 * minus the earlier's, one value per pair. The strategy publishes a pair's legs one after the
 * other, so the twin of a leg is the next pair leg the executor sees, in the same step or (when
 * a spinning executor read the first leg before the second was published) the next one: the
 * meter remembers the last unmatched leg across steps. Those split pairs are the ones with the
 * widest gap; leaving them out would bias the hop low where it matters.
 */
import { HOP_LEG_GAP, type HopRecorders } from '../core/histogram.js';
import { ROLE_LEG_BUY, ROLE_LEG_SELL } from '../core/records.js';

export class LegGapMeter {
  private pair = 0;
  private role = 0;
  private wire = 0;

  constructor(private readonly hist: HopRecorders) {}

  /** One intent that went out at `wire` (monotonic ns); hedges, unwinds and cancels are ignored. */
  leg(pair: number, role: number, wire: number): void {
    if (!(pair > 0) || !(wire > 0) || (role !== ROLE_LEG_BUY && role !== ROLE_LEG_SELL)) return;
    if (this.pair === pair && this.role !== role) {
      this.hist.record(HOP_LEG_GAP, Math.abs(wire - this.wire));
      this.pair = 0;
      return;
    }
    this.pair = pair;
    this.role = role;
    this.wire = wire;
  }
}
