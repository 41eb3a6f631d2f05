/**
 * The liquidity memory never forgets a take for want of room (docs/backtest.md, Fill model).
 * Found in the review of issue #10: with 64 levels per (venue, symbol) the memory silently
 * dropped further takes, so a level taken then was offered again at once. Four 20-level buy
 * sweeps within liquidity_decay_ms while the market walks down (the default --book depth of 20
 * levels) need 80: the older ask levels lie above the deepest ask shown, so neither the fall
 * nor the trade-through rule clears them; the memory grows instead.
 */
import t from 'tap';
import { SIDE_BUY } from '../../src/core/records.js';
import { FEE_RULE_RECEIVED, FillResult, FillSimulator } from '../../src/execution/fill-simulator.js';
import { depthRecord, type Level } from './array-book.js';

const MS = 1e6;

/** 20 ask levels of 1 BTC from `top` up in 0.01 steps, 20 bids below; version k. */
function book(top: number, version: number) {
  const asks: Level[] = [];
  const bids: Level[] = [];
  for (let i = 0; i < 20; i++) {
    asks.push([Math.round((top + i * 0.01) * 100) / 100, 1]);
    bids.push([Math.round((top - 0.01 - i * 0.01) * 100) / 100, 1]);
  }
  return depthRecord(bids, asks, version);
}

t.test('four 20-level sweeps within the decay: every level stays consumed', async (t) => {
  const sim = new FillSimulator({ venues: 2, symbols: 1 }); // defaults, as the backtest builds it
  const out = new FillResult();
  let bought = 0;
  // the market walks down 0.20 between sweeps: each book's asks lie entirely below the last one's
  for (let k = 0; k < 4; k++) {
    const b = book(100 - 0.2 * k, k + 1);
    sim.fill(0, 0, SIDE_BUY, 1000, 20, b.rec, b.n, 0.001, FEE_RULE_RECEIVED, false, out, k * MS);
    bought += out.filledQty;
  }
  t.equal(bought, 80, '80 levels of 1 BTC, each taken once');
  // 1 ms later the same last book (nothing changed at the venue) meets the same order again
  const last = book(100 - 0.2 * 3, 4);
  sim.fill(0, 0, SIDE_BUY, 1000, 20, last.rec, last.n, 0.001, FEE_RULE_RECEIVED, false, out, 4 * MS);
  t.equal(out.filledQty, 0, 'the 20 levels just swept, unchanged, offer nothing more');
});
