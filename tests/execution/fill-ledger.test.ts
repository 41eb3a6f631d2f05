/**
 * The fill ledger applies each fill exactly once, whichever source (order answer, private
 * stream, REST gap-fill, reconciliation) brings it first, in any order, late or repeated;
 * per-order totals are the sum of the distinct fills; fees convert to the quote asset at the
 * fill's price or a given rate, and an unknown rate is NaN (reported), never zero.
 */
import t from 'tap';
import fc from 'fast-check';
import { FillLedger, feeInQuote, FILL_SOURCES, type FillSource, type VenueFill } from '../../src/execution/fill-ledger.js';

const fill = (over: Partial<VenueFill> = {}): VenueFill => ({
  venue: 'binance', symbol: 'BTCUSDT', tradeId: '1', orderId: '10', clientOrderId: 'xa-1', side: 'buy', price: 100, qty: 0.5,
  quoteQty: 50, fee: 0.0005, feeAsset: 'BTC', timeMs: 1, source: 'answer', ...over,
});

t.test('a fill is applied once; later copies are counted as duplicates of their source', async (t) => {
  const l = new FillLedger();
  t.ok(l.apply(fill({ source: 'stream' })));
  t.equal(l.apply(fill({ source: 'answer' })), null);
  t.equal(l.apply(fill({ source: 'gapfill' })), null);
  t.same(l.counters.applied, { answer: 0, stream: 1, gapfill: 0, reconcile: 0 });
  t.same(l.counters.duplicates, { answer: 1, stream: 0, gapfill: 1, reconcile: 0 });
  const tot = l.apply(fill({ tradeId: '2', qty: 0.25, quoteQty: 25.5, fee: 0.1, feeAsset: 'BNB', clientOrderId: '' }))!;
  t.equal(tot.cumQty, 0.75);
  t.equal(tot.cumQuote, 75.5);
  t.same([...tot.fees], [['BTC', 0.0005], ['BNB', 0.1]]);
  t.equal(tot.clientOrderId, 'xa-1', 'a myTrades copy without client id does not erase it');
  t.equal(l.totalsByClientId('binance', 'xa-1'), tot);
});

t.test('same trade id on another symbol or venue is another fill', async (t) => {
  const l = new FillLedger();
  t.ok(l.apply(fill()));
  t.ok(l.apply(fill({ symbol: 'ETHUSDT' })));
  t.ok(l.apply(fill({ venue: 'bybit' })));
  t.equal(l.appliedCount, 3);
});

t.test('malformed fills are refused and counted', async (t) => {
  const l = new FillLedger();
  t.equal(l.apply(fill({ tradeId: '' })), null);
  t.equal(l.apply(fill({ qty: 0 })), null);
  t.equal(l.apply(fill({ price: NaN })), null);
  t.equal(l.apply(fill({ fee: NaN })), null);
  t.equal(l.counters.invalid, 4);
  t.equal(l.appliedCount, 0);
});

t.test('fees in the quote asset: quote as is, base at the fill price, BNB at the given rate, unknown → NaN', async (t) => {
  const assets = { base: 'BTC', quote: 'USDT' };
  const rate = (a: string) => (a === 'BNB' ? 600 : undefined);
  t.equal(feeInQuote({ fee: 0.06, feeAsset: 'USDT', price: 60000 }, assets, rate), 0.06);
  t.equal(feeInQuote({ fee: 0.000001, feeAsset: 'BTC', price: 60000 }, assets, rate), 0.06);
  t.ok(Math.abs(feeInQuote({ fee: 0.0001, feeAsset: 'BNB', price: 60000 }, assets, rate) - 0.06) < 1e-15);
  t.ok(Number.isNaN(feeInQuote({ fee: 1, feeAsset: 'XYZ', price: 1 }, assets, rate)), 'no silent zero');
  t.equal(feeInQuote({ fee: 0, feeAsset: '', price: 1 }, assets, rate), 0);
});

// Property: fills of a few orders; each delivered by a non-empty random set of sources, some
// twice, all interleaved in a random order. Every fill is applied exactly once and the totals
// equal the sum over the distinct fills.
const fillArb = fc.record({
  order: fc.integer({ min: 0, max: 3 }),
  qtyLots: fc.integer({ min: 1, max: 1000 }),
  priceTicks: fc.integer({ min: 1, max: 100_000 }),
  sources: fc.subarray([...FILL_SOURCES], { minLength: 1 }),
  repeats: fc.integer({ min: 1, max: 3 }),
});

t.test('property: duplicated, reordered and late copies from every source → each fill applied exactly once', async (t) => {
  fc.assert(fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.integer(), (specs, seed) => {
    const deliveries: VenueFill[] = [];
    specs.forEach((s, i) => {
      for (const source of s.sources as FillSource[]) {
        for (let r = 0; r < s.repeats; r++) {
          deliveries.push(fill({ tradeId: String(i), orderId: String(s.order), clientOrderId: `xa-${s.order}`, qty: s.qtyLots / 1000,
            price: s.priceTicks / 10, quoteQty: (s.qtyLots / 1000) * (s.priceTicks / 10), fee: s.qtyLots / 1e6, source }));
        }
      }
    });
    // Seeded shuffle: reordering and lateness.
    let x = seed >>> 0 || 1;
    for (let i = deliveries.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) >>> 0;
      const j = x % (i + 1);
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const l = new FillLedger();
    for (const d of deliveries) l.apply(d);
    if (l.appliedCount !== specs.length) return false;
    let dups = 0;
    for (const s of FILL_SOURCES) dups += l.counters.duplicates[s];
    if (dups !== deliveries.length - specs.length) return false;
    for (let o = 0; o <= 3; o++) {
      const mine = specs.filter((s) => s.order === o);
      const tot = l.totals('binance', String(o));
      if (mine.length === 0) {
        if (tot !== undefined) return false;
        continue;
      }
      const qty = mine.reduce((a, s) => a + s.qtyLots, 0);
      if (tot === undefined || tot.trades !== mine.length || Math.round(tot.cumQty * 1000) !== qty) return false;
      if (Math.abs((tot.fees.get('BTC') ?? 0) - qty / 1e6) > 1e-12) return false;
    }
    return true;
  }), { numRuns: 300, seed: 42 });
});

t.test('regression: a gap-filled fill that arrives before the stream and the answer is still counted once', async (t) => {
  const l = new FillLedger();
  const seq: FillSource[] = ['gapfill', 'stream', 'answer', 'stream', 'reconcile'];
  for (const source of seq) l.apply(fill({ source }));
  t.equal(l.appliedCount, 1);
  t.equal(l.totals('binance', '10')!.cumQty, 0.5);
});

t.test('capacity: the oldest trade ids are forgotten first', async (t) => {
  const l = new FillLedger(2);
  for (const id of ['a', 'b', 'c']) l.apply(fill({ tradeId: id }));
  t.notOk(l.has('binance', 'BTCUSDT', 'a'));
  t.ok(l.has('binance', 'BTCUSDT', 'c'));
});
