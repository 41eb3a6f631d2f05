import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, SIDE_SELL } from '../../src/core/records.js';
import {
  FEE_RULE_BASE, FEE_RULE_QUOTE, FEE_RULE_RECEIVED, FillConfigError, FillResult, FillSimulator, fillIoc,
} from '../../src/execution/fill-simulator.js';
import { depthRecord } from './array-book.js';

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

// a book: bids 99/98/97, asks 101/102/103, 1 unit each except 2 at 102
const BOOK = depthRecord([[99, 1], [98, 1], [97, 1]], [[101, 1], [102, 2], [103, 1]]);
const RATE = 0.001;

t.test('full fill at one level', async (t) => {
  const r = fillIoc(SIDE_BUY, 101, 0.4, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(r.filledQty, 0.4);
  t.equal(r.avgPx, 101);
  t.ok(close(r.notional, 40.4));
  t.equal(r.levels, 1);
  t.equal(r.worstPx, 101);
});

t.test('a buy walks three ask levels and averages the price', async (t) => {
  const r = fillIoc(SIDE_BUY, 110, 3.5, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(r.filledQty, 3.5);
  t.equal(r.levels, 3);
  t.ok(close(r.notional, 101 + 2 * 102 + 0.5 * 103), 'notional 101 + 204 + 51.5');
  t.ok(close(r.avgPx, 356.5 / 3.5));
  t.equal(r.worstPx, 103);
});

t.test('a sell walks the bids down', async (t) => {
  const r = fillIoc(SIDE_SELL, 97, 2.5, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(r.filledQty, 2.5);
  t.ok(close(r.avgPx, (99 + 98 + 0.5 * 97) / 2.5));
});

t.test('the limit price stops the walk: the rest is not filled', async (t) => {
  const buy = fillIoc(SIDE_BUY, 102, 10, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(buy.filledQty, 3, 'asks at 101 (1) and 102 (2), not 103');
  t.equal(buy.worstPx, 102);
  const sell = fillIoc(SIDE_SELL, 98.5, 10, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(sell.filledQty, 1, 'only the bid at 99 is >= 98.5');
  const none = fillIoc(SIDE_BUY, 100, 1, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(none.filledQty, 0, 'limit below the best ask fills nothing');
  t.equal(none.avgPx, 0);
  t.equal(none.fee, 0);
});

t.test('partial fill when the book runs out', async (t) => {
  const r = fillIoc(SIDE_BUY, 1000, 5, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(r.filledQty, 4, 'everything displayed');
  t.equal(r.levels, 3);
  const empty = depthRecord([], []);
  t.equal(fillIoc(SIDE_BUY, 1000, 1, empty.rec, 0, RATE, FEE_RULE_RECEIVED, new FillResult()).filledQty, 0, 'no levels');
  const holes = depthRecord([[99, 1]], [[101, 1], [0, 0], [103, 5]]);
  t.equal(fillIoc(SIDE_BUY, 1000, 3, holes.rec, holes.n, RATE, FEE_RULE_RECEIVED, new FillResult()).filledQty, 1,
    'a missing level (px 0) ends the book');
});

t.test('fees: spot charges the received asset; rules can force base or quote', async (t) => {
  const buy = fillIoc(SIDE_BUY, 101, 2, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(buy.feeAsset, ASSET_BASE, 'a spot buy pays in base');
  t.ok(close(buy.fee, 1 * RATE), 'fee = filled base x rate');
  const sell = fillIoc(SIDE_SELL, 99, 1, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(sell.feeAsset, ASSET_QUOTE, 'a spot sell pays in quote');
  t.ok(close(sell.fee, 99 * RATE), 'fee = notional x rate');
  const buyQuote = fillIoc(SIDE_BUY, 101, 1, BOOK.rec, BOOK.n, RATE, FEE_RULE_QUOTE, new FillResult());
  t.equal(buyQuote.feeAsset, ASSET_QUOTE);
  t.ok(close(buyQuote.fee, 101 * RATE));
  const sellBase = fillIoc(SIDE_SELL, 99, 1, BOOK.rec, BOOK.n, RATE, FEE_RULE_BASE, new FillResult());
  t.equal(sellBase.feeAsset, ASSET_BASE);
  t.ok(close(sellBase.fee, RATE));
});

t.test('fill_ratio: only that fraction of each displayed size is available', async (t) => {
  const sim = new FillSimulator({ fillRatio: 0.5, venues: 2, symbols: 1 });
  const r = sim.fill(0, 0, SIDE_BUY, 102, 10, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, false, new FillResult(), 0);
  t.equal(r.filledQty, 1.5, 'half of 1 at 101 and half of 2 at 102');
  t.throws(() => new FillSimulator({ fillRatio: 0, venues: 1, symbols: 1 }), FillConfigError);
  t.throws(() => new FillSimulator({ fillRatio: 1.5, venues: 1, symbols: 1 }), FillConfigError);
});

t.test('consumed liquidity: two orders against one snapshot do not take the same size', async (t) => {
  const sim = new FillSimulator({ venues: 2, symbols: 2 });
  const out = new FillResult();
  const book = depthRecord([[99, 1]], [[101, 1], [102, 2]], 7);
  sim.fill(0, 0, SIDE_BUY, 102, 1.5, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 1.5);
  sim.fill(0, 0, SIDE_BUY, 102, 5, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 1.5, 'second order gets what is left: 0 at 101, 1.5 at 102');
  t.equal(out.avgPx, 102);
  sim.fill(0, 0, SIDE_BUY, 102, 1, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 0, 'the snapshot is used up');
  sim.fill(0, 0, SIDE_SELL, 99, 1, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 1, 'the other side is untouched');
  sim.fill(1, 0, SIDE_BUY, 102, 1, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 1, 'another venue has its own memory');
  sim.fill(0, 1, SIDE_BUY, 102, 1, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 1, 'another symbol has its own memory');

  const updated = depthRecord([[99, 1]], [[101, 1], [102, 2]], 8);
  sim.fill(0, 0, SIDE_BUY, 102, 3, updated.rec, updated.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 0, 'a new book version showing the same sizes does not give the liquidity back');
});

t.test('liquidity memory: a level that flickers in size is taken once, not once per version', async (t) => {
  const sim = new FillSimulator({ venues: 1, symbols: 1 });
  const out = new FillResult();
  let total = 0;
  let fills = 0;
  // 51 versions of the ask at 100, alternating 1.00 and 1.01 BTC, 10 ms apart (< the 1 s decay)
  for (let k = 0; k < 51; k++) {
    const book = depthRecord([[99, 5]], [[100, k % 2 === 0 ? 1 : 1.01]], k + 1, true, k * 10e6);
    sim.fill(0, 0, SIDE_BUY, 100, k % 2 === 0 ? 1 : 1.01, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, out, k * 10e6);
    if (out.filledQty > 0) fills++;
    total += out.filledQty;
  }
  t.equal(fills, 1, 'one fill, not 51');
  t.equal(total, 1, '1 BTC in total: size above what was shown at the take is not ours');
});

t.test('liquidity memory is cleared by the market only: a fall by what we took, a trade-through, or the decay', async (t) => {
  const out = new FillResult();
  const buy = (sim: FillSimulator, asks: [number, number][], v: number, ns: number, qty = 1): number => {
    const b = depthRecord([[99, 5]], asks, v, true, ns);
    return sim.fill(0, 0, SIDE_BUY, 101, qty, b.rec, b.n, RATE, FEE_RULE_RECEIVED, false, out, ns).filledQty;
  };
  // 1. the level's size falls by at least what we took: the venue shows our trade
  let sim = new FillSimulator({ venues: 1, symbols: 1 });
  t.equal(buy(sim, [[100, 2]], 1, 0), 1);
  const fell = depthRecord([[99, 5]], [[100, 1.5]], 2, true, 1e6);
  sim.observe(0, 0, fell.rec, fell.n, 1e6);
  t.equal(sim.taken(0, SIDE_BUY, 100), 1, 'fell by 0.5 < 1 taken: still remembered');
  t.equal(buy(sim, [[100, 1]], 3, 2e6), 1, 'fell by 1: the book reflects the take, its 1 is new to us');
  t.equal(sim.clearedByFall, 1);
  // 2. the market trades through the level: liquidity available again when it comes back
  sim = new FillSimulator({ venues: 1, symbols: 1 });
  t.equal(buy(sim, [[100, 1]], 1, 0), 1);
  t.equal(buy(sim, [[100, 1]], 2, 1e6), 0, 'same level, same size: used up');
  const through = depthRecord([[99, 5]], [[100.5, 3]], 3, true, 2e6);
  sim.observe(0, 0, through.rec, through.n, 2e6);
  t.equal(sim.clearedByTradeThrough, 1, 'best ask above the level: traded through');
  t.equal(buy(sim, [[100, 1]], 4, 3e6), 1, 'a new ask at 100 is new liquidity');
  // 3. the decay (default 1 s) since the last take
  sim = new FillSimulator({ venues: 1, symbols: 1 });
  t.equal(buy(sim, [[100, 1]], 1, 0), 1);
  t.equal(buy(sim, [[100, 1]], 2, 999e6), 0, 'before 1 s');
  t.equal(buy(sim, [[100, 1]], 3, 1000e6), 1, 'at 1 s the memory is gone');
  t.equal(sim.clearedByDecay, 1);
  sim = new FillSimulator({ venues: 1, symbols: 1, decayNs: 5e9 });
  t.equal(buy(sim, [[100, 1]], 1, 0), 1);
  t.equal(buy(sim, [[100, 1]], 2, 4e9), 0, 'decay configurable: 5 s');
  // 4. a level removed from inside the shown depth is gone
  sim = new FillSimulator({ venues: 1, symbols: 1 });
  const d1 = depthRecord([[99, 5]], [[100, 1], [100.5, 1]], 1, true, 0);
  sim.fill(0, 0, SIDE_BUY, 100.5, 1.5, d1.rec, d1.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 1.5);
  const d2 = depthRecord([[99, 5]], [[100, 1], [101, 1]], 2, true, 1e6);
  sim.observe(0, 0, d2.rec, d2.n, 1e6);
  t.equal(sim.taken(0, SIDE_BUY, 100.5), 0, '100.5 vanished between 100 and 101: cleared');
  t.equal(sim.taken(0, SIDE_BUY, 100), 1, '100 still shows 1: still ours');
});

t.test('market impact (off by default): a fraction of what a level still offers goes with our take', async (t) => {
  const out = new FillResult();
  const b = depthRecord([[99, 5]], [[100, 2]], 1, true, 0);
  const plain = new FillSimulator({ venues: 1, symbols: 1 });
  plain.fill(0, 0, SIDE_BUY, 100, 1, b.rec, b.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  plain.fill(0, 0, SIDE_BUY, 100, 5, b.rec, b.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 1, 'no impact: the other 1 is still there');
  const impact = new FillSimulator({ venues: 1, symbols: 1, impact: 0.5 });
  impact.fill(0, 0, SIDE_BUY, 100, 1, b.rec, b.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  impact.fill(0, 0, SIDE_BUY, 100, 5, b.rec, b.n, RATE, FEE_RULE_RECEIVED, false, out, 0);
  t.equal(out.filledQty, 0.5, 'impact 0.5: half of the remaining 1 was pulled');
  t.throws(() => new FillSimulator({ venues: 1, symbols: 1, impact: 2 }), FillConfigError);
  t.throws(() => new FillSimulator({ venues: 1, symbols: 1, decayNs: 0 }), FillConfigError);
});

t.test('FOK fills everything or nothing', async (t) => {
  const sim = new FillSimulator({ venues: 1, symbols: 1 });
  const out = new FillResult();
  sim.fill(0, 0, SIDE_BUY, 102, 3.5, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, true, out, 0);
  t.equal(out.filledQty, 0, 'only 3 within the limit');
  sim.fill(0, 0, SIDE_BUY, 102, 3, BOOK.rec, BOOK.n, RATE, FEE_RULE_RECEIVED, true, out, 0);
  t.equal(out.filledQty, 3);
});

t.test('float dust does not turn a full fill into a partial one', async (t) => {
  const book = depthRecord([], [[10, 0.1], [10.5, 0.2]]);
  const r = fillIoc(SIDE_BUY, 11, 0.3, book.rec, book.n, 0, FEE_RULE_RECEIVED, new FillResult());
  t.equal(r.filledQty, 0.3, 'exactly the order quantity (0.1 + 0.2 !== 0.3 in floats)');
});

t.test('fill quantities carry no float dust from summing level sizes', async (t) => {
  // 0.1 + 0.2 is 0.30000000000000004 in doubles; a fill over those two levels is 0.3
  const book = depthRecord([[99, 0.1], [98, 0.2]], [[101, 0.1], [102, 0.2], [103, 0.7]]);
  const partial = fillIoc(SIDE_BUY, 102, 5, book.rec, book.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(partial.filledQty, 0.3, 'partial fill over 0.1 + 0.2');
  t.equal(partial.levels, 2);
  const sell = fillIoc(SIDE_SELL, 90, 1, book.rec, book.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(sell.filledQty, 0.3, 'the same on the bid side');
  const full = fillIoc(SIDE_BUY, 103, 0.3, book.rec, book.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(full.filledQty, 0.3, 'a full fill is the quantity asked for');
  t.equal(full.levels, 2);
  const three = fillIoc(SIDE_BUY, 103, 0.7, book.rec, book.n, RATE, FEE_RULE_RECEIVED, new FillResult());
  t.equal(three.filledQty, 0.7, '0.1 + 0.2 + 0.4 of the third level');
  t.equal(three.levels, 3);
});

t.test('what earlier orders took is subtracted without leaving dust', async (t) => {
  const book = depthRecord([[99, 1]], [[101, 0.3], [102, 1]]);
  const sim = new FillSimulator({ venues: 1, symbols: 1 });
  const r = new FillResult();
  sim.fill(0, 0, SIDE_BUY, 101, 0.1, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, r, 0);
  t.equal(r.filledQty, 0.1);
  sim.fill(0, 0, SIDE_BUY, 101, 0.1, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, r, 0);
  t.equal(r.filledQty, 0.1);
  sim.fill(0, 0, SIDE_BUY, 101, 5, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, r, 0);
  t.equal(r.filledQty, 0.1, 'exactly what is left of 0.3 after 0.1 and 0.1');
  sim.fill(0, 0, SIDE_BUY, 101, 5, book.rec, book.n, RATE, FEE_RULE_RECEIVED, false, r, 0);
  t.equal(r.filledQty, 0, 'the level is used up, no dust left to take');
  t.equal(r.levels, 0);
});
