import t from 'tap';
import { MarketGenerator } from '../../src/sim/market-generator.js';
import { UpdateBatch } from '../../src/sim/update-batch.js';
import { simSymbolFilters } from '../../src/sim/instruments.js';
import { Prng } from '../../src/core/prng.js';

function run(seed: number, untilMs: number): number[] {
  const gen = new MarketGenerator({ seed, symbols: ['BTCUSDT', 'ETHUSDT'], updatesPerSecond: 5000, dislocationEveryMs: 200 });
  const batch = new UpdateBatch();
  const out: number[] = [];
  for (let now = 0; now <= untilMs; now += 7) {
    batch.reset();
    gen.advanceTo(now, batch);
    for (let i = 0; i < batch.updates; i++) out.push(batch.uVenue[i]!, batch.uSymbol[i]!, batch.uTime[i]!);
    for (let j = 0; j < batch.changes; j++) out.push(batch.cSide[j]!, batch.cPrice[j]!, batch.cLots[j]!);
  }
  return out;
}

t.test('the same seed gives the same sequence of updates; another seed does not', async (t) => {
  const a = run(42, 500);
  const b = run(42, 500);
  t.ok(a.length > 1000);
  t.same(a, b);
  t.not(JSON.stringify(run(43, 500)), JSON.stringify(a));
});

t.test('the PRNG is reproducible from its seed', async (t) => {
  const x = new Prng(7);
  const y = new Prng(7);
  for (let i = 0; i < 100; i++) t.equal(x.nextU32(), y.nextU32());
});

t.test('books stay uncrossed, keep their depth, and move on the venue tick grid', async (t) => {
  const gen = new MarketGenerator({ seed: 3, symbols: ['BTCUSDT', 'XRPUSDT'], updatesPerSecond: 20000, depthLevels: 50, dislocationEveryMs: 100 });
  const batch = new UpdateBatch();
  for (let now = 0; now <= 2000; now += 5) {
    batch.reset();
    gen.advanceTo(now, batch);
    for (let v = 0; v < 2; v++) {
      for (let s = 0; s < 2; s++) {
        const b = gen.book(v, s);
        if (!(b.bids.best() < b.asks.best())) t.fail(`crossed book venue ${v} symbol ${s} at ${now}`);
        if (b.bids.count !== 50 || b.asks.count !== 50) t.fail(`depth ${b.bids.count}/${b.asks.count}`);
      }
    }
  }
  // Prices are integer ticks; BTCUSDT tick is 0.01 on Binance and 0.1 on Bybit.
  t.equal(gen.book(0, 0).tickDecimals, 2);
  t.equal(gen.book(1, 0).tickDecimals, 1);
  t.ok(Number.isInteger(gen.book(0, 0).bids.best()));
  const fair = gen.fairPrice(0);
  const mid = ((gen.book(0, 0).bids.best() + gen.book(0, 0).asks.best()) / 2) * 0.01;
  t.ok(Math.abs(mid / fair - 1) < 0.01, 'Binance quotes near the fair price');
});

t.test('a forced dislocation moves one venue by about the requested bps, then reverts', async (t) => {
  const gen = new MarketGenerator({ seed: 5, symbols: ['BTCUSDT'], updatesPerSecond: 10000, dislocationEveryMs: 0, noiseBps: 0 });
  const batch = new UpdateBatch();
  const mid = (v: number): number => (gen.book(v, 0).bids.best() * gen.book(v, 0).tickUnit + gen.book(v, 0).asks.best() * gen.book(v, 0).tickUnit) / 2;
  gen.advanceTo(100, batch);
  gen.dislocate('BTCUSDT', 'bybit', 30, 300);
  batch.reset();
  gen.advanceTo(150, batch);
  const gapBps = ((mid(1) - mid(0)) / mid(0)) * 1e4;
  t.ok(gapBps > 25 && gapBps < 35, `bybit is ~30 bps above binance (${gapBps.toFixed(1)})`);
  batch.reset();
  gen.advanceTo(600, batch);
  const after = Math.abs(((mid(1) - mid(0)) / mid(0)) * 1e4);
  t.ok(after < 5, `reverted (${after.toFixed(1)} bps)`);
});

t.test('symbol filters are exported per venue', async (t) => {
  const f = simSymbolFilters(['BTCUSDT']);
  t.match(f.binance['BTCUSDT'], { tickSize: 0.01, stepSize: 0.00001, minNotional: 5 });
  t.match(f.bybit['BTCUSDT'], { tickSize: 0.1, stepSize: 0.000001, minNotional: 5 });
});

t.test('a scheduled dislocation lands at its simulated time whatever the steps: two generators stay identical', async (t) => {
  const stream = (stepMs: number, jitter: number): number[] => {
    const gen = new MarketGenerator({ seed: 9, symbols: ['BTCUSDT'], updatesPerSecond: 2000, dislocationEveryMs: 0 });
    gen.scheduleDislocation('BTCUSDT', 'binance', 60, 50, 100);
    gen.scheduleDislocation('BTCUSDT', 'bybit', -60, 50, 300);
    const batch = new UpdateBatch();
    const out: number[] = [];
    let k = 0;
    for (let now = 0; ; now += stepMs + ((k++ * 7919) % 13) * jitter) {
      batch.reset();
      gen.advanceTo(Math.min(now, 600), batch);
      for (let i = 0; i < batch.updates; i++) {
        out.push(batch.uVenue[i]!, batch.uTime[i]!);
        for (let j = batch.uFirst[i]!; j < batch.uEnd[i]!; j++) out.push(batch.cSide[j]!, batch.cPrice[j]!, batch.cLots[j]!);
      }
      if (now >= 600) return out;
    }
  };
  const a = stream(1, 0);
  t.ok(a.length > 1000);
  // Compared as one string: a mismatch is one failure, not a diff of thousands of numbers.
  t.ok(stream(0.37, 0.11).join() === a.join(), 'uneven steps: the same updates');
  t.ok(stream(50, 0).join() === a.join(), 'coarse steps: the same updates');

  const gen = new MarketGenerator({ seed: 9, symbols: ['BTCUSDT'], updatesPerSecond: 2000, dislocationEveryMs: 0, noiseBps: 0 });
  const mid = (v: number): number => (gen.book(v, 0).bids.best() * gen.book(v, 0).tickUnit + gen.book(v, 0).asks.best() * gen.book(v, 0).tickUnit) / 2;
  gen.scheduleDislocation('BTCUSDT', 'binance', 60, 50, 100);
  const batch = new UpdateBatch();
  gen.advanceTo(99, batch);
  t.ok(Math.abs((mid(0) / mid(1) - 1) * 1e4) < 10, 'not yet before its time');
  batch.reset();
  gen.advanceTo(120, batch);
  t.ok((mid(0) / mid(1) - 1) * 1e4 > 45, 'binance ~60 bps up after it');
  batch.reset();
  gen.advanceTo(200, batch);
  t.ok(Math.abs((mid(0) / mid(1) - 1) * 1e4) < 10, 'reverted after its duration');
  t.throws(() => gen.scheduleDislocation('BTCUSDT', 'bybit', 60, 50, 150), /before the generator's time/);
});
