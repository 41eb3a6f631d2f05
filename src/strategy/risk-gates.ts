/**
 * The risk gates a new pair must pass (the per-quote checks) and the drawdown halt. Each gate
 * that denies counts every denial and emits one risk_breach per episode: latched per
 * (rule, symbol), re-armed when the check passes again. Nothing here allocates unless a
 * breach event fires.
 */
import { VENUE_NAMES } from '../core/records.js';
import type { StrategyContext } from './context.js';
import { HALT_MAX_DRAWDOWN } from './halts.js';
import { OS_UNKNOWN } from './order-table.js';
import { PnlDrawdown } from './risk.js';
import { deviationBps } from './spread.js';

const LATCH_UNUSABLE = 0;
const LATCH_STALE = 1;
const LATCH_POSITION = 2;
const LATCH_BAND = 3;
const LATCH_RATE = 4;
const LATCH_LAG = 5;
const LATCH_BREAKER = 6;
const LATCH_RULES = 7;

export class RiskGates {
  readonly pnlDrawdown = new PnlDrawdown();
  private readonly latch: Uint8Array;

  constructor(private readonly x: StrategyContext) {
    this.latch = new Uint8Array(LATCH_RULES * x.nSym);
  }

  /** Both books in sync, fresh by local receive time, and not lagging the exchange clock. */
  booksTradable(s: number, buyV: number, sellV: number, nowNs: number): boolean {
    const x = this.x;
    const b = x.books;
    const c = x.config;
    if (!b.usable(buyV, s) || !b.usable(sellV, s)) {
      x.riskCounters.unusableBookDenials++;
      if (this.latchOn(LATCH_UNUSABLE, s)) {
        const v = b.usable(buyV, s) ? sellV : buyV;
        x.breach('unusable_book', 'deny', s, nowNs, `${VENUE_NAMES[v]} ${c.symbols[s]} book marked unusable`);
      }
      return false;
    }
    this.latchOff(LATCH_UNUSABLE, s);
    const ageBuy = nowNs - b.recvNs(buyV, s);
    const ageSell = nowNs - b.recvNs(sellV, s);
    if (ageBuy > c.staleBookNs || ageSell > c.staleBookNs) {
      x.riskCounters.staleBookDenials++;
      if (this.latchOn(LATCH_STALE, s)) {
        const v = ageBuy > c.staleBookNs ? buyV : sellV;
        const age = Math.max(ageBuy, ageSell) / 1e6;
        x.breach('stale_book', 'deny', s, nowNs, `${VENUE_NAMES[v]} ${c.symbols[s]} book is ${age} ms old (limit ${c.staleBookNs / 1e6} ms)`);
      }
      return false;
    }
    this.latchOff(LATCH_STALE, s);
    const off = x.wallOffsetMs;
    if (off === off) {
      // Exchange time against local wall time at receipt: a feed can arrive steadily and
      // still be old (a venue's slow path, a proxy buffering), which staleness cannot see.
      const lagBuy = b.exchMs(buyV, s) > 0 ? b.recvNs(buyV, s) / 1e6 + off - b.exchMs(buyV, s) : 0;
      const lagSell = b.exchMs(sellV, s) > 0 ? b.recvNs(sellV, s) / 1e6 + off - b.exchMs(sellV, s) : 0;
      if (lagBuy > c.maxFeedLagMs || lagSell > c.maxFeedLagMs) {
        x.riskCounters.feedLagDenials++;
        if (this.latchOn(LATCH_LAG, s)) {
          const v = lagBuy > c.maxFeedLagMs ? buyV : sellV;
          const lag = Math.round(Math.max(lagBuy, lagSell));
          x.breach('feed_lag', 'deny', s, nowNs, `${VENUE_NAMES[v]} ${c.symbols[s]} book is ${lag} ms behind the exchange clock (max_feed_lag_ms ${c.maxFeedLagMs})`);
        }
        return false;
      }
      this.latchOff(LATCH_LAG, s);
    }
    return true;
  }

  /** Both venues' breakers let a new pair through. */
  breakersAllow(s: number, buyV: number, sellV: number, nowNs: number): boolean {
    const x = this.x;
    const h = x.health;
    if (h.entryAllowed(buyV, nowNs) && h.entryAllowed(sellV, nowNs)) {
      this.latchOff(LATCH_BREAKER, s);
      return true;
    }
    x.stats.skipBreaker++;
    x.riskCounters.breakerDenials++;
    if (this.latchOn(LATCH_BREAKER, s)) {
      const v = h.entryAllowed(buyV, nowNs) ? sellV : buyV;
      x.breach('venue_breaker', 'deny', s, nowNs, `${VENUE_NAMES[v]} circuit breaker open (last reject code ${h.lastRejectCode[v]}): no new entries there`);
    }
    return false;
  }

