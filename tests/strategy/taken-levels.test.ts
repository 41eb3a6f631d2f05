/**
 * A pair never fires twice at a touch level it already took (src/strategy/taken-levels.ts):
 * the level offers only what is left of it until the venue's book shows the take (its size
 * falls by what was taken), the level trades through, or the memory decays
 * (strategy.taken_level_decay_ms). Unit cases on TakenLevels, the same rules through the
 * strategy, and a property: against a venue that never removes liquidity on a fill, every
 * dislocation is answered by exactly one pair.
 */
import t from 'tap';
import fc from 'fast-check';
import { TAKEN_ASK, TAKEN_BID, TakenLevels } from '../../src/strategy/taken-levels.js';
import { ASSET_QUOTE, ST_FILLED } from '../../src/core/records.js';
import { BINANCE, BYBIT, MS, openPair, rig, type Rig } from './harness.js';

const DECAY = 1000 * MS;

t.test('TakenLevels: the level taken offers min(displayed, shown) − taken; other prices are untouched', async (t) => {
  const m = new TakenLevels(1, 2, DECAY);
  m.take(BINANCE, 0, TAKEN_ASK, 100, 0.5, 0.3, 0);
  t.equal(m.available(BINANCE, 0, TAKEN_ASK, 100, 0.5, 1), 0.2);
  // Size above what was shown at the take is not ours to count (a flickering level).
  t.equal(m.available(BINANCE, 0, TAKEN_ASK, 100, 5, 1), 0.2);
  // A better touch is another level; the other side, venue and price too.
  t.equal(m.available(BINANCE, 0, TAKEN_ASK, 99, 0.5, 1), 0.5);
  t.equal(m.available(BINANCE, 0, TAKEN_BID, 100, 0.5, 1), 0.5);
  t.equal(m.available(BYBIT, 0, TAKEN_ASK, 100, 0.5, 1), 0.5);
  // A second take at the same level adds up.
  m.take(BINANCE, 0, TAKEN_ASK, 100, 0.5, 0.2, 2);
  t.equal(m.available(BINANCE, 0, TAKEN_ASK, 100, 0.5, 3), 0);
});

t.test('TakenLevels: the market clears an entry by size, by trade-through, or by decay', async (t) => {
  const m = new TakenLevels(1, 2, DECAY);
  // Size: the venue now shows the take (0.5 shown, 0.3 taken: 0.2 or less displayed).
  m.take(BINANCE, 0, TAKEN_ASK, 100, 0.5, 0.3, 0);
  m.observe(BINANCE, 0, 99, 1, 100, 0.2, 1);
  t.equal(m.takenAt(BINANCE, 0, TAKEN_ASK), 0);
  t.equal(m.clearedBySize, 1);
  // Trade-through of an ask: the best ask above the level.
  m.take(BINANCE, 0, TAKEN_ASK, 100, 0.5, 0.3, 2);
  m.observe(BINANCE, 0, 99, 1, 99.5, 1, 3);
  t.equal(m.takenAt(BINANCE, 0, TAKEN_ASK), 0.3, 'a better ask is not a trade-through');
  m.observe(BINANCE, 0, 99, 1, 100.5, 1, 4);
  t.equal(m.takenAt(BINANCE, 0, TAKEN_ASK), 0);
  t.equal(m.clearedByTradeThrough, 1);
  // Trade-through of a bid: the best bid below the level.
  m.take(BYBIT, 0, TAKEN_BID, 100, 0.3, 0.3, 5);
  m.observe(BYBIT, 0, 100.5, 1, 101, 1, 6);
  t.equal(m.takenAt(BYBIT, 0, TAKEN_BID), 0.3, 'a better bid is not a trade-through');
  m.observe(BYBIT, 0, 99.5, 1, 101, 1, 7);
  t.equal(m.takenAt(BYBIT, 0, TAKEN_BID), 0);
  // Decay: seen by observe or by available.
  m.take(BYBIT, 0, TAKEN_BID, 100, 0.3, 0.3, 10);
  t.equal(m.available(BYBIT, 0, TAKEN_BID, 100, 0.3, 10 + DECAY - 1), 0);
  t.equal(m.available(BYBIT, 0, TAKEN_BID, 100, 0.3, 10 + DECAY), 0.3);
  m.take(BYBIT, 0, TAKEN_BID, 100, 0.3, 0.3, 20);
  m.observe(BYBIT, 0, 100, 0.3, 101, 1, 20 + DECAY);
  t.equal(m.takenAt(BYBIT, 0, TAKEN_BID), 0);
  t.equal(m.clearedByDecay, 2);
  // An empty side says nothing.
  m.take(BINANCE, 0, TAKEN_ASK, 100, 0.5, 0.3, 30);
  m.observe(BINANCE, 0, 99, 1, 0, 0, 31);
  t.equal(m.takenAt(BINANCE, 0, TAKEN_ASK), 0.3);
  t.throws(() => new TakenLevels(1, 2, 0), RangeError);
});

