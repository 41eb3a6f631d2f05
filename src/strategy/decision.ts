/**
 * The decision: from the two books of a symbol to a pair intent (buy venue, sell venue,
 * quantity, limit prices), through the gates in order. Called on every quote; allocates
 * nothing unless a breach event fires or a pair goes out. The rule is in docs/strategy.md.
 */
import { VENUE_COUNT } from '../core/records.js';
import type { StrategyContext } from './context.js';
import type { RiskGates } from './risk-gates.js';
import type { RoundLifecycle } from './round-lifecycle.js';
import { ceilToStep, floorToStep } from './rounding.js';
import { BPS_EPSILON, edgeBps, worstCaseEdgeBps } from './spread.js';
import { TAKEN_ASK, TAKEN_BID, TakenLevels } from './taken-levels.js';

export class Decision {
  /** The chosen direction's raw edge, from evaluate to tryOpen (a double field, written in place). */
  private edge = 0.5;
  /** The touch levels our pairs took, so a pair never fires twice at one consumed level. */
  readonly taken: TakenLevels;

  constructor(
    private readonly x: StrategyContext,
    private readonly gates: RiskGates,
    private readonly rounds: RoundLifecycle,
  ) {
    this.taken = new TakenLevels(x.nSym, VENUE_COUNT, x.config.takenDecayNs);
  }

  /** On a quote of `venue` for symbol `s`, just written into the book table, at `x.quoteNowNs`. */
  evaluate(s: number, venue: number): void {
    const x = this.x;
    const c = x.config;
    const b = x.books;
    const inv = x.inventory;
    // Best direction by its margin over its own required edge (min_spread_bps, skewed by
    // rebalancing); the raw edge is what the pair is reported with.
    let buyV = -1;
    let sellV = -1;
    let bestMargin = -Infinity;
    let bestEdge = -Infinity;
    let bestRaw = -Infinity;
    for (let a = 0; a < VENUE_COUNT; a++) {
      const ask = b.askPx(a, s);
      if (!(ask > 0)) continue;
      for (let d = 0; d < VENUE_COUNT; d++) {
        if (d === a) continue;
        const bid = b.bidPx(d, s);
        if (!(bid > 0)) continue;
        const e = edgeBps(ask, bid, c.takerFee[a]!, c.takerFee[d]!, c.slippage);
        if (e > bestRaw) bestRaw = e;
        const m = e - inv.requiredEdge(s, a, d);
        if (m > bestMargin) {
          bestMargin = m;
          bestEdge = e;
          buyV = a;
          sellV = d;
        }
      }
    }
    if (buyV < 0 || bestMargin < -BPS_EPSILON) {
      // No direction clears its required edge: the dislocation is over, every direction free.
      this.taken.spreadClosed(s);
      if (bestRaw >= c.minSpreadBps - BPS_EPSILON) {
        // An opportunity by the plain rule that the rebalancing skew holds back.
        x.stats.opportunities++;
        x.stats.skipInventoryBias++;
      }
      return;
    }
    const st = x.stats;
    st.opportunities++;
    if (x.halts.halted) {
      st.skipHalted++;
      return;
    }
    if (this.rounds.isOpen(s)) {
      st.skipPairOpen++;
      return;
    }
    // The gates and sizing are a function of their own: V8 inlines small calls (the book
    // reads, rounding) only within a budget per optimised function, and a call it does not
    // inline returns its double in a fresh HeapNumber. While a dislocation lasts, every quote
    // of the symbol comes this far (and is held back by a gate), so this part is per quote too.
    this.edge = bestEdge;
    this.tryOpen(s, venue, buyV, sellV);
  }

