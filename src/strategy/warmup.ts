/**
 * JIT warm-up of the decision path. A bot trades a few times a minute, so the code that sends
 * a pair, books fills and hedges a legged round runs too rarely for V8 to optimise it: cold,
 * a decision measured 5–26 µs p50 and hundreds of µs for the first ones; after this warm-up,
 * ~0.7 µs (measured with a throwaway script against this class).
 *
 * It drives a throwaway ArbitrageStrategy (the same class, so the same functions and their
 * type feedback) through synthetic rounds in both directions for every symbol, with one round
 * in ten legged (a rejected leg, then a hedge), against a sink that goes nowhere. Nothing it
 * does reaches a ring, the journal or the real strategy's state.
 */
import { ArbitrageStrategy } from './arbitrage.js';
import type { ArbitrageConfig, VenueBalances, VenueFilters } from './config.js';
import type { OrderSink, StrategyEvent, StrategyEvents } from './events.js';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, ST_FILLED, ST_REJECTED, VENUE_NAMES } from '../core/records.js';

class CollectingSink implements OrderSink {
  readonly ids: number[] = [];
  readonly sides: number[] = [];
  readonly prices: number[] = [];
  readonly qtys: number[] = [];
  newOrder(orderId: number, _p: number, _v: number, _s: number, side: number, price: number, qty: number): boolean {
    this.ids.push(orderId);
    this.sides.push(side);
    this.prices.push(price);
    this.qtys.push(qty);
    return true;
  }
  cancelOrder(): void {}
  clear(): void {
    this.ids.length = 0;
    this.sides.length = 0;
    this.prices.length = 0;
    this.qtys.length = 0;
  }
}

/**
 * Runs `rounds` synthetic rounds per symbol; `onEvent` sees every event (so callers can warm
 * their journal-entry code too). Returns the number of pairs the throwaway strategy sent.
 */
export function warmUpStrategy(cfg: ArbitrageConfig, filters: VenueFilters, rounds: number,
  onEvent: (e: StrategyEvent) => void = () => undefined): number {
  const symbols = cfg.strategy.symbols.map((s) => s.toUpperCase());
  // Ample inventory and no rate or drawdown limits: the point is to run the trading path.
  const balances: VenueBalances = {};
  for (const v of VENUE_NAMES) balances[v] = { quote: 1e15, base: Object.fromEntries(symbols.map((s) => [s, 1e9])) };
  const wcfg: ArbitrageConfig = {
    ...cfg,
    // The same dislocated touch every round: the taken-level memory must not hold it back here.
    strategy: { ...cfg.strategy, taken_level_decay_ms: 1 },
    risk: { ...cfg.risk, max_orders_per_second: 1e9, max_drawdown: 1, position_limit: 1e12, max_notional_per_trade: 1e15 },
  };
  const sink = new CollectingSink();
  const events: StrategyEvents = { onEvent };
  const strat = new ArbitrageStrategy(wcfg, filters, balances, sink, events);
  const maxQty = cfg.strategy.max_position_size;
  let now = 1e9;
  for (let s = 0; s < symbols.length; s++) {
    const sym = symbols[s]!;
    let tick = 0;
    let minNotional = 0;
    for (const v of VENUE_NAMES) {
      const f = filters[v]?.[sym];
      if (f) { tick = Math.max(tick, f.tickSize); minNotional = Math.max(minNotional, f.minNotional); }
    }
    if (!(tick > 0)) continue;
    // A price on both venues' tick grid, high enough that max_position_size clears min notional.
    const px = Math.ceil(Math.max(10_000 * tick, (20 * minNotional) / maxQty) / tick) * tick;
    const rich = Math.round((px * 1.01) / tick) * tick; // a 100 bps dislocation
    for (let i = 0; i < rounds; i++) {
      now += 1e6;
      const hi = i & 1;
      const lo = 1 - hi;
      strat.onQuote(lo, s, px - tick, maxQty * 2, px, maxQty * 2, true, 0, now, now);
      strat.onQuote(hi, s, rich, maxQty * 2, rich + tick, maxQty * 2, true, 0, now, now);
      const legged = i % 10 === 9;
      for (let k = 0; k < sink.ids.length; k++) {
        const reject = legged && k === 1;
        const q = sink.qtys[k]!;
        const p = sink.prices[k]!;
        strat.onReport(sink.ids[k]!, reject ? ST_REJECTED : ST_FILLED, reject ? 0 : p, reject ? 0 : q, reject ? 0 : q,
          0, sink.sides[k] === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, reject ? -2010 : 0, now + 1000);
      }
      sink.clear();
      // A legged round has sent a hedge from inside onReport: fill it.
      strat.onTimer(now + 2000);
      for (let k = 0; k < sink.ids.length; k++) {
        strat.onReport(sink.ids[k]!, ST_FILLED, sink.prices[k]!, sink.qtys[k]!, sink.qtys[k]!, 0,
          sink.sides[k] === SIDE_BUY ? ASSET_BASE : ASSET_QUOTE, 0, now + 3000);
      }
      sink.clear();
      strat.onQuote(hi, s, px - tick, maxQty * 2, px, maxQty * 2, true, 0, now + 4000, now + 4000);
    }
  }
  return strat.stats.pairsSent;
}