/** Fills both legs of the pair whose orders are the last two sent, closing the round. */
function fillPair(r: Rig, ms: number): void {
  const o = r.sink.orders;
  const buy = o[o.length - 2]!;
  const sell = o[o.length - 1]!;
  r.report(buy.orderId, ST_FILLED, buy.price, buy.qty, buy.qty, 0, ASSET_QUOTE, ms);
  r.report(sell.orderId, ST_FILLED, sell.price, sell.qty, sell.qty, 0, ASSET_QUOTE, ms);
}

t.test('the strategy: the same dislocated touch after a closed round fires no second pair', async (t) => {
  const r = rig((cfg) => { cfg.strategy.taken_level_decay_ms = 1000; });
  openPair(r, 0); // buy 0.3 of Binance's 0.5 @30000, sell all of Bybit's 0.3 @30100
  t.equal(r.sink.orders.length, 2);
  fillPair(r, 2);
  t.equal(r.strat.openRounds(), 0);
  // The venues still show the same touch (our fills are not in their feeds).
  openPair(r, 10);
  t.equal(r.sink.orders.length, 2, 'no second pair at the levels already taken');
  t.equal(r.strat.stats.skipTakenLevel, 2);
  // The Bybit bid trades through (below 30100) and comes back fresh: a new pair.
  r.quote(BYBIT, 30090, 0.3, 30110, 0.4, 20);
  r.quote(BYBIT, 30100, 0.3, 30110, 0.4, 21);
  t.equal(r.sink.orders.length, 4, 'a fresh level: one new pair');
  // 0.2 was left of Binance's ask: the new pair takes no more than that.
  t.equal(r.sink.orders[2]!.qty, 0.2);
});

t.test('the strategy: one pair per dislocation; the spread closing or the decay frees the direction', async (t) => {
  const r = rig((cfg) => { cfg.strategy.taken_level_decay_ms = 1000; });
  openPair(r, 0);
  fillPair(r, 2);
  // Bybit's bid shows the take (the level's memory is cleared) and is refilled, one tick
  // higher, still dislocated: the same dislocation, no second pair.
  r.quote(BYBIT, 30100, 0, 30110, 0.4, 5);
  r.quote(BYBIT, 30100.1, 0.3, 30110, 0.4, 6);
  t.equal(r.sink.orders.length, 2, 'the direction stays spent while the spread stays open');
  t.equal(r.strat.takenLevels.takenAt(BYBIT, 0, TAKEN_BID), 0, 'the level itself was cleared by its size');
  // The spread closes (both venues flat), then a new dislocation: a new pair.
  r.quote(BYBIT, 30000, 1, 30010, 1, 10);
  openPair(r, 20);
  t.equal(r.sink.orders.length, 4, 'a new dislocation: one new pair');

  const byDecay = rig((cfg) => { cfg.strategy.taken_level_decay_ms = 50; });
  openPair(byDecay, 0);
  fillPair(byDecay, 2);
  openPair(byDecay, 40);
  t.equal(byDecay.sink.orders.length, 2, 'inside the decay: nothing');
  openPair(byDecay, 60);
  t.equal(byDecay.sink.orders.length, 4, 'after it: a new pair');
});