  /** A direction clears its required edge: the gates, limit prices and size, then the pair. */
  private tryOpen(s: number, venue: number, buyV: number, sellV: number): void {
    const x = this.x;
    const c = x.config;
    const b = x.books;
    const inv = x.inventory;
    const st = x.stats;
    const nowNs = x.quoteNowNs;
    const bestEdge = this.edge;
    if (!this.gates.booksTradable(s, buyV, sellV, nowNs)) return;
    if (!this.gates.breakersAllow(s, buyV, sellV, nowNs)) return;

    // Limit prices: the touch widened by half the slippage tolerance each, so the pair's worst
    // case (both legs at their limits) gives away at most the whole tolerance, which the edge
    // already paid for. If tick rounding would push that worst case below break-even, the
    // limits fall back to the touch.
    const nSym = x.nSym;
    const bi = buyV * nSym + s;
    const si = sellV * nSym + s;
    const ask = b.askPx(buyV, s);
    const bid = b.bidPx(sellV, s);
    const fb = c.takerFee[buyV]!;
    const fs = c.takerFee[sellV]!;
    const half = c.slippage / 2;
    let buyLimit = ceilToStep(ask * (1 + half), c.tickSize[bi]!, c.tickScale[bi]!);
    let sellLimit = floorToStep(bid * (1 - half), c.tickSize[si]!, c.tickScale[si]!);
    // A rebalancing direction may trade below break-even down to rebalance_floor_bps.
    const floor = Math.min(0, inv.requiredEdge(s, buyV, sellV));
    if (worstCaseEdgeBps(buyLimit, sellLimit, fb, fs) < floor - BPS_EPSILON) {
      buyLimit = ceilToStep(ask, c.tickSize[bi]!, c.tickScale[bi]!);
      sellLimit = floorToStep(bid, c.tickSize[si]!, c.tickScale[si]!);
      if (worstCaseEdgeBps(buyLimit, sellLimit, fb, fs) < floor - BPS_EPSILON) {
        st.skipBreakEven++;
        return;
      }
    }

    // Size. The quantity must be valid on both venues: the coarser step (exchange steps are
    // powers of ten, so the finer one divides it).
    const coarseIdx = c.stepSize[bi]! >= c.stepSize[si]! ? bi : si;
    const step = c.stepSize[coarseIdx]!;
    const scale = c.stepScale[coarseIdx]!;
    // Position limit: if one leg fails, the round leaves its whole quantity as exposure.
    const room = this.gates.positionRoom(s, step, nowNs);
    if (room <= 0) return;
    // Inventory net of what orders in flight (any symbol) have reserved.
    const inventory = Math.min(inv.availableQuote(buyV) / (buyLimit * (1 + fb)), inv.availableBase(sellV, s));
    if (floorToStep(inventory, step, scale) <= 0) {
      st.skipNoInventory++;
      return;
    }
    // What the touch still offers us: a level our last pair took counts only what is left of it
    // until the venue's book shows the take, the level trades through, or the memory decays.
    const taken = this.taken;
    if (!taken.directionFree(s, buyV, sellV, nowNs)) {
      st.skipTakenLevel++;
      return;
    }
    const askSz = taken.available(buyV, s, TAKEN_ASK, ask, b.askSz(buyV, s), nowNs);
    const bidSz = taken.available(sellV, s, TAKEN_BID, bid, b.bidSz(sellV, s), nowNs);
    if (askSz <= 0 || bidSz <= 0) {
      st.skipTakenLevel++;
      return;
    }
    let qty = Math.min(askSz, bidSz, c.maxPositionSize, c.maxNotionalPerTrade / Math.max(buyLimit, sellLimit), inventory, room);
    qty = floorToStep(qty, step, scale);
    if (qty <= 0 || qty < c.minQty[bi]! || qty < c.minQty[si]!) {
      st.skipMinQty++;
      return;
    }
    if (qty * buyLimit < c.minNotional[bi]! || qty * sellLimit < c.minNotional[si]!) {
      st.skipMinNotional++;
      return;
    }
    if (!this.gates.priceBandOk(s, buyV, sellV, buyLimit, sellLimit, nowNs)) return;
    if (!this.gates.rateOk(s, 2 + this.rounds.rateReserve(), nowNs)) return;
    if (x.orders.free < 2 + x.tableReserve) {
      st.skipOrderTable++;
      return;
    }
    const sent = st.ordersSent;
    // The triggering quote's stamps (tick_to_* latencies start there).
    this.rounds.openRound(s, buyV, sellV, qty, buyLimit, sellLimit, bestEdge, b.exchMs(venue, s), b.recvNs(venue, s), nowNs);
    // The legs that went out (buy first, then sell) took their touch levels: remembered until
    // the market says otherwise.
    const legs = st.ordersSent - sent;
    if (legs >= 1) taken.take(buyV, s, TAKEN_ASK, ask, b.askSz(buyV, s), qty, nowNs);
    if (legs >= 2) taken.take(sellV, s, TAKEN_BID, bid, b.bidSz(sellV, s), qty, nowNs);
    if (legs >= 1) taken.spendDirection(s, buyV, sellV, nowNs);
  }
}
