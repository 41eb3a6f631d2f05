/**
 * The liquidity memory times a take by the order's arrival at the venue, not by the book's last
 * change (docs/backtest.md, Fill model: "a decay time passes after the last take"). Found in the
 * review of issue #10: DryRunExecutor.arrive called FillSimulator.fill without the arrival time,
 * so a take on a book quiet for longer than liquidity_decay_ms was "1 s old" at once and the
 * book's very next update (any change, e.g. of the other side) cleared it by decay: the same
 * 1 BTC bought twice 10 ms apart. Paper mode runs the same executor.
 * The second case keeps the strategy's own taken-level memory at its default (1000 ms): the
 * strategy fires at the level again once its single per-side entry moved to a better ask, and
 * the fill model must still remember the untouched 100.1 level.
 */
import t from 'tap';
import { BIN, BYB, MS, engine } from './small-engine.js';

function run(binanceAskLastChangedMs: number) {
  const { e, fills } = engine({ decayMs: 1000 });
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 100, 5, 100.2, 5); // no edge yet
  e.onTopOfBook(BIN, 0, binanceAskLastChangedMs * MS, 0, 100, 5, 100.1, 1); // 1 BTC offered at 100.1, then quiet
  e.onTopOfBook(BYB, 0, 2000 * MS, 0, 101, 100, 101.1, 100); // a deep bybit bid: edge, buy binance 100.1 (arrives 2001 ms)
  e.onTopOfBook(BIN, 0, 2010 * MS, 0, 100.01, 5, 100.1, 1); // only the binance BID moves; the ask still shows the same 1 BTC
  e.onTopOfBook(BYB, 0, 2100 * MS, 0, 100, 100, 100.1, 100); // the edge is gone
  e.finish(2100 * MS, 10_000 * MS);
  return { bought: fills('binance', 'buy').filter((x) => x.last_px === 100.1).reduce((a, x) => a + (x.last_qty as number), 0) };
}

t.test('a take on a quiet book is remembered from the arrival, not from the book\'s last change', async (t) => {
  const fresh = run(1500); // the ask last changed 0.5 s before the take
  t.equal(fresh.bought, 1, 'control: ask shown 0.5 s before the take: 1 BTC bought at 100.1, the bid-only update does not refill it');
  const quiet = run(1); // the same ask, shown since 1 ms (quiet for 2 s before the take)
  t.equal(quiet.bought, 1,
    'the same 1 BTC ask, unchanged, must not be bought twice 10 ms apart just because the book was quiet for > liquidity_decay_ms before the take');
});

t.test('with the strategy\'s own taken-level memory at its default, the quiet level is still bought twice', async (t) => {
  const run2 = (binanceAskLastChangedMs: number) => {
    const { e, fills } = engine({ decayMs: 1000, takenLevelDecayMs: 1000 });
    e.onTopOfBook(BYB, 0, 1 * MS, 0, 100, 5, 100.2, 5);
    e.onTopOfBook(BIN, 0, binanceAskLastChangedMs * MS, 0, 100, 5, 100.1, 1); // 1 BTC at 100.1
    e.onTopOfBook(BYB, 0, 2000 * MS, 0, 101, 100, 101.1, 100); // edge: buys the 1 BTC at 100.1
    e.onTopOfBook(BYB, 0, 2010 * MS, 0, 100, 100, 100.1, 100); // the spread closes
    e.onTopOfBook(BIN, 0, 2020 * MS, 0, 100, 5, 100.05, 0.5); // a better ask in front of 100.1
    e.onTopOfBook(BYB, 0, 2030 * MS, 0, 101, 100, 101.1, 100); // the spread reopens: buys the 0.5 at 100.05
    e.onTopOfBook(BIN, 0, 2040 * MS, 0, 100, 5, 100.1, 1); // 100.05 gone: the same 100.1 level (never changed) is the touch again
    e.onTopOfBook(BYB, 0, 2050 * MS, 0, 100, 100, 100.1, 100); // the spread closes
    e.onTopOfBook(BYB, 0, 2060 * MS, 0, 101, 100, 101.1, 100); // and reopens
    e.onTopOfBook(BYB, 0, 2300 * MS, 0, 100, 100, 100.1, 100);
    e.finish(2300 * MS, 10_000 * MS);
    return fills('binance', 'buy').filter((x) => x.last_px === 100.1).reduce((a, x) => a + (x.last_qty as number), 0);
  };
  t.equal(run2(1500), 1, 'control: the ask shown 0.5 s before the take: 1 BTC at 100.1 in all');
  t.equal(run2(1), 1, 'the ask shown since 1 ms: still 1 BTC at 100.1, not 2');
});