t.test('property: a venue that never removes liquidity gets one pair per dislocation', async (t) => {
  // Dislocations of random length and spacing, with the venues re-sending the touch many times
  // inside each, jittered by a tick and with sizes that shrink and grow; the rounds close at
  // once (fills answered in the next ms). Each one is answered by exactly one pair.
  fc.assert(fc.property(
    fc.array(fc.record({ repeats: fc.integer({ min: 1, max: 30 }), gapMs: fc.integer({ min: 5, max: 3000 }) }), { minLength: 1, maxLength: 8 }),
    (ds) => {
      const r = rig((cfg, _f, bal) => {
        cfg.risk.max_orders_per_second = 1000;
        cfg.strategy.taken_level_decay_ms = 1000;
        // Inventory for every pair the run can send (no rebalancing skew in the way).
        for (const v of ['binance', 'bybit'] as const) bal[v] = { quote: 1e9, base: { BTCUSDT: 1e4 } };
      });
      let ms = 0;
      for (const d of ds) {
        const before = r.sink.orders.length;
        for (let i = 0; i < d.repeats; i++) {
          // The venues' touches jitter inside the dislocation (price by a tick, size at random).
          const j = (i * 7 + d.gapMs) % 3;
          r.quote(BINANCE, 29990, 0.5, 30000 + j * 0.01, 0.2 + j * 0.2, ms);
          r.quote(BYBIT, 30100 - j * 0.1, 0.1 + j * 0.15, 30110, 0.4, ms);
          if (r.sink.orders.length > before && r.strat.openRounds() > 0) fillPair(r, ms + 1);
          openPair(r, ms);
          if (r.sink.orders.length > before && r.strat.openRounds() > 0) fillPair(r, ms + 1);
          ms += 2;
        }
        if (r.sink.orders.length !== before + 2) return false;
        // The dislocation ends: both venues back to a flat market (the levels trade through).
        r.quote(BINANCE, 30090, 1, 30110, 1, ms);
        r.quote(BYBIT, 30090, 1, 30110, 1, ms);
        ms += d.gapMs;
      }
      return true;
    },
  ), { numRuns: 100, seed: 8 });
  t.pass('one pair per dislocation');
});

t.test('property: what a level offers is never negative nor more than it displays', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.double({ min: 0, max: 200, noNaN: true }),
      fc.double({ min: 0, max: 2, noNaN: true }), fc.boolean()), { maxLength: 200 }),
    (steps) => {
      const m = new TakenLevels(1, 2, DECAY);
      let now = 0;
      for (const [venue, side, px, sz, take] of steps) {
        now += MS;
        if (take) m.take(venue, 0, side, px, sz, sz / 2, now);
        else m.observe(venue, 0, px, sz, px + 1, sz, now);
        const a = m.available(venue, 0, side, px, sz, now);
        // What a level offers is never more than it displays, never negative.
        if (!(a >= 0 && a <= sz)) return false;
      }
      return true;
    },
  ), { numRuns: 200, seed: 9 });
  t.pass();
});

t.test('TakenLevels: a spent direction is free again when the spread closes or after the decay', async (t) => {
  const m = new TakenLevels(2, 2, DECAY);
  m.spendDirection(0, BINANCE, BYBIT, 0);
  t.notOk(m.directionFree(0, BINANCE, BYBIT, 1));
  t.ok(m.directionFree(0, BYBIT, BINANCE, 1), 'the other direction is not spent');
  t.ok(m.directionFree(1, BINANCE, BYBIT, 1), 'nor the other symbol');
  m.spreadClosed(1);
  t.notOk(m.directionFree(0, BINANCE, BYBIT, 2), 'another symbol\'s spread closing frees nothing here');
  m.spreadClosed(0);
  t.ok(m.directionFree(0, BINANCE, BYBIT, 3));
  t.equal(m.clearedBySpread, 1);
  m.spendDirection(0, BINANCE, BYBIT, 10);
  t.notOk(m.directionFree(0, BINANCE, BYBIT, 10 + DECAY - 1));
  t.ok(m.directionFree(0, BINANCE, BYBIT, 10 + DECAY));
});