  /**
   * Room under position_limit: the limit less |net exposure| less what orders of unknown
   * status could still add (they may fill). Emits the breach when there is none. Base paid as
   * fees (spot buys pay in base) is counted back, as transfer fees are: it is inventory spent,
   * not a position a round opened, and no round trades it back, so counting it would shrink
   * every pair round after round until entries stopped for good.
   */
  positionRoom(s: number, step: number, nowNs: number): number {
    const x = this.x;
    const c = x.config;
    const net = x.positions.netExposure(s) + x.positions.baseFeesPaid(s);
    const room = c.positionLimit - Math.abs(net) - this.possibleExposure(s);
    if (room < step) {
      x.riskCounters.positionLimitDenials++;
      if (this.latchOn(LATCH_POSITION, s)) {
        x.breach('position_limit', 'deny', s, nowNs, `${c.symbols[s]} net exposure ${net} (fees paid in base aside; and ${this.possibleExposure(s)} possible from orders of unknown status) leaves no room under position_limit ${c.positionLimit}`);
      }
      return 0;
    }
    this.latchOff(LATCH_POSITION, s);
    return room;
  }

  /** Base that orders of unknown status on symbol s could still fill (absolute). */
  possibleExposure(s: number): number {
    const o = this.x.orders;
    if (o.unknownCount === 0) return 0;
    let n = 0;
    for (let k = 0; k < o.capacity; k++) {
      if (o.state[k] === OS_UNKNOWN && o.symbol[k] === s) n += o.qty[k]! - o.filled[k]!;
    }
    return n;
  }

  /** Each leg's price against the other venue's mid (catches a bad quote). */
  priceBandOk(s: number, buyV: number, sellV: number, buyLimit: number, sellLimit: number, nowNs: number): boolean {
    const x = this.x;
    const b = x.books;
    const c = x.config;
    const midSell = b.mid(sellV, s);
    const midBuy = b.mid(buyV, s);
    const devBuy = deviationBps(buyLimit, midSell);
    const devSell = deviationBps(sellLimit, midBuy);
    if (devBuy > c.priceBandBps || devSell > c.priceBandBps) {
      x.riskCounters.priceBandDenials++;
      if (this.latchOn(LATCH_BAND, s)) {
        x.breach('price_band', 'deny', s, nowNs, `${c.symbols[s]} buy ${buyLimit} on ${VENUE_NAMES[buyV]} is ${devBuy.toFixed(1)} bps from ${VENUE_NAMES[sellV]} mid ${midSell}, sell ${sellLimit} is ${devSell.toFixed(1)} bps from ${midBuy} (band ${c.priceBandBps} bps)`);
      }
      return false;
    }
    this.latchOff(LATCH_BAND, s);
    return true;
  }

  rateOk(s: number, n: number, nowNs: number): boolean {
    const x = this.x;
    if (x.limiter.canSend(n, nowNs)) {
      this.latchOff(LATCH_RATE, s);
      return true;
    }
    x.riskCounters.rateLimitDenials++;
    if (this.latchOn(LATCH_RATE, s)) {
      x.breach('rate_limit', 'deny', s, nowNs, `${x.limiter.inWindow(nowNs)} orders in the last second (max_orders_per_second ${x.config.maxOrdersPerSecond})`);
    }
    return false;
  }

  /**
   * max_drawdown on the strategy's own PnL: `pnl` is realized PnL plus every open round marked
   * to market. Halts once it falls max_drawdown × starting equity below its peak.
   */
  checkDrawdown(pnl: number, nowNs: number): void {
    const x = this.x;
    const d = this.pnlDrawdown;
    const dd = d.update(pnl, d.startEquity === d.startEquity ? d.startEquity : x.positions.equity(x.books));
    if (dd >= x.config.maxDrawdown && !x.halts.has(HALT_MAX_DRAWDOWN)) {
      x.riskCounters.drawdownHalts++;
      x.breach('max_drawdown', 'halt', -1, nowNs, `strategy PnL ${d.lastPnl.toFixed(2)} is ${(d.peakPnl - d.lastPnl).toFixed(2)} below its peak ${d.peakPnl.toFixed(2)}: ${(dd * 100).toFixed(3)}% of starting equity ${d.startEquity} (max_drawdown ${x.config.maxDrawdown * 100}%)`);
      x.enterHalt(HALT_MAX_DRAWDOWN, 'max_drawdown', nowNs);
    }
  }

  /**
   * checkDrawdown(pnl) would change nothing: the start is known, `pnl` is the PnL it last saw
   * (so the peak, the drawdown and its maximum stay as they are) and that drawdown is below
   * max_drawdown (no halt to enter).
   */
  drawdownSettled(pnl: number): boolean {
    const d = this.pnlDrawdown;
    return d.startEquity > 0 && pnl === d.lastPnl && (d.peakPnl - pnl) / d.startEquity < this.x.config.maxDrawdown;
  }

  private latchOn(rule: number, s: number): boolean {
    const i = rule * this.x.nSym + s;
    if (this.latch[i] === 1) return false;
    this.latch[i] = 1;
    return true;
  }

  private latchOff(rule: number, s: number): void {
    this.latch[rule * this.x.nSym + s] = 0;
  }
}
